"""The fake Bot API's groups, forum topics, replies and copyMessage refuse what Telegram refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, Forbidden

from devtools.fake_telegram import FakeBotApi, FakeUser


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


@pytest.fixture
def resident(api: FakeBotApi) -> FakeUser:
    person = api.new_user("Mira", "sv")
    api.send_text(person, "hej")
    return person


async def test_forum_topics_threads_and_replies(api: FakeBotApi, bot: Bot) -> None:
    forum = api.groups.new_group("Forum", forum=True)
    chat = await bot.get_chat(forum.chat_id)
    assert chat.is_forum and chat.type == "supergroup"
    topic = await bot.create_forum_topic(forum.chat_id, "Ärende 1")
    sent = await bot.send_message(forum.chat_id, "x", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    reply = await bot.send_message(
        forum.chat_id,
        "y",
        message_thread_id=topic.message_thread_id,
        reply_parameters=ReplyParameters(sent.message_id),
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    with pytest.raises(BadRequest, match=r"(?i)thread not found"):
        await bot.send_message(forum.chat_id, "z", message_thread_id=999)
    with pytest.raises(BadRequest, match=r"(?i)replied not found"):
        await bot.send_message(forum.chat_id, "z", reply_parameters=ReplyParameters(999))
    api.rejected.clear()


async def test_plain_groups_have_no_topics_and_kicked_bots_get_403(
    api: FakeBotApi, bot: Bot
) -> None:
    group = api.groups.new_group("Grupp")
    with pytest.raises(BadRequest, match=r"(?i)not a forum"):
        await bot.create_forum_topic(group.chat_id, "Ärende 1")
    no_rights = api.groups.new_group("Forum", forum=True, bot_admin=False)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.create_forum_topic(no_rights.chat_id, "Ärende 1")
    api.groups.kick_bot(group)
    with pytest.raises(Forbidden, match=r"(?i)kicked"):
        await bot.send_message(group.chat_id, "x")
    with pytest.raises(Forbidden, match=r"(?i)kicked"):
        await bot.get_chat(group.chat_id)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-123)
    api.rejected.clear()


async def test_copy_message_copies_a_group_message_without_its_sender(
    api: FakeBotApi, bot: Bot, resident: FakeUser
) -> None:
    group = api.groups.new_group("Grupp")
    helper = api.new_user("Brobyggare", "sv")
    api.groups.say(helper, group, "Ett svar")
    message_id = max(mid for cid, mid in api.groups.user_messages if cid == group.chat_id)
    copied = await bot.copy_message(resident.chat_id, group.chat_id, message_id)
    [last] = [m for m in api.messages_in(resident.chat_id) if m.message_id == copied.message_id]
    assert last.plain == "Ett svar" and last.copied_from == (group.chat_id, message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(resident.chat_id, group.chat_id, 999)
    api.rejected.clear()


async def test_group_messages_carry_replies_and_topics(api: FakeBotApi, bot: Bot) -> None:
    forum = api.groups.new_group("Forum", forum=True)
    topic = await bot.create_forum_topic(forum.chat_id, "Ärende 1")
    post = await bot.send_message(forum.chat_id, "Fråga", message_thread_id=topic.message_thread_id)
    helper = api.new_user("Brobyggare", "sv")
    [case_post] = api.groups.messages(forum)
    api.groups.say(helper, forum, "Svar", reply_to=case_post)
    api.groups.say(helper, forum, "I ämnet", thread=topic.message_thread_id)
    updates = await bot.get_updates()
    replied, in_topic = (u.message for u in updates[-2:])
    assert replied is not None and replied.reply_to_message is not None
    assert replied.reply_to_message.message_id == post.message_id
    assert replied.message_thread_id == topic.message_thread_id
    assert in_topic is not None and in_topic.is_topic_message
    assert in_topic.message_thread_id == topic.message_thread_id
    with pytest.raises(ValueError, match=r"(?i)no topic"):
        api.groups.say(helper, forum, "x", thread=12345)

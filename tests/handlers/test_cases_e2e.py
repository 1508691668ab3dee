"""Anonymous questions to bridge-builders end to end, against the fake Bot API's groups, forum
topics, replies and copyMessage: the question reaches the right municipality's group without
any identifier, the answer reaches the resident, /forget and expiry close cases, and no chat
id can be read from the database files or the logs."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

from bot.app import running_bot
from bot.config import BridgeBuilder, Settings
from bot.handlers.cases import check_groups, close_inactive
from bot.storage import cases as store
from devtools.fake_telegram import FakeBotApi, FakeUser, SentMessage
from tests.handlers.conftest import BRIDGE_BUILDER_ID, BridgeHarness, Harness

QUESTION = "Hur ansöker jag om försörjningsstöd när hyran är för hög?"


async def _resident(h: BridgeHarness, municipality_button: str | None = "Haninge") -> FakeUser:
    resident = h.api.new_user("Dragan", "sv", last_name="Taikon", username="dragan_t")
    greeting = await h.say(resident, "/start")
    await h.tap(resident, greeting, "Svenska")
    return resident


async def _ask(h: BridgeHarness, resident: FakeUser, text: str = QUESTION) -> SentMessage:
    """Menu -> ask -> Haninge -> intro -> text -> preview -> send; returns the confirmation."""
    menu = await h.say(resident, "/menu")
    intro = await h.tap(resident, menu, "brobyggare")
    if "Haninge" in intro.button_texts:  # no municipality chosen yet
        intro = await h.tap(resident, intro, "Haninge")
    assert "112" in intro.plain and "020-50 50 50" in intro.plain
    assert "14 dagar" in intro.plain and "personnummer" in intro.plain
    assert "inte ditt namn" in intro.plain
    preview = await h.say(resident, text)
    assert text in preview.plain
    send = next(label for label in preview.button_texts if "Skicka" in label)
    mark = h.api.mark()
    h.api.press(resident, preview, preview.button_texts.index(send))
    return await h.api.wait_for_message(resident.chat_id, timeout=30, after=mark)


def _identifiers(user: FakeUser) -> list[bytes]:
    values = [str(user.id).encode(), struct.pack(">q", user.id), struct.pack("<q", user.id)]
    values += [name.encode() for name in (user.first_name, user.last_name, user.username) if name]
    return values


def _data_files(h: BridgeHarness) -> list[Path]:
    return [path for path in h.settings.data_dir.rglob("*") if path.is_file()]


async def test_question_reaches_the_right_group_anonymously_and_the_answer_comes_back(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    resident = await _resident(h)
    confirmation = await _ask(h, resident)
    assert "ärende 1" in confirmation.plain.lower()

    # Haninge's forum got one topic and the case post; Huddinge's group got nothing.
    assert list(h.haninge.topics.values()) == ["Ärende 1"]
    [post] = h.api.groups.messages(h.haninge)
    assert h.api.groups.messages(h.huddinge) == []
    assert post.thread_id in h.haninge.topics
    assert QUESTION in post.plain and "Svenska" in post.plain and "Haninge" in post.plain
    for value in ("Dragan", "Taikon", "dragan_t", str(resident.id)):
        assert value not in post.text
    assert not any("tg://user" in str(entity) for entity in post.entities)

    # A bridge-builder writes in the case's topic: the resident gets it, marked.
    mark = h.api.mark()
    h.api.groups.say(
        h.builder, h.haninge, "Kontakta socialtjänsten, vi kan följa med.", thread=post.thread_id
    )
    answer = await h.api.wait_for_message(resident.chat_id, timeout=30, after=mark)
    assert "Kontakta socialtjänsten" in answer.plain
    assert "Svar från en brobyggare (ärende 1)" in answer.plain
    assert "Brobyggare" not in answer.plain.replace("brobyggare", "")  # no bridge-builder's name
    delivered = await h.api.wait_for_message(
        h.haninge.chat_id, lambda m: "Vidarebefordrat" in m.plain, timeout=30, after=mark
    )
    assert delivered.thread_id == post.thread_id

    # The resident answers again; it lands in the same topic, as a reply to the case.
    write = await h.tap(resident, answer, "Svara")
    mark = h.api.mark()
    h.api.send_text(resident, "Tack, när kan vi ses?")
    follow_up = await h.api.wait_for_message(
        h.haninge.chat_id, lambda m: "personen skriver" in m.plain, timeout=30, after=mark
    )
    assert "Tack, när kan vi ses?" in follow_up.plain and follow_up.thread_id == post.thread_id
    assert "Dragan" not in follow_up.text and write.chat_id == resident.chat_id

    # A reply to the follow-up also reaches the resident.
    mark = h.api.mark()
    h.api.groups.say(h.builder, h.haninge, "På tisdag kl 10.", reply_to=follow_up)
    second = await h.api.wait_for_message(
        resident.chat_id, lambda m: "tisdag" in m.plain, timeout=30, after=mark
    )
    assert "På tisdag kl 10." in second.plain

    # The resident closes; the group is told; a later answer is not passed on.
    mark = h.api.mark()
    closed = await h.tap(resident, second, "Avsluta")
    assert "avslutat" in closed.plain
    await h.api.wait_for_message(
        h.haninge.chat_id, lambda m: "avslutades av personen" in m.plain, timeout=30, after=mark
    )
    mark = h.api.mark()
    h.api.groups.say(h.builder, h.haninge, "Hej igen?", thread=post.thread_id)
    refused = await h.api.wait_for_message(
        h.haninge.chat_id, lambda m: "skickades inte vidare" in m.plain, timeout=30, after=mark
    )
    assert refused.thread_id == post.thread_id
    assert not [m for m in h.api.messages_in(resident.chat_id) if "Hej igen?" in m.plain]

    # Staff counts: one opened, one answered, anonymous and suppressed.
    [month] = await store.case_months(h.services.db)
    assert (month.municipality, month.opened, month.answered) == ("haninge", 1, 1)
    await h.settle()
    _assert_nothing_identifying(h, resident)


def _assert_nothing_identifying(h: BridgeHarness, resident: FakeUser) -> None:
    for path in _data_files(h):
        data = path.read_bytes()
        for value in _identifiers(resident):
            assert value not in data, (path.name, value)
        assert QUESTION.encode() not in data, path.name
    logs = "\n".join(record.getMessage() for record in h.caplog.records)
    for value in _identifiers(resident):
        assert value.decode("latin-1") not in logs
    assert QUESTION not in logs


async def test_a_plain_group_gets_replies_and_a_search_miss_can_become_a_case(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    resident = h.api.new_user("Mirela", "fi")
    greeting = await h.say(resident, "/start")
    await h.tap(resident, greeting, "Suomi")
    miss = await h.say(resident, "qwzx plorg vibbel")
    ask = next(label for label in miss.button_texts if "sillanrakentaja" in label.lower())
    mark = h.api.mark()
    h.api.press(resident, miss, miss.button_texts.index(ask))
    chooser = await h.api.wait_for_message(resident.chat_id, timeout=30, after=mark)
    mark = h.api.mark()
    h.api.press(resident, chooser, chooser.button_texts.index("Huddinge"))
    preview = await h.api.wait_for_message(
        resident.chat_id, lambda m: "qwzx" in m.plain, timeout=30, after=mark
    )
    send = await h.tap(resident, preview, "Lähetä")
    assert "1" in send.plain
    [post] = h.api.groups.messages(h.huddinge)
    assert "qwzx plorg vibbel" in post.plain and "Suomi" in post.plain and post.thread_id is None
    mark = h.api.mark()
    h.api.groups.say(h.other_builder, h.huddinge, "Vastaus tulee.", reply_to=post)
    answer = await h.api.wait_for_message(resident.chat_id, timeout=30, after=mark)
    assert "Vastaus tulee." in answer.plain and "sillanrakentajalta" in answer.plain


async def test_forget_and_expiry_close_cases(bridge_harness: BridgeHarness) -> None:
    h = bridge_harness
    first = await _resident(h)
    await _ask(h, first, "Första frågan om skolan")
    await _ask(h, first, "Andra frågan om skolan")
    second = h.api.new_user("Other", "sv")
    greeting = await h.say(second, "/start")
    await h.tap(second, greeting, "Svenska")
    await _ask(h, second, "Tredje frågan")
    assert len(await store.open_cases(h.services.db)) == 3

    await h.say(first, "/forget")
    still_open = await store.open_cases(h.services.db)
    assert [case.number for case in still_open] == [3]
    closed = [await store.get_case(h.services.db, n) for n in (1, 2)]
    assert all(c is not None and c.seal is None and c.lang is None for c in closed)

    # 14 days without a message: the last case closes, and both sides are told.
    h.services.today = lambda: dt.date.today() + dt.timedelta(days=14)
    mark = h.api.mark()
    assert await close_inactive(h.app.bot, h.services) == 1
    told = await h.api.wait_for_message(second.chat_id, timeout=30, after=mark)
    assert "14 dagar" in told.plain
    assert await store.open_cases(h.services.db) == []
    await h.settle()
    for person in (first, second):
        _assert_nothing_identifying(h, person)


async def test_an_unreachable_group_makes_the_button_disappear(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    resident = await _resident(h)
    menu = await h.say(resident, "/menu")
    assert any("brobyggare" in label for label in menu.button_texts)
    h.api.groups.kick_bot(h.haninge)
    h.api.groups.kick_bot(h.huddinge)
    await check_groups(h.app.bot, h.services)
    menu = await h.say(resident, "/menu")
    assert not any("brobyggare" in label for label in menu.button_texts)
    miss = await h.say(resident, "qwzx plorg vibbel")
    assert not any("brobyggare" in label for label in miss.button_texts)
    # Telegram refused getChat for the kicked groups; nothing else was tried.
    assert {r.method for r in h.api.rejected} == {"getChat"}
    h.api.rejected.clear()


async def test_an_open_case_survives_a_restart(tmp_path: Path) -> None:
    """The sealed record is on disk and its key beside the HMAC key: a restart loses nothing."""
    async with FakeBotApi() as api:
        builder = api.new_user("Brobyggare", "sv", user_id=BRIDGE_BUILDER_ID)
        group = api.groups.new_group("Brobyggare Haninge")
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=tmp_path / "data",
            bridge_builders=(BridgeBuilder(BRIDGE_BUILDER_ID, "haninge"),),
            bridge_builder_chats={"haninge": group.chat_id},
        )
        resident = api.new_user("Resident", "rom")
        async with running_bot(settings, poll_timeout=1) as app:
            services = app.bot_data["services"]
            h = Harness(api, app, settings)
            greeting = await h.say(resident, "/start")
            await h.tap(resident, greeting, "Romani")
            menu = await h.say(resident, "/menu")
            chooser = await h.tap(resident, menu, "brobyggare")
            await h.tap(resident, chooser, "Haninge")
            preview = await h.say(resident, "Pučipe anda škola")
            await h.tap(resident, preview, "📨")
            assert len(await store.open_cases(services.db)) == 1
        [post] = api.groups.messages(group)
        async with running_bot(settings, poll_timeout=1):
            mark = api.mark()
            api.groups.say(builder, group, "Răspuns pala restart", reply_to=post)
            answer = await api.wait_for_message(resident.chat_id, timeout=30, after=mark)
            assert "Răspuns pala restart" in answer.plain
        assert api.rejected == []


async def test_privacy_says_what_a_case_keeps(bridge_harness: BridgeHarness) -> None:
    h = bridge_harness
    resident = await _resident(h)
    privacy = await h.say(resident, "/privacy")
    assert "krypterat" in privacy.plain and "14 dagar" in privacy.plain
    assert "Telegram-id, telefonnummer" not in privacy.plain  # the unqualified "never" is gone


async def test_a_photo_answer_is_copied_and_a_resident_who_left_closes_the_case(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    resident = await _resident(h)
    # The bridge-builders topic offers the question too.
    topic = await h.say(resident, "/start sv-bridge-builders")
    if "Haninge" in topic.button_texts:  # a local topic asks for the municipality first
        topic = await h.tap(resident, topic, "Haninge")
    assert any("brobyggare (anonymt)" in label for label in topic.button_texts)
    await _ask(h, resident, "Var ligger mötesplatsen?")
    post = next(m for m in h.api.groups.messages(h.haninge) if "mötesplatsen" in m.plain)
    mark = h.api.mark()
    h.api.groups.say(h.builder, h.haninge, "Här", thread=post.thread_id, photo=b"\xff\xd8map")
    copied = await h.api.wait_for_message(
        resident.chat_id, lambda m: m.kind == "photo", timeout=30, after=mark
    )
    assert copied.copied_from is not None and copied.file == b"\xff\xd8map"
    assert any("Svara" in label for label in copied.button_texts)
    header = [
        m for m in h.api.messages_in(resident.chat_id) if "Svar från en brobyggare" in m.plain
    ]
    assert header  # marked as coming from a bridge-builder
    # The resident blocks the bot: the next answer closes the case and the group is told.
    h.api.block_bot(resident)
    mark = h.api.mark()
    h.api.groups.say(h.builder, h.haninge, "Hallå?", thread=post.thread_id)
    await h.api.wait_for_message(
        h.haninge.chat_id, lambda m: "kunde inte levereras" in m.plain, timeout=30, after=mark
    )
    assert await store.open_cases(h.services.db) == []
    assert {r.method for r in h.api.rejected} == {"sendMessage"}  # the blocked resident's chat
    h.api.rejected.clear()


async def test_the_resident_may_send_the_question_without_personal_details(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    resident = await _resident(h)
    menu = await h.say(resident, "/menu")
    intro = await h.tap(resident, menu, "brobyggare")
    if "Haninge" in intro.button_texts:
        intro = await h.tap(resident, intro, "Haninge")
    preview = await h.say(resident, "Ring mig på 070-123 45 67 om bostaden")
    assert "[borttaget]" in preview.plain  # offered, in the resident's language
    sent = await h.tap(resident, preview, "utan personuppgifter")
    assert "ärende" in sent.plain.lower()
    post = h.api.groups.messages(h.haninge)[-1]
    assert "[borttaget]" in post.plain and "123 45 67" not in post.plain

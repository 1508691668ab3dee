"""Bridge-builders end to end: /links gives a link, a QR PNG and a poster whose code opens the
chosen topic with their tag; /reach counts people once per tag and week, suppressed; only
bridge-builders see the commands."""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

from bot.links.deeplinks import DeepLink, deep_link_url
from bot.links.qr import qr_svg_inline
from bot.links.tags import SourceTag
from bot.storage import tags as tag_store
from bot.storage.database import iso_week
from devtools.fake_telegram import SentMessage
from devtools.qr_png import encodes
from tests.handlers.conftest import BRIDGE_BUILDER_ID, STAFF_ID, BridgeHarness

TAG = "haninge-bibl"


async def _messages_after(
    h: BridgeHarness, chat_id: int, mark: int, count: int
) -> list[SentMessage]:
    found: list[SentMessage] = []
    while len(found) < count:
        message = await h.api.wait_for_message(chat_id, after=mark)
        mark = h.api.events.index(next(e for e in h.api.events if e.message is message)) + 1
        found.append(message)
    return found


async def _links(h: BridgeHarness, line: str, count: int) -> list[SentMessage]:
    mark = h.api.mark()
    h.api.send_text(h.builder, line)
    return await _messages_after(h, h.builder.chat_id, mark, count)


async def test_one_line_links_gives_link_qr_and_poster_for_the_chosen_topic(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    link_message, photo, poster = await _links(
        h, f"/links rom-housing {TAG.upper()} Haninge bibliotek", 3
    )
    url = deep_link_url(h.api.bot_username, DeepLink("rom", "housing", TAG))
    assert url in link_message.plain and "Haninge bibliotek" in link_message.plain
    # The QR code PNG encodes exactly this URL (module matrix against a fresh encoding).
    assert photo.kind == "photo" and photo.file is not None
    assert encodes(photo.file, url)
    assert not encodes(photo.file, url.replace(TAG, "haninge-bib"))
    # The poster: HTML without Chromium (said so in the caption), PDF with it.
    assert poster.kind == "document" and poster.file is not None
    assert poster.filename is not None
    if poster.filename.endswith(".html"):
        assert "PDF" in poster.plain
        html = poster.file.decode()
        title = h.services.library.topic("rom", "housing").title
        assert qr_svg_inline(url, title) in html
        assert html.count('<svg class="qr"') == 1  # Romani only
        assert "Haninge bibliotek" in html
        privacy = h.services.translators["rom"]._(
            "The bot is anonymous. It never saves your name or phone number, nor your Telegram "
            "id in readable form. It remembers your language and municipality under a code and "
            "counts visits without knowing who you are."
        )
        assert escape(privacy) in html
    else:  # Chromium printed the same page: one A4 sheet
        assert poster.file.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page(?!s)", poster.file)) == 1
    # Registered, lower-cased, with the municipality and place.
    assert await tag_store.get_tag(h.services.db, TAG) == SourceTag(
        TAG, "haninge", "Haninge bibliotek"
    )

    # The link opens the topic in Romani, and the scan counts.
    resident = h.api.new_user("Resident", "sv")
    shown = await h.say(resident, f"/start rom-housing_{TAG}")
    assert title_in(shown, h.services.library.topic("rom", "housing").title)


def title_in(message: SentMessage, title: str) -> bool:
    return title in message.plain


async def test_links_with_buttons_reuses_a_registered_tag(bridge_harness: BridgeHarness) -> None:
    h = bridge_harness
    await tag_store.register_tag(h.services.db, TAG, "haninge", "Biblioteket", h.services.today())
    await tag_store.register_tag(h.services.db, "hudd-1", "huddinge", None, h.services.today())
    start = await h.say(h.builder, "/links")
    languages = await h.tap(h.builder, start, "Enkät")
    languages = await h.tap(h.builder, languages, "Svenska")
    languages = await h.tap(h.builder, languages, "Suomi")
    tags = await h.tap(h.builder, languages, "→")
    assert any(TAG in text for text in tags.button_texts)
    assert not any("hudd-1" in text for text in tags.button_texts)  # another municipality's
    mark = h.api.mark()
    h.api.press(h.builder, tags, next(i for i, t in enumerate(tags.button_texts) if TAG in t))
    link_message, sv_photo, fi_photo, poster = await _messages_after(h, h.builder.chat_id, mark, 4)
    sv_url = deep_link_url(h.api.bot_username, DeepLink("sv", "survey", TAG))
    fi_url = deep_link_url(h.api.bot_username, DeepLink("fi", "survey", TAG))
    assert sv_url in link_message.plain and fi_url in link_message.plain
    assert sv_photo.file is not None and encodes(sv_photo.file, sv_url)
    assert fi_photo.file is not None and encodes(fi_photo.file, fi_url)
    assert poster.file is not None and poster.filename is not None
    if poster.filename.endswith(".html"):
        assert b"Biblioteket" in poster.file
        assert poster.file.count(b'<svg class="qr"') == 2  # Swedish and Finnish
    # The survey link opens the survey's first step.
    resident = h.api.new_user("Resident", "fi")
    first = await h.say(resident, f"/start fi-survey_{TAG}")
    assert first.buttons, first.plain


async def test_bad_tags_and_strangers_are_refused(bridge_harness: BridgeHarness) -> None:
    h = bridge_harness
    refused = await h.say(h.builder, "/links sv-housing 19850101-1234")
    assert "sex siffror i rad" in refused.plain
    unknown = await h.say(h.builder, "/links sv-nonsense haninge1")
    assert "/links" in unknown.plain
    await tag_store.register_tag(h.services.db, "hudd-1", "huddinge", None, h.services.today())
    taken = await h.say(h.builder, "/links sv-housing hudd-1")
    assert "hudd-1" in taken.plain
    assert await tag_store.get_tag(h.services.db, "19850101-1234") is None
    # Not a bridge-builder: /links and /reach are unknown commands (the main menu).
    resident = h.api.new_user("Resident", "sv")
    await h.say(resident, "/start")
    menu = await h.say(resident, "/links sv-housing x1")
    assert "/links" not in menu.plain
    assert not any("poster" in text.lower() for text in menu.button_texts)


async def test_help_and_the_command_menu_show_bridge_commands_to_bridge_builders_only(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    builder_help = await h.say(h.builder, "/help")
    assert "/links" in builder_help.plain and "/reach" in builder_help.plain
    resident = h.api.new_user("Resident", "sv")
    resident_help = await h.say(resident, "/help")
    assert "/links" not in resident_help.plain
    scoped = h.api.commands[(f"chat:{BRIDGE_BUILDER_ID}", "")]
    assert {"links", "reach"} <= {name for name, _ in scoped}
    assert "links" not in {name for name, _ in h.api.commands[("default", "")]}


async def test_reach_counts_people_once_per_week_and_suppresses_small_counts(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    await tag_store.register_tag(h.services.db, TAG, "haninge", "Biblioteket", h.services.today())
    people = [h.api.new_user(f"P{i}", "sv") for i in range(3)]
    for person in people:
        await h.say(person, f"/start sv-housing_{TAG}")
    await h.say(people[0], f"/start sv-housing_{TAG.upper()}")  # a case variant: the same tag
    week = iso_week(h.services.today())
    [row] = await tag_store.reach(h.services.db, [TAG], [week])
    assert (row.scans, row.people) == (4, 3)
    small = await h.say(h.builder, "/reach")
    assert f"{week}: <5" in small.plain
    assert re.search(rf"{week}: 3\b", small.plain) is None  # never an exact small count
    more = [h.api.new_user(f"Q{i}", "sv") for i in range(3)]
    for person in more:
        await h.say(person, f"/start sv-libraries_{TAG}")
    shown = await h.say(h.builder, "/reach")
    assert re.search(rf"{week}: 6 \w+, 7 ", shown.plain), shown.plain
    # A tag from content/source-tags.yaml counts too, and a bridge-builder cannot take it over.
    await h.say(people[0], "/start sv-housing_haninge1")
    with_static = await h.say(h.builder, "/reach")
    assert "haninge1" in with_static.plain
    refused = await h.say(h.other_builder, "/links sv-housing haninge1")
    assert "annan kommun" in refused.plain
    # The other municipality's bridge-builder does not see Haninge's tags.
    other = await h.say(h.other_builder, "/reach")
    assert TAG not in other.plain
    # Nothing about the people on disk: only the two counts.
    database = h.settings.database_path.read_bytes()
    for person in [*people, *more]:
        assert str(person.id).encode() not in database


async def test_a_new_tag_typed_after_the_buttons_and_staff_see_every_municipality(
    bridge_harness: BridgeHarness,
) -> None:
    h = bridge_harness
    start = await h.say(h.builder, "/links")
    section = await h.tap(h.builder, start, "Mötesplatser")
    title = h.services.library.topic("sv", "libraries").title
    languages = await h.tap(h.builder, section, title)
    languages = await h.tap(h.builder, languages, "Romani")
    tags = await h.tap(h.builder, languages, "→")
    prompt = await h.tap(h.builder, tags, "Ny tagg")
    assert "haninge-bibl" in prompt.plain  # the example
    mark = h.api.mark()
    h.api.send_text(h.builder, "HN-Lib Handens bibliotek")
    sent = await _messages_after(h, h.builder.chat_id, mark, 3)
    url = deep_link_url(h.api.bot_username, DeepLink("rom", "libraries", "hn-lib"))
    assert url in sent[0].plain and "Handens bibliotek" in sent[0].plain
    assert sent[1].file is not None and encodes(sent[1].file, url)
    await tag_store.register_tag(h.services.db, "ml-1", "malmo", "Rosengård", h.services.today())
    staff = h.api.new_user("Handläggare", "sv", user_id=STAFF_ID)
    await h.say(staff, "/start")
    overview = await h.say(staff, "/reach")
    assert "hn-lib" in overview.plain and "ml-1" in overview.plain
    assert "Haninge" in overview.plain and "Malmö" in overview.plain
    assert "Frågor till brobyggare" in overview.plain


async def test_staff_scoped_to_one_municipality_see_only_its_tags_and_cases(
    bridge_harness: BridgeHarness,
) -> None:
    """BOT_STAFF=<id>:malmo: /reach shows Malmö's tags, never Haninge's."""
    h = bridge_harness
    h.services.settings = replace(h.services.settings, staff_scopes=((STAFF_ID, ("malmo",)),))
    await tag_store.register_tag(h.services.db, "ml-2", "malmo", "Rosengård", h.services.today())
    await tag_store.register_tag(h.services.db, "hn-2", "haninge", "Handen", h.services.today())
    coordinator = h.api.new_user("Samordnare", "sv", user_id=STAFF_ID)
    greeting = await h.say(coordinator, "/start")
    await h.tap(coordinator, greeting, "Svenska")
    overview = await h.say(coordinator, "/reach")
    assert "ml-2" in overview.plain and "Malmö" in overview.plain
    assert "hn-2" not in overview.plain and "Haninge" not in overview.plain

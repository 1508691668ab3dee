"""A scripted poster campaign through the real bot: do the reach figures tell the truth?

`python -m devtools campaign` runs the real Application against the fake Bot API. Two
bridge-builders (Haninge, Malmö) make their posters in the chat with one-line /links commands;
every QR code PNG the bot sends is read back (devtools/qr_png.py) and must encode the link.
Then simulated residents scan the posters over four ISO weeks: some several times in a week,
some on a poster printed before tags were lower-cased (upper-case tag), some on an unregistered
tag. The bot's clock moves day by day. At the end the script compares, per tag and week:

* the truth (scans, distinct people, known only to the script),
* what the bot stored (tag_reach: scans and people, nothing else),
* what the bridge-builder's /reach shows (suppressed: 1-4 as "<5").

A few residents also ask the bridge-builders a question, and some are answered; staff's /reach
shows the anonymous case counts. Everything runs in a temporary directory; nothing is kept.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.app import running_bot
from bot.config import BridgeBuilder, Settings
from bot.content.model import LANGUAGES
from bot.links.deeplinks import DeepLink, deep_link_url
from bot.services import Services
from bot.storage import cases as case_store
from bot.storage import tags as tag_store
from bot.storage.database import iso_week
from devtools.fake_telegram import FakeBotApi, FakeUser, InProcessRequest, SentMessage
from devtools.qr_png import encodes

#: Monday of ISO week 45 of 2026; the campaign runs four weeks.
FIRST_DAY = dt.date(2026, 11, 2)
WEEKS = 4
HANINGE_BUILDER, MALMO_BUILDER, STAFF = 7001, 7002, 7003


@dataclass(frozen=True, slots=True)
class Poster:
    command: str
    tag: str
    target: str
    langs: tuple[str, ...]
    #: Scans a week, roughly: the poster's pull.
    weekly_scans: int


POSTERS = (
    Poster("/links rom-housing hn-bibl Haninge bibliotek", "hn-bibl", "housing", ("rom",), 14),
    Poster("/links sv,rom-survey hn-vc Vårdcentralen Handen", "hn-vc", "survey", ("sv", "rom"), 6),
    Poster("/links fi,rom-menu ml-kyrka Rosengårds kyrka", "ml-kyrka", "menu", ("fi", "rom"), 9),
    Poster("/links sv-school-support ml-skola Skolan", "ml-skola", "school-support", ("sv",), 2),
)


@dataclass
class Truth:
    scans: int = 0
    people: set[int] | None = None


async def _reply(api: FakeBotApi, user: FakeUser, text: str) -> str:
    mark = api.mark()
    api.send_text(user, text)
    return (await api.wait_for_message(user.chat_id, after=mark, timeout=30)).plain


async def _make_posters(api: FakeBotApi, builders: dict[str, FakeUser]) -> list[str]:
    lines = []
    for poster in POSTERS:
        builder = builders["haninge" if poster.tag.startswith("hn") else "malmo"]
        mark = api.mark()
        api.send_text(builder, poster.command)
        expected = 2 + len(poster.langs)  # link message, one QR per language, the poster
        sent: list[SentMessage] = []
        while len(sent) < expected:
            message = await api.wait_for_message(builder.chat_id, after=mark, timeout=30)
            mark = next(i for i, e in enumerate(api.events) if e.message is message) + 1
            sent.append(message)
        photos = [m for m in sent if m.kind == "photo"]
        ordered = [lang for lang in LANGUAGES if lang in poster.langs]  # the bot's order
        for lang, photo in zip(ordered, photos, strict=True):
            url = deep_link_url(api.bot_username, DeepLink(lang, poster.target, poster.tag))
            assert photo.file is not None and encodes(photo.file, url), url
        document = sent[-1]
        lines.append(
            f"poster {poster.tag:9} {poster.target:15} {','.join(poster.langs):7} "
            f"QR codes read back: {len(photos)}/{len(poster.langs)} ok; "
            f"poster file {document.filename}"
        )
    return lines


async def run_campaign(seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="campaign-") as tmp:
        async with FakeBotApi() as api:
            builders = {
                "haninge": api.new_user("Brobyggare H", "sv", user_id=HANINGE_BUILDER),
                "malmo": api.new_user("Brobyggare M", "sv", user_id=MALMO_BUILDER),
            }
            staff = api.new_user("Handläggare", "sv", user_id=STAFF)
            haninge_group = api.groups.new_group("Brobyggare Haninge", forum=True)
            malmo_group = api.groups.new_group("Brobyggare Malmö")
            settings = Settings(
                token=api.token,
                api_base_url=api.base_url,
                data_dir=Path(tmp) / "data",
                staff_ids=frozenset({STAFF}),
                bridge_builders=(
                    BridgeBuilder(HANINGE_BUILDER, "haninge"),
                    BridgeBuilder(MALMO_BUILDER, "malmo"),
                ),
                bridge_builder_chats={
                    "haninge": haninge_group.chat_id,
                    "malmo": malmo_group.chat_id,
                },
            )
            async with running_bot(
                settings, poll_timeout=1, rate_limits=None, transport=lambda: InProcessRequest(api)
            ) as app:
                services: Services = app.bot_data["services"]
                services.today = lambda: FIRST_DAY
                lines = await _make_posters(api, builders)
                truth = await _scan(api, services, rng)
                lines += await _compare(api, services, builders, truth)
                lines += await _questions(api, services, staff, haninge_group, rng)
        return lines


async def _scan(
    api: FakeBotApi, services: Services, rng: random.Random
) -> dict[tuple[str, str], Truth]:
    """Residents scan the posters day by day; the script keeps the truth."""
    pool = [api.new_user(f"R{i}", rng.choice(["sv", "fi", None])) for i in range(90)]
    truth: dict[tuple[str, str], Truth] = defaultdict(lambda: Truth(0, set()))
    for day_number in range(WEEKS * 7):
        day = FIRST_DAY + dt.timedelta(days=day_number)
        services.today = lambda day=day: day  # type: ignore[misc]
        week = iso_week(day)
        for poster in POSTERS:
            for _ in range(_poisson(rng, poster.weekly_scans / 7)):
                # A third of a week's scans are people who scanned this poster before.
                person = rng.choice(pool[:30] if rng.random() < 0.33 else pool)
                tag = poster.tag.upper() if rng.random() < 0.1 else poster.tag
                lang = rng.choice(poster.langs)
                await _reply(api, person, f"/start {lang}-{poster.target}_{tag}")
                if poster.target == "survey":
                    await _reply(api, person, "/cancel")
                entry = truth[(poster.tag, week)]
                entry.scans += 1
                assert entry.people is not None
                entry.people.add(person.id)
        if rng.random() < 0.3:  # a tag nobody registered: not counted as reach
            await _reply(api, rng.choice(pool), "/start sv-housing_hn-okand")
    return truth


def _poisson(rng: random.Random, mean: float) -> int:
    count, limit, product = 0, pow(2.718281828, -mean), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


async def _compare(
    api: FakeBotApi,
    services: Services,
    builders: dict[str, FakeUser],
    truth: dict[tuple[str, str], Truth],
) -> list[str]:
    weeks = [iso_week(FIRST_DAY + dt.timedelta(weeks=n)) for n in range(WEEKS)]
    stored = {
        (row.tag, row.week): row
        for row in await tag_store.reach(services.db, [p.tag for p in POSTERS], weeks)
    }
    shown_text = {m: await _reply(api, user, "/reach") for m, user in builders.items()}
    lines = [
        "",
        "tag        week      scans true/bot  people true/bot  /reach shows",
    ]
    exact = True
    for poster in POSTERS:
        municipality = "haninge" if poster.tag.startswith("hn") else "malmo"
        block = shown_text[municipality].split(poster.tag, 1)[1]
        for week in weeks:
            real = truth.get((poster.tag, week), Truth(0, set()))
            people = len(real.people or ())
            row = stored[(poster.tag, week)]
            exact &= (row.scans, row.people) == (real.scans, people)
            match = re.search(rf"{week}: ([^\n]+)", block)
            lines.append(
                f"{poster.tag:10} {week}  {real.scans:5}/{row.scans:<5}  "
                f"{people:6}/{row.people:<6}  {match.group(1) if match else '-'}"
            )
    unregistered = await tag_store.get_tag(services.db, "hn-okand")
    lines.append(
        f"bot counts equal the truth: {exact}; unregistered tag counted: {unregistered is not None}"
    )
    return lines


async def _questions(
    api: FakeBotApi,
    services: Services,
    staff: FakeUser,
    group: object,
    rng: random.Random,
) -> list[str]:
    """Seven residents ask Haninge's bridge-builders; five get an answer."""
    from devtools.fake_telegram.groups import FakeGroup

    assert isinstance(group, FakeGroup)
    builder = api._users[HANINGE_BUILDER]
    askers = []
    for i in range(7):
        person = api.new_user(f"Asker{i}", "sv")
        text = await _reply(api, person, "/start")
        menu = api.last_message(person.chat_id)
        assert menu is not None and text
        api.press_data(person, menu, "lang:sv")
        await api.wait_until_idle()
        await _reply(api, person, "/menu")
        menu = api.last_message(person.chat_id)
        assert menu is not None
        api.press_data(person, menu, "cs:ask")
        await api.wait_until_idle()
        api.press_data(person, api.last_message(person.chat_id), "cs:mun:haninge")  # type: ignore[arg-type]
        await api.wait_until_idle()
        await _reply(api, person, f"Fråga nummer {i} om skolskjuts")
        api.press_data(person, api.last_message(person.chat_id), "cs:send:raw")  # type: ignore[arg-type]
        await api.wait_until_idle()
        askers.append(person)
    posts = [m for m in api.groups.messages(group) if "Fråga nummer" in m.plain]
    for post in posts[:5]:
        services.now = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=rng.randint(1, 30))
        api.groups.say(builder, group, "Vi hör av oss i morgon.", thread=post.thread_id)
        await api.wait_until_idle()
    answered = sum(
        1
        for person in askers
        if any("Vi hör av oss" in m.plain for m in api.messages_in(person.chat_id))
    )
    months = await case_store.case_months(services.db)
    staff_view = await _reply(api, staff, "/reach")
    summary = staff_view.split("\n")[-1] if staff_view else ""
    return [
        "",
        f"questions: {len(posts)} reached Haninge's group, {answered} answers reached residents",
        f"stored per month: {[(m.municipality, m.month, m.opened, m.answered) for m in months]}",
        f"staff /reach: {summary}",
    ]


def run(seed: int = 13) -> list[str]:
    return asyncio.run(run_campaign(seed))

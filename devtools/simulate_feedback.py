"""Simulated residents giving feedback through the real bot, with planted patterns to find.

`python -m devtools simulate-feedback --out DIR` runs the real Application against the fake Bot
API: each resident starts the bot, chooses a language and answers the survey with the buttons
(and sometimes a comment) on a day of a 13-week quarter (ISO weeks 27 to 39 of 2026, which make
up July, August and September). The bot's clock is moved day by day, so everything is stored
exactly as in production. Then the staff exports of each municipality are written to DIR.

Four patterns are planted, each in one municipality only:

* P1: housing is rated worse in Malmö (mostly 1 or 2) than anywhere else;
* P2: mother-tongue tuition is rated better in Haninge (mostly 5);
* P3: in Stockholm, social services drop after week 31 (good in July, bad from August);
* P4: in Stockholm, health care rises after week 35 (bad until August, good in September).

Everything else is ordinary: most ratings good, some neither, a few bad, languages and age
bands mixed, a third of residents writing a comment. `patterns_seen` reads the patterns back
from what staff get (the suppressed tables and trends), which tests and the command print.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.app import running_bot
from bot.config import Settings
from bot.exports.build import build_export
from bot.exports.data import ExportData, TrendRow
from bot.exports.labels import Labels
from bot.exports.periods import Period
from bot.feedback.survey import AGE_BANDS, SERVICES, Step
from bot.i18n import LANGUAGE_NAMES
from bot.services import Services
from bot.ui import survey as survey_ui
from devtools.fake_telegram import FakeBotApi, FakeUser, SentMessage

#: Monday of ISO week 27 of 2026; thirteen weeks from it are July, August and September.
FIRST_DAY = dt.date(2026, 6, 29)
WEEKS = 13
QUARTER = Period.parse("2026-Q3")
#: The staff's today when the exports are made: the quarter has ended.
EXPORT_DAY = dt.date(2026, 10, 15)
MUNICIPALITIES: dict[str, float] = {"stockholm": 0.45, "malmo": 0.30, "haninge": 0.25}
#: Share of residents writing about their municipality's planted service(s).
FOCUS = 0.6
FOCUS_SERVICES: dict[str, tuple[str, ...]] = {
    "stockholm": ("social", "health"),
    "malmo": ("housing",),
    "haninge": ("mother-tongue",),
}
COMMENTS: dict[str, tuple[str, ...]] = {
    "sv": ("Lång väntetid.", "Bra bemötande, tack.", "Ingen lyssnade på mig.", "Svårt att förstå"),
    "fi": ("Pitkä jonotusaika.", "Hyvä palvelu, kiitos.", "Kukaan ei kuunnellut."),
    "rom": ("But ažukerdem.", "Lačhes dikhle man, nais.", "Khonik na ašunda man."),
}


@dataclass(frozen=True, slots=True)
class Resident:
    day: dt.date
    lang: str
    municipality: str
    service: str
    rating: int | None
    respect: str | None
    comment: str | None
    age_band: str | None


def _rating(rng: random.Random, shape: str) -> int:
    weights = {
        "ordinary": (3, 4, 10, 38, 45),
        "bad": (45, 40, 10, 4, 1),
        "excellent": (1, 1, 4, 14, 80),
    }[shape]
    return rng.choices((1, 2, 3, 4, 5), weights=weights)[0]


def _shape(municipality: str, service: str, day: dt.date) -> str:
    week = day.isocalendar()[1]
    if municipality == "malmo" and service == "housing":
        return "bad"  # P1
    if municipality == "haninge" and service == "mother-tongue":
        return "excellent"  # P2
    if municipality == "stockholm" and service == "social":
        return "ordinary" if week <= 31 else "bad"  # P3: a drop after week 31
    if municipality == "stockholm" and service == "health":
        return "bad" if week <= 35 else "excellent"  # P4: a rise after week 35
    return "ordinary"


def plan(count: int, seed: int = 12, focus: float = FOCUS) -> list[Resident]:
    """The residents and their answers (pure: the same seed gives the same residents)."""
    rng = random.Random(seed)
    services = [code for code, _ in SERVICES]
    residents = []
    for _ in range(count):
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(WEEKS * 7))
        municipality = rng.choices(list(MUNICIPALITIES), weights=list(MUNICIPALITIES.values()))[0]
        if rng.random() < focus:
            service = rng.choice(FOCUS_SERVICES[municipality])
        else:
            service = rng.choice(services)
        lang = rng.choices(("sv", "rom", "fi"), weights=(5, 3, 2))[0]
        rating = None if rng.random() < 0.04 else _rating(rng, _shape(municipality, service, day))
        bad = rating is not None and rating <= 2
        respect = rng.choices(
            ("yes", "partly", "no", None), weights=(2, 2, 3, 1) if bad else (12, 2, 1, 1)
        )[0]
        comment = rng.choice(COMMENTS[lang]) if rng.random() < 0.35 else None
        age = rng.choice([*(code for code, _ in AGE_BANDS), None])
        residents.append(Resident(day, lang, municipality, service, rating, respect, comment, age))
    return sorted(residents, key=lambda r: r.day)


# --- driving the real bot ----------------------------------------------------------------------


async def _next(api: FakeBotApi, user: FakeUser, mark: int) -> SentMessage:
    return await api.wait_for_message(user.chat_id, after=mark, timeout=30)


async def _press(api: FakeBotApi, user: FakeUser, screen: SentMessage, data: str) -> SentMessage:
    mark = api.mark()
    api.press_data(user, screen, data)
    return await _next(api, user, mark)


async def answer_survey(api: FakeBotApi, resident: Resident) -> None:
    """One resident's whole journey: /start, language, the survey with buttons, Send."""
    user = api.new_user(language_code="fi" if resident.lang == "fi" else "sv")
    mark = api.mark()
    api.send_text(user, "/start")
    greeting = await _next(api, user, mark)
    name = LANGUAGE_NAMES[resident.lang]  # type: ignore[index]
    index = next(i for i, text in enumerate(greeting.button_texts) if name in text)
    mark = api.mark()
    api.press(user, greeting, index)
    await _next(api, user, mark)
    mark = api.mark()
    api.send_text(user, "/feedback")
    screen = await _next(api, user, mark)

    def choose(step: Step, code: str | None) -> str:
        answer = survey_ui.Skip(step) if code is None else survey_ui.Choose(step, code)
        return survey_ui.encode(answer)

    screen = await _press(api, user, screen, choose(Step.SERVICE, resident.service))
    rating = None if resident.rating is None else str(resident.rating)
    screen = await _press(api, user, screen, choose(Step.RATING, rating))
    screen = await _press(api, user, screen, choose(Step.RESPECT, resident.respect))
    if resident.comment is None:
        screen = await _press(api, user, screen, choose(Step.COMMENT, None))
    else:
        mark = api.mark()
        api.send_text(user, resident.comment)
        screen = await _next(api, user, mark)
    screen = await _press(api, user, screen, choose(Step.AGE, resident.age_band))
    screen = await _press(api, user, screen, choose(Step.MUNICIPALITY, resident.municipality))
    await _press(api, user, screen, survey_ui.encode(survey_ui.Send()))


async def simulate(residents: Sequence[Resident], data_dir: Path, concurrency: int = 16) -> None:
    """Drive every resident through the real bot; the bot's clock follows the residents' days."""
    async with FakeBotApi() as api:
        settings = Settings(
            token=api.token,
            api_base_url=api.base_url,
            data_dir=data_dir,
            municipalities=tuple(MUNICIPALITIES),
        )
        async with running_bot(settings, poll_timeout=1, rate_limits=None) as app:
            services: Services = app.bot_data["services"]
            days = sorted({r.day for r in residents})
            gate = asyncio.Semaphore(concurrency)

            async def one(resident: Resident) -> None:
                async with gate:
                    await answer_survey(api, resident)

            for day in days:
                services.today = lambda day=day: day  # type: ignore[misc]
                await asyncio.gather(*(one(r) for r in residents if r.day == day))
                await api.wait_until_idle()


# --- reading the patterns back from what staff get ---------------------------------------------


async def exports(data_dir: Path, labels: Labels) -> dict[str, ExportData]:
    """The quarter's export of each municipality, as its coordinator gets it."""
    from bot.storage.database import Database

    db = await Database.open(data_dir / "bot.sqlite3")
    try:
        return {
            m: await build_export(db, period=QUARTER, scope=(m,), labels=labels, today=EXPORT_DAY)
            for m in MUNICIPALITIES
        }
    finally:
        await db.close()


#: A share as staff read it: the interval (low, high) it lies in; exact when low == high.
Read = tuple[float, float] | None


def _share(text: str) -> Read:
    """'80 %' as (0.8, 0.8), '<29 %' as (0, 0.29), '≥83 %' as (0.83, 1), '40–60 %' as
    (0.4, 0.6), '–' as None."""
    value = text.replace("\u00a0%", "").strip()
    if value.startswith("<") and value[1:].isdigit():
        return (0.0, int(value[1:]) / 100)
    if value.startswith("≥") and value[1:].isdigit():
        return (int(value[1:]) / 100, 1.0)
    low, _, high = value.partition("–")
    if low.isdigit() and high.isdigit():
        return (int(low) / 100, int(high) / 100)
    return (int(value) / 100, int(value) / 100) if value.isdigit() else None


def _row(data: ExportData, service: str) -> TrendRow:
    assert data.trend is not None
    name = data.labels.service(service)
    return next(r for r in data.trend.rows if r.service == name)


def trend_of(data: ExportData, service: str) -> tuple[Read, ...]:
    """Good shares per month of the quarter (July, August, September) as staff see them."""
    assert data.trend is not None
    row, months = _row(data, service), data.trend.months
    return tuple(_share(row.good[months.index(m)]) for m in QUARTER.months())


def quarter_share(data: ExportData, service: str) -> Read:
    return _share(_row(data, service).now)


def _high(read: Read) -> bool:
    return read is not None and read[0] >= 0.6


def _low(read: Read) -> bool:
    return read is not None and read[1] <= 0.45


def patterns_seen(data: ExportData) -> dict[str, bool]:
    """Which planted patterns this export shows, from the suppressed tables only: a share is
    high when it is at least 60 % (e.g. "≥83 %"), low when it is at most 45 % (e.g. "<44 %")."""
    mother_tongue = quarter_share(data, "mother-tongue")
    social = trend_of(data, "social")
    health = trend_of(data, "health")
    return {
        "P1 housing rated worse": _low(quarter_share(data, "housing")),
        "P2 mother-tongue tuition rated better": mother_tongue is not None
        and mother_tongue[0] >= 0.8,
        "P3 social services drop after week 31": _high(social[0]) and _low(social[-1]),
        "P4 health care rises after week 35": _low(health[0]) and _high(health[-1]),
    }


def run(out: Path, count: int, seed: int) -> list[str]:
    """Simulate, write each municipality's report and workbook to `out`, describe what is seen."""
    from bot.config import REPO_ROOT
    from bot.content import load_library
    from bot.exports.report import write_report_html
    from bot.exports.writers import write_xlsx
    from bot.i18n import load_translators

    data_dir = out / "data"
    residents = plan(count, seed)
    asyncio.run(simulate(residents, data_dir))
    library = load_library(REPO_ROOT / "content")
    labels = Labels(
        load_translators(REPO_ROOT / "locale")["sv"],
        {m.id: m.name for m in library.municipalities},
        {tid: library.topic("sv", tid).title for tid in library.topic_ids},
    )
    lines = [f"{len(residents)} residents over {WEEKS} weeks in {data_dir / 'bot.sqlite3'}"]
    for municipality, data in asyncio.run(exports(data_dir, labels)).items():
        write_report_html(data, out / f"rapport-{QUARTER}-{municipality}.html")
        write_xlsx(data, out / f"aterkoppling-{QUARTER}-{municipality}.xlsx")
        seen = [name for name, shown in patterns_seen(data).items() if shown]
        lines.append(f"{municipality}: {data.submissions} submissions; patterns seen: {seen}")
    return lines

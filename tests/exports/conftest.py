"""A temporary database with a few months of plausible anonymous data, and the export of it."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.content.model import Lang
from bot.exports.build import build_export
from bot.exports.data import ExportData
from bot.exports.labels import Labels
from bot.exports.periods import Period
from bot.i18n import Translator, load_translators
from bot.storage.database import Database, iso_week
from bot.storage.exports import week_month

TODAY = dt.date(2027, 1, 20)
YEAR = Period.parse("2026")
NAMES = {"stockholm": "Stockholm", "haninge": "Haninge", "malmo": "Malmö"}
TITLES = {"school-support": "Stöd i skolan", "housing": "Bostad", "health-care": "Vård"}
_TRANSLATORS: dict[Lang, Translator] = {}


def labels(lang: Lang = "sv") -> Labels:
    """Staff labels from the real catalogs (compiled once per test session)."""
    if not _TRANSLATORS:
        _TRANSLATORS.update(load_translators(REPO_ROOT / "locale"))
    return Labels(_TRANSLATORS[lang], NAMES, TITLES)


async def build(
    db: Database, period: Period | str = YEAR, scope: tuple[str, ...] | None = None
) -> ExportData:
    return await build_export(
        db,
        period=Period.parse(period) if isinstance(period, str) else period,
        scope=scope,
        labels=labels(),
        today=TODAY,
        topic_ids=tuple(TITLES),
    )


FIRST_DAY = dt.date(2026, 7, 27)  # Monday of 2026-W31
WEEKS = 16
SERVICES = ["school", "preschool", "social", "bridge", "place", "health", "housing", "work"]
SERVICES += ["mother-tongue", "culture"]
HOSTILE_COMMENTS = [
    '=HYPERLINK("http://evil.example","click")',
    "+46 is the code for Sweden",
    "-bra bemötande",
    "@SUM(A1:A9)",
    "\tindented",
    "\rcarriage",
    "<script>alert(1)</script> & more",
]


async def insert_feedback(db: Database, rows: Sequence[tuple[object, ...]]) -> None:
    """rows: (week, lang, service, rating, respect, comment, age_band, municipality); the month
    is the month of the week's Thursday, as the bot stores it."""
    async with db.transaction():
        await db.connection.executemany(
            "INSERT INTO feedback (id, week, month, lang, service, rating, respect, comment, "
            "age_band, municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(uuid.uuid4().hex, row[0], week_month(str(row[0])), *row[1:]) for row in rows],
        )


async def seed(db: Database, rng: random.Random) -> None:
    feedback = []
    for week_index in range(WEEKS):
        week = iso_week(FIRST_DAY + dt.timedelta(weeks=week_index))
        for _ in range(rng.randint(2, 14) if week_index != 5 else 0):
            service = rng.choice([*SERVICES, "school", "social", "health", None])
            rating = rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 5, None])
            feedback.append(
                (
                    week,
                    rng.choice(["sv", "sv", "sv", "rom", "fi"]),
                    service,
                    rating,
                    rng.choice(["yes", "yes", "yes", "partly", "no", None]),
                    rng.choice([None, None, "Bra hjälp med skolan", "Lång väntetid", "Tack!"]),
                    rng.choice(["u18", "18-30", "31-50", "31-50", "51+", None]),
                    rng.choice(["stockholm", "haninge", "haninge", "malmo", None]),
                )
            )
    for comment in HOSTILE_COMMENTS:
        feedback.append((iso_week(FIRST_DAY), "sv", "other", 3, "yes", comment, "u18", None))
    await insert_feedback(db, feedback)
    questions = [
        ("sv", "Hur söker jag bostad?"),
        ("sv", "hur söker jag bostad"),
        ("sv", "Hur söker jag  bostad?"),
        ("sv", "Hur söker jag bostad?"),
        ("sv", "Hur söker jag bostad?"),
        ("sv", "Hur söker jag bostad?"),
        ("fi", "Miten haen asuntoa?"),
        ("rom", "Sar te rodav buti?"),
        ("sv", "=1+1 <b>fet</b>"),
    ]
    async with db.transaction():
        await db.connection.executemany(
            "INSERT INTO unanswered_questions (id, week, lang, question) VALUES (?, ?, ?, ?)",
            [
                (uuid.uuid4().hex, iso_week(FIRST_DAY + dt.timedelta(weeks=i % WEEKS)), lang, q)
                for i, (lang, q) in enumerate(questions)
            ],
        )
        await db.connection.executemany(
            "INSERT INTO search_misses (week, lang, count) VALUES (?, ?, ?)",
            [
                (iso_week(FIRST_DAY + dt.timedelta(weeks=w)), lang, rng.randint(0, 9))
                for w in range(WEEKS)
                for lang in ("sv", "rom", "fi")
            ],
        )
        await db.connection.executemany(
            "INSERT INTO topic_views (topic_id, lang, week, count) VALUES (?, ?, ?, ?)",
            [
                (topic, lang, iso_week(FIRST_DAY + dt.timedelta(weeks=w)), rng.randint(1, 30))
                for w in range(WEEKS)
                for topic in ("school-support", "housing", "health-care", "work")
                for lang in ("sv", "rom", "fi")
                if rng.random() < 0.7
            ],
        )
        await db.connection.executemany(
            "INSERT INTO deeplink_counts (tag, day, count) VALUES (?, ?, ?)",
            [
                (tag, (FIRST_DAY + dt.timedelta(days=d)).isoformat(), rng.randint(1, 4))
                for d in range(WEEKS * 7)
                for tag in ("haninge1", "malmo-lib", "-cmd")
                if rng.random() < 0.3
            ],
        )


@pytest.fixture
async def seeded_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = await Database.open(tmp_path / "data" / "bot.sqlite3")
    await seed(db, random.Random(7))
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def export_data(seeded_db: Database) -> ExportData:
    return await build(seeded_db)

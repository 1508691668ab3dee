"""What residents are told staff see (bot/privacy/claims.py, written into /privacy) against what
the export contains: a change to either side without the other fails here."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from bot import cli
from bot.config import REPO_ROOT
from bot.content.model import LANGUAGES, Lang
from bot.exports.data import Comment, QuestionCount
from bot.feedback.survey import Draft
from bot.i18n import Translator, load_translators
from bot.privacy import claims
from bot.storage.database import Database
from bot.storage.feedback import save_feedback, save_unanswered
from bot.ui import privacy as privacy_ui
from bot.ui import survey as survey_ui


@pytest.fixture(scope="module")
def translators() -> dict[Lang, Translator]:
    return load_translators(REPO_ROOT / "locale")


def test_claimed_rows_are_the_exported_rows() -> None:
    shown = {"text": "comment"}  # the dataclass calls the comment `text`
    fields = tuple(shown.get(f.name, f.name) for f in dataclasses.fields(Comment))
    assert set(fields) == set(claims.FEEDBACK_ROW) | set(claims.FEEDBACK_ADDED)
    assert tuple(f.name for f in dataclasses.fields(QuestionCount)) == claims.QUESTION_ROW
    for hidden in claims.FEEDBACK_AGGREGATE_ONLY:
        assert hidden not in fields


def test_the_export_file_lists_exactly_the_claimed_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "data" / "bot.sqlite3"

    async def fill() -> None:
        db = await Database.open(db_path)
        draft = Draft(
            service="housing",
            rating=2,
            respect="no",
            comment="Det tog lång tid.",
            age_band="u18",
            municipality="haninge",
        )
        await save_feedback(db, draft, "rom", dt.date(2026, 8, 12))
        await save_unanswered(db, "var finns hjälp", "sv", dt.date(2026, 8, 12))
        await db.close()

    asyncio.run(fill())
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    out = tmp_path / "export.json"
    assert cli.main(["export", "--format", "json", "--period", "2026-08", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    [row] = data["comments"]
    added = {"needs_translation"}  # derived from the language
    assert set(row) == set(claims.FEEDBACK_ROW) | set(claims.FEEDBACK_ADDED) | added
    assert "u18" not in json.dumps(row) and "age" not in " ".join(row)
    [question] = data["unanswered_questions"]
    assert tuple(question) == claims.QUESTION_ROW


def test_everything_stored_with_feedback_is_claimed(tmp_path: Path) -> None:
    async def schema() -> dict[str, list[str]]:
        db = await Database.open(tmp_path / "bot.sqlite3")
        await db.close()
        with sqlite3.connect(tmp_path / "bot.sqlite3") as raw:
            return {
                table: [r[1] for r in raw.execute(f"PRAGMA table_info({table})")]
                for table in ("feedback", "unanswered_questions")
            }

    columns = asyncio.run(schema())
    claimed = {
        *claims.FEEDBACK_ROW,
        *claims.FEEDBACK_ADDED,
        *claims.FEEDBACK_AGGREGATE_ONLY,
        *claims.FEEDBACK_DERIVED,
        "id",
    }
    assert set(columns["feedback"]) <= claimed
    assert set(columns["unanswered_questions"]) <= {"id", "week", "lang", "question"}
    for never in claims.NEVER_STORED:
        assert never not in columns["feedback"] + columns["unanswered_questions"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_privacy_screen_names_every_claimed_field(
    translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    text = privacy_ui.privacy_screen(t, 180, 24, "Haninge kommun").text
    for name in (*claims.FEEDBACK_ROW, *claims.FEEDBACK_AGGREGATE_ONLY):
        label = t._(privacy_ui.FEEDBACK_FIELD_LABELS[name])
        assert label in text, (lang, name)
    assert "Haninge kommun" in text
    # The survey's thank-you says staff read it without knowing who sent it; true: no id.
    thanks = survey_ui.thanks_screen(t, 24).text
    assert "24" in thanks

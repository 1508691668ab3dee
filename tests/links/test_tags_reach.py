"""Source tags (validated, folded, registered per municipality) and honest weekly reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content import Library
from bot.links.deeplinks import SPECIAL_TARGETS, DeepLink, build_payload, parse_payload
from bot.links.reach import WeeklyPeople, shown
from bot.links.rows import LinkError
from bot.links.tags import clean_place, fold_tag, normalise_tag
from bot.storage import tags as store
from bot.storage.database import Database

DAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("raw", "tag"), [("Haninge1", "haninge1"), (" hn-bibl ", "hn-bibl"), ("a_b", "a_b")]
)
def test_tags_are_lower_cased(raw: str, tag: str) -> None:
    assert normalise_tag(raw) == tag
    assert fold_tag(raw.upper()) == tag


@pytest.mark.parametrize(
    "raw", ["x", "-x1", "hån", "a b", "a" * 25, "850101-1234", "tel0701234567", "19850101"]
)
def test_bad_or_personal_tags_are_refused(raw: str) -> None:
    with pytest.raises(LinkError):
        normalise_tag(raw)


def test_place_names_are_one_clean_line() -> None:
    assert clean_place("  Haninge\n bibliotek\u200b ") == "Haninge bibliotek"
    assert clean_place("") is None and clean_place(None) is None
    with pytest.raises(LinkError):
        clean_place("x" * 61)


def test_menu_and_survey_are_targets_no_topic_uses(library: Library) -> None:
    assert not set(SPECIAL_TARGETS) & set(library.topic_ids)
    for target in SPECIAL_TARGETS:
        link = DeepLink("rom", target, "haninge-bibl")
        assert parse_payload(build_payload(link)) == link


def test_people_are_counted_once_per_tag_and_week() -> None:
    people = WeeklyPeople()
    assert people.first_visit("t1", 42, "2026-W49")
    assert not people.first_visit("t1", 42, "2026-W49")
    assert people.first_visit("t2", 42, "2026-W49")  # another tag
    assert people.first_visit("t1", 43, "2026-W49")
    assert len(people) == 3
    assert people.first_visit("t1", 42, "2026-W50")  # a new week forgets everything
    assert len(people) == 1


def test_the_sets_hold_no_id() -> None:
    people = WeeklyPeople()
    people.first_visit("t1", 123_456_789, "2026-W49")
    [digest] = people._seen
    assert b"123456789" not in digest and len(digest) == 16


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (123, "123")]
)
def test_small_counts_are_never_exact(count: int, text: str) -> None:
    assert shown(count) == text


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


async def test_registry_and_reach_rows(db: Database) -> None:
    await store.register_tag(db, "hn-bibl", "haninge", "Biblioteket", DAY)
    await store.register_tag(db, "hn-bibl", "haninge", None, DAY)  # keeps the place
    assert (await store.get_tag(db, "hn-bibl")).place == "Biblioteket"  # type: ignore[union-attr]
    with pytest.raises(store.TagTaken):
        await store.register_tag(db, "hn-bibl", "malmo", None, DAY)
    await store.register_tag(db, "ml-1", "malmo", None, DAY)
    assert [t.tag for t in await store.tags_of(db, "haninge")] == ["hn-bibl"]
    assert [t.tag for t in await store.tags_of(db)] == ["hn-bibl", "ml-1"]
    await store.count_reach(db, "hn-bibl", DAY, new_person=True)
    await store.count_reach(db, "hn-bibl", DAY, new_person=False)
    rows = await store.reach(db, ["hn-bibl", "ml-1"], ["2026-W49", "2026-W48"])
    assert [(r.tag, r.week, r.scans, r.people) for r in rows] == [
        ("hn-bibl", "2026-W49", 2, 1),
        ("hn-bibl", "2026-W48", 0, 0),
        ("ml-1", "2026-W49", 0, 0),
        ("ml-1", "2026-W48", 0, 0),
    ]

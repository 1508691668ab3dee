"""The loader turns YAML into typed topics and refuses anything the schema does not allow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.content import ContentError, Library, load_library, load_library_with_problems
from bot.content.model import LANGUAGES

TOPIC = """\
id: {id}
title: Titel
review: draft
summary: En kort sammanfattning.
next_steps:
  - Ring kommunen.
sources:
  - url: https://www.example.se/
    title: Källa
    verified: {{date: 2026-11-01, how: page, by: redaktör}}
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _errors(content_dir: Path) -> list[str]:
    _, problems = load_library_with_problems(content_dir)
    return [str(p) for p in problems if p.severity == "error"]


def test_real_content_loads_with_every_topic_in_every_language(library: Library) -> None:
    assert len(library.topic_ids) == 22
    for topic_id in library.topic_ids:
        for lang in LANGUAGES:
            topic = library.topics[(lang, topic_id)]
            assert topic.title and topic.summary and topic.next_steps
            assert topic.sources, f"{lang}/{topic_id} has no sources (inherited or own)"


def test_translations_inherit_swedish_sources(library: Library) -> None:
    topic_id = library.topic_ids[0]
    assert library.topics[("rom", topic_id)].sources == library.topics[("sv", topic_id)].sources


def test_source_dates_are_dates(library: Library) -> None:
    sources = [s for t in library.topics.values() for s in t.sources if s.verified.date]
    assert sources, "no source records the day it was verified"
    assert all(isinstance(s.verified.date, dt.date) for s in sources)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("title: no", "expected text, got a boolean"),
        ("title: 012", "expected text, got a number"),
        ("colour: blue", "unknown key 'colour'"),
        ("review: done", "'done' is not one of draft, reviewed"),
    ],
)
def test_yaml_surprises_and_unknown_keys_are_errors_with_file_and_line(
    content_copy: Path, line: str, needle: str
) -> None:
    path = content_copy / "sv" / "housing.yaml"
    key = line.split(":")[0]
    kept = [row for row in path.read_text().splitlines() if not row.startswith(f"{key}:")]
    _write(path, "\n".join([*kept, line]) + "\n")
    errors = _errors(content_copy)
    expected_line = len(kept) + 1
    assert any(needle in e and f"housing.yaml:{expected_line}:" in e for e in errors), errors


def test_missing_required_field_is_reported(content_copy: Path) -> None:
    path = content_copy / "fi" / "housing.yaml"
    kept = [row for row in path.read_text().splitlines() if not row.startswith("title:")]
    _write(path, "\n".join(kept) + "\n")
    assert any(
        "missing required key 'title'" in e and "fi/housing.yaml" in e
        for e in _errors(content_copy)
    )


def test_source_must_be_https(content_copy: Path) -> None:
    _write(
        content_copy / "sv" / "housing.yaml",
        TOPIC.format(id="housing").replace("https://", "http://"),
    )
    assert any("must be an https:// URL" in e for e in _errors(content_copy))


def test_id_must_match_file_name(content_copy: Path) -> None:
    _write(content_copy / "sv" / "housing.yaml", TOPIC.format(id="housin"))
    assert any("does not match file name" in e for e in _errors(content_copy))


def test_missing_translation_is_an_error_but_falls_back_to_swedish(content_copy: Path) -> None:
    (content_copy / "rom" / "housing.yaml").unlink()
    library, problems = load_library_with_problems(content_copy)
    assert any("'housing' is missing in 'rom'" in str(p) for p in problems)
    assert library is not None
    fallback = library.topic("rom", "housing")
    assert fallback.is_fallback and fallback.title == library.topics[("sv", "housing")].title


def test_broken_related_reference_is_an_error(content_copy: Path) -> None:
    text = TOPIC.format(id="housing") + "related: [no-such-topic]\n"
    _write(content_copy / "sv" / "housing.yaml", text)
    assert any("related topic 'no-such-topic' does not exist" in e for e in _errors(content_copy))


def test_invalid_yaml_names_the_line(content_copy: Path) -> None:
    _write(content_copy / "sv" / "housing.yaml", "id: housing\ntitle: [unclosed\n")
    assert any("invalid YAML" in e and "housing.yaml" in e for e in _errors(content_copy))


def test_load_library_raises_with_every_problem(content_copy: Path) -> None:
    _write(content_copy / "sv" / "housing.yaml", "id: housing\n")
    _write(content_copy / "sv" / "work.yaml", "id: work\n")
    with pytest.raises(ContentError) as raised:
        load_library(content_copy)
    messages = [str(p) for p in raised.value.problems]
    assert any("housing.yaml" in m for m in messages) and any("work.yaml" in m for m in messages)


def test_place_without_source_does_not_ship(content_copy: Path) -> None:
    _write(
        content_copy / "places" / "nowhere.yaml",
        "id: nowhere\nmunicipality: malmo\nkinds: [library]\nname: X\n"
        "description: {sv: Text}\nsources: []\n",
    )
    library, problems = load_library_with_problems(content_copy)
    assert any("without an official source" in str(p) for p in problems)
    assert library is not None and all(p.id != "nowhere" for p in library.places)


def test_places_are_filtered_by_municipality_and_kind(library: Library) -> None:
    malmo_libraries = library.places_for("libraries", "malmo")
    assert malmo_libraries and all(p.municipality == "malmo" for p in malmo_libraries)
    assert all("library" in p.kinds for p in malmo_libraries)

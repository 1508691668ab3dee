"""Issue 11's content beside the topics: pictograms, control words, source tags and audio."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.content import Library, load_library_with_problems
from bot.content.addons import load_addons
from bot.content.audio import OggError, load_audio, read_ogg_opus
from bot.content.checker import check
from bot.content.control_words import CONTROLS, load_control_words, normalise
from bot.content.model import Lang
from bot.feedback.helpful import HelpfulVotes
from bot.i18n import Translator
from bot.links.posters import write_posters
from bot.links.sourcetags import ChainedTags, StaticTags, TaggedPlace, load_source_tags
from devtools.ogg_opus import silent_ogg_opus

LOCALE_DIR = REPO_ROOT / "locale"
CONTENT_DIR = REPO_ROOT / "content"


def test_every_section_and_topic_has_its_own_pictogram(library: Library) -> None:
    icons = library.pictograms
    assert all(icons.section(section.id) for section in library.sections)
    topic_icons = [icons.topic(tid) for tid in library.topic_ids]
    assert all(topic_icons) and len(set(topic_icons)) == len(topic_icons)


def test_a_missing_or_shared_pictogram_is_an_error(content_copy: Path) -> None:
    path = content_copy / "pictograms.yaml"
    text = path.read_text(encoding="utf-8").replace('  work: "💼"\n', '  work: "🏠"\n')
    path.write_text(text.replace('  libraries: "📚"\n', ""), encoding="utf-8")
    _, problems = load_library_with_problems(content_copy)
    messages = [p.message for p in problems if p.path == path]
    assert any("libraries has no icon" in m for m in messages)
    assert any("share the icon" in m for m in messages)


def test_posters_show_the_topics_pictogram(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path
) -> None:
    posters = write_posters(library, "RomaInfoBot", None, tmp_path, translators=translators)
    housing = next(p for p in posters if p.topic_id == "housing")
    assert "<h2>🏠 " in housing.path.read_text(encoding="utf-8")


def test_control_words_ignore_case_accents_and_punctuation() -> None:
    words, problems = load_control_words(CONTENT_DIR / "control-words.yaml")
    assert problems == []
    assert normalise("  Hjälp!! ") == "hjalp" and normalise("ČHIB") == "chib"
    for text, control in {
        "meny": "menu",
        "VALIKKO": "menu",
        "hjalp": "help",
        "apua": "help",
        "žutipe": "help",
        "radera mina uppgifter": "forget",
        "khos mire informacije": "forget",
        "tillbaka": "back",
        "palpale": "back",
    }.items():
        assert words.match(text) == control, text
    assert words.match("hjälp med hyran") is None
    assert words.match("meny " * 30) is None
    assert set(words.words.values()) == set(CONTROLS)


def test_a_control_word_with_two_meanings_or_a_missing_language_is_an_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "control-words.yaml"
    lines = [f"{c}:\n  sv: [{c}sv]\n  fi: [{c}fi]\n  rom: [{c}rom]" for c in CONTROLS]
    lines[0] = "menu:\n  sv: [meny, hjälp]\n  fi: [valikko]"
    path.write_text("\n".join(lines).replace("helpsv", "hjalp"), encoding="utf-8")
    _, problems = load_control_words(path)
    assert any("menu.rom: at least one word" in p for p in problems)
    assert any("already means menu" in p for p in problems)


def test_source_tags_name_a_known_municipality(tmp_path: Path) -> None:
    path = tmp_path / "source-tags.yaml"
    path.write_text(
        "tags:\n  ok1: {municipality: malmo, place: RIKC}\n"
        "  bad1: {municipality: atlantis, place: X}\n"
        "  'no good': {municipality: malmo, place: X}\n",
        encoding="utf-8",
    )
    tags, problems = load_source_tags(path, ["malmo"])
    assert tags.lookup("ok1") == TaggedPlace("malmo", "RIKC")
    assert tags.lookup("bad1") is None
    assert len(problems) == 2
    chained = ChainedTags((StaticTags(), tags))
    assert chained.lookup("ok1") is not None and chained.lookup("other") is None


def _recording(folder: Path, name: str, meta: str, data: bytes | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ogg").write_bytes(silent_ogg_opus(3.0) if data is None else data)
    (folder / f"{name}.yaml").write_text(meta, encoding="utf-8")


def test_a_valid_recording_is_listed_with_its_duration_and_metadata(tmp_path: Path) -> None:
    _recording(
        tmp_path / "rom", "housing", "variety: kelderash\nreview: draft\nspeaker: brobyggare\n"
    )
    audio, problems = load_audio(tmp_path, ("housing",))
    assert problems == []
    clip = audio.clip("rom", "housing")
    assert clip is not None and clip.seconds == pytest.approx(3.0) and clip.variety == "kelderash"
    assert audio.keys("rom") == ["housing"] and audio.keys("sv") == []


@pytest.mark.parametrize(
    ("data", "meta", "expected"),
    [
        (b"ID3\x04 an mp3", "variety: x\nreview: draft\n", "not a valid Ogg Opus"),
        (silent_ogg_opus(1.0)[:-5], "variety: x\nreview: draft\n", "truncated"),
        (None, "variety: kelderash\nreview: draft\nsynthetic: true\n", "never synthesised"),
        (None, "review: draft\n", "'variety'"),
        (None, "variety: x\nreview: done\n", "'review'"),
    ],
)
def test_a_bad_recording_or_metadata_is_an_error(
    tmp_path: Path, data: bytes | None, meta: str, expected: str
) -> None:
    _recording(tmp_path / "rom", "housing", meta, data)
    audio, problems = load_audio(tmp_path, ("housing",))
    assert audio.clip("rom", "housing") is None
    assert any(expected in p.message for p in problems), problems


def test_ogg_pages_are_checked_bit_for_bit() -> None:
    data = bytearray(silent_ogg_opus(1.0))
    assert read_ogg_opus(bytes(data)).channels == 1
    data[60] ^= 0xFF  # inside the OpusHead page: its checksum no longer matches
    with pytest.raises(OggError, match="checksum"):
        read_ogg_opus(bytes(data))


def test_check_reports_first_screen_short_answer_lix_and_audio(content_copy: Path) -> None:
    _recording(content_copy / "audio" / "sv", "housing", "variety: rikssvenska\nreview: draft\n")
    report = check(content_copy, LOCALE_DIR, today=dt.date(2026, 12, 3))
    rows = {row.topic_id: row for row in report.topic_rows}
    assert rows["housing"].extra["audio"] == "sv" and rows["work"].extra["audio"] == "-"
    assert all(0 < int(row.extra["1st"]) <= 700 for row in rows.values())
    assert float(rows["housing"].extra["LIX 1st"]) > 0
    assert "1st" in report.format() and "LIX 1st" in report.format()
    (content_copy / "audio" / "sv" / "work.ogg").write_bytes(b"not audio")
    (content_copy / "audio" / "sv" / "work.yaml").write_text("variety: x\nreview: draft\n")
    assert any("work.ogg" in str(e) for e in check(content_copy, LOCALE_DIR).errors)


def test_addons_of_the_real_content_have_no_problems(library: Library) -> None:
    _, problems = load_addons(CONTENT_DIR, library)
    assert problems == []


def test_one_helpful_vote_per_person_topic_and_day() -> None:
    votes = HelpfulVotes()
    day = dt.date(2026, 12, 3)
    assert votes.first_today("key-a", "housing", day)
    assert not votes.first_today("key-a", "housing", day)
    assert votes.first_today("key-a", "work", day)
    assert votes.first_today("key-b", "housing", day)
    assert votes.first_today("key-a", "housing", day + dt.timedelta(days=1))

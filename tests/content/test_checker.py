"""`python -m bot check` must catch each kind of content error an editor can make."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.config import REPO_ROOT
from bot.content.checker import check, lix

LOCALE_DIR = REPO_ROOT / "locale"


def _report_lines(content_dir: Path, **options: object) -> tuple[bool, str]:
    report = check(content_dir, LOCALE_DIR, **options)  # type: ignore[arg-type]
    return report.ok, report.format()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _drop_key(path: Path, key: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    out, skipping = [], False
    for line in lines:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "-")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_shipped_content_is_clean() -> None:
    ok, text = _report_lines(REPO_ROOT / "content")
    assert ok, text
    assert "content is ready" in text


def test_report_has_a_row_per_topic_with_lix_and_review(content_copy: Path) -> None:
    report = check(content_copy, LOCALE_DIR)
    assert len(report.rows) == 22
    for topic_id, statuses, score in report.rows:
        assert set(statuses) == {"sv", "rom", "fi"}, topic_id
        assert score is not None and 0 < score < 100


def test_missing_topic_in_one_language(content_copy: Path) -> None:
    (content_copy / "fi" / "housing.yaml").unlink()
    ok, text = _report_lines(content_copy)
    assert not ok and "topic 'housing' is missing in 'fi'" in text and "MISSING" in text


def test_missing_title(content_copy: Path) -> None:
    _drop_key(content_copy / "sv" / "work.yaml", "title")
    ok, text = _report_lines(content_copy)
    assert not ok and "missing required key 'title'" in text


def test_missing_summary(content_copy: Path) -> None:
    _drop_key(content_copy / "rom" / "work.yaml", "summary")
    ok, text = _report_lines(content_copy)
    assert not ok and "missing required key 'summary'" in text


def test_missing_sources_in_swedish(content_copy: Path) -> None:
    _drop_key(content_copy / "sv" / "debt-advice.yaml", "sources")
    ok, text = _report_lines(content_copy)
    assert not ok and "no sources" in text


def test_source_not_https(content_copy: Path) -> None:
    _edit(content_copy / "sv" / "debt-advice.yaml", "url: https://", "url: http://")
    ok, text = _report_lines(content_copy)
    assert not ok and "must be an https:// URL" in text


def test_old_checked_date_is_a_warning_not_an_error(content_copy: Path) -> None:
    report = check(content_copy, LOCALE_DIR, today=dt.date(2030, 1, 1), max_source_age_days=365)
    assert report.ok
    assert any("days ago" in str(w) for w in report.warnings)
    fresh = check(content_copy, LOCALE_DIR, today=dt.date(2026, 11, 21), max_source_age_days=365)
    assert not any("days ago" in str(w) for w in fresh.warnings)


def test_romani_file_without_review_status(content_copy: Path) -> None:
    _drop_key(content_copy / "rom" / "housing.yaml", "review")
    ok, text = _report_lines(content_copy)
    assert not ok and "missing required key 'review'" in text and "rom/housing.yaml" in text


def test_message_over_telegram_limit(content_copy: Path) -> None:
    long_text = " ".join(["Det här är en mening som upprepas."] * 150)
    _edit(content_copy / "sv" / "work.yaml", "summary:", f"summary: {long_text}\nx_old_summary:")
    _drop_key(content_copy / "sv" / "work.yaml", "x_old_summary")
    ok, text = _report_lines(content_copy)
    assert not ok and "over 4096" in text


def test_broken_related_reference(content_copy: Path) -> None:
    _drop_key(content_copy / "fi" / "work.yaml", "related")
    path = content_copy / "fi" / "work.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "related: [job-centre]\n", encoding="utf-8")
    ok, text = _report_lines(content_copy)
    assert not ok and "related topic 'job-centre' does not exist" in text


def test_lix_of_known_texts() -> None:
    # 4 words, 1 sentence, 0 long words -> 4.0; long words push the score up.
    assert lix(["Jag bor här nu."]) == 4.0
    assert lix(["Förvaltningsrätten överprövar socialnämndens beslut."]) == 4 + 100 * 3 / 4
    # A list item without a full stop still ends a sentence: 5 words / 2 + 100 * 1 long / 5.
    assert lix(["Ring kommunen", "Ta med papper"]) == 2.5 + 20.0


def test_broken_search_vocabulary(content_copy: Path) -> None:
    path = content_copy / "synonyms.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    ok, text = _report_lines(content_copy)
    assert not ok and "synonyms.yaml" in text and "unknown keys" in text


# --- issue 14: provenance, Romani glossary, review status ---------------------------------------


def test_old_checked_key_is_rejected_with_a_hint(content_copy: Path) -> None:
    _edit(
        content_copy / "sv" / "housing.yaml",
        "verified: {how: stored-copy, by: earlier editing session}",
        "checked: 2026-11-21",
    )
    ok, text = _report_lines(content_copy)
    assert not ok and "'checked' is replaced by 'verified" in text


def test_never_verified_source_is_reported(content_copy: Path) -> None:
    _edit(
        content_copy / "sv" / "housing.yaml",
        "verified: {how: stored-copy, by: earlier editing session}",
        "verified: {how: not-verified}",
    )
    report = check(content_copy, LOCALE_DIR)
    assert report.ok
    assert any("was never verified" in str(w) and "housing" in str(w) for w in report.warnings)


def test_page_verification_needs_a_date(content_copy: Path) -> None:
    _edit(
        content_copy / "sv" / "housing.yaml",
        "verified: {how: stored-copy, by: earlier editing session}",
        "verified: {how: page, by: redaktör}",
    )
    ok, text = _report_lines(content_copy)
    assert not ok and "'how: page' needs the date" in text


def test_dated_sources_count_as_current_until_too_old(content_copy: Path) -> None:
    young = check(content_copy, LOCALE_DIR, today=dt.date(2026, 12, 10))
    row = next(r for r in young.topic_rows if r.topic_id == "elderly-care")
    assert row.sources_current >= 6 and row.sources_current + row.sources_undated == row.sources
    old = check(content_copy, LOCALE_DIR, today=dt.date(2028, 1, 1), max_source_age_days=365)
    row = next(r for r in old.topic_rows if r.topic_id == "elderly-care")
    assert row.sources_current == 0
    assert any("last verified 2026-12-03" in str(w) for w in old.warnings)


def test_romani_variant_from_another_variety_is_an_error(content_copy: Path) -> None:
    _edit(content_copy / "rom" / "housing.yaml", "tji komuna", "čiri komuna")
    ok, text = _report_lines(content_copy)
    assert not ok and "čiri -> tjo" in text and "rom/housing.yaml" in text


def test_romani_court_is_never_kris(content_copy: Path) -> None:
    _edit(content_copy / "rom" / "elderly-care.yaml", "o sudo (förvaltningsrätten)", "e kris")
    ok, text = _report_lines(content_copy)
    assert not ok and "kris -> o sudo" in text


def test_swedish_word_outside_brackets_is_counted_inside_is_not(content_copy: Path) -> None:
    before = check(content_copy, LOCALE_DIR)
    row = next(r for r in before.topic_rows if r.topic_id == "housing")
    _edit(content_copy / "rom" / "housing.yaml", "kirija (hyra)", "hyra")
    after = check(content_copy, LOCALE_DIR)
    changed = next(r for r in after.topic_rows if r.topic_id == "housing")
    assert changed.untranslated == row.untranslated + 1
    assert any("outside brackets" in str(w) and "hyra" in str(w) for w in after.warnings)


def test_status_table_has_the_new_columns(content_copy: Path) -> None:
    text = check(content_copy, LOCALE_DIR).format()
    header = text.splitlines()[0]
    for column in ("sources", "LIX sv", "rom-var", "rom-sv"):
        assert column in header
    assert "glossary variant(s)" in text and "untranslated Swedish word(s)" in text


def test_extra_column_slot_is_printed(content_copy: Path) -> None:
    report = check(content_copy, LOCALE_DIR)
    report.topic_rows[0].extra["screen1"] = "650"
    assert "screen1" in report.format().splitlines()[0]


def test_translation_with_another_structure_is_flagged(content_copy: Path) -> None:
    assert not any(
        "pairs them by position" in str(w) for w in check(content_copy, LOCALE_DIR).warnings
    )
    path = content_copy / "fi" / "work.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("next_steps:\n", "next_steps:\n  - Ylimääräinen askel.\n", 1), encoding="utf-8"
    )
    report = check(content_copy, LOCALE_DIR)
    assert any(
        "pairs them by position" in str(w) and "fi/work.yaml" in str(w) for w in report.warnings
    )


def test_romani_ui_strings_are_checked_against_the_glossary(
    content_copy: Path, tmp_path: Path
) -> None:
    import shutil

    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    assert not any("UI strings use" in str(w) for w in check(content_copy, locale).warnings)
    po = locale / "rom" / "LC_MESSAGES" / "bot.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace('msgstr "Kado teksto inke', 'msgstr "Čiro teksto inke', 1), encoding="utf-8"
    )
    report = check(content_copy, locale)
    assert any("UI strings use" in str(w) and "Čiro -> tjo" in str(w) for w in report.warnings)

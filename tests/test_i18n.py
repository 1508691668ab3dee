"""UI strings come from the .po catalogs; a missing translation in any language fails here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.config import REPO_ROOT
from bot.content.model import Lang
from bot.i18n import Translator, load_translators, po_path
from devtools.catalogs import extract, find_gaps

LOCALE_DIR = REPO_ROOT / "locale"


def test_every_ui_string_is_translated_in_every_language() -> None:
    template = extract()
    assert len(template) > 40  # the extraction itself works
    gaps = find_gaps(LOCALE_DIR, template)
    assert gaps == [], "\n".join(map(str, gaps))


def test_gap_detection_finds_an_untranslated_string(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    before = {str(g) for g in find_gaps(tmp_path / "locale", extract())}
    path = po_path(tmp_path / "locale", "rom")
    text = path.read_text(encoding="utf-8")
    marker = 'msgid "Main menu"\nmsgstr "'
    assert marker in text
    start = text.index(marker) + len(marker)
    end = text.index('"', start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    after = {str(g) for g in find_gaps(tmp_path / "locale", extract())}
    assert after - before == {"rom: not translated: 'Main menu'"}


def test_lookup_is_per_language(translators: dict[Lang, Translator]) -> None:
    assert translators["sv"]._("Main menu") == "Huvudmeny"
    assert translators["fi"]._("Main menu") == "Päävalikko"
    assert translators["rom"]._("Main menu") not in {"Main menu", "Huvudmeny", "Päävalikko"}


def test_unknown_msgid_falls_back_to_the_msgid(translators: dict[Lang, Translator]) -> None:
    assert translators["fi"]._("no such string") == "no such string"


def test_romani_formats_dates_and_numbers_with_swedish_data(
    translators: dict[Lang, Translator],
) -> None:
    day = dt.date(2026, 4, 8)
    assert translators["rom"].date(day) == translators["sv"].date(day) == "8 april 2026"
    assert translators["fi"].date(day) == "8. huhtikuuta 2026"
    assert translators["rom"].number(1234.5) == translators["sv"].number(1234.5)


def test_catalogs_compile_from_po_without_mo_files() -> None:
    assert not list(LOCALE_DIR.glob("**/*.mo"))
    assert set(load_translators(LOCALE_DIR)) == {"sv", "rom", "fi"}

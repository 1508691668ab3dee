"""UI strings through gettext catalogs, one Translator per language, chosen per update.

The `.po` files under `locale/` are the source of truth. They are compiled in memory with Babel
at start-up (no build step, no stale `.mo` files) and never consulted again while the bot runs.

Babel has no CLDR data for Romani chib, so `rom` borrows Swedish data for dates and numbers:
Romani speakers in Sweden read dates and numbers the Swedish way.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.content.model import LANGUAGES, Lang

DOMAIN = "bot"

#: Babel locale used for formatting in each language; `rom` has no CLDR locale of its own.
FORMAT_LOCALES: dict[Lang, str] = {"sv": "sv_SE", "fi": "fi_FI", "rom": "sv_SE"}

#: Each language's name in that language, for the language buttons.
LANGUAGE_NAMES: dict[Lang, str] = {"sv": "Svenska", "rom": "Romani chib", "fi": "Suomi"}


def po_path(locale_dir: Path, lang: str) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path) -> Catalog:
    # locale=None: Babel would reject "rom" as an unknown locale, and we need no plural rules
    # beyond the header's own.
    with path.open("rb") as handle:
        return read_po(handle, locale=None, domain=DOMAIN)


@dataclass(frozen=True, slots=True)
class Translator:
    lang: Lang
    _catalog: gettext.NullTranslations
    _locale: Locale

    def _(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def date(self, value: dt.date) -> str:
        return format_date(value, format="long", locale=self._locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self._locale)


def compile_catalog(path: Path) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(path), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_translators(locale_dir: Path) -> dict[Lang, Translator]:
    """Compile every language's catalog once; a missing catalog is a start-up error."""
    translators: dict[Lang, Translator] = {}
    for lang in LANGUAGES:
        path = po_path(locale_dir, lang)
        if not path.exists():
            raise FileNotFoundError(f"missing translation catalog {path}")
        translators[lang] = Translator(
            lang, compile_catalog(path), Locale.parse(FORMAT_LOCALES[lang])
        )
    return translators


def N_(message: str) -> str:
    """Mark a string for extraction where it is translated later (e.g. in a table)."""
    return message

"""Maintaining the gettext catalogs: extract UI strings, update the .po files, find gaps.

Equivalent to `pybabel extract -F babel.cfg -k N_ -o locale/bot.pot .` and `pybabel update`,
but through Babel's API, because `pybabel init/update -l rom` fails: CLDR has no Romani locale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot.config import REPO_ROOT
from bot.content.model import LANGUAGES
from bot.i18n import DOMAIN, po_path, read_catalog
from bot.i18n_gaps import Gap, find_gaps

__all__ = ["Gap", "extract", "find_gaps", "update"]

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
#: A fixed creation date and no source locations: the catalogs change only when a string does,
#: so that parallel branches adding strings merge without conflicts (git keeps the history).
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def extract(source_dir: Path = REPO_ROOT) -> Catalog:
    """Every UI string in the code, as a template catalog."""
    template = Catalog(
        domain=DOMAIN, project="roma-outreach-bot", fuzzy=False, creation_date=FIXED_DATE
    )
    method_map = [("bot/**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source_dir), method_map=method_map, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(locale_dir: Path, template: Catalog) -> None:
    """Write the template and merge it into each language's catalog, keeping translations."""
    with (locale_dir / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, width=100, sort_output=True, no_location=True)
    for lang in LANGUAGES:
        path = po_path(locale_dir, lang)
        if path.exists():
            catalog = read_catalog(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(domain=DOMAIN, locale=None)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.language_team = lang
        catalog._set_mime_headers([("Language", lang), ("Plural-Forms", PLURAL_FORMS)])
        with path.open("wb") as handle:
            write_po(
                handle,
                catalog,
                width=100,
                sort_output=True,
                include_previous=False,
                no_location=True,
            )


def is_current(locale_dir: Path, template: Catalog) -> bool:
    """Whether the committed template holds exactly the strings the code uses now."""
    committed = read_catalog(locale_dir / f"{DOMAIN}.pot")
    return {m.id for m in committed if m.id} == {m.id for m in template if m.id}

"""Maintaining the gettext catalogs: extract UI strings, update the .po files, find gaps.

Equivalent to `pybabel extract -F babel.cfg -k N_ -o locale/bot.pot .` and `pybabel update`,
but through Babel's API, because `pybabel init/update -l rom` fails: CLDR has no Romani locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot.config import REPO_ROOT
from bot.content.model import LANGUAGES
from bot.i18n import DOMAIN, po_path, read_catalog

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def extract(source_dir: Path = REPO_ROOT) -> Catalog:
    """Every UI string in the code, as a template catalog."""
    template = Catalog(domain=DOMAIN, project="roma-outreach-bot", fuzzy=False)
    method_map = [("bot/**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source_dir), method_map=method_map, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(locale_dir: Path, template: Catalog) -> None:
    """Write the template and merge it into each language's catalog, keeping translations."""
    with (locale_dir / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, width=100, sort_output=True)
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
            write_po(handle, catalog, width=100, sort_output=True, include_previous=False)


@dataclass(frozen=True, slots=True)
class Gap:
    lang: str
    message: str
    reason: str

    def __str__(self) -> str:
        return f"{self.lang}: {self.reason}: {self.message!r}"


def find_gaps(locale_dir: Path, template: Catalog) -> list[Gap]:
    """UI strings without a usable translation in some language, and stale placeholders."""
    gaps: list[Gap] = []
    for lang in LANGUAGES:
        path = po_path(locale_dir, lang)
        if not path.exists():
            gaps.append(Gap(lang, str(path), "catalog missing"))
            continue
        catalog = read_catalog(path)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            texts = [found.string] if found is not None and isinstance(found.string, str) else []
            if found is not None and isinstance(found.string, tuple | list):
                texts = list(found.string)
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if found is None or not texts or not all(texts):
                gaps.append(Gap(lang, msgid, "not translated"))
            elif found.fuzzy:
                gaps.append(Gap(lang, msgid, "fuzzy"))
            elif any(_placeholders(msgid) != _placeholders(text) for text in texts):
                gaps.append(Gap(lang, msgid, "placeholders differ"))
    return gaps


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def _placeholders(text: str) -> set[str]:
    """Named placeholders in either style, `%(name)s` or `{name}`: a translation must keep them."""
    return {"".join(groups) for groups in _PLACEHOLDER.findall(text)}

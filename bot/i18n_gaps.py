"""Which UI strings lack a usable translation: the committed template against each `.po` file.

The template (`locale/bot.pot`) is written by the developer command `python -m devtools i18n
update`, which extracts strings from the source; the running bot and `python -m bot check` only
read it, so no source extraction ever happens on the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from bot.content.model import LANGUAGES
from bot.i18n import DOMAIN, po_path, read_catalog


def read_template(locale_dir: Path) -> Catalog:
    """The committed template of every UI string in the code."""
    return read_catalog(locale_dir / f"{DOMAIN}.pot")


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

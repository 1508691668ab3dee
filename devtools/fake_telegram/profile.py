"""The bot's profile texts for the fake Bot API: setMyDescription, getMyDescription,
setMyShortDescription, getMyShortDescription, as strict as Telegram.

Telegram keeps one description (0-512 characters) and one short description (0-120) per
language: `language_code` is a two-letter ISO 639-1 code or empty (the default, for every user
whose language has no text of its own). An empty or missing text removes the language's text.
get* returns the text set for exactly that language code ("" if none).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from devtools.fake_telegram.html import utf16_len

JSONDict = dict[str, Any]
DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120
_LANGUAGE = re.compile(r"(?:[a-z]{2})?")


def _error(description: str) -> Exception:
    from devtools.fake_telegram.state import bad

    return bad(description)


class BotProfile:
    def __init__(self) -> None:
        #: language code ("" = default) -> text, for each kind.
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}

    def methods(self) -> list[tuple[str, Callable[[JSONDict], Awaitable[Any]]]]:
        return [
            ("setMyDescription", self._set_description),
            ("getMyDescription", self._get_description),
            ("setMyShortDescription", self._set_short_description),
            ("getMyShortDescription", self._get_short_description),
        ]

    @staticmethod
    def _language(params: JSONDict) -> str:
        language = params.get("language_code") or ""
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            raise _error("invalid language code specified")
        return language

    def _set(self, store: dict[str, str], params: JSONDict, field: str, limit: int) -> bool:
        language = self._language(params)
        text = params.get(field)
        if text is None or text == "":
            store.pop(language, None)
            return True
        if not isinstance(text, str):
            raise _error(f"can't parse {field}")
        if utf16_len(text) > limit:
            kind = "description" if field == "description" else "short description"
            raise _error(f"bot {kind} is too long")
        store[language] = text
        return True

    async def _set_description(self, params: JSONDict) -> Any:
        return self._set(self.descriptions, params, "description", DESCRIPTION_LIMIT)

    async def _set_short_description(self, params: JSONDict) -> Any:
        return self._set(
            self.short_descriptions, params, "short_description", SHORT_DESCRIPTION_LIMIT
        )

    async def _get_description(self, params: JSONDict) -> Any:
        return {"description": self.descriptions.get(self._language(params), "")}

    async def _get_short_description(self, params: JSONDict) -> Any:
        return {"short_description": self.short_descriptions.get(self._language(params), "")}

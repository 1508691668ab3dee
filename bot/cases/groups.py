"""Which municipalities' bridge-builder groups the bot can post in right now.

Filled from configuration, checked with getChat at start-up and in housekeeping, and marked
unreachable when Telegram refuses a post (kicked, deleted). A municipality without a reachable
group gets no "ask a bridge-builder" button at all, instead of a button that fails.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BridgeGroup:
    municipality: str
    chat_id: int
    forum: bool = False
    reachable: bool = False


class BridgeGroups:
    def __init__(self, chats: dict[str, int] | None = None) -> None:
        self._groups = {m: BridgeGroup(m, chat) for m, chat in (chats or {}).items()}

    def all(self) -> list[BridgeGroup]:
        return list(self._groups.values())

    def usable(self, municipality: str | None) -> BridgeGroup | None:
        group = self._groups.get(municipality or "")
        return group if group is not None and group.reachable else None

    def usable_ids(self, offered: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(m for m in offered if self.usable(m) is not None)

    def municipality_of(self, chat_id: int) -> str | None:
        return next((g.municipality for g in self._groups.values() if g.chat_id == chat_id), None)

    def mark(self, municipality: str, *, reachable: bool, forum: bool | None = None) -> None:
        group = self._groups.get(municipality)
        if group is None:
            return
        group.reachable = reachable
        if forum is not None:
            group.forum = forum

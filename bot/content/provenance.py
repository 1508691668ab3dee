"""Provenance fields shared by every content file: sources, how each was verified, review status."""

from __future__ import annotations

import datetime as dt
import re

from bot.content.model import (
    REVIEW_STATUSES,
    VERIFIED_HOWS,
    ReviewRecord,
    ReviewStatus,
    Source,
    Verification,
)
from bot.content.yaml_reader import Node, Reader


class ContentReader(Reader):
    """The strict YAML reader plus the provenance fields topics, places and municipalities share."""

    def sources(self, node: Node | None, where: str) -> tuple[Source, ...]:
        found = []
        for i, item in enumerate(self.items(node, where)):
            label = f"{where}[{i}]"
            if isinstance(item.value, dict) and "checked" in item.value:
                self.error(
                    item.value["checked"].line,
                    f"{label}: 'checked' is replaced by 'verified: {{date, how, by}}' "
                    "(record what was actually done; see content/README.md)",
                )
                continue
            fields = self.mapping(item, label, ("url", "title", "verified"))
            if fields is None:
                continue
            url = self.https_url(fields.get("url"), f"{label}.url")
            title = self.text(fields.get("title"), f"{label}.title")
            verified = self.verification(fields.get("verified"), f"{label}.verified")
            if url and title and verified:
                found.append(Source(url=url, title=title, verified=verified))
        return tuple(found)

    def verification(self, node: Node | None, where: str) -> Verification | None:
        if node is None:
            return None
        fields = self.mapping(node, where, ("how",), ("date", "by", "copy_date"))
        if fields is None:
            return None
        how = self.text(fields.get("how"), f"{where}.how")
        if how is not None and how not in VERIFIED_HOWS:
            self.error(
                fields["how"].line,
                f"{where}.how: '{how}' is not one of " + ", ".join(VERIFIED_HOWS),
            )
            return None
        date = self.date(fields.get("date"), f"{where}.date")
        copy_date = self.date(fields.get("copy_date"), f"{where}.copy_date")
        by = self.text(fields.get("by"), f"{where}.by")
        if how is None:
            return None
        if how == "not-verified" and (date or copy_date or by):
            self.error(node.line, f"{where}: a source that was not verified has no date or 'by'")
            return None
        if how == "page" and date is None:
            self.error(node.line, f"{where}: 'how: page' needs the date the page was read")
            return None
        if date is not None and date > dt.date.today():
            self.error(fields["date"].line, f"{where}.date: {date} is in the future")
            return None
        return Verification(how, date, by, copy_date)

    def review(self, node: Node | None, where: str) -> ReviewStatus | None:
        value = self.text(node, where)
        if value is None:
            return None
        if value not in REVIEW_STATUSES:
            assert node is not None
            self.error(node.line, f"{where}: '{value}' is not one of {', '.join(REVIEW_STATUSES)}")
            return None
        return value

    def topic_review(self, node: Node | None) -> tuple[ReviewStatus | None, ReviewRecord | None]:
        """`review: draft`, or a mapping recording who reviewed which version (by its hash)."""
        if node is None or not isinstance(node.value, dict):
            return self.review(node, "review"), None
        fields = self.mapping(node, "review", ("status",), ("role", "date", "hash", "by"))
        if fields is None:
            return None, None
        status = self.review(fields.get("status"), "review.status")
        if status != "reviewed":
            return status, None
        missing = [key for key in ("role", "date", "hash") if key not in fields]
        if missing:
            self.error(node.line, "review: a review records " + ", ".join(missing))
            return None, None
        role = self.text(fields.get("role"), "review.role")
        date = self.date(fields.get("date"), "review.date")
        digest = self.text(fields.get("hash"), "review.hash")
        if digest is not None and not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            self.error(fields["hash"].line, "review.hash: expected sha256:<64 hex digits>")
            return None, None
        if role is None or date is None or digest is None:
            return None, None
        return status, ReviewRecord(role, date, digest, self.text(fields.get("by"), "review.by"))

"""getUpdates that one unparseable update cannot stall (review F10).

python-telegram-bot parses a whole getUpdates batch at once; if one update fails (a Bot API
server newer or older than the library, e.g. a poll without fields the library requires), it
logs the batch and fetches the same batch again, forever: nobody is answered and the log grows
by megabytes a minute. `SkipUnparseable` wraps the request object used for getUpdates, parses
each update on its own and replaces one that fails by an empty update with the same update_id,
so that the offset moves on and every other update is served. What was skipped is logged
without its content, at most once a minute.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

#: Seconds between two log lines about skipped updates.
LOG_EVERY = 60.0


class SkipUnparseable(BaseRequest):
    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner
        self.skipped = 0
        self._logged_at = float("-inf")
        self._unlogged = 0

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        status, body = await self._inner.do_request(url, method, request_data, *args, **kwargs)
        if status != 200 or not url.rstrip("/").lower().endswith("/getupdates"):
            return status, body
        return status, self.clean(body)

    def clean(self, body: bytes) -> bytes:
        """The response with every update that does not parse replaced by an empty one."""
        try:
            data = json.loads(body)
        except ValueError:
            return body
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(result, list):
            return body
        changed = False
        for index, item in enumerate(result):
            try:
                Update.de_json(item, None)
            except Exception as exc:  # the library's own parse, whatever it raises
                update_id = item.get("update_id") if isinstance(item, dict) else None
                if not isinstance(update_id, int):
                    continue  # without an id the batch cannot move on either way
                result[index] = {"update_id": update_id}
                changed = True
                self._note(type(exc).__name__)
        return json.dumps(data).encode() if changed else body

    def _note(self, reason: str) -> None:
        self.skipped += 1
        self._unlogged += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY:
            log.warning(
                "skipped %d update(s) the library cannot parse (%s); content not logged",
                self._unlogged,
                reason,
            )
            self._logged_at = now
            self._unlogged = 0

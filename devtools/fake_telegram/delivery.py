"""How updates leave the fake Bot API: getUpdates (long polling) and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import urllib.parse
from typing import Any

import aiohttp

from devtools.fake_telegram.state import ApiError, FakeState, JSONDict, bad


class Delivery(FakeState):
    async def _get_updates(self, params: JSONDict) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self.last_get_updates = params
        self._poll_generation += 1
        generation = self._poll_generation
        offset = params.get("offset")
        limit = params.get("limit")
        limit = limit if isinstance(limit, int) and 1 <= limit <= 100 else 100
        try:
            timeout = max(0.0, float(params.get("timeout") or 0))
        except (TypeError, ValueError):
            timeout = 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        queue = self._queue
        if isinstance(offset, int) and offset != 0:
            if offset < 0:
                while len(queue) > -offset:
                    queue.popleft()
                confirmed = self._returned_upto
            else:
                while queue and queue[0].update_id < offset:
                    queue.popleft()
                confirmed = offset - 1
            if confirmed > self._confirmed_upto:
                self._confirmed_upto = confirmed
                self._touch()
        if not queue and timeout > 0 and not self._closing:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not queue and not self._closing:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                signal = self._update_signal
                self._poll_waiters += 1
                try:
                    async with asyncio.timeout(remaining):
                        await signal.wait()
                except TimeoutError:
                    break
                finally:
                    self._poll_waiters -= 1
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )
        result = [update.payload for update in itertools.islice(queue, limit)]
        if result:
            last_id = result[-1]["update_id"]
            self._fetched_upto = max(self._fetched_upto, last_id)
            self._returned_upto = max(self._returned_upto, last_id)
            self._last_fetch = asyncio.get_running_loop().time()
            self._touch()
        return result

    async def _set_webhook(self, params: JSONDict) -> Any:
        url = params.get("url")
        if not url:
            return await self._delete_webhook(params)
        if not isinstance(url, str):
            raise bad("bad webhook: invalid URL")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in (
            "127.0.0.1",
            "localhost",
            "::1",
        ):
            raise bad(
                "bad webhook: the fake Bot API delivers only to http(s)://127.0.0.1 or localhost"
            )
        secret = params.get("secret_token")
        if secret is not None and (
            not isinstance(secret, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret)
        ):
            raise bad("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        if params.get("drop_pending_updates") is True:
            self._drop_pending()
        self.webhook_url = url
        self.webhook_secret = secret
        self._poll_generation += 1
        self._pulse_updates(force=True)
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        return True

    async def _delete_webhook(self, params: JSONDict) -> Any:
        if params.get("drop_pending_updates") is True:
            self._drop_pending()
        self.webhook_url = ""
        self.webhook_secret = None
        await self._stop_webhook_delivery()
        return True

    def _drop_pending(self) -> None:
        self._queue.clear()
        self._fetched_upto = self._returned_upto = self._last_update_id
        self._confirmed_upto = self._last_update_id
        self._pulse_activity()

    async def _get_webhook_info(self, params: JSONDict) -> Any:
        info: JSONDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook_url:
            info["max_connections"] = 40
        return info

    async def _stop_webhook_delivery(self) -> None:
        task = self._webhook_task
        self._webhook_task = None
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhook(self) -> None:
        """Post pending updates one at a time to the webhook (loopback only), in order."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        session = self._session
        while self.webhook_url and not self._closing:
            if not self._queue:
                signal = self._update_signal
                self._poll_waiters += 1
                try:
                    await signal.wait()
                finally:
                    self._poll_waiters -= 1
                continue
            update = self._queue[0]
            headers = {"Content-Type": "application/json"}
            if self.webhook_secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
            body = json.dumps(update.payload, ensure_ascii=False).encode("utf-8")
            try:
                async with session.post(self.webhook_url, data=body, headers=headers) as response:
                    delivered = 200 <= response.status < 300
            except (aiohttp.ClientError, OSError):
                delivered = False
            if delivered:
                if self._queue and self._queue[0] is update:
                    self._queue.popleft()
                self._fetched_upto = max(self._fetched_upto, update.update_id)
                self._touch()
            else:
                await asyncio.sleep(0.05)

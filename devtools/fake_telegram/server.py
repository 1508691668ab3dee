"""An in-process fake Telegram Bot API for offline tests, `python -m devtools chat` and benchmarks.

`FakeBotApi` is an aiohttp server on 127.0.0.1 (a free port) that speaks the Bot API the way
python-telegram-bot uses it: form-encoded fields, JSON-encoded complex values (``reply_markup``,
``commands``, ...), multipart uploads for files, ``{"ok": true, "result": ...}`` answers and
Telegram-like 400 errors.  It is deliberately as strict as Telegram (HTML parse mode, text and
callback data limits, "message is not modified", unknown chats, stale callback queries), so that
a bot which passes its tests here is not rejected by the real server.

Point a real ``Application`` at it with::

    api = FakeBotApi()
    await api.start()
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )

Tests drive it through plain methods (no HTTP): ``new_user``, ``send_text``, ``send_update``,
``press``/``press_data`` inject updates; ``sent``, ``requests``, ``rejected``, ``commands`` and
``callback_answers`` show what the bot did; ``wait_for_message`` and ``wait_until_idle`` wait.
All of these must be called from the event loop the server runs in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from aiohttp import web

from devtools.fake_telegram.delivery import Delivery
from devtools.fake_telegram.driver import Driver
from devtools.fake_telegram.groups import GroupChats
from devtools.fake_telegram.methods import Methods
from devtools.fake_telegram.models import (
    ApiRequest,
    Rejection,
    UploadedFile,
)
from devtools.fake_telegram.profile import BotProfile
from devtools.fake_telegram.state import (
    BOOL_FIELDS,
    INT_FIELDS,
    INT_RE,
    JSON_FIELDS,
    ApiError,
    Handler,
    JSONDict,
)

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder


# The package (devtools/fake_telegram/__init__.py) re-exports what tests use.
__all__ = ["FakeBotApi", "application_builder", "polling"]


class FakeBotApi(Driver, Delivery, Methods):
    """A strict in-process Telegram Bot API server; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:FAKE-TOKEN",
        bot_username: str = "outreach_test_bot",
        *,
        bot_first_name: str = "Outreach Test Bot",
        callback_query_timeout: float | None = 15.0,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_first_name=bot_first_name,
            callback_query_timeout=callback_query_timeout,
        )
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("logOut", self._ok),
            ("close", self._ok),
            ("getUpdates", self._get_updates),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendVoice", self._send_voice),
            ("sendChatAction", self._send_chat_action),
            ("getFile", self._get_file),
            ("setMyCommands", self._set_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("setChatMenuButton", self._set_chat_menu_button),
            ("getChatMenuButton", self._get_chat_menu_button),
        ):
            self._methods[name.lower()] = (name, handler)
        self.groups = GroupChats(self)
        for group_name, group_handler in self.groups.methods():
            self._methods[group_name.lower()] = (group_name, group_handler)
        self.profile = BotProfile()
        for profile_name, profile_handler in self.profile.methods():
            self._methods[profile_name.lower()] = (profile_name, profile_handler)

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already started")
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._last_activity = asyncio.get_running_loop().time()

    async def stop(self) -> None:
        runner = self._runner
        if runner is None:
            return
        self._closing = True
        self._pulse_updates(force=True)
        self._pulse_activity(force=True)
        self._pulse_messages(force=True)
        await self._stop_webhook_delivery()
        if self._session is not None:
            await self._session.close()
            self._session = None
        await runner.cleanup()
        self._runner = None
        self._port = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; python-telegram-bot appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- one Bot API call: shared by HTTP and the in-process transport ----------------------------

    async def call(self, token: str, method: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Answer one Bot API call as Telegram would: (HTTP status, JSON body).

        `params` are the fields as python-telegram-bot sends them (strings, JSON-encoded complex
        values, `UploadedFile`s); they are decoded here, so HTTP and the in-process transport
        (transport.py) meet the same checks and record the same `requests` and `rejected`.
        """
        params = decode_fields(params)
        if token != self.token:
            return self._error(method, params, ApiError(401, "Unauthorized"))
        entry = self._methods.get(method.lower())
        if entry is None:
            return self._error(method, params, ApiError(404, "Not Found: method not found"))
        name, handler = entry
        polling = name == "getUpdates"
        if not polling:
            self.requests.append(ApiRequest(name, params))
            self._inflight += 1
            self._touch()
        try:
            pending_failures = self._fail_next.get(name.lower())
            if pending_failures:
                retry_after = pending_failures.popleft()
                error = ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
                return self._error(name, params, error, record=False)
            try:
                result = await handler(params)
            except ApiError as error:
                return self._error(name, params, error)
            return 200, {"ok": True, "result": result}
        finally:
            if not polling:
                self._inflight -= 1
                self._touch()

    def file_content(self, token: str, path: str) -> bytes | None:
        """A stored file's bytes for the file URL (`/file/bot<token>/<path>`), or None."""
        if token != self.token:
            return None
        stored = self._file_paths.get(path)
        return None if stored is None else stored.data

    def _error(
        self, method: str, params: JSONDict, error: ApiError, *, record: bool = True
    ) -> tuple[int, JSONDict]:
        if record:
            self.rejected.append(Rejection(method, params, error.description))
        data: JSONDict = {
            "ok": False,
            "error_code": error.code,
            "description": error.description,
        }
        if error.parameters:
            data["parameters"] = error.parameters
        return error.code, data

    # -- HTTP -------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        status, data = await self.call(
            request.match_info["token"], request.match_info["method"], await _read_form(request)
        )
        return web.Response(
            status=status,
            body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
            content_type="application/json",
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        data = self.file_content(request.match_info["token"], request.match_info["path"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="application/octet-stream")


async def _read_form(request: web.Request) -> JSONDict:
    """The request's fields as sent: query, form or JSON body, uploads as `UploadedFile`."""
    params: JSONDict = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = UploadedFile(
                        value.filename, value.content_type, value.file.read()
                    )
                elif isinstance(value, str):
                    params[key] = value
                else:
                    params[key] = bytes(value).decode("utf-8", "replace")
    return params


def decode_fields(params: JSONDict) -> JSONDict:
    """Form fields are strings on the wire: decode JSON, integer and boolean fields."""
    decoded = dict(params)
    for key, value in params.items():
        if not isinstance(value, str):
            continue
        if key in JSON_FIELDS:
            with contextlib.suppress(ValueError):
                decoded[key] = json.loads(value)
        elif key in INT_FIELDS:
            if INT_RE.fullmatch(value):
                decoded[key] = int(value)
        elif key in BOOL_FIELDS and value.lower() in ("true", "false"):
            decoded[key] = value.lower() == "true"
    return decoded


# ---------------------------------------------------------------------------------------------
# Helpers for running a python-telegram-bot Application against the fake


def application_builder(api: FakeBotApi) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ``ApplicationBuilder`` with token, base_url and base_file_url pointing at `api`."""
    from telegram.ext import ApplicationBuilder

    return (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )


@contextlib.asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_timeout: int = 10,
) -> AsyncIterator[None]:
    """Initialize and start `app` and poll the fake; stop and shut down on exit.

    Like ``run_polling`` without signal handling; note that ``post_init`` does not run here.
    """
    async with app:
        await app.start()
        assert app.updater is not None, "the Application needs an Updater for polling"
        await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
        try:
            yield
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()

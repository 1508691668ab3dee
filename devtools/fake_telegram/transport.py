"""An in-process transport to the fake Bot API: python-telegram-bot's requests without HTTP.

python-telegram-bot's own test suite swaps the HTTP client for a `BaseRequest` subclass
(`OfflineRequest` in its tests/auxil) where the network is not the subject. `InProcessRequest`
does the same for the fake: it hands each request to `FakeBotApi.call` directly, with the fields
exactly as python-telegram-bot's HTTP client would send them (`RequestData.json_parameters` as
form fields, uploads from `RequestData.multipart_data`), so the fake decodes and checks them the
same way and records the same `requests` and `rejected`. Only sockets and HTTP parsing are left
out; tests whose subject is HTTP (polling over the network, webhooks, shutdown) keep using it.

    request = InProcessRequest(api)
    builder.request(request).get_updates_request(InProcessRequest(api))
"""

from __future__ import annotations

import json
import re
import urllib.parse

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from devtools.fake_telegram.models import UploadedFile
from devtools.fake_telegram.server import FakeBotApi
from devtools.fake_telegram.state import JSONDict

_METHOD_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[^/]+)")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")


class InProcessRequest(BaseRequest):
    """A python-telegram-bot request object answered by `api` in the same event loop."""

    def __init__(self, api: FakeBotApi, read_timeout: float = 5.0) -> None:
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open: no connection pool."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        parts = urllib.parse.urlsplit(url)
        path = urllib.parse.unquote(parts.path)
        file_match = _FILE_PATH.fullmatch(path)
        if file_match is not None:
            data = self.api.file_content(file_match["token"], file_match["path"])
            return (200, data) if data is not None else (404, b"Not Found")
        method_match = _METHOD_PATH.fullmatch(path)
        if method_match is None:
            return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'
        params: JSONDict = dict(urllib.parse.parse_qsl(parts.query))
        if request_data is not None:
            params.update(request_data.json_parameters)
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                raw = content if isinstance(content, bytes) else content.read()
                params[name] = UploadedFile(filename, mime_type, raw)
        status, body = await self.api.call(method_match["token"], method_match["method"], params)
        return status, json.dumps(body, ensure_ascii=False).encode("utf-8")

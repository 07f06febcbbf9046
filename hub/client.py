"""A small synchronous client for a running hub's HTTP API (used by the CLI)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from hub.config import Settings
from hub.errors import HubError
from hub.token import read_token


class HubUnreachableError(HubError):
    """No hub answered at the URL."""


class ApiError(HubError):
    """The hub answered with an HTTP error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class HubClient:
    """Talks to `url` with the bearer token."""

    def __init__(self, url: str, token: str | None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings, url: str | None = None) -> HubClient:
        """`--url`, else `HUB_HTTP`/hub.yaml; the token from `HUB_TOKEN` or the data dir."""
        if url is None:
            host, port = settings.http_hostport
            host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            url = f"http://{host}:{port}"
        return cls(url, read_token(settings))

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read()).get("message", err.reason)
            except (ValueError, AttributeError):
                message = str(err.reason)
            raise ApiError(err.code, str(message)) from None
        except (urllib.error.URLError, OSError) as err:
            raise HubUnreachableError(f"no hub at {self.url} ({getattr(err, 'reason', err)}); "
                                      "is `hub run` running? (--url or HUB_HTTP)") from None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

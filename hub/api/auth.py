"""Bearer-token middleware: every route but the open ones needs `Authorization: Bearer <token>`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from hub.token import token_matches

_LOGGER = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health", "/", "/index.html", "/api/openapi.json", "/favicon.ico"})
"""Reachable without a token (the web page asks for the token itself)."""
OPEN_PREFIXES = ("/static/",)
"""The web page's files."""
WEBSOCKET_PATH = "/api/websocket"

AUTHENTICATED: web.RequestKey[bool] = web.RequestKey("authenticated", bool)
"""Set on requests that carried the right token (the WebSocket skips its `auth` message then)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _given_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if request.path == WEBSOCKET_PATH:
        return request.query.get("token")  # browsers cannot set headers on WebSockets
    return None


def loggable_path(request: web.Request) -> str:
    """The request's path as sent (percent-encoded: a `%0a` cannot forge a log line), no query
    (a `?token=` stays out of the log), at most 200 characters."""
    return request.rel_url.raw_path[:200]


def auth_middleware(token: str) -> Middleware:
    """Refuse requests without the right bearer token with 401; the token is never logged.

    A WebSocket upgrade without any token is let through: the socket then asks for an `auth`
    message, as Home Assistant's does.

    Args:
        token: The hub's API token.
    """

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS or request.path.startswith(OPEN_PREFIXES):
            return await handler(request)
        given = _given_token(request)
        if given is None and request.path == WEBSOCKET_PATH:
            request[AUTHENTICATED] = False
            return await handler(request)
        if not token_matches(token, given):
            _LOGGER.warning(
                "401 %s %s from %s (%s)", request.method, loggable_path(request), request.remote,
                "no token" if given is None else "wrong token",
            )
            return web.json_response({"message": "401: Unauthorized"}, status=401)
        request[AUTHENTICATED] = True
        return await handler(request)

    return middleware

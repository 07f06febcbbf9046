"""Bearer-token middleware: every route but the open ones needs `Authorization: Bearer <token>`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from hub.token import token_matches

_LOGGER = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health", "/", "/index.html", "/api/openapi.json"})
"""Reachable without a token (the web page asks for the token itself)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def auth_middleware(token: str) -> Middleware:
    """Refuse requests without the right bearer token with 401 (the token is never logged)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS or request.path.startswith("/static/"):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        given = header[7:].strip() if header.lower().startswith("bearer ") else None
        if given is None and request.path == "/api/websocket":
            given = request.query.get("token")  # browsers cannot set headers on WebSockets
        if not token_matches(token, given):
            _LOGGER.warning(
                "401 %s %s from %s (%s)", request.method, request.path, request.remote,
                "no token" if given is None else "wrong token",
            )
            return web.json_response({"message": "401: Unauthorized"}, status=401)
        return await handler(request)

    return middleware

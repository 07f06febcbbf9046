"""The aiohttp application and its lifetime."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from hub.api import commands, entities, history, metrics, openapi, schedule, services, states, websocket
from hub.api import web as page
from hub.api.auth import auth_middleware, loggable_path
from hub.api.common import error
from hub.api.context import CONTEXT_KEY, ApiContext

_LOGGER = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
"""Request bodies over this are refused with 413 (commands and service calls are tiny)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every error as JSON `{"message": ...}`, aiohttp's own (404, 405, 413) included."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        response = error(exc.status, message or exc.reason)
        for name in ("Allow",):
            if name in exc.headers:
                response.headers[name] = exc.headers[name]
        return response
    except Exception:
        _LOGGER.exception("%s %s failed", request.method, loggable_path(request))
        return web.Response(text=json.dumps({"message": "Internal error; see the hub's log."}),
                            status=500, content_type="application/json")


def build_app(ctx: ApiContext, *, ws_queue_size: int = websocket.DEFAULT_QUEUE_SIZE) -> web.Application:
    """The API application over `ctx` (`Hub.api_context()`).

    Args:
        ctx: What the routes may use of the hub.
        ws_queue_size: Messages a WebSocket client may have waiting before it is dropped.
    """
    trusted = (ctx.ingress_proxy,) if ctx.ingress_proxy else ()
    middlewares = [json_errors, auth_middleware(ctx.token, trusted), openapi.unknown_query]
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY)
    app[CONTEXT_KEY] = ctx
    app[websocket.QUEUE_SIZE] = ws_queue_size
    app[websocket.UNAUTHENTICATED] = [0]
    app[metrics.PARSE_HISTOGRAM] = metrics.ParseHistogram()
    # /api/history/period before /api/history/{entity_id}: the router tries routes in order.
    for module in (states, services, commands, schedule, entities, history, websocket, metrics, openapi,
                   page):
        app.add_routes(module.routes)
    return app


class ApiServer:
    """Serves `build_app(ctx)` on host:port as an async context manager."""

    def __init__(self, ctx: ApiContext, host: str, port: int) -> None:
        self.ctx = ctx
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Bind and start serving."""
        self._runner = web.AppRunner(build_app(self.ctx), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        _LOGGER.info("HTTP API on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Close open connections and stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ApiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

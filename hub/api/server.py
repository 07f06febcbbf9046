"""The aiohttp application and its lifetime."""

from __future__ import annotations

import logging

from aiohttp import web

from hub.api.auth import auth_middleware
from hub.api.rest import HUB_KEY, routes
from hub.app import Hub

_LOGGER = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
"""Request bodies over this are refused with 413 (commands and service calls are tiny)."""


def build_app(hub: Hub) -> web.Application:
    """The API application for `hub`."""
    app = web.Application(middlewares=[auth_middleware(hub.token)], client_max_size=MAX_BODY)
    app[HUB_KEY] = hub
    app.add_routes(routes)
    return app


class ApiServer:
    """Serves `build_app(hub)` on host:port as an async context manager."""

    def __init__(self, hub: Hub, host: str, port: int) -> None:
        self.hub = hub
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(build_app(self.hub), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        _LOGGER.info("HTTP API on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ApiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

"""The web page: `/` and its files under `/static/` (shipped inside the package, no build step)."""

from __future__ import annotations

import asyncio
from importlib import resources

from aiohttp import web

from hub.api.common import error

routes = web.RouteTableDef()

FILES = {
    "index.html": "text/html",
    "app.js": "text/javascript",
    "style.css": "text/css",
}
"""The page's files in `hub/web/` and their media types; nothing else is served."""
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    # Framed by its own origin only: Home Assistant's ingress shows the page in an iframe of the same
    # origin (the Supervisor proxies it under HA's address); every other site is refused.
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
                               "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
}


_CACHE: dict[str, bytes] = {}


def _read(name: str) -> bytes:
    return resources.files("hub").joinpath("web", name).read_bytes()


async def _file(name: str) -> web.Response:
    content_type = FILES.get(name)
    if content_type is None:
        return error(404, "Not found.")
    body = _CACHE.get(name)
    if body is None:  # read once per process, off the loop
        body = _CACHE[name] = await asyncio.to_thread(_read, name)
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=HEADERS)


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    """The page (open: it asks for the token itself)."""
    return await _file("index.html")


@routes.get("/index.html")
async def index_html(request: web.Request) -> web.Response:
    """The page under its file name."""
    return await _file("index.html")


@routes.get("/static/{name}")
async def static(request: web.Request) -> web.Response:
    """The page's script and style sheet."""
    return await _file(request.match_info["name"])

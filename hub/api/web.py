"""The web page: `/` and its files under `/static/` (shipped inside the package, no build step)."""

from __future__ import annotations

import functools
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


@functools.cache
def _read(name: str) -> bytes:
    # A few kilobytes, read once per process: not worth a thread.
    return resources.files("hub").joinpath("web", name).read_bytes()


def _file(name: str) -> web.Response:
    content_type = FILES.get(name)
    if content_type is None:
        return error(404, "Not found.")
    body = _read(name)
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=HEADERS)


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    """The page (open: it asks for the token itself)."""
    return _file("index.html")


@routes.get("/index.html")
async def index_html(request: web.Request) -> web.Response:
    """The page under its file name."""
    return _file("index.html")


@routes.get("/static/{name}")
async def static(request: web.Request) -> web.Response:
    """The page's script and style sheet."""
    return _file(request.match_info["name"])

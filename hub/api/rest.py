"""Home Assistant-shaped REST routes: states and services."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from hub.app import Hub, UnknownEntityError
from hub.errors import CodecError

HUB_KEY: web.AppKey[Hub] = web.AppKey("hub", Hub)
routes = web.RouteTableDef()


def _hub(request: web.Request) -> Hub:
    return request.app[HUB_KEY]


def error(status: int, message: str) -> web.Response:
    """HA's error shape: `{"message": ...}`."""
    return web.json_response({"message": message}, status=status)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or an HTTP 400 explaining what is wrong."""
    if not request.can_read_body:
        return {}
    try:
        body = await request.json(loads=json.loads)
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(
            text=json.dumps({"message": "Invalid JSON specified."}), content_type="application/json"
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"message": "The body must be a JSON object."}), content_type="application/json"
        )
    return body


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response(_hub(request).health())


@routes.get("/api/")
async def api_root(request: web.Request) -> web.Response:
    return web.json_response({"message": "API running."})


@routes.get("/api/states")
async def get_states(request: web.Request) -> web.Response:
    return web.json_response([s.as_dict() for s in _hub(request).states()])


@routes.get("/api/states/{entity_id}")
async def get_state(request: web.Request) -> web.Response:
    state = _hub(request).get_state(request.match_info["entity_id"])
    if state is None:
        return error(404, "Entity not found.")
    return web.json_response(state.as_dict())


@routes.post("/api/services/{domain}/{service}")
async def call_service(request: web.Request) -> web.Response:
    hub = _hub(request)
    body = await read_json(request)
    domain, service = request.match_info["domain"], request.match_info["service"]
    try:
        await hub.call_service(domain, service, body)
    except UnknownEntityError as err:
        return error(404, str(err))
    except CodecError as err:
        return error(400, str(err))
    ids = body.get("entity_id")
    wanted = [ids] if isinstance(ids, str) else list(ids or [])
    states = [s.as_dict() for s in (hub.get_state(i) for i in wanted) if s is not None]
    return web.json_response(states)


MAX_TEXT = 1000
"""Longest accepted command text, in characters."""


@routes.post("/api/command")
async def command(request: web.Request) -> web.Response:
    """`{"text", "lang"}` → the `hub ask` object plus `outcome`; `{"confirm": id}` confirms."""
    hub = _hub(request)
    body = await read_json(request)
    if "confirm" in body:
        result = hub.confirm(str(body["confirm"]))
        return web.json_response(result, status=200 if result["outcome"] == "executed" else 404)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return error(400, "`text` (a non-empty string) is required.")
    if len(text) > MAX_TEXT:
        return error(413, f"`text` is longer than {MAX_TEXT} characters.")
    lang = body.get("lang") or None
    if lang not in (None, "auto", "en", "zh"):
        return error(400, "`lang` must be auto, en or zh.")
    execute = body.get("execute", True)
    if not isinstance(execute, bool):
        return error(400, "`execute` must be true or false.")
    result = await hub.handle_text(text, lang, source="api", execute=execute)
    return web.json_response(result, dumps=lambda o: json.dumps(o, ensure_ascii=False))

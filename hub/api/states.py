"""`/health`, `/api/` and Home Assistant's state routes."""

from __future__ import annotations

from aiohttp import web

from hub.api.common import error, json_response
from hub.api.context import context_of

routes = web.RouteTableDef()


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """The hub's health (open: no token needed): 200 when healthy, 503 when degraded (`problems` says
    why), so a watchdog restarts a hub whose broker, database or disk is gone."""
    health = context_of(request).health()
    return json_response(health, status=503 if health["problems"] else 200)


@routes.get("/api/")
async def api_root(request: web.Request) -> web.Response:
    """HA's liveness answer for authenticated clients."""
    return json_response({"message": "API running."})


@routes.get("/api/states")
async def get_states(request: web.Request) -> web.Response:
    """Every provided entity's current state."""
    return json_response([s.as_dict() for s in (await context_of(request).states.read_all()).values()])


@routes.get("/api/states/{entity_id}")
async def get_state(request: web.Request) -> web.Response:
    """One entity's state; 404 when the entity is not provided."""
    state = await context_of(request).states.read(request.match_info["entity_id"])
    if state is None:
        return error(404, "Entity not found.")
    return json_response(state.as_dict())

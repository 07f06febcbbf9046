"""State history: Home Assistant's `/api/history/period` and a simpler per-entity route."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from hub.api.common import bad_request, error, json_response, parse_time
from hub.api.context import context_of
from hub.domain import utcnow

routes = web.RouteTableDef()

DEFAULT_PERIOD = timedelta(days=1)
"""History starts this long before now when no start is given (HA's default)."""
MAX_ENTITIES = 50
"""Entities one history request may name."""
MAX_STATES = 5000
"""States returned per entity at most (the newest in the range)."""


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", str(MAX_STATES))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_STATES:
        raise bad_request(f"`limit` must be a whole number from 1 to {MAX_STATES}.")
    return int(raw)


async def _period(request: web.Request, start_text: str | None) -> web.Response:
    start = parse_time(start_text, "start") or utcnow() - DEFAULT_PERIOD
    end = parse_time(request.query.get("end_time"), "end_time")
    wanted = [e.strip() for e in request.query.get("filter_entity_id", "").split(",") if e.strip()]
    if not wanted:
        raise bad_request("`filter_entity_id` is required (one or more entity ids, comma separated).")
    if len(wanted) > MAX_ENTITIES:
        raise bad_request(f"At most {MAX_ENTITIES} entities per request.")
    ctx, limit = context_of(request), _limit(request)
    out = []
    for entity_id in dict.fromkeys(wanted):
        states = await ctx.store.history(entity_id, start, end, limit)
        if states:
            out.append([s.as_dict() for s in states])
    return json_response(out)


@routes.get("/api/history/period")
async def history_period_default(request: web.Request) -> web.Response:
    """HA's history for the last day: a list with one list of states per entity."""
    return await _period(request, None)


@routes.get("/api/history/period/{start}")
async def history_period(request: web.Request) -> web.Response:
    """HA's history from `start` (ISO 8601) to `end_time` (default now), per entity."""
    return await _period(request, request.match_info["start"])


@routes.get("/api/history/{entity_id}")
async def entity_history(request: web.Request) -> web.Response:
    """One entity's recorded states, oldest first (`?start=&end=&limit=`); 404 for an unknown entity."""
    entity_id = request.match_info["entity_id"]
    start = parse_time(request.query.get("start"), "start")
    end = parse_time(request.query.get("end"), "end")
    ctx = context_of(request)
    states = await ctx.store.history(entity_id, start, end, _limit(request))
    if not states and entity_id not in ctx.registry and not await ctx.store.history(entity_id, limit=1):
        return error(404, "Entity not found (neither provided nor recorded).")
    return json_response([s.as_dict() for s in states])

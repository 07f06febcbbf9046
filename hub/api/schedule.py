"""Scheduled commands: `GET /api/schedule` (the list) and `DELETE /api/schedule/{id}` (cancel)."""

from __future__ import annotations

from aiohttp import web

from hub.api.common import bad_request, error, json_response
from hub.api.context import context_of

routes = web.RouteTableDef()


@routes.get("/api/schedule")
async def list_schedule(request: web.Request) -> web.Response:
    """Pending and running scheduled commands, the next due first; `?all=true`: every one, newest
    first (done, missed, cancelled and failed too)."""
    every = request.query.get("all", "false").lower()
    if every not in ("true", "false", "1", "0"):
        raise bad_request("`all` must be true or false.")
    ctx = context_of(request)
    jobs = await (ctx.schedule.jobs() if every in ("true", "1") else ctx.schedule.open_jobs())
    return json_response([j.as_dict(ctx.zone) for j in jobs])


@routes.delete("/api/schedule/{job_id}")
async def cancel_schedule(request: web.Request) -> web.Response:
    """Cancel one pending scheduled command: 200 with the job, 404 when unknown or no longer pending."""
    raw = request.match_info["job_id"]
    if not raw.isdigit() or len(raw) > 18:
        return error(404, f"No scheduled command {raw[:40]!r}.")
    ctx = context_of(request)
    if not await ctx.schedule.cancel(int(raw)):
        return error(404, f"No pending scheduled command {raw}.")
    job = await ctx.schedule.get(int(raw))
    return json_response(job.as_dict(ctx.zone) if job else {"id": int(raw), "status": "cancelled"})

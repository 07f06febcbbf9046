"""Text commands (`POST /api/command`) and the command log (`GET /api/commands`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from hub.api.common import bad_request, error, json_response, read_json
from hub.api.context import ApiContext, context_of
from hub.commands import LANGS, MAX_TEXT, Outcome, Requester
from hub.errors import CommandError

routes = web.RouteTableDef()

_STATUS = {Outcome.INVALID: 400, Outcome.FAILED: 503, Outcome.BUSY: 503}
"""HTTP status by outcome; every other outcome is a 200 with the result."""


async def run_command(ctx: ApiContext, body: Mapping[str, Any],
                      source: str = "api") -> tuple[int, dict[str, Any]]:
    """Carry out `{"text", "lang", "execute", "conversation_id", "area"}` or `{"confirm": id}` (shared
    with the WebSocket, whose `source` is `websocket`). `area` is the room the request comes from:
    "here" in the sentence means it.

    Both come with the token, so the requester is its holder: a confirmation asked for here is
    given here.

    Returns:
        The HTTP status and the `hub ask` object plus `outcome`.

    Raises:
        CommandError: 400 for missing or malformed fields, 413 for a text over `MAX_TEXT`.
    """
    conversation = body.get("conversation_id")
    if conversation is not None and (not isinstance(conversation, str) or not 0 < len(conversation) <= 100):
        raise CommandError(400, "`conversation_id` must be a string of 1 to 100 characters.")
    area = body.get("area")
    if area is not None and (not isinstance(area, str) or not 0 < len(area) <= 100):
        raise CommandError(400, "`area` must be a string of 1 to 100 characters.")
    requester = Requester(source, "token", conversation, area)
    if "confirm" in body:
        confirm_id = body["confirm"]
        if not isinstance(confirm_id, (str, int)) or isinstance(confirm_id, bool):
            raise CommandError(400, "`confirm` must be the confirm_id string of a pending command.")
        result = await ctx.commands.confirm(str(confirm_id), requester)
        ok = result.outcome in (Outcome.EXECUTED, Outcome.SCHEDULED)  # confirmed: done, or kept for later
        status = 200 if ok else _STATUS.get(result.outcome, 404)
        return status, result.as_contract()
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CommandError(400, "`text` (a non-empty string) is required.")
    if len(text) > MAX_TEXT:
        raise CommandError(413, f"`text` is longer than {MAX_TEXT} characters.")
    lang = body.get("lang") or None
    if lang is not None and lang not in LANGS:
        raise CommandError(400, "`lang` must be auto, en or zh.")
    execute = body.get("execute", True)
    if not isinstance(execute, bool):
        raise CommandError(400, "`execute` must be true or false.")
    result = await ctx.commands.run_text(text, lang, requester, execute=execute)
    return _STATUS.get(result.outcome, 200), result.as_contract()


@routes.post("/api/command")
async def command(request: web.Request) -> web.Response:
    """`{"text", "lang"}` → the `hub ask` object plus `outcome`; `{"confirm": id}` confirms."""
    body = await read_json(request)
    try:
        status, result = await run_command(context_of(request), body)
    except CommandError as err:
        return error(err.status, str(err))
    return json_response(result, status=status)


@routes.get("/api/commands")
async def recent_commands(request: web.Request) -> web.Response:
    """The command log, newest first (`?limit=`, 1 to 500, default 50)."""
    raw = request.query.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= 500:
        raise bad_request("`limit` must be a whole number from 1 to 500.")
    rows = await context_of(request).store.recent_commands(int(raw))
    return json_response([_row(r) for r in rows])


def _row(row: Mapping[str, Any]) -> dict[str, Any]:
    ts = row.get("ts")
    return {
        "id": row.get("id"),
        "ts": ts.isoformat() if ts is not None else None,
        "source": row.get("source"),
        "text": row.get("text"),
        "lang": row.get("lang"),
        "parse": row.get("parse") or {},
        "actions": row.get("actions") or [],
        "outcome": row.get("outcome"),
        "error": row.get("error"),
    }


"""`POST /api/services/<domain>/<service>`: a Home Assistant service call."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from hub.api.common import json_response, read_json
from hub.api.context import ApiContext, context_of
from hub.commands import Outcome, Requester
from hub.errors import CodecError, ServiceError, UnknownEntityError

_LOGGER = logging.getLogger(__name__)

routes = web.RouteTableDef()


def error_body(err: ServiceError) -> dict[str, Any]:
    """`{"message"}` as Home Assistant answers errors, plus `confirm_id` and `outcome` when held."""
    if err.confirm_id is None:
        return {"message": str(err)}
    return {"message": str(err), "confirm_id": err.confirm_id, "outcome": Outcome.NEEDS_CONFIRMATION.value}


async def call(ctx: ApiContext, domain: str, service: str, data: Mapping[str, Any],
               source: str = "api") -> list[dict[str, Any]]:
    """Call a service and return the named entities' current states (shared with the WebSocket).

    Args:
        ctx: The API context.
        domain: `light`, `switch`, …
        service: `turn_on`, `set_temperature`, …
        data: `entity_id` (a string or a list) and the service's arguments.
        source: `api` or `websocket`: the requester a confirmation is bound to.

    Raises:
        ServiceError: 404 for an unknown entity, 400 for a service or value the entity cannot take,
            202 for a sensitive call waiting for its confirmation, 503 when it cannot be carried out
            safely now (command log or broker unavailable).
    """
    try:
        result = await ctx.commands.call_service(domain, service, data, Requester(source, "token"))
    except UnknownEntityError as err:
        raise ServiceError(404, str(err)) from None
    except CodecError as err:
        raise ServiceError(400, str(err)) from None
    except (TypeError, ValueError, KeyError) as err:
        # A value of an unexpected type that a codec did not check: the caller's data is wrong.
        _LOGGER.warning("service %s.%s refused data: %r", domain, service, err)
        raise ServiceError(400, f"Invalid service data: {err}") from None
    if result.outcome is Outcome.NEEDS_CONFIRMATION:
        raise ServiceError(202, result.answer or "confirm to carry it out", result.confirm_id)
    if result.outcome is not Outcome.EXECUTED:
        raise ServiceError(503, result.error or "not carried out")
    ids = data.get("entity_id")
    wanted = [i.strip() for i in ids.split(",")] if isinstance(ids, str) else list(ids or [])
    current = await ctx.states.read_all()
    return [current[i].as_dict() for i in wanted if isinstance(i, str) and i in current]


@routes.post("/api/services/{domain}/{service}")
async def call_service(request: web.Request) -> web.Response:
    """Call a service; answers with the states of the entities it named."""
    body = await read_json(request)
    try:
        domain, service = request.match_info["domain"], request.match_info["service"]
        states = await call(context_of(request), domain, service, body)
    except ServiceError as err:
        return json_response(error_body(err), status=err.status)
    return json_response(states)

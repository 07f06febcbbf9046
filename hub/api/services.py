"""`POST /api/services/<domain>/<service>`: a Home Assistant service call."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from hub.api.common import error, hub_of, json_response, read_json
from hub.app import Hub, UnknownEntityError
from hub.errors import CodecError

_LOGGER = logging.getLogger(__name__)

routes = web.RouteTableDef()


class ServiceError(Exception):
    """A service call the hub refused; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def call(hub: Hub, domain: str, service: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Call a service and return the named entities' current states (shared with the WebSocket).

    Args:
        hub: The hub.
        domain: `light`, `switch`, …
        service: `turn_on`, `set_temperature`, …
        data: `entity_id` (a string or a list) and the service's arguments.

    Raises:
        ServiceError: 404 for an unknown entity, 400 for a service or value the entity cannot take.
    """
    try:
        await hub.call_service(domain, service, data)
    except UnknownEntityError as err:
        raise ServiceError(404, str(err)) from None
    except CodecError as err:
        raise ServiceError(400, str(err)) from None
    except (TypeError, ValueError, KeyError) as err:
        # A value of an unexpected type that a codec did not check: the caller's data is wrong.
        _LOGGER.warning("service %s.%s refused data: %r", domain, service, err)
        raise ServiceError(400, f"Invalid service data: {err}") from None
    ids = data.get("entity_id")
    wanted = [i.strip() for i in ids.split(",")] if isinstance(ids, str) else list(ids or [])
    current = await hub.read_states()
    return [current[i].as_dict() for i in wanted if isinstance(i, str) and i in current]


@routes.post("/api/services/{domain}/{service}")
async def call_service(request: web.Request) -> web.Response:
    """Call a service; answers with the states of the entities it named."""
    body = await read_json(request)
    try:
        domain, service = request.match_info["domain"], request.match_info["service"]
        states = await call(hub_of(request), domain, service, body)
    except ServiceError as err:
        return error(err.status, str(err))
    return json_response(states)

"""`GET /api/openapi.json`: an OpenAPI 3 document of every route (open, like the web page)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from hub.api.common import error, json_response
from hub.commands import LANGS, MAX_TEXT, Outcome

routes = web.RouteTableDef()

JSON = "application/json"
ENTITY_ID = {"type": "string", "pattern": r"^[a-z_]+\.[a-z0-9_]+$", "example": "light.floor_lamp"}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    texts = {400: "Bad request (bad JSON, a bad field or parameter).", 401: "Missing or wrong token.",
             404: "Not found.", 413: "Body or text too large.",
             503: "Not carried out safely now (command log or broker unavailable); nothing was sent."}
    return {str(c): _json(_ref("Error"), texts[c]) for c in codes}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": kind, "nullable": True}


def _path(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _get(summary: str, ok: dict[str, Any], *codes: int, params: list[Any] | None = None,
         open_route: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **_errors(*codes)}}
    if params:
        op["parameters"] = params
    if open_route:
        op["security"] = []
    else:
        op["responses"].update(_errors(401))
    return {"get": op}


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
    "State": {
        "type": "object",
        "required": ["entity_id", "state", "attributes", "last_changed", "last_updated"],
        "properties": {
            "entity_id": {"type": "string"}, "state": {"type": "string"},
            "attributes": {"type": "object"},
            "last_changed": {"type": "string", "format": "date-time"},
            "last_updated": {"type": "string", "format": "date-time"},
        },
    },
    "Entity": {
        "type": "object",
        "required": ["entity_id", "name", "component", "area", "device_class", "device", "aliases",
                     "services"],
        "properties": {
            "entity_id": {"type": "string"}, "name": {"type": "string"}, "component": {"type": "string"},
            "area": _nullable("string"), "area_id": _nullable("string"), "device_class": _nullable("string"),
            "device": {"type": "object", "nullable": True, "properties": {
                "id": {"type": "string"}, "name": _nullable("string")}},
            "aliases": {"type": "array", "items": {"type": "string"}},
            "services": {"type": "array", "items": {"type": "string"}, "example": ["light.turn_on"]},
        },
    },
    "Area": {
        "type": "object", "required": ["area_id", "name", "entities"],
        "properties": {"area_id": {"type": "string"}, "name": {"type": "string"},
                       "entities": {"type": "array", "items": {"type": "string"}}},
    },
    "Device": {
        "type": "object", "required": ["id", "name", "entities"],
        "properties": {
            "id": {"type": "string"}, "name": _nullable("string"), "manufacturer": _nullable("string"),
            "model": _nullable("string"), "sw_version": _nullable("string"), "area": _nullable("string"),
            "identifiers": {"type": "array", "items": {"type": "string"}},
            "via_device": _nullable("string"),
            "entities": {"type": "array", "items": {"type": "string"}},
            "zigbee2mqtt": {"type": "object", "nullable": True,
                            "description": "zigbee2mqtt's bridge/devices entry for this device, when known."},
        },
    },
    "CommandRequest": {
        "type": "object",
        "description": "A sentence (`text`, with `lang` and `execute`), or `confirm` alone.",
        "anyOf": [{"required": ["text"]}, {"required": ["confirm"]}],
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": r"\S",
                     "example": "turn on the kitchen lights"},
            "lang": {"type": "string", "enum": list(LANGS)},
            "execute": {"type": "boolean", "description": "false: understand only (a dry run)."},
            "confirm": {"type": "string",
                        "description": "The confirm_id of a command that needs confirmation."},
            "conversation_id": {"type": "string", "minLength": 1, "maxLength": 100,
                                "description": "Follow-ups and \"yes\" resolve within one conversation."},
            "area": {"type": "string", "minLength": 1, "maxLength": 100,
                     "description": "The room the request comes from: \"here\" in the text means it."},
        },
    },
    "CommandResult": {
        "type": "object", "required": ["outcome"],
        "description": "The `hub ask` object plus `outcome` (see docs/api.md).",
        "properties": {
            "text": _nullable("string"), "lang": _nullable("string"), "intent": _nullable("string"),
            "confidence": {"type": "number"}, "slots": {"type": "object"},
            "actions": {"type": "array", "items": {"type": "object"}},
            "query": {"nullable": True}, "answer": _nullable("string"),
            "mqtt": {"type": "array", "items": {"type": "object"}}, "error": _nullable("string"),
            "confirm_id": {"type": "string"},
            "schedule": {"type": "object", "description": "Only for a sentence with a time (or one that "
                         "lists or cancels scheduled commands): id, when, kind, next_run, repeat, delay."},
            "outcome": {"type": "string", "enum": [o.value for o in Outcome]},
        },
    },
    "ScheduledCommand": {
        "type": "object", "required": ["id", "text", "when", "kind", "next_run", "status", "actions"],
        "properties": {
            "id": {"type": "integer"}, "text": {"type": "string"}, "lang": {"type": "string"},
            "when": {"type": "string", "description": "The time words as said."},
            "kind": {"type": "string", "enum": ["delay", "at", "repeat"]},
            "next_run": {"type": "string", "format": "date-time", "nullable": True},
            "repeat": {"type": "string", "nullable": True, "description": "RFC 5545 RRULE."},
            "delay": {"type": "number", "nullable": True},
            "actions": {"type": "array", "items": {"type": "object"}},
            "status": {"type": "string",
                       "enum": ["pending", "running", "done", "missed", "cancelled", "failed"]},
            "runs": {"type": "integer"}, "source": {"type": "string"},
            "conversation_id": _nullable("string"), "confirmed": {"type": "boolean"},
            "created": {"type": "string", "format": "date-time", "nullable": True},
            "last_run": {"type": "string", "format": "date-time", "nullable": True},
            "last_outcome": _nullable("string"), "last_error": _nullable("string"),
        },
    },
    "CommandLogEntry": {
        "type": "object", "required": ["id", "ts", "source", "text", "outcome"],
        "properties": {
            "id": {"type": "integer"}, "ts": {"type": "string", "format": "date-time"},
            "source": {"type": "string"}, "text": {"type": "string"}, "lang": {"type": "string"},
            "parse": {"type": "object"}, "actions": {"type": "array", "items": {"type": "object"}},
            "outcome": {"type": "string"}, "error": _nullable("string"),
        },
    },
}

_LIMIT_HISTORY = _query("limit", {"type": "integer", "minimum": 1, "maximum": 5000},
                        "At most this many states.")
_HISTORY_OK = _json({"type": "array", "items": _list("State")},
                    "One list of states per entity, oldest first.")
_HISTORY_PARAMS = [
    _query("filter_entity_id", {"type": "string", "pattern": r"[^\s,]", "example": "light.floor_lamp"},
           "Entity ids, comma separated (at most 50).", required=True),
    _query("end_time", {"type": "string", "format": "date-time"}, "End (exclusive); default now."),
    _LIMIT_HISTORY,
]
_TEXT = {"description": "", "content": {"text/plain": {"schema": {"type": "string"}}}}
_HTML = {"description": "The web page.", "content": {"text/html": {"schema": {"type": "string"}}}}

PATHS: dict[str, Any] = {
    "/health": {"get": {
        "summary": "Health of the hub (no token); 503 when degraded, `problems` says why.",
        "security": [],
        "responses": {"200": _json({"type": "object"}, "Healthy."),
                      "503": _json({"type": "object"}, "Degraded: broker, database or disk.")}}},
    "/api/": _get("API liveness.", _json(_ref("Error"), "`{\"message\": \"API running.\"}`")),
    "/api/states": _get("Every entity's state.", _json(_list("State"), "States.")),
    "/api/states/{entity_id}": _get(
        "One entity's state.", _json(_ref("State"), "The state."), 404,
        params=[_path("entity_id", ENTITY_ID, "The entity.")]),
    "/api/services/{domain}/{service}": {"post": {
        "summary": "Call a Home Assistant service.",
        "parameters": [
            _path("domain", {"type": "string", "pattern": "^[a-z_]+$", "example": "light"},
                  "light, switch, …"),
            _path("service", {"type": "string", "pattern": "^[a-z_]+$", "example": "turn_on"},
                  "turn_on, …"),
        ],
        "requestBody": {"required": False, "content": {JSON: {"schema": {
            "type": "object", "required": ["entity_id"], "properties": {"entity_id": {
                "oneOf": [{"type": "string", "pattern": r"[^\s,]"},
                          {"type": "array", "items": {"type": "string"}, "minItems": 1}]}},
            "example": {"entity_id": "light.floor_lamp", "brightness_pct": 40}}}}},
        "responses": {"200": _json(_list("State"), "The named entities' states."),
                      "202": _json({"type": "object", "required": ["message", "confirm_id", "outcome"],
                                    "properties": {"message": {"type": "string"},
                                                   "confirm_id": {"type": "string"},
                                                   "outcome": {"type": "string"}}},
                                   "Sensitive (unlock, open a garage door): held until `POST /api/command` "
                                   "`{\"confirm\": confirm_id}` from the same requester."),
                      **_errors(400, 401, 404, 413, 503)},
    }},
    "/api/command": {"post": {
        "summary": "Understand and carry out a sentence, or confirm a sensitive one.",
        "requestBody": {"required": True, "content": {JSON: {"schema": _ref("CommandRequest")}}},
        "responses": {"200": _json(_ref("CommandResult"), "What was understood and done."),
                      **_errors(400, 401, 413),
                      "503": _json(_ref("CommandResult"), "Not carried out safely (command log or broker)."),
                      "404": _json(_ref("CommandResult"), "No pending command with that confirm_id.")},
    }},
    "/api/commands": _get(
        "The command log, newest first.", _json(_list("CommandLogEntry"), "Logged commands."), 400,
        params=[_query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "Default 50.")]),
    "/api/schedule": _get(
        "Scheduled commands: pending and running, the next due first.", _json(_list("ScheduledCommand"),
                                                                            "Scheduled commands."), 400,
        params=[_query("all", {"type": "string", "enum": ["true", "false", "1", "0"]},
                       "true: every scheduled command, newest first (done, missed, cancelled too).")]),
    "/api/schedule/{job_id}": {"delete": {
        "summary": "Cancel a pending scheduled command.",
        "parameters": [_path("job_id", {"type": "integer", "minimum": 1}, "The scheduled command's id.")],
        "responses": {"200": _json(_ref("ScheduledCommand"), "Cancelled."), **_errors(401, 404)}}},
    "/api/entities": _get("The entity registry.", _json(_list("Entity"), "Entities.")),
    "/api/areas": _get("Areas and their entities.", _json(_list("Area"), "Areas.")),
    "/api/devices": _get("Devices and their entities.", _json(_list("Device"), "Devices.")),
    "/api/history/period": _get("History of the last day (HA's shape).", _HISTORY_OK, 400,
                                params=_HISTORY_PARAMS),
    "/api/history/period/{start}": _get(
        "History from a start time (HA's shape).", _HISTORY_OK, 400,
        params=[_path("start", {"type": "string", "format": "date-time"}, "ISO 8601 start."),
                *_HISTORY_PARAMS]),
    "/api/history/{entity_id}": _get(
        "One entity's history, oldest first.", _json(_list("State"), "States."), 400, 404,
        params=[_path("entity_id", ENTITY_ID, "The entity."),
                _query("start", {"type": "string", "format": "date-time"}, "Start (inclusive)."),
                _query("end", {"type": "string", "format": "date-time"}, "End (exclusive)."),
                _LIMIT_HISTORY]),
    "/api/websocket": _get(
        "WebSocket: state_changed stream, command and call_service requests (see docs/api.md). "
        "The token comes as `?token=`, the Authorization header, or the first message.",
        {"description": "Switching protocols (101) on a WebSocket upgrade."}, 400, 401, open_route=True,
        params=[_query("token", {"type": "string"}, "The API token (browsers cannot set headers).")]),
    "/api/openapi.json": _get("This document.", _json({"type": "object"}, "OpenAPI 3."), open_route=True),
    "/metrics": _get("Prometheus metrics.", _TEXT | {"description": "Text format 0.0.4."}),
    "/": _get("The web page.", _HTML, open_route=True),
    "/index.html": _get("The web page under its file name.", _HTML, open_route=True),
    "/static/{name}": _get(
        "The web page's files.", {"description": "The file."}, 404, open_route=True,
        params=[_path("name", {"type": "string", "enum": ["app.js", "style.css", "index.html"]}, "File.")]),
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "hub", "version": "1", "description": (
        "The smart-home hub's HTTP API (Home Assistant's REST shapes). Every route but /health, "
        "/api/openapi.json and the web page needs the bearer token.")},
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
}
"""The document; `tests/test_api_schema.py` checks it against the real routes."""


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI document."""
    return json_response(DOCUMENT)


@functools.cache
def _query_names(path: str, method: str) -> frozenset[str] | None:
    operation = PATHS.get(path, {}).get(method.lower())
    if operation is None:
        return None
    return frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")


@web.middleware
async def unknown_query(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Refuse query parameters the document does not list for the route (400), so a typo such as
    `?filter_entity=` is an error instead of being silently ignored. The web page's routes accept any.
    """
    route = request.match_info.route
    resource = route.resource
    allowed = _query_names(resource.canonical, request.method) if resource is not None else None
    if allowed is not None and request.path != "/" and not request.path.startswith("/static/"):
        unknown = sorted(set(request.query) - allowed)
        if unknown:
            listed = ", ".join(allowed) or "none"
            return error(400, f"Unknown query parameter(s): {', '.join(unknown)[:200]} (accepted: {listed}).")
    return await handler(request)

"""`GET /api/websocket`: live state changes, text commands and service calls over one socket.

The protocol follows Home Assistant's: the server says `auth_required` unless the upgrade request
carried the token (`Authorization` header or `?token=`), the client answers
`{"type": "auth", "access_token": ...}`, and the server says `auth_ok` (or `auth_invalid` and
closes with 4001). Then every changed state arrives as `{"type": "state_changed", "state": {...}}`
and requests carry an `id` that their `{"type": "result", "id": ...}` repeats.

Each client has a bounded queue. A client that does not read fast enough to keep it from filling
is closed with code 4008 instead of letting the queue grow without bound; it can reconnect and
re-read `/api/states`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import WSMsgType, web

from hub.api.auth import AUTHENTICATED
from hub.api.commands import run_command
from hub.api.common import dumps
from hub.api.context import ApiContext, context_of
from hub.api.services import call, error_body
from hub.commands.validate import is_valid_unicode
from hub.domain import State
from hub.errors import CommandError, ServiceError
from hub.token import token_matches

_LOGGER = logging.getLogger(__name__)

routes = web.RouteTableDef()

QUEUE_SIZE: web.AppKey[int] = web.AppKey("ws_queue_size", int)
"""App setting: messages a client may have waiting before it is dropped."""
DEFAULT_QUEUE_SIZE = 1024
MAX_MESSAGE = 64 * 1024
"""Largest message a client may send, in bytes (larger: the socket closes with 1009)."""
AUTH_TIMEOUT = 10.0
"""Seconds a client has to send its `auth` message."""
MAX_UNAUTHENTICATED = 16
"""Sockets that may wait for their `auth` message at once; more are refused with 503."""
UNAUTHENTICATED: web.AppKey[list[int]] = web.AppKey("ws_unauthenticated", list)
"""App state: how many sockets are waiting for their `auth` message (a one-item list)."""
CLOSE_UNAUTHORIZED = 4001
"""Close code: the `auth` message was missing, late or wrong."""
CLOSE_TOO_SLOW = 4008
"""Close code: the client fell too far behind the state stream."""


class Client:
    """One connected socket: its bounded outgoing queue and the task that drains it."""

    def __init__(self, ws: web.WebSocketResponse, size: int) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=size)
        self.dropped = False
        """True once the client fell behind and is being closed."""
        self._closer: asyncio.Task[bool] | None = None

    def send(self, message: Mapping[str, Any]) -> None:
        """Queue `message`; a full queue drops the client (never blocks, never grows).

        Args:
            message: A JSON-serialisable object.
        """
        if self.dropped:
            return
        try:
            self.queue.put_nowait(dumps(message))
        except asyncio.QueueFull:
            self.dropped = True
            _LOGGER.warning("WebSocket client too slow (%d messages waiting); closing it", self.queue.qsize())
            self._closer = asyncio.create_task(
                self.ws.close(code=CLOSE_TOO_SLOW, message=b"too slow: reconnect and re-read /api/states")
            )

    def on_states(self, states: Sequence[State]) -> None:
        """The hub's state listener: one `state_changed` message per state.

        Args:
            states: A batch of changed states.
        """
        for state in states:
            self.send({"type": "state_changed", "state": state.as_dict()})

    async def drain(self) -> None:
        """Send queued messages until the socket closes."""
        while not self.ws.closed:
            text = await self.queue.get()
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def close(self) -> None:
        """Wait for a pending slow-client close."""
        if self._closer is not None:
            with contextlib.suppress(Exception):
                await self._closer


async def _authenticate(ws: web.WebSocketResponse, token: str, request: web.Request) -> bool:
    await ws.send_json({"type": "auth_required"})
    try:
        msg = await ws.receive(timeout=AUTH_TIMEOUT)
    except TimeoutError:
        msg = None
    given = None
    if msg is not None and msg.type == WSMsgType.TEXT:
        with contextlib.suppress(ValueError):
            data = json.loads(msg.data)
            if isinstance(data, dict) and data.get("type") == "auth":
                value = data.get("access_token")
                given = value if isinstance(value, str) else None
    if token_matches(token, given):
        return True
    reason = "no token" if given is None else "wrong token"
    _LOGGER.warning("401 WebSocket auth from %s (%s)", request.remote, reason)
    if not ws.closed:
        await ws.send_json({"type": "auth_invalid", "message": "Invalid access token."})
        await ws.close(code=CLOSE_UNAUTHORIZED, message=b"unauthorized")
    return False


async def _answer(ctx: ApiContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """The `result` message for one request."""
    kind, msg_id = data.get("type"), data.get("id")
    try:
        if kind == "command":
            status, result = await run_command(ctx, data, source="websocket")
            if status != 200:
                return _failure(msg_id, status, str(result.get("error")))
            return {"type": "result", "id": msg_id, "success": True, "result": result}
        if kind == "call_service":
            domain, service = data.get("domain"), data.get("service")
            if not isinstance(domain, str) or not isinstance(service, str):
                return _failure(msg_id, 400, "`domain` and `service` (strings) are required.")
            service_data = data.get("service_data") or {}
            target = data.get("target") or {}
            if not isinstance(service_data, dict) or not isinstance(target, dict):
                return _failure(msg_id, 400, "`service_data` and `target` must be objects.")
            states = await call(ctx, domain, service, {**service_data, **target}, source="websocket")
            return {"type": "result", "id": msg_id, "success": True, "result": states}
        if kind == "get_states":
            return {"type": "result", "id": msg_id, "success": True,
                    "result": [s.as_dict() for s in (await ctx.states.read_all()).values()]}
        if kind == "ping":
            return {"type": "pong", "id": msg_id}
    except ServiceError as err:
        error = {"code": err.status, **error_body(err)}
        return {"type": "result", "id": msg_id, "success": False, "error": error}
    except CommandError as err:
        return _failure(msg_id, err.status, str(err))
    return _failure(msg_id, 400, f"Unknown message type {kind!r}.")


def _failure(msg_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"type": "result", "id": msg_id, "success": False, "error": {"code": code, "message": message}}


@routes.get("/api/websocket")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    """Upgrade to a WebSocket and serve one client until it leaves."""
    ctx = context_of(request)
    authenticated = bool(request.get(AUTHENTICATED, False))
    waiting = request.app[UNAUTHENTICATED]
    if not authenticated and waiting[0] >= MAX_UNAUTHENTICATED:
        _LOGGER.warning("refused a WebSocket from %s: %d already waiting to authenticate",
                        request.remote, waiting[0])
        raise web.HTTPServiceUnavailable(text=json.dumps({"message": "Too many unauthenticated sockets."}),
                                          content_type="application/json")
    ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=MAX_MESSAGE)
    if not authenticated:
        waiting[0] += 1
        try:
            await ws.prepare(request)
            if not await _authenticate(ws, ctx.token, request):
                return ws
        finally:
            waiting[0] -= 1
    else:
        await ws.prepare(request)
    await ws.send_json({"type": "auth_ok"})
    client = Client(ws, request.app.get(QUEUE_SIZE, DEFAULT_QUEUE_SIZE))
    remove = ctx.states.subscribe(client.on_states)
    sender = asyncio.create_task(client.drain(), name="ws-send")
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(msg.data)
            except ValueError:
                client.send(_failure(None, 400, "Messages must be JSON objects."))
                continue
            if not isinstance(data, dict):
                client.send(_failure(None, 400, "Messages must be JSON objects."))
                continue
            if not is_valid_unicode(data):
                client.send(_failure(None, 400, "The message is not valid Unicode (a lone surrogate)."))
                continue
            client.send(await _answer(ctx, data))
    finally:
        remove()
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
        await client.close()
    return ws

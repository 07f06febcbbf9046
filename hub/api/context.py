"""What the HTTP API and the WebSocket may use of the hub: `ApiContext`, built by the composition root.

The routes see the command service, the state view, the registry (read), the store's history
and command log, and the few figures `/health` and `/metrics` report; never the hub itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from aiohttp import web

from hub.commands import CommandService
from hub.registry import Registry
from hub.states import StateView
from hub.store import Store
from hub.store.schedule import ScheduleStore


@dataclass(frozen=True)
class ApiContext:
    """The API's narrow view of a started hub."""

    commands: CommandService
    """The one command path: sentences, service calls, confirmations."""
    states: StateView
    """Current states and their changes."""
    registry: Registry
    """The entities the hub provides (read only here)."""
    store: Store
    """History and the command log (read only here)."""
    schedule: ScheduleStore
    """Scheduled commands (list, cancel)."""
    zone: tzinfo
    """The hub's time zone (scheduled times are shown in it)."""
    health: Callable[[], dict[str, Any]]
    """The `/health` body."""
    token: str
    """The API token."""
    ingress_proxy: str | None
    """Home Assistant's ingress proxy address, trusted without a token."""
    bridge_devices: Mapping[str, Any]
    """zigbee2mqtt's device facts for `/api/devices`."""
    counters: Mapping[str, int]
    """The hub's counters, for `/metrics`."""
    parse_seconds: Callable[[], Sequence[float]]
    """Recent parse times, for `/metrics`."""
    published: Callable[[], int]
    """MQTT messages published so far, for `/metrics`."""


CONTEXT_KEY: web.AppKey[ApiContext] = web.AppKey("hub", ApiContext)
"""Where `build_app` keeps the context on the application."""


def context_of(request: web.Request) -> ApiContext:
    """The context serving `request`."""
    return request.app[CONTEXT_KEY]

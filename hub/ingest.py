"""Ingest: each batch of MQTT messages → discovery (entity sync) or states (tracker → store → bus).

The MQTT client calls `Ingest.on_messages` with the batches it received; nothing else writes
states. A payload that is not UTF-8 is skipped with a warning; a bad state payload is the
tracker's to log.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from hub.domain import State
from hub.entitysync import EntitySync
from hub.mqtt import Received
from hub.states import StateBus
from hub.tracker import StateTracker

_LOGGER = logging.getLogger(__name__)


class StateWriter(Protocol):
    """The store's state queue."""

    def put_state(self, state: State) -> None: ...


class Ingest:
    """Routes received messages. Counts `messages_in` and `states` in `counters`.

    Args:
        sync: Entity sync (discovery and bridge device lists go there).
        tracker: Decodes state topics into states.
        store: Where changed states are queued for writing.
        bus: Where changed states are announced.
        counters: The hub's counters (shared with `/health` and `/metrics`).
    """

    def __init__(self, sync: EntitySync, tracker: StateTracker, store: StateWriter, bus: StateBus,
                 counters: dict[str, int]) -> None:
        self._sync = sync
        self._tracker = tracker
        self._store = store
        self._bus = bus
        self._counters = counters

    def on_messages(self, batch: Sequence[Received]) -> None:
        """Handle one batch, in order."""
        self._counters["messages_in"] = self._counters.get("messages_in", 0) + len(batch)
        changed: list[State] = []
        for message in batch:
            topic = message.topic
            try:
                payload = message.payload.decode("utf-8")
            except UnicodeDecodeError:
                _LOGGER.warning("skipped a non-UTF-8 payload on %s", topic)
                continue
            if self._sync.wants(topic):
                self._sync.on_discovery(topic, payload, message.retain)
            elif topic.endswith("/bridge/devices"):
                self._sync.on_bridge_devices(topic, payload)
            else:
                changed.extend(self._tracker.handle(topic, payload))
        if changed:
            self._counters["states"] = self._counters.get("states", 0) + len(changed)
            for state in changed:
                self._store.put_state(state)
            self._bus.publish(changed)

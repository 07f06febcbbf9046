"""Current states for the interfaces: `StateView` reads them, `StateBus` tells who listens of changes.

These are the narrow objects the API, the WebSocket and the command service get instead of the
whole hub: the tracker and the store stay the ingest's; readers see only what the registry
provides.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from hub.domain import State
from hub.registry import Registry
from hub.tracker import StateTracker

_LOGGER = logging.getLogger(__name__)

StateListener = Callable[[Sequence[State]], None]


class StoredStates(Protocol):
    """What the view reads from the store when instances share the state traffic."""

    def flush(self) -> Awaitable[None]: ...

    def current_states(self) -> Awaitable[dict[str, State]]: ...


class StateBus:
    """Listeners of changed states. The ingest publishes each batch; a failing listener is logged."""

    def __init__(self) -> None:
        self._listeners: list[StateListener] = []

    def subscribe(self, listener: StateListener) -> Callable[[], None]:
        """Call `listener` with every batch of changed states; returns the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def __len__(self) -> int:
        """How many listeners there are."""
        return len(self._listeners)

    def publish(self, states: Sequence[State]) -> None:
        """Hand `states` to every listener."""
        for listener in list(self._listeners):
            try:
                listener(states)
            except Exception:
                _LOGGER.exception("state listener failed")


class StateView:
    """Current states of the entities the hub provides.

    Args:
        tracker: The states this instance decoded.
        registry: The entities the hub provides (a state of anything else is not shown).
        store: The database, the one complete view when `shared`.
        shared: Instances share the state traffic (an MQTT shared subscription): each sees only
            part of it, so reads go to the database, which every instance writes.
        bus: Where changes are announced (`subscribe`).
    """

    def __init__(self, tracker: StateTracker, registry: Registry, store: StoredStates, *,
                 shared: bool, bus: StateBus) -> None:
        self._tracker = tracker
        self._registry = registry
        self._store = store
        self._shared = shared
        self._bus = bus

    def subscribe(self, listener: StateListener) -> Callable[[], None]:
        """`StateBus.subscribe`: changed states as they arrive."""
        return self._bus.subscribe(listener)

    def get(self, entity_id: str) -> State | None:
        """This instance's current state of `entity_id` (no database read)."""
        return self._tracker.get(entity_id) if entity_id in self._registry else None

    async def read_all(self) -> dict[str, State]:
        """Current states for readers (API, questions, commands), from the database when shared."""
        if self._shared:
            await self._store.flush()
            stored = await self._store.current_states()
            return {eid: s for eid, s in stored.items() if eid in self._registry}
        return {eid: s for eid, s in self._tracker.states().items() if eid in self._registry}

    async def read(self, entity_id: str) -> State | None:
        """The current state of `entity_id`, as `read_all` would give it."""
        if self._shared:
            return (await self.read_all()).get(entity_id)
        return self.get(entity_id)

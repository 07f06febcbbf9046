"""Registry changes → the store: the one owner of saving discovered entities.

Changes are coalesced (a discovery burst becomes one transaction), written by one writer at a
time, and put back when a write fails or is cancelled, so no entity the registry holds is lost on
its way to the database. Changes made while a write runs are saved by the next round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Protocol

from hub.domain import Entity

COALESCE = 0.2
"""Seconds to wait for more changes before a write."""


class EntityStore(Protocol):
    """What persistence needs of the store."""

    def save_entities(self, items: Sequence[Entity]) -> Awaitable[None]: ...

    def remove_entities(self, entity_ids: Sequence[str]) -> Awaitable[None]: ...


class EntityPersistence:
    """Saves registry changes to `store`.

    Args:
        store: The database.
        spawn: Starts a task its owner cancels and awaits on stop (the hub's `spawn`).
    """

    def __init__(self, store: EntityStore,
                 spawn: Callable[[Coroutine[Any, Any, None], str], asyncio.Task[Any]]) -> None:
        self._store = store
        self._spawn = spawn
        self._dirty: dict[str, Entity] = {}
        self._gone: set[str] = set()
        self._task: asyncio.Task[Any] | None = None
        self._lock = asyncio.Lock()

    def added(self, entity: Entity) -> None:
        """`entity` is new or changed."""
        self._dirty[entity.entity_id] = entity
        self._gone.discard(entity.entity_id)

    def removed(self, entity_id: str) -> None:
        """`entity_id` is no longer provided."""
        self._gone.add(entity_id)
        self._dirty.pop(entity_id, None)

    def schedule(self) -> None:
        """Write the changes soon (one task at a time)."""
        if self._task is None or self._task.done():
            self._task = self._spawn(self._soon(), "persist-entities")

    async def _soon(self) -> None:
        while True:
            await asyncio.sleep(COALESCE)
            await self.flush()
            if not (self._dirty or self._gone):
                return

    async def flush(self) -> None:
        """Write the changes; when it returns, every change made before the call is saved.

        A write that fails or is cancelled (the hub stopping) puts its changes back.
        """
        async with self._lock:
            dirty, self._dirty = self._dirty, {}
            gone, self._gone = self._gone, set()
            try:
                if gone:
                    await self._store.remove_entities(sorted(gone))
                    gone = set()
                if dirty:
                    await self._store.save_entities(list(dirty.values()))
            except BaseException:
                for entity_id, entity in dirty.items():  # changes made meanwhile are newer: they win
                    if entity_id not in self._gone:
                        self._dirty.setdefault(entity_id, entity)
                self._gone |= {g for g in gone if g not in self._dirty}
                raise


__all__ = ["EntityPersistence"]

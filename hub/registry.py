"""The entity registry: the one owner of which entities exist, kept in memory.

Discovery updates (`Entity` / `Removal`) go in through `apply`; readers get an immutable
`Snapshot`. The registry knows nothing of MQTT or the database: the app persists what `apply`
reports as changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from hub.domain import Entity, Removal

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """A read-only view of the registry at one moment (what the resolver and the API read)."""

    entities: Mapping[str, Entity] = field(default_factory=lambda: MappingProxyType({}))
    version: int = 0
    """Bumped by every change; lets consumers cache derived indexes."""

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def areas(self) -> list[str]:
        """Distinct area names, sorted."""
        return sorted({e.area for e in self.entities.values() if e.area})


@dataclass(frozen=True, slots=True)
class Changes:
    """What one `apply` changed."""

    added: tuple[Entity, ...] = ()
    """New or updated entities."""
    removed: tuple[Entity, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


class Registry:
    """Entities by id and by discovery key."""

    def __init__(self, area_overrides: Mapping[str, str] | None = None) -> None:
        self._by_id: dict[str, Entity] = {}
        self._by_key: dict[str, str] = {}
        self._by_unique: dict[tuple[str, str], str] = {}
        """(component, unique_id) → entity id: a migrated announcement keeps its id."""
        self._area_overrides = dict(area_overrides or {})
        self._version = 0
        self._snapshot = Snapshot()
        self._seen: set[str] | None = None

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def by_discovery_key(self, key: str) -> Entity | None:
        entity_id = self._by_key.get(key)
        return self._by_id.get(entity_id) if entity_id else None

    def entities(self) -> list[Entity]:
        return list(self._by_id.values())

    def snapshot(self) -> Snapshot:
        """The current state as an immutable snapshot (cached until the next change)."""
        if self._snapshot.version != self._version:
            self._snapshot = Snapshot(MappingProxyType(dict(self._by_id)), self._version)
        return self._snapshot

    def load(self, entities: Iterable[Entity]) -> None:
        """Fill the registry from the store at start-up (no change is reported)."""
        for entity in entities:
            self._by_id[entity.entity_id] = entity
            self._by_key[entity.discovery_key] = entity.entity_id
            if entity.unique_id:
                self._by_unique[(entity.component, entity.unique_id)] = entity.entity_id
        self._version += 1

    def apply(self, updates: Sequence[Entity | Removal]) -> Changes:
        """Apply discovery updates; return what changed."""
        added: list[Entity] = []
        removed: list[Entity] = []
        for update in updates:
            if isinstance(update, Removal):
                removed.extend(self._remove(update))
            else:
                entity = self._add(update)
                if entity is not None:
                    added.append(entity)
        if added or removed:
            self._version += 1
        return Changes(tuple(added), tuple(removed))

    def _add(self, entity: Entity) -> Entity | None:
        key = entity.discovery_key
        if self._seen is not None:
            self._seen.add(key)
        existing_id = self._by_key.get(key)
        if existing_id is None and entity.unique_id:
            # The same unique_id announced under another topic (migration): keep its entity id.
            existing_id = self._by_unique.get((entity.component, entity.unique_id))
            if existing_id is not None and existing_id not in self._by_id:
                existing_id = None
            if existing_id is not None:
                old = self._by_id[existing_id]
                self._by_key.pop(old.discovery_key, None)
        if existing_id is not None:
            entity = replace(entity, entity_id=existing_id)
        else:
            entity = replace(entity, entity_id=self._free_id(entity.entity_id))
        area = self._area_overrides.get(entity.entity_id)
        if area:
            entity = replace(entity, area=area)
        if self._by_id.get(entity.entity_id) == entity:
            return None
        self._by_id[entity.entity_id] = entity
        self._by_key[key] = entity.entity_id
        if entity.unique_id:
            self._by_unique[(entity.component, entity.unique_id)] = entity.entity_id
        return entity

    def _free_id(self, wanted: str) -> str:
        if wanted not in self._by_id:
            return wanted
        n = 2
        while f"{wanted}_{n}" in self._by_id:
            n += 1
        return f"{wanted}_{n}"

    def _remove(self, removal: Removal) -> list[Entity]:
        if removal.component_key is not None:
            keys = [f"{removal.discovery_topic}#{removal.component_key}"]
        else:
            keys = [k for k in self._by_key if k == removal.discovery_topic
                    or k.startswith(removal.discovery_topic + "#")]
        gone: list[Entity] = []
        for key in keys:
            entity_id = self._by_key.pop(key, None)
            if entity_id is not None and entity_id in self._by_id:
                gone.append(self._by_id.pop(entity_id))
        return gone

    # -- removal of entities that were not re-announced -------------------------------------
    def begin_sweep(self) -> None:
        """Start recording which discovery keys are (re-)announced (after HA's birth message)."""
        self._seen = set()

    def end_sweep(self, retained_keys: Iterable[str] = ()) -> Changes:
        """Remove entities not announced since `begin_sweep` (e.g. deleted while the hub was down).

        Args:
            retained_keys: Keys whose retained config the broker delivered (count as announced).
        """
        seen = (self._seen or set()) | set(retained_keys)
        self._seen = None
        stale = [e for e in self._by_id.values() if e.discovery_key not in seen]
        for entity in stale:
            del self._by_id[entity.entity_id]
            self._by_key.pop(entity.discovery_key, None)
        if stale:
            self._version += 1
            _LOGGER.info("removed %d entities that were not re-announced: %s",
                         len(stale), ", ".join(e.entity_id for e in stale[:10]))
        return Changes(removed=tuple(stale))

"""The state tracker: routes state and availability messages to entities and decodes them.

Pure (no I/O): the app feeds it received messages and registry changes, and writes the
`State`s it returns to the store. It owns the current-state cache.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from hub import codecs
from hub.discovery import AvailabilityTracker
from hub.discovery.availability import AvailabilityConfig
from hub.domain import Entity, State, utcnow
from hub.templates import TemplateBudgetError

_LOGGER = logging.getLogger(__name__)

UNAVAILABLE = "unavailable"
UNKNOWN = "unknown"

DECODE_BURST = 0.5
"""Seconds of decoding one entity may use at once (a retained replay, a burst of messages)."""
DECODE_MAX = 0.05
"""The most one decode is charged (perf_counter is cheap but counts time the OS paused us)."""
DECODE_RATE = 0.05
"""Seconds per second of decoding one entity may use sustained: 5 % of a core.

Each template is bounded (`hub.templates.budget`), but one just under its budget (~30 ms) sent
40 times a second would still hold the event loop; past this share the entity is suspended like
one whose template went over budget. A chatty honest sensor uses well under 0.1 %.
"""


class StateTracker:
    """Current states, and which topics feed which entities."""

    def __init__(self) -> None:
        self._states: dict[str, State] = {}
        self._routes: defaultdict[str, set[str]] = defaultdict(set)
        self._topics_of: dict[str, set[str]] = {}
        self._entities: dict[str, Entity] = {}
        self._availability = AvailabilityTracker()
        self._last_known: dict[str, State] = {}
        self._suspended: dict[str, tuple[Entity, str]] = {}
        self._credit: dict[str, tuple[float, float]] = {}  # entity_id → (seconds left, as of)

    # -- entities --------------------------------------------------------------------------
    def track(self, entity: Entity) -> tuple[set[str], set[str]]:
        """Start (or refresh) tracking `entity`; return (topics now needed, topics no longer needed).

        Incremental: only this entity's topics are compared, so a discovery storm of N entities
        costs O(N), not O(N²).
        """
        entity_id = entity.entity_id
        suspended = self._suspended.get(entity_id)
        if suspended is not None and suspended[0] != entity:
            del self._suspended[entity_id]  # a new config: give its templates another chance
            self._credit.pop(entity_id, None)
        old = self._entity_topics(entity_id)
        self.untrack(entity_id, keep_state=True)
        self._entities[entity_id] = entity
        topics = set(codecs.state_topics(entity))
        config = AvailabilityConfig.from_config(entity.config)
        new = topics | ({src.topic for src in config.sources} if config else set())
        used_by_others = {t for t in old | new if self._in_use(t)}
        self._availability.track(entity)
        for topic in topics:
            self._routes[topic].add(entity_id)
        self._topics_of[entity_id] = topics
        if entity_id not in self._states:
            self._states[entity_id] = State(entity_id, UNKNOWN, self._base_attributes(entity))
        return new - old - used_by_others, old - new - used_by_others

    def _entity_topics(self, entity_id: str) -> set[str]:
        entity = self._entities.get(entity_id)
        topics = set(self._topics_of.get(entity_id, ()))
        if entity is not None and (config := AvailabilityConfig.from_config(entity.config)) is not None:
            topics |= {src.topic for src in config.sources}
        return topics

    def _in_use(self, topic: str) -> bool:
        return bool(self._routes.get(topic)) or bool(self._availability.entities_for(topic))

    def untrack(self, entity_id: str, *, keep_state: bool = False) -> set[str]:
        """Stop tracking `entity_id` (and forget its state unless `keep_state`).

        Returns:
            Its topics that no other tracked entity reads (to unsubscribe).
        """
        mine = self._entity_topics(entity_id)
        for topic in self._topics_of.pop(entity_id, set()):
            routed = self._routes.get(topic)
            if routed is not None:
                routed.discard(entity_id)
                if not routed:
                    del self._routes[topic]
        self._availability.untrack(entity_id)
        self._entities.pop(entity_id, None)
        if not keep_state:
            self._states.pop(entity_id, None)
            self._last_known.pop(entity_id, None)
            self._suspended.pop(entity_id, None)
            self._credit.pop(entity_id, None)
        return {t for t in mine if not self._in_use(t)}

    def restore(self, states: Iterable[State]) -> None:
        """Load states from the store at start-up (served before any new message arrives)."""
        for state in states:
            self._states[state.entity_id] = state

    def topics(self) -> set[str]:
        """Every topic the tracked entities need: state topics and availability topics."""
        return set(self._routes) | self._availability.topics()

    # -- messages --------------------------------------------------------------------------
    def handle(self, topic: str, payload: str, now: datetime | None = None) -> list[State]:
        """Apply one message; return the states that changed."""
        now = now or utcnow()
        changed: list[State] = []
        for entity_id in list(self._routes.get(topic, ())):
            entity = self._entities.get(entity_id)
            if entity is None or entity_id in self._suspended:
                continue
            previous = self._states.get(entity_id)
            if previous is not None and previous.state == UNAVAILABLE:
                previous = self._last_known.get(entity_id, previous)
            started = time.perf_counter()
            try:
                new = codecs.decode(entity, topic, payload, previous, now)
            except TemplateBudgetError as err:
                changed.extend(self._suspend(entity, str(err), now))
                continue
            except Exception:  # a codec bug must not stop ingest of other entities
                _LOGGER.exception("decoding %s for %s failed", topic, entity_id)
                new = None
            if not self._charge(entity_id, started):
                reason = f"decoding its messages used over {DECODE_RATE:.0%} of a core"
                changed.extend(self._suspend(entity, reason, now))
                continue
            if new is None:
                continue
            self._last_known[entity_id] = new
            if not self._availability.is_available(entity_id):
                continue
            current = self._states.get(entity_id)
            if current is not None and current.state == new.state and current.attributes == new.attributes:
                continue  # a repeat (e.g. a retained replay): nothing to store or announce
            self._states[entity_id] = new
            changed.append(new)
        if topic in self._availability.topics():
            changed.extend(self._availability_changed(topic, payload, now))
        return changed

    def _charge(self, entity_id: str, started: float) -> bool:
        """Charge one decode's time to the entity's credit; False once the credit is spent."""
        ended = time.perf_counter()
        credit, at = self._credit.get(entity_id, (DECODE_BURST, started))
        # wall-clock, so a decode the OS paused may look long: one decode costs at most 50 ms
        # (a render's budget is ~30 ms of CPU), so a few pauses never suspend an honest entity
        spent = min(ended - started, DECODE_MAX)
        credit = min(DECODE_BURST, credit + (started - at) * DECODE_RATE) - spent
        self._credit[entity_id] = (credit, ended)
        return credit >= 0

    def _suspend(self, entity: Entity, reason: str, now: datetime) -> list[State]:
        """A template of `entity` went over its budget: unavailable until its config changes.

        Its messages are not decoded meanwhile, so a flood of them costs nothing.
        """
        entity_id = entity.entity_id
        self._suspended[entity_id] = (entity, reason)
        _LOGGER.warning("%s: a template went over its budget (%s); the entity is unavailable "
                        "until its discovery config changes", entity_id, reason)
        current = self._states.get(entity_id)
        if current is None or current.state == UNAVAILABLE:
            return []
        self._last_known[entity_id] = current
        new = replace(current, state=UNAVAILABLE, last_changed=now, last_updated=now)
        self._states[entity_id] = new
        return [new]

    def suspended(self) -> Mapping[str, str]:
        """Entities whose templates went over budget: entity_id → the reason."""
        return {entity_id: reason for entity_id, (_, reason) in self._suspended.items()}

    def _availability_changed(self, topic: str, payload: str, now: datetime) -> list[State]:
        changed: list[State] = []
        for entity_id, available in self._availability.update(topic, payload).items():
            current = self._states.get(entity_id)
            if current is None or entity_id in self._suspended:
                continue
            if available:
                known = self._last_known.get(entity_id)
                new = replace(known or current, last_updated=now)
                if new.state == UNAVAILABLE:
                    new = replace(new, state=UNKNOWN, last_changed=now)
            else:
                if current.state != UNAVAILABLE:
                    self._last_known[entity_id] = current
                new = replace(current, state=UNAVAILABLE, last_changed=now, last_updated=now)
            self._states[entity_id] = new
            changed.append(new)
        return changed

    # -- reads -----------------------------------------------------------------------------
    def get(self, entity_id: str) -> State | None:
        return self._states.get(entity_id)

    def states(self) -> Mapping[str, State]:
        return self._states

    @staticmethod
    def _base_attributes(entity: Entity) -> dict[str, object]:
        attrs: dict[str, object] = {"friendly_name": entity.name}
        if entity.device_class:
            attrs["device_class"] = entity.device_class
        return attrs

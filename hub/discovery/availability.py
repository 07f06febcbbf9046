"""Entity availability from MQTT availability topics, with HA's semantics.

An entity's discovery config names its availability either as one `availability_topic` (with
`payload_available`/`payload_not_available`, default `online`/`offline`, and an optional
`availability_template`) or as an `availability` list whose entries carry their own payloads
and `value_template`. `availability_mode` combines the list: `all` topics available, `any` of
them, or the `latest` message (the default).

Like Home Assistant, an entity with availability topics is **unavailable until a message says
otherwise**; an entity without them is always available. A payload that matches neither
configured value (after its template) is ignored.

The tracker remembers the last payload of each topic it is fed. The MQTT client subscribes to
a topic once, so a retained `zigbee2mqtt/bridge/state` is delivered once; an entity discovered
afterwards is judged by that remembered payload at `track` time rather than staying
unavailable until the bridge restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from hub.domain import Entity
from hub.templates import TemplateBudgetError, render_value

_LOGGER = logging.getLogger(__name__)

MODES: Final = ("all", "any", "latest")
_MAX_REMEMBERED: Final = 4096
"""Topics whose last payload is kept; the oldest is forgotten first."""


@dataclass(frozen=True, slots=True)
class AvailabilitySource:
    """One availability topic of an entity and how to read it."""

    topic: str
    payload_available: str = "online"
    payload_not_available: str = "offline"
    value_template: str | None = None
    """Applied to the payload before comparing (`{{ value_json.state }}` for zigbee2mqtt)."""

    def interpret(self, payload: str) -> bool | None:
        """Read one payload.

        Args:
            payload: The message payload as text.

        Returns:
            True or False when it matches a configured payload, None when it matches neither
            or the template fails (a template is untrusted input, so any failure counts).
        """
        try:
            value = render_value(self.value_template, payload)
        except TemplateBudgetError:
            raise  # the tracker stops rendering this template (see AvailabilityTracker._apply)
        except Exception as err:  # TemplateError, and RecursionError from deep JSON payloads
            _LOGGER.debug("availability template on %s failed: %s", self.topic, err)
            return None
        if value == self.payload_available:
            return True
        if value == self.payload_not_available:
            return False
        return None


@dataclass(frozen=True, slots=True)
class AvailabilityConfig:
    """An entity's availability settings."""

    sources: tuple[AvailabilitySource, ...]
    mode: str = "latest"
    """`all`, `any` or `latest`."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AvailabilityConfig | None:
        """Read the settings from an expanded discovery config.

        Args:
            config: `Entity.config` (validated by `parse_discovery`).

        Returns:
            The settings, or None when the entity has no availability topic.
        """
        sources: dict[str, AvailabilitySource] = {}  # by topic, as HA keys them
        if isinstance(config.get("availability_topic"), str):
            topic = config["availability_topic"]
            sources[topic] = AvailabilitySource(
                topic,
                _text(config.get("payload_available"), "online"),
                _text(config.get("payload_not_available"), "offline"),
                _text(config.get("availability_template"), None),
            )
        entries = config.get("availability")
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping) and isinstance(entry.get("topic"), str):
                sources[entry["topic"]] = AvailabilitySource(
                    entry["topic"],
                    _text(entry.get("payload_available"), "online"),
                    _text(entry.get("payload_not_available"), "offline"),
                    _text(entry.get("value_template"), None),
                )
        if not sources:
            return None
        mode = config.get("availability_mode")
        return cls(tuple(sources.values()), mode if mode in MODES else "latest")


def _text(value: Any, default: str | None) -> Any:
    return value if isinstance(value, str) else default


class AvailabilityTracker:
    """Availability of every tracked entity, updated from availability-topic messages.

    The single owner of this state: the registry calls `track`/`untrack` as discovery changes,
    the MQTT side subscribes to `topics()` and feeds messages to `update`.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._configs: dict[str, AvailabilityConfig] = {}
        self._by_topic: dict[str, dict[str, AvailabilitySource]] = {}
        """topic → entity_id → how that entity reads the topic."""
        self._seen: dict[str, dict[str, bool]] = {}
        """entity_id → topic → last verdict of that topic."""
        self._latest: dict[str, bool] = {}
        self._remembered: dict[str, str] = {}
        """topic → last payload, oldest first."""
        self._over_budget: set[tuple[str, str]] = set()
        """(entity_id, topic) whose template went over its budget: read as "unavailable" without
        rendering it again, until the entity's config changes (it is tracked anew)."""

    def track(self, entity: Entity) -> bool:
        """Start (or, for a changed config, restart) tracking an entity.

        Args:
            entity: An entity from discovery.

        Returns:
            Whether it is available now, judged by remembered payloads.
        """
        self.untrack(entity.entity_id)
        config = AvailabilityConfig.from_config(entity.config)
        if config is None:
            return True
        entity_id = entity.entity_id
        self._configs[entity_id] = config
        self._seen[entity_id] = {}
        for source in config.sources:
            self._by_topic.setdefault(source.topic, {})[entity_id] = source
        # Replay in arrival order so that `latest` ends on the newest message.
        for topic, payload in list(self._remembered.items()):
            reader = self._by_topic.get(topic, {}).get(entity_id)
            if reader is not None:
                self._apply(entity_id, reader, payload)
        return self.is_available(entity_id)

    def untrack(self, entity_id: str) -> None:
        """Forget an entity; unknown ids are ignored.

        Args:
            entity_id: The entity's id.
        """
        config = self._configs.pop(entity_id, None)
        self._over_budget = {key for key in self._over_budget if key[0] != entity_id}
        self._seen.pop(entity_id, None)
        self._latest.pop(entity_id, None)
        for source in config.sources if config else ():
            readers = self._by_topic.get(source.topic, {})
            readers.pop(entity_id, None)
            if not readers:
                self._by_topic.pop(source.topic, None)

    def topics(self) -> set[str]:
        """Every availability topic of a tracked entity (what to subscribe to)."""
        return set(self._by_topic)

    def entities_for(self, topic: str) -> list[str]:
        """The entity ids that read `topic`, in the order they were tracked.

        Args:
            topic: An availability topic.

        Returns:
            Their ids; empty for a topic no entity reads.
        """
        return list(self._by_topic.get(topic, {}))

    def update(self, topic: str, payload: bytes | str) -> dict[str, bool]:
        """Apply one message.

        Args:
            topic: The topic it arrived on.
            payload: Its payload; bytes are decoded as UTF-8 (bad bytes replaced).

        Returns:
            entity_id → available, for the entities whose availability changed.
        """
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        self._remembered.pop(topic, None)
        self._remembered[topic] = text
        if len(self._remembered) > _MAX_REMEMBERED:
            del self._remembered[next(iter(self._remembered))]
        changed: dict[str, bool] = {}
        for entity_id, source in list(self._by_topic.get(topic, {}).items()):
            before = self.is_available(entity_id)
            self._apply(entity_id, source, text)
            after = self.is_available(entity_id)
            if after != before:
                changed[entity_id] = after
        return changed

    def is_available(self, entity_id: str) -> bool:
        """Whether an entity is available.

        Args:
            entity_id: The entity's id.

        Returns:
            True for entities without availability topics (and unknown ids); otherwise HA's
            verdict for the mode, False until a matching message has arrived.
        """
        config = self._configs.get(entity_id)
        if config is None:
            return True
        seen = self._seen[entity_id]
        if config.mode == "all":
            return all(seen.get(source.topic, False) for source in config.sources)
        if config.mode == "any":
            return any(seen.values())
        return self._latest.get(entity_id, False)

    def _apply(self, entity_id: str, source: AvailabilitySource, payload: str) -> None:
        if (entity_id, source.topic) in self._over_budget:
            verdict: bool | None = False
        else:
            try:
                verdict = source.interpret(payload)
            except TemplateBudgetError as err:
                _LOGGER.warning("%s: its availability template on %s went over its budget (%s); the "
                                "entity is unavailable until its discovery config changes",
                                entity_id, source.topic, err)
                self._over_budget.add((entity_id, source.topic))
                verdict = False
        if verdict is not None:
            self._seen[entity_id][source.topic] = verdict
            self._latest[entity_id] = verdict

"""Per-component MQTT codecs: HA service calls → MQTT messages, and state messages → `State`.

Pure: no I/O, no asyncio. One codec per component (the light codec covers the default and JSON
schemas), all following Home Assistant's semantics for the discovery keys, so a device that
works with HA works with the hub.

Policy for values: percentages, brightness, positions and colours outside their range are
clamped to it; a temperature outside the entity's `min_temp`..`max_temp`, an unknown mode or
preset, an unknown data key and a service the entity does not support are refused with a
`CodecError` that names what is allowed. A raw out-of-range value is never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson

from hub.codecs import (
    alarm,
    button,
    climate,
    cover,
    event,
    fan,
    humidifier,
    lawn_mower,
    light,
    lock,
    media,
    number,
    select,
    sensor,
    siren,
    switch,
    update,
    vacuum,
    valve,
    water_heater,
)
from hub.codecs.base import UNKNOWN, Codec, Draft, Handler, cfg, topic
from hub.domain import Entity, Message, State, utcnow
from hub.errors import CodecError
from hub.templates import render_value

__all__ = ["CODECS", "decode", "encode", "initial_state", "services", "state_topics"]

_LOGGER = logging.getLogger(__name__)

CODECS: dict[str, Codec] = {
    codec.component: codec
    for codec in (
        light.CODEC, switch.CODEC, fan.CODEC, climate.CODEC, cover.CODEC, lock.CODEC,
        vacuum.CODEC, sensor.SENSOR, sensor.BINARY_SENSOR, button.BUTTON, number.NUMBER,
        select.CODEC, button.SCENE, siren.CODEC, valve.CODEC, humidifier.CODEC,
        water_heater.CODEC, alarm.CODEC, lawn_mower.CODEC, number.TEXT, update.UPDATE,
        update.DEVICE_TRACKER, event.EVENT, event.DEVICE_AUTOMATION, event.TAG, media.IMAGE,
        media.CAMERA, media.NOTIFY,
    )
}
"""Codec per component."""

_BLOCKED_EXTRA = frozenset({
    "friendly_name", "device_class", "supported_features", "supported_color_modes",
    "unit_of_measurement", "state_class", "icon", "entity_picture", "assumed_state",
})
"""Keys a `json_attributes_topic` message may not overwrite (HA blocks these too)."""


def _codec(entity: Entity) -> Codec | None:
    return CODECS.get(entity.component)


def services(entity: Entity) -> list[str]:
    """The HA services (`<domain>.<service>`) this entity supports, given its discovery config."""
    codec = _codec(entity)
    if codec is None:
        return []
    return [f"{codec.component}.{s.name}" for s in codec.services if s.supported(entity)]


def encode(
    entity: Entity,
    service: str,
    data: Mapping[str, Any],
    *,
    current_state: State | None = None,
) -> list[Message]:
    """The MQTT messages Home Assistant would publish for this service call.

    Args:
        entity: The target entity.
        service: `<domain>.<service>` ("light.turn_on"); a bare "turn_on" means the entity's domain.
        data: Service data in HA's names (`brightness_pct`, `position`, `temperature`, …).
        current_state: The entity's state, when known; needed by toggle, brightness steps and
            fan speed steps (without it toggle turns on).

    Returns:
        The messages, in the order they must be published.

    Raises:
        CodecError: The entity does not support the service or a data key, or a value is invalid.
    """
    codec = _codec(entity)
    if codec is None:
        raise CodecError(f"{entity.entity_id}: component {entity.component!r} takes no commands")
    domain, _, name = service.rpartition(".")
    if domain and domain != entity.component:
        raise CodecError(f"{service} does not apply to {entity.entity_id} (a {entity.component})")
    spec = next((s for s in codec.services if s.name == name and s.supported(entity)), None)
    if spec is None:
        offered = ", ".join(services(entity)) or "nothing"
        raise CodecError(f"{entity.entity_id} does not support {codec.component}.{name}; "
                         f"it supports: {offered}")
    unknown = sorted(set(data) - spec.fields - {"entity_id"})
    if unknown:
        accepted = ", ".join(sorted(spec.fields)) or "no data"
        raise CodecError(f"{codec.component}.{name} does not take {', '.join(unknown)} "
                         f"(accepts: {accepted})")
    return spec.encode(entity, data, current_state)


def _json_attributes(entity: Entity, payload: str, draft: Draft) -> None:
    rendered = render_value(cfg(entity, "json_attributes_template"), payload)
    values = orjson.loads(rendered)
    if not isinstance(values, dict):
        raise ValueError("json_attributes payload is not a JSON object")
    protected = _BLOCKED_EXTRA | set(CODECS[entity.component].attributes(entity))
    draft.attributes.update({k: v for k, v in values.items() if k not in protected})


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    codec = _codec(entity)
    if codec is None:
        return []
    found = list(codec.handlers(entity))
    telemetry = topic(entity, "telemetry_topic")
    if telemetry is not None:
        # Not an HA key: the Tasmota adapter sets it, because Tasmota reports the same JSON
        # on stat/RESULT (after commands) and on a tele/ topic (periodically).
        result = topic(entity, "state_topic") or topic(entity, "position_topic")
        found += [(telemetry, h) for t, h in list(found) if t == result]
    attributes_topic = topic(entity, "json_attributes_topic")
    if attributes_topic is not None:
        found.append((attributes_topic, _json_attributes))
    return found


_DERIVED: dict[str, tuple[Entity, list[tuple[str, Handler]], dict[str, Any]]] = {}
"""entity_id → (the Entity it was built from, its handlers, its config attributes).

`decode` runs for every state message; the handlers and attributes depend only on the Entity,
which is immutable and replaced (never edited) when discovery changes it, so they are computed
once per Entity object. Bounded: cleared when it outgrows any real home.
"""


def _derived(entity: Entity) -> tuple[list[tuple[str, Handler]], dict[str, Any]]:
    hit = _DERIVED.get(entity.entity_id)
    if hit is not None and hit[0] is entity:
        return hit[1], hit[2]
    codec = _codec(entity)
    attrs = dict(codec.attributes(entity)) if codec else {"friendly_name": entity.name}
    handlers = _handlers(entity)
    if len(_DERIVED) > 200_000:
        _DERIVED.clear()
    _DERIVED[entity.entity_id] = (entity, handlers, attrs)
    return handlers, attrs


def state_topics(entity: Entity) -> set[str]:
    """Every topic whose messages change this entity's state or attributes."""
    return {t for t, _ in _handlers(entity)}


def initial_state(entity: Entity, now: datetime | None = None) -> State:
    """The state before any message: "unknown", with the attributes the config implies."""
    codec = _codec(entity)
    when = now or utcnow()
    attrs = codec.attributes(entity) if codec else {"friendly_name": entity.name}
    return State(entity.entity_id, UNKNOWN, attrs, when, when)


def decode(
    entity: Entity,
    topic: str,
    payload: str,
    previous: State | None,
    now: datetime | None = None,
) -> State | None:
    """The entity's state after one MQTT message, or None when the message changes nothing.

    Never raises: a payload that does not parse, a failing template or a value the entity does
    not know is logged at debug level and dropped. Several roles may share one topic
    (zigbee2mqtt puts state, brightness and colour in one JSON message); each is applied.

    Args:
        entity: The entity the topic belongs to.
        topic: The topic the message arrived on.
        payload: The payload, decoded as text.
        previous: The entity's state before the message, if any.
        now: The time to stamp (defaults to the current UTC time).
    """
    codec = _codec(entity)
    all_handlers, base_attributes = _derived(entity)
    handlers = [h for t, h in all_handlers if t == topic]
    if codec is None or not handlers:
        return None
    before = previous or initial_state(entity, now)
    when = now or utcnow()
    draft = Draft(before.state, {**before.attributes, **base_attributes}, when)
    for handle in handlers:
        try:
            handle(entity, payload, draft)
        except Exception as err:  # a payload is device input: a bad one is dropped, never raised
            _LOGGER.debug("%s: dropped %r on %s: %s", entity.entity_id, payload[:200], topic, err)
    try:
        codec.finish(entity, draft)
    except Exception as err:  # same rule as the handlers
        _LOGGER.debug("%s: could not finish state from %s: %s", entity.entity_id, topic, err)
    if draft.state == before.state and draft.attributes == dict(before.attributes):
        return None
    changed = before.last_changed if previous is not None and previous.state == draft.state else when
    return State(entity.entity_id, draft.state, draft.attributes, changed, when)

"""Sensor and binary_sensor codecs (decode only: they take no commands)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Handler,
    base_attributes,
    cfg,
    cfg_str,
    log_drop,
    parse_number,
    render_state,
    topic,
)
from hub.domain import Entity

_NON_NUMERIC_CLASSES = frozenset({"enum", "date", "timestamp"})
"""Sensor device classes whose states are not numbers."""


def _is_numeric(entity: Entity) -> bool:
    """HA: a unit, a state class or a numeric device class makes the sensor numeric."""
    device_class = entity.device_class or cfg(entity, "device_class")
    if device_class in _NON_NUMERIC_CLASSES:
        return False
    return bool(cfg(entity, "unit_of_measurement") or cfg(entity, "state_class"))


def _sensor_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value == "":
        log_drop(entity, "state_topic", payload, "empty value")
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif _is_numeric(entity) and parse_number(value) is None:
        log_drop(entity, "state_topic", payload, f"{value!r} is not a number")
    else:
        draft.state = value


def _binary_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value == "":
        log_drop(entity, "state_topic", payload, "empty value")
    elif value == cfg_str(entity, "payload_on", "ON"):
        draft.state = "on"
    elif value == cfg_str(entity, "payload_off", "OFF"):
        draft.state = "off"
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    else:
        log_drop(entity, "state_topic", payload, "neither payload_on nor payload_off")


def _handler(handle: Handler) -> Callable[[Entity], list[tuple[str, Handler]]]:
    def handlers(entity: Entity) -> list[tuple[str, Handler]]:
        state_topic = topic(entity, "state_topic")
        return [] if state_topic is None else [(state_topic, handle)]

    return handlers


def _sensor_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    for key in ("unit_of_measurement", "state_class"):
        if cfg(entity, key):
            attrs[key] = cfg(entity, key)
    if isinstance(cfg(entity, "options"), list):
        attrs["options"] = list(cfg(entity, "options"))
    return attrs


SENSOR = Codec(
    component="sensor",
    services=(),
    handlers=_handler(_sensor_state),
    attributes=_sensor_attributes,
)
BINARY_SENSOR = Codec(
    component="binary_sensor",
    services=(),
    handlers=_handler(_binary_state),
    attributes=base_attributes,
)

"""Vacuum codec: HA's (state-schema) MQTT vacuum.

Commands go to `command_topic` as plain payloads (`payload_start` "start", …); fan speeds to
`set_fan_speed_topic`. The state topic carries JSON: `{"state": "cleaning", "battery_level": 61,
"fan_speed": "max"}`. Which services exist follows `supported_features` (HA's default list
when absent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from hub.codecs.base import (
    Codec,
    Draft,
    Encoder,
    Handler,
    Service,
    base_attributes,
    cfg_list,
    cfg_str,
    choice,
    has,
    log_drop,
    message,
    topic,
)
from hub.domain import Entity, Message, State

STATES = ("cleaning", "docked", "paused", "idle", "returning", "error")
"""State strings HA accepts in the `state` field."""
DEFAULT_FEATURES = ["start", "stop", "return_home", "status", "battery", "clean_spot"]
"""HA's default `supported_features`."""
_FEATURE_BITS = {
    "pause": 4, "stop": 8, "return_home": 16, "fan_speed": 32, "battery": 64, "status": 128,
    "send_command": 256, "locate": 512, "clean_spot": 1024, "start": 8192,
}
"""HA's VacuumEntityFeature values per feature name."""
_STATE_FEATURE = 4096


def _features(entity: Entity) -> list[str]:
    return cfg_list(entity, "supported_features", DEFAULT_FEATURES)


def _needs(feature: str, topic_key: str = "command_topic") -> Callable[[Entity], bool]:
    def supported(entity: Entity) -> bool:
        return feature in _features(entity) and has(entity, topic_key)

    return supported


def _send(payload_key: str, default: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        return [message(entity, "command_topic", cfg_str(entity, payload_key, default))]

    return encode


def _set_fan_speed(entity: Entity, data: Mapping[str, Any], current: State | None,
                   ) -> list[Message]:
    speed = choice(entity, data, "fan_speed", cfg_list(entity, "fan_speed_list"))
    return [message(entity, "set_fan_speed_topic", speed)]


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    values = orjson.loads(payload)
    if not isinstance(values, dict):
        log_drop(entity, "state_topic", payload, "not a JSON object")
        return
    state = values.get("state")
    if state in STATES:
        draft.state = str(state)
    elif state is not None:
        log_drop(entity, "state_topic", payload, f"unknown vacuum state {state!r}")
    if isinstance(values.get("battery_level"), int | float):
        draft.attributes["battery_level"] = values["battery_level"]
    if isinstance(values.get("fan_speed"), str):
        draft.attributes["fan_speed"] = values["fan_speed"]


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    bits = _STATE_FEATURE
    for name in _features(entity):
        bits |= _FEATURE_BITS.get(name, 0)
    attrs["supported_features"] = bits
    if "fan_speed" in _features(entity):
        attrs["fan_speed_list"] = cfg_list(entity, "fan_speed_list")
    return attrs


CODEC = Codec(
    component="vacuum",
    services=(
        Service("start", _send("payload_start", "start"), supported=_needs("start")),
        Service("stop", _send("payload_stop", "stop"), supported=_needs("stop")),
        Service("pause", _send("payload_pause", "pause"), supported=_needs("pause")),
        Service("return_to_base", _send("payload_return_to_base", "return_to_base"),
                supported=_needs("return_home")),
        Service("locate", _send("payload_locate", "locate"), supported=_needs("locate")),
        Service("clean_spot", _send("payload_clean_spot", "clean_spot"),
                supported=_needs("clean_spot")),
        Service("set_fan_speed", _set_fan_speed, frozenset({"fan_speed"}),
                _needs("fan_speed", "set_fan_speed_topic")),
    ),
    handlers=_handlers,
    attributes=_attributes,
)

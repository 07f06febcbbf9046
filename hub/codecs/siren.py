"""Siren codec (HA's MQTT siren).

Without a `command_template` HA publishes JSON: `{"state": "ON", "tone": "ping", "duration": 5,
"volume_level": 0.5}`; with one, the template renders `value` (the on/off payload) with `state`,
`tone`, `duration` and `volume_level` as variables. State messages are `state_on`/`state_off`
(defaulting to the payloads) or a JSON object with `state` and the turn-on parameters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Encoder,
    Handler,
    Service,
    base_attributes,
    cfg,
    cfg_bool,
    cfg_list,
    cfg_str,
    choice,
    log_drop,
    message,
    number,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render, render_value

TURN_ON, TURN_OFF, TONES, VOLUME_SET, DURATION = 1, 2, 4, 8, 16
"""HA's SirenEntityFeature bits."""
_PARAMETERS = ("tone", "duration", "volume_level")


def _parameters(entity: Entity, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "tone" in data:
        tones = cfg_list(entity, "available_tones")
        if not tones:
            raise CodecError(f"{entity.entity_id} has no tones to choose from")
        out["tone"] = choice(entity, data, "tone", tones)
    if "duration" in data:
        if not cfg_bool(entity, "support_duration", True):
            raise CodecError(f"{entity.entity_id} does not take a duration")
        out["duration"] = max(0, round(number(data, "duration")))
    if "volume_level" in data:
        if not cfg_bool(entity, "support_volume_set", True):
            raise CodecError(f"{entity.entity_id} does not take a volume")
        out["volume_level"] = max(0.0, min(1.0, number(data, "volume_level")))
    return out


def _publish(template_key: str, payload_key: str, default: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        value = cfg_str(entity, payload_key, default)
        variables: dict[str, Any] = {"state": value}
        if payload_key == "payload_on":
            variables.update(_parameters(entity, data))
        source = cfg(entity, template_key) or cfg(entity, "command_template")
        payload = (render(source, value=value, **variables) if source
                   else json.dumps(variables))
        return [message(entity, "command_topic", payload)]

    return encode


_turn_on = _publish("command_template", "payload_on", "ON")
_turn_off = _publish("command_off_template", "payload_off", "OFF")


def _toggle(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    if current is not None and current.state == "on":
        return _turn_off(entity, {}, current)
    return _turn_on(entity, data, current)


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "state_value_template"), payload)
    if not value or value == "{}":
        return
    on = cfg_str(entity, "state_on", cfg_str(entity, "payload_on", "ON"))
    off = cfg_str(entity, "state_off", cfg_str(entity, "payload_off", "OFF"))
    values: Any
    if value in (on, off, PAYLOAD_NONE):
        values = {"state": value}
    else:
        try:
            values = orjson.loads(value)
        except orjson.JSONDecodeError:
            values = None
        if not isinstance(values, dict):
            log_drop(entity, "state_topic", payload, "neither a state payload nor a JSON object")
            return
    state = values.get("state")
    if state == on:
        draft.state = "on"
    elif state == off:
        draft.state = "off"
    elif state == PAYLOAD_NONE:
        draft.state = UNKNOWN
    for key in _PARAMETERS:
        if values.get(key) is not None and key in draft.attributes:
            draft.attributes[key] = values[key]


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    features = TURN_ON | TURN_OFF
    if cfg_bool(entity, "support_duration", True):
        features |= DURATION
        attrs["duration"] = None
    if cfg_list(entity, "available_tones"):
        features |= TONES
        attrs["available_tones"] = cfg_list(entity, "available_tones")
        attrs["tone"] = None
    if cfg_bool(entity, "support_volume_set", True):
        features |= VOLUME_SET
        attrs["volume_level"] = None
    attrs["supported_features"] = features
    return attrs


CODEC = Codec(
    component="siren",
    services=(
        Service("turn_on", _turn_on, frozenset(_PARAMETERS)),
        Service("turn_off", _turn_off),
        Service("toggle", _toggle, frozenset(_PARAMETERS)),
    ),
    handlers=_handlers,
    attributes=_attributes,
)

"""Shared pieces of the component codecs: config accessors, value checks, the codec shape.

Every codec reads HA's full discovery key names from `Entity.config` (abbreviations expanded
by the discovery parser) and applies HA's defaults itself, so a missing key and a key set to
its default behave the same.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.domain import Entity, Message, State, utcnow
from hub.errors import CodecError
from hub.templates import render_command, render_value

_LOGGER = logging.getLogger(__name__)

PAYLOAD_NONE = "None"
"""HA's reset payload: a state message equal to it makes the value unknown."""
UNKNOWN = "unknown"
"""State string before anything is known."""
COMMAND_QOS = 1
"""QoS for commands when the discovery config does not set `qos`."""


class Draft:
    """Scratch pad one `decode` call fills in; it never escapes the call.

    Args:
        state: The state string so far.
        attributes: The attributes so far (mutated by handlers).
        now: The time the message is stamped with; event-like entities (button presses, device
            triggers, tags) take it as their state, as HA does.
    """

    __slots__ = ("attributes", "now", "state")

    def __init__(self, state: str, attributes: dict[str, Any], now: datetime | None = None) -> None:
        self.state = state
        self.attributes = attributes
        self.now = now or utcnow()


Encoder = Callable[[Entity, Mapping[str, Any], State | None], list[Message]]
"""Turns checked service data (and the current state, when known) into MQTT messages."""
Handler = Callable[[Entity, str, Draft], None]
"""Applies one state message to a draft; may raise on a bad payload (the caller logs it)."""


def _always(_: Entity) -> bool:
    return True


def _nothing(_: Entity, __: Draft) -> None:
    return None


@dataclass(frozen=True)
class Service:
    """One HA service a codec can encode."""

    name: str
    """Service name without the domain ("turn_on")."""
    encode: Encoder
    fields: frozenset[str] = frozenset()
    """Data keys the service accepts; anything else is refused."""
    supported: Callable[[Entity], bool] = _always
    """Whether an entity's discovery config supports the service."""


@dataclass(frozen=True)
class Codec:
    """Both directions of one component's MQTT protocol."""

    component: str
    services: tuple[Service, ...]
    handlers: Callable[[Entity], list[tuple[str, Handler]]]
    """(topic, handler) pairs for every state topic the config names."""
    attributes: Callable[[Entity], dict[str, Any]]
    """Attributes that follow from the config alone (friendly_name, supported features, …)."""
    finish: Callable[[Entity, Draft], None] = field(default=_nothing)
    """Runs after the handlers, e.g. to derive the state from a position."""


def cfg(entity: Entity, key: str, default: Any = None) -> Any:
    """A config value; an explicit JSON null counts as absent."""
    value = entity.config.get(key)
    return default if value is None else value


def cfg_str(entity: Entity, key: str, default: str) -> str:
    """A string option, e.g. a payload; numbers are accepted and turned into text."""
    return str(cfg(entity, key, default))


def cfg_float(entity: Entity, key: str, default: float) -> float:
    """A numeric option; zigbee2mqtt sends some as strings ("35"). Garbage → the default."""
    try:
        value = float(cfg(entity, key, default))
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) else default


def cfg_bool(entity: Entity, key: str, default: bool = False) -> bool:
    """A boolean option; "true"/"false" strings are accepted."""
    value = cfg(entity, key, default)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def cfg_list(entity: Entity, key: str, default: list[str] | None = None) -> list[str]:
    """A list of strings option (modes, preset_modes, effect_list)."""
    value = cfg(entity, key)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return list(default or [])


def topic(entity: Entity, key: str) -> str | None:
    """A topic option, or None when absent or empty."""
    value = entity.config.get(key)
    return value if isinstance(value, str) and value else None


def has(entity: Entity, key: str) -> bool:
    """Whether the config names a topic under `key`."""
    return topic(entity, key) is not None


def message(entity: Entity, topic_key: str, payload: str) -> Message:
    """A command message to the topic under `topic_key`, with the config's qos and retain."""
    target = topic(entity, topic_key)
    if target is None:
        raise CodecError(f"{entity.entity_id} has no {topic_key}")
    try:
        qos = int(cfg(entity, "qos", COMMAND_QOS))
    except (TypeError, ValueError):
        qos = COMMAND_QOS
    return Message(target, payload, qos if qos in (0, 1, 2) else COMMAND_QOS,
                   cfg_bool(entity, "retain"))


def number(data: Mapping[str, Any], key: str) -> float:
    """A numeric service field; numeric strings are accepted, booleans and NaN are not."""
    value = data[key]
    if isinstance(value, bool):
        raise CodecError(f"{key} must be a number, not {value!r}")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise CodecError(f"{key} must be a number, not {value!r}") from None
    if not math.isfinite(result):
        raise CodecError(f"{key} must be a finite number, not {value!r}")
    return result


def clamp(value: float, low: float, high: float) -> float:
    """`value` limited to [low, high]."""
    return max(low, min(high, value))


def choice(entity: Entity, data: Mapping[str, Any], key: str, options: list[str]) -> str:
    """A service field that must be one of `options` (matched case-insensitively)."""
    wanted = str(data[key]).strip()
    for option in options:
        if option.casefold() == wanted.casefold():
            return option
    raise CodecError(
        f"{entity.entity_id} has no {key} {wanted!r}; choose one of: {', '.join(options)}"
    )


def render_state(entity: Entity, template_key: str | None, payload: str) -> str:
    """Apply the topic's own template, else `value_template`, to a state payload.

    Raises:
        TemplateError: The template failed (the caller logs it and drops the message).
    """
    source = cfg(entity, template_key) if template_key else None
    if source is None:
        source = cfg(entity, "value_template")
    return render_value(source, payload)


def parse_number(text: str) -> float | None:
    """A state payload as a number, or None when it is not one."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def base_attributes(entity: Entity) -> dict[str, Any]:
    """Attributes every entity has: friendly_name, and device_class when set."""
    attrs: dict[str, Any] = {"friendly_name": entity.name}
    device_class = entity.device_class or cfg(entity, "device_class")
    if device_class:
        attrs["device_class"] = device_class
    return attrs


def onoff_service(payload_key: str, default: str, template_key: str | None = None) -> Encoder:
    """An encoder that sends one configured payload to `command_topic`.

    Args:
        payload_key: Config key of the payload ("payload_on").
        default: HA's default for it ("ON").
        template_key: Config key of a command template applied to the payload, if any.
    """

    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        payload = cfg_str(entity, payload_key, default)
        if template_key is not None:
            payload = render_command(cfg(entity, template_key), payload)
        return [message(entity, "command_topic", payload)]

    return encode


def log_drop(entity: Entity, topic_name: str, payload: str, why: str) -> None:
    """Log (at debug) a state message that changes nothing."""
    _LOGGER.debug("%s: ignoring %r on %s: %s", entity.entity_id, payload[:200], topic_name, why)


def toggle_service(turn_on: Encoder, turn_off: Encoder) -> Encoder:
    """HA's toggle: off when the current state is "on", otherwise on (also when unknown)."""

    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        if current is not None and current.state == "on":
            return turn_off(entity, data, current)
        return turn_on(entity, data, current)

    return encode


def onoff_handler(on_key: str, off_key: str, template_key: str | None = None) -> Handler:
    """A handler mapping the configured on/off state payloads to "on"/"off".

    Args:
        on_key: Config key of the "on" state payload; falls back to `payload_on`, then "ON".
        off_key: Likewise for "off".
        template_key: The topic's own value template key, if it has one.
    """

    def handle(entity: Entity, payload: str, draft: Draft) -> None:
        value = render_state(entity, template_key, payload)
        on = cfg_str(entity, on_key, cfg_str(entity, "payload_on", "ON"))
        off = cfg_str(entity, off_key, cfg_str(entity, "payload_off", "OFF"))
        if value == on:
            draft.state = "on"
        elif value == off:
            draft.state = "off"
        elif value == PAYLOAD_NONE:
            draft.state = UNKNOWN
        else:
            log_drop(entity, "state", payload, f"neither {on!r} nor {off!r}")

    return handle

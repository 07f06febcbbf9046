"""Number and text codecs: `set_value` within the entity's range or length (HA's MQTT number
and text). A value outside `min`..`max` (a text outside its length or `pattern`) is refused, as
HA refuses it; a state message outside them is dropped."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Handler,
    Service,
    base_attributes,
    cfg,
    cfg_float,
    cfg_str,
    log_drop,
    message,
    number,
    parse_number,
    render_state,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render_command

NUMBER_MODES = ("auto", "box", "slider")
"""HA's number display modes."""


def number_range(entity: Entity) -> tuple[float, float, float]:
    """(min, max, step) with HA's defaults 1, 100 and 1."""
    step = cfg_float(entity, "step", 1.0)
    return cfg_float(entity, "min", 1.0), cfg_float(entity, "max", 100.0), step if step > 0 else 1.0


def _shown(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _set_number(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    value = number(data, "value")
    low, high, _ = number_range(entity)
    if not low <= value <= high:
        raise CodecError(f"{entity.entity_id}: value {_shown(value)} is outside "
                         f"{_shown(low)}–{_shown(high)}")
    sent: float | int = int(value) if value.is_integer() else value  # HA sends 95, not 95.0
    return [message(entity, "command_topic", render_command(cfg(entity, "command_template"), sent))]


def _number_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value == "":
        return
    if value == cfg_str(entity, "payload_reset", PAYLOAD_NONE):
        draft.state = UNKNOWN
        return
    parsed = parse_number(value)
    low, high, _ = number_range(entity)
    if parsed is None:
        log_drop(entity, "state_topic", payload, "not a number")
    elif not low <= parsed <= high:
        log_drop(entity, "state_topic", payload, f"outside {low:g}–{high:g}")
    else:
        # HA: int(payload) if payload.isnumeric() else float(payload), so "95.0" stays "95.0"
        draft.state = str(int(value)) if value.strip().isnumeric() else str(parsed)


def _number_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    low, high, step = number_range(entity)
    mode = cfg_str(entity, "mode", "auto")
    attrs.update(min=low, max=high, step=step, mode=mode if mode in NUMBER_MODES else "auto")
    if cfg(entity, "unit_of_measurement"):
        attrs["unit_of_measurement"] = cfg(entity, "unit_of_measurement")
    return attrs


def text_limits(entity: Entity) -> tuple[int, int]:
    """(min, max) length, HA's defaults 0 and 255."""
    return int(cfg_float(entity, "min", 0)), int(cfg_float(entity, "max", 255))


def _pattern(entity: Entity) -> re.Pattern[str] | None:
    source = cfg(entity, "pattern")
    if not isinstance(source, str) or not source:
        return None
    try:
        return re.compile(source)
    except re.error:
        return None


def _set_text(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    value = data["value"]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise CodecError(f"value must be text, not {value!r}")
    text = str(value)
    low, high = text_limits(entity)
    if not low <= len(text) <= high:
        raise CodecError(f"{entity.entity_id}: text must be {low}–{high} characters long, "
                         f"not {len(text)}")
    pattern = _pattern(entity)
    if pattern is not None and pattern.fullmatch(text) is None:
        raise CodecError(f"{entity.entity_id}: text does not match {pattern.pattern!r}")
    return [message(entity, "command_topic", render_command(cfg(entity, "command_template"), text))]


def _text_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    low, high = text_limits(entity)
    if value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif low <= len(value) <= high:
        draft.state = value
    else:
        log_drop(entity, "state_topic", payload, f"length outside {low}–{high}")


def _text_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    low, high = text_limits(entity)
    mode = cfg_str(entity, "mode", "text")
    attrs.update(min=low, max=high, mode=mode if mode in ("text", "password") else "text")
    if cfg(entity, "pattern"):
        attrs["pattern"] = cfg(entity, "pattern")
    return attrs


def _state_handler(handle: Handler) -> Callable[[Entity], list[tuple[str, Handler]]]:
    def handlers(entity: Entity) -> list[tuple[str, Handler]]:
        state_topic = topic(entity, "state_topic")
        return [] if state_topic is None else [(state_topic, handle)]

    return handlers


NUMBER = Codec(
    component="number",
    services=(Service("set_value", _set_number, frozenset({"value"})),),
    handlers=_state_handler(_number_state),
    attributes=_number_attributes,
)
TEXT = Codec(
    component="text",
    services=(Service("set_value", _set_text, frozenset({"value"})),),
    handlers=_state_handler(_text_state),
    attributes=_text_attributes,
)

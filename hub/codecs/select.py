"""Select codec: `select_option` among the configured `options` (HA's MQTT select)."""

from __future__ import annotations

from collections.abc import Mapping
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
    cfg_list,
    choice,
    log_drop,
    message,
    render_state,
    topic,
)
from hub.domain import Entity, Message, State
from hub.templates import render_command


def _select(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    option = choice(entity, data, "option", cfg_list(entity, "options"))
    return [message(entity, "command_topic",
                    render_command(cfg(entity, "command_template"), option))]


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value == "":
        return
    if value.lower() == PAYLOAD_NONE.lower():
        draft.state = UNKNOWN
    elif value in cfg_list(entity, "options"):
        draft.state = value
    else:
        log_drop(entity, "state_topic", payload, "not one of the options")


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs["options"] = cfg_list(entity, "options")
    return attrs


CODEC = Codec(
    component="select",
    services=(Service("select_option", _select, frozenset({"option"})),),
    handlers=_handlers,
    attributes=_attributes,
)

"""Lawn mower codec (HA's MQTT lawn_mower): one command topic per action.

Each command renders its own template with `value` set to the action's name (`start_mowing`,
`pause`, `dock`), which is also the payload without a template, as HA does. The activity topic
carries `mowing`, `paused`, `docked`, `returning` or `error`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
    has,
    log_drop,
    message,
    topic,
)
from hub.domain import Entity, Message, State
from hub.templates import render_command, render_value

ACTIVITIES = ("mowing", "paused", "docked", "returning", "error")
"""HA's LawnMowerActivity values."""
_ACTIONS = {"start_mowing": 1, "pause": 2, "dock": 4}
"""Action → HA's LawnMowerEntityFeature bit."""


def _send(action: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        payload = render_command(cfg(entity, f"{action}_command_template"), action)
        return [message(entity, f"{action}_command_topic", payload)]

    return encode


def _can(action: str) -> Callable[[Entity], bool]:
    return lambda entity: has(entity, f"{action}_command_topic")


def _activity(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "activity_value_template"), payload)
    if value in ACTIVITIES:
        draft.state = value
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif value:
        log_drop(entity, "activity_state_topic", payload, "not a mower activity")


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "activity_state_topic")
    return [] if state_topic is None else [(state_topic, _activity)]


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs["supported_features"] = sum(bit for a, bit in _ACTIONS.items() if _can(a)(entity))
    return attrs


CODEC = Codec(
    component="lawn_mower",
    services=tuple(Service(a, _send(a), supported=_can(a)) for a in _ACTIONS),
    handlers=_handlers,
    attributes=_attributes,
)

"""Button and scene codecs: one payload per call, no state topic (HA's MQTT button and scene).

HA keeps the time of the last press as a button's (and a scene's) state; the hub has no state
topic to learn it from, so both stay "unknown" until a command is confirmed by something else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.codecs.base import Codec, Handler, Service, base_attributes, cfg, cfg_str, message
from hub.domain import Entity, Message, State
from hub.templates import render_command


def _press(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    payload = render_command(cfg(entity, "command_template"),
                             cfg_str(entity, "payload_press", "PRESS"))
    return [message(entity, "command_topic", payload)]


def _activate(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
    return [message(entity, "command_topic", cfg_str(entity, "payload_on", "ON"))]


def _no_handlers(entity: Entity) -> list[tuple[str, Handler]]:
    return []


BUTTON = Codec(
    component="button",
    services=(Service("press", _press),),
    handlers=_no_handlers,
    attributes=base_attributes,
)
SCENE = Codec(
    component="scene",
    services=(Service("turn_on", _activate, frozenset({"transition"})),),
    handlers=_no_handlers,
    attributes=base_attributes,
)

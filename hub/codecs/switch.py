"""Switch codec: `payload_on`/`payload_off` commands, `state_on`/`state_off` states (HA's switch)."""

from __future__ import annotations

from typing import Any

from hub.codecs.base import (
    Codec,
    Handler,
    Service,
    base_attributes,
    onoff_handler,
    onoff_service,
    toggle_service,
    topic,
)
from hub.domain import Entity

_turn_on = onoff_service("payload_on", "ON", "command_template")
_turn_off = onoff_service("payload_off", "OFF", "command_template")


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    if state_topic is None:
        return []
    return [(state_topic, onoff_handler("state_on", "state_off"))]


def _attributes(entity: Entity) -> dict[str, Any]:
    return base_attributes(entity)


CODEC = Codec(
    component="switch",
    services=(
        Service("turn_on", _turn_on),
        Service("turn_off", _turn_off),
        Service("toggle", toggle_service(_turn_on, _turn_off)),
    ),
    handlers=_handlers,
    attributes=_attributes,
)

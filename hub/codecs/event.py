"""Event-like components: event entities, device triggers (`device_automation`) and tags.

None of them has a state to control. Each message that fires one becomes a new state whose
value is the time it fired (HA's event entity keeps the same), with what fired in the
attributes (`event_type`, the trigger's `type`/`subtype`, the `tag_id`), so it is stored in the
history and streamed on the WebSocket as a `state_changed` like any other entity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from hub.codecs.base import (
    Codec,
    Draft,
    Handler,
    base_attributes,
    cfg,
    cfg_list,
    log_drop,
    render_state,
    topic,
)
from hub.domain import Entity
from hub.templates import render_value

_EVENT_RESERVED = frozenset({"event_types", "friendly_name", "device_class"})


def _fired(draft: Draft) -> None:
    draft.state = draft.now.isoformat(timespec="milliseconds")


def _event(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    parsed = orjson.loads(value) if value else None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("event_type"), str):
        log_drop(entity, "state_topic", payload, "not a JSON object with an event_type")
        return
    if parsed["event_type"] not in cfg_list(entity, "event_types"):
        log_drop(entity, "state_topic", payload, "event_type not in event_types")
        return
    for key in list(draft.attributes):
        if key not in _EVENT_RESERVED:  # the last event's fields replace the one before
            draft.attributes.pop(key)
    draft.attributes.update({k: v for k, v in parsed.items() if k not in _EVENT_RESERVED})
    _fired(draft)


def _trigger(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "value_template"), payload)
    wanted = cfg(entity, "payload")
    if wanted is not None and value != str(wanted):
        return  # another trigger of the same device shares the topic
    draft.attributes["payload"] = value
    _fired(draft)


def _tag(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "value_template"), payload).strip()
    if not value:
        log_drop(entity, "topic", payload, "no tag id")
        return
    draft.attributes["tag_id"] = value
    _fired(draft)


def _on(key: str, handle: Handler) -> Callable[[Entity], list[tuple[str, Handler]]]:
    def handlers(entity: Entity) -> list[tuple[str, Handler]]:
        found = topic(entity, key)
        return [] if found is None else [(found, handle)]

    return handlers


def _event_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs["event_types"] = cfg_list(entity, "event_types")
    return attrs


def _trigger_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs["event_type"] = f"{cfg(entity, 'type', '')}_{cfg(entity, 'subtype', '')}".strip("_")
    for key in ("type", "subtype"):
        attrs[key] = cfg(entity, key)
    return attrs


EVENT = Codec(
    component="event",
    services=(),
    handlers=_on("state_topic", _event),
    attributes=_event_attributes,
)
DEVICE_AUTOMATION = Codec(
    component="device_automation",
    services=(),
    handlers=_on("topic", _trigger),
    attributes=_trigger_attributes,
)
TAG = Codec(
    component="tag",
    services=(),
    handlers=_on("topic", _tag),
    attributes=base_attributes,
)

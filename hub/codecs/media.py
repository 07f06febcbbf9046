"""Image, camera and notify: listed as entities, nothing to control by voice.

The hub does not subscribe to image or camera payloads (they are binary pictures, often
megabytes); an image announced with a `url_topic` records the last URL. Notify entities take
HA's `notify.send_message` (`message`, `title`) through the REST API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.codecs.base import (
    Codec,
    Draft,
    Handler,
    Service,
    base_attributes,
    cfg,
    message,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render_command, render_value


def _url(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "url_template"), payload).strip()
    if value:
        draft.attributes["url"] = value
        draft.state = draft.now.isoformat(timespec="milliseconds")


def _image_handlers(entity: Entity) -> list[tuple[str, Handler]]:
    url_topic = topic(entity, "url_topic")
    return [] if url_topic is None else [(url_topic, _url)]


def _none(entity: Entity) -> list[tuple[str, Handler]]:
    return []


def _send_message(entity: Entity, data: Mapping[str, Any], current: State | None,
                  ) -> list[Message]:
    text = data.get("message")
    if not isinstance(text, str) or not text:
        raise CodecError("notify.send_message needs a message (text)")
    title = data.get("title")
    payload = render_command(cfg(entity, "command_template"), text,
                             title=None if title is None else str(title))
    return [message(entity, "command_topic", payload)]


IMAGE = Codec(component="image", services=(), handlers=_image_handlers,
              attributes=base_attributes)
CAMERA = Codec(component="camera", services=(), handlers=_none, attributes=base_attributes)
NOTIFY = Codec(
    component="notify",
    services=(Service("send_message", _send_message, frozenset({"message", "title"})),),
    handlers=_none,
    attributes=base_attributes,
)

"""Update and device tracker codecs: state only, no commands (HA's MQTT update and
device_tracker).

An update entity is "on" when the latest version is newer than the installed one, "off" when
they are the same, as HA's update entity; the versions and release notes are attributes. The
state topic carries the installed version, or a JSON object with `installed_version`,
`latest_version`, `title`, `release_summary`, `release_url`, `in_progress`.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from hub.codecs.base import (
    PAYLOAD_NONE,
    UNKNOWN,
    Codec,
    Draft,
    Handler,
    base_attributes,
    cfg,
    cfg_str,
    log_drop,
    render_state,
    topic,
)
from hub.domain import Entity
from hub.templates import render_value

_JSON_KEYS = ("installed_version", "latest_version", "title", "release_summary", "release_url",
              "in_progress", "update_percentage")
_PARTS = re.compile(r"\d+|[A-Za-z]+")


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in _PARTS.findall(version))


def newer(latest: str, installed: str) -> bool:
    """Whether `latest` is a newer version than `installed` (numbers compared as numbers)."""
    return latest != installed and _version_key(latest) > _version_key(installed)


def _update_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if not value:
        return
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        for key in _JSON_KEYS:
            if key in parsed:
                item = parsed[key]
                draft.attributes[key] = item if item is None or isinstance(item, bool | int | float) \
                    else str(item)
    else:
        draft.attributes["installed_version"] = value


def _latest(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_value(cfg(entity, "latest_version_template"), payload)
    if value:
        draft.attributes["latest_version"] = value


def _update_finish(entity: Entity, draft: Draft) -> None:
    installed = draft.attributes.get("installed_version")
    latest = draft.attributes.get("latest_version")
    if installed is None:
        draft.state = UNKNOWN
    elif latest is None:
        draft.state = "off"
    else:
        draft.state = "on" if newer(str(latest), str(installed)) else "off"


def _update_handlers(entity: Entity) -> list[tuple[str, Handler]]:
    roles: list[tuple[str, Handler]] = [("state_topic", _update_state),
                                        ("latest_version_topic", _latest)]
    return [(t, h) for key, h in roles if (t := topic(entity, key)) is not None]


def _update_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    for key in ("title", "release_url", "release_summary"):
        if cfg(entity, key):
            attrs[key] = cfg(entity, key)
    attrs["supported_features"] = 0  # install is not offered: the hub reports, never flashes
    return attrs


def _tracker_state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value == cfg_str(entity, "payload_home", "home"):
        draft.state = "home"
    elif value == cfg_str(entity, "payload_not_home", "not_home"):
        draft.state = "not_home"
    elif value == cfg_str(entity, "payload_reset", PAYLOAD_NONE):
        draft.state = UNKNOWN
    elif value:
        draft.state = value  # a zone name ("work"), as HA keeps it
    else:
        log_drop(entity, "state_topic", payload, "empty")


def _tracker_handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _tracker_state)]


def _tracker_attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    attrs["source_type"] = cfg_str(entity, "source_type", "gps")
    return attrs


UPDATE = Codec(
    component="update",
    services=(),
    handlers=_update_handlers,
    attributes=_update_attributes,
    finish=_update_finish,
)
DEVICE_TRACKER = Codec(
    component="device_tracker",
    services=(),
    handlers=_tracker_handlers,
    attributes=_tracker_attributes,
)

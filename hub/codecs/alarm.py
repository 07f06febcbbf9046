"""Alarm control panel codec (HA's MQTT alarm_control_panel).

Commands render `command_template` (HA's default `{{action}}`) with `action` set to the
configured payload (`ARM_AWAY`, `DISARM`, …) and `code` to the code given. When the config has a
`code` and the matching `code_*_required` is true (HA's default), a call without that code is
refused; `REMOTE_CODE`/`REMOTE_CODE_TEXT` mean the panel checks the code itself, so any code
given is passed on. Arming and disarming are sensitive: `devices/alarm_control_panel.yaml`
marks them for confirmation.
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
    cfg_bool,
    cfg_list,
    cfg_str,
    log_drop,
    message,
    render_state,
    topic,
)
from hub.domain import Entity, Message, State
from hub.errors import CodecError
from hub.templates import render

STATES = ("armed_away", "armed_custom_bypass", "armed_home", "armed_night", "armed_vacation",
          "arming", "disarmed", "disarming", "pending", "triggered")
"""The state strings HA accepts on the state topic."""
DEFAULT_FEATURES = ["arm_home", "arm_away", "arm_night", "arm_vacation", "arm_custom_bypass",
                    "trigger"]
"""HA's default `supported_features`."""
_FEATURE_BITS = {"arm_home": 1, "arm_away": 2, "arm_night": 4, "trigger": 8,
                 "arm_custom_bypass": 16, "arm_vacation": 32}
"""HA's AlarmControlPanelEntityFeature values."""
REMOTE_CODES = ("REMOTE_CODE", "REMOTE_CODE_TEXT")


def features(entity: Entity) -> list[str]:
    """The arm modes (and trigger) the panel offers."""
    return cfg_list(entity, "supported_features", DEFAULT_FEATURES)


def _check_code(entity: Entity, data: Mapping[str, Any], required_key: str) -> str | None:
    given = data.get("code")
    code = None if given is None else str(given)
    expected = cfg(entity, "code")
    if expected is None or not cfg_bool(entity, required_key, True):
        return code
    if code is None or code == "":
        raise CodecError(f"{entity.entity_id} needs its code for this")
    if str(expected) not in REMOTE_CODES and code != str(expected):
        raise CodecError(f"{entity.entity_id}: wrong code")
    return code


def _command(payload_key: str, default: str, required_key: str) -> Encoder:
    def encode(entity: Entity, data: Mapping[str, Any], current: State | None) -> list[Message]:
        code = _check_code(entity, data, required_key)
        action = cfg_str(entity, payload_key, default)
        payload = render(cfg_str(entity, "command_template", "{{action}}"),
                         action=action, code=code)
        return [message(entity, "command_topic", payload)]

    return encode


def _offers(feature: str) -> Callable[[Entity], bool]:
    return lambda entity: feature in features(entity)


def _state(entity: Entity, payload: str, draft: Draft) -> None:
    value = render_state(entity, None, payload)
    if value in STATES:
        draft.state = value
    elif value == PAYLOAD_NONE:
        draft.state = UNKNOWN
    elif value:
        log_drop(entity, "state_topic", payload, "not an alarm state")


def _handlers(entity: Entity) -> list[tuple[str, Handler]]:
    state_topic = topic(entity, "state_topic")
    return [] if state_topic is None else [(state_topic, _state)]


def code_format(entity: Entity) -> str | None:
    """HA's `code_format`: None without a code, "number" for a numeric or remote code, else "text"."""
    code = cfg(entity, "code")
    if code is None:
        return None
    code = str(code)
    return "number" if code == "REMOTE_CODE" or code.isdigit() else "text"


def _attributes(entity: Entity) -> dict[str, Any]:
    attrs = base_attributes(entity)
    bits = 0
    for name in features(entity):
        bits |= _FEATURE_BITS.get(name, 0)
    attrs.update(supported_features=bits, code_format=code_format(entity),
                 code_arm_required=cfg_bool(entity, "code_arm_required", True))
    return attrs


_CODE = frozenset({"code"})

CODEC = Codec(
    component="alarm_control_panel",
    services=(
        Service("alarm_arm_home", _command("payload_arm_home", "ARM_HOME", "code_arm_required"),
                _CODE, _offers("arm_home")),
        Service("alarm_arm_away", _command("payload_arm_away", "ARM_AWAY", "code_arm_required"),
                _CODE, _offers("arm_away")),
        Service("alarm_arm_night", _command("payload_arm_night", "ARM_NIGHT", "code_arm_required"),
                _CODE, _offers("arm_night")),
        Service("alarm_arm_vacation",
                _command("payload_arm_vacation", "ARM_VACATION", "code_arm_required"),
                _CODE, _offers("arm_vacation")),
        Service("alarm_arm_custom_bypass",
                _command("payload_arm_custom_bypass", "ARM_CUSTOM_BYPASS", "code_arm_required"),
                _CODE, _offers("arm_custom_bypass")),
        Service("alarm_disarm", _command("payload_disarm", "DISARM", "code_disarm_required"),
                _CODE),
        Service("alarm_trigger", _command("payload_trigger", "TRIGGER", "code_trigger_required"),
                _CODE, _offers("trigger")),
    ),
    handlers=_handlers,
    attributes=_attributes,
)

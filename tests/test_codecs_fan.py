"""Fan codec: percentage scaling, presets, steps, and a zigbee2mqtt-style config."""

from __future__ import annotations

from typing import Any

import pytest

from hub.codecs import decode, encode, services
from hub.codecs.fan import percentage_to_ranged_value, ranged_value_to_percentage
from hub.domain import Entity, State
from hub.errors import CodecError

Z2M_FAN = {
    "state_topic": "zigbee2mqtt/fan", "state_value_template": "{{ value_json.fan_state }}",
    "command_topic": "zigbee2mqtt/fan/set/fan_state",
    "percentage_state_topic": "zigbee2mqtt/fan", "percentage_command_topic": "zigbee2mqtt/fan/set/fan_mode",
    "percentage_value_template":
        "{{ {'off':0, 'low':1, 'medium':2, 'high':3, 'on':4}[value_json[\"fan_mode\"]] | default('None') }}",
    "percentage_command_template":
        "{{ {0:'off', 1:'low', 2:'medium', 3:'high', 4:'on'}[value] | default('') }}",
    "preset_mode_state_topic": "zigbee2mqtt/fan", "preset_mode_command_topic": "zigbee2mqtt/fan/set/fan_mode",
    "preset_mode_value_template":
        "{{ value_json[\"fan_mode\"] if value_json[\"fan_mode\"] in ['smart'] else 'None' | default('None') }}",
    "preset_modes": ["smart"], "speed_range_min": 1, "speed_range_max": 4,
}
PLAIN = {"command_topic": "f/set", "state_topic": "f", "percentage_command_topic": "f/pct/set",
         "percentage_state_topic": "f/pct", "oscillation_command_topic": "f/osc/set",
         "oscillation_state_topic": "f/osc", "direction_command_topic": "f/dir/set",
         "direction_state_topic": "f/dir"}
ECHO = {"f/set": "f", "f/pct/set": "f/pct", "f/osc/set": "f/osc", "f/dir/set": "f/dir"}


def fan(config: dict[str, Any]) -> Entity:
    return Entity("fan.test", "fan", "Ceiling fan", "homeassistant/fan/test/config", config)


def test_ha_percentage_helpers() -> None:
    assert percentage_to_ranged_value((1, 4), 50) == 2
    assert ranged_value_to_percentage((1, 4), 3) == 75
    assert ranged_value_to_percentage((1, 100), 42) == 42


def test_services_follow_the_topics() -> None:
    assert services(fan({"command_topic": "f/set"})) == ["fan.turn_on", "fan.turn_off",
                                                         "fan.toggle"]
    assert "fan.set_preset_mode" in services(fan(Z2M_FAN))
    assert "fan.oscillate" in services(fan(PLAIN))


@pytest.mark.parametrize(("percentage", "sent", "back"),
                         [(50, "medium", 50), (10, "low", 25), (100, "on", 100), (0, "off", 0),
                          (130, "on", 100), (-20, "off", 0)])
def test_z2m_speed_round_trip(percentage: int, sent: str, back: int) -> None:
    entity = fan(Z2M_FAN)
    [msg] = encode(entity, "fan.set_percentage", {"percentage": percentage})
    assert (msg.topic, msg.payload) == ("zigbee2mqtt/fan/set/fan_mode", sent)
    state = decode(entity, "zigbee2mqtt/fan", f'{{"fan_state": "ON", "fan_mode": "{sent}"}}', None)
    assert state is not None and state.state == "on"
    assert state.attributes["percentage"] == back
    assert state.attributes["preset_mode"] is None


def test_z2m_preset_round_trip() -> None:
    entity = fan(Z2M_FAN)
    [msg] = encode(entity, "fan.set_preset_mode", {"preset_mode": "smart"})
    assert msg.payload == "smart"
    state = decode(entity, "zigbee2mqtt/fan", '{"fan_state": "ON", "fan_mode": "smart"}', None)
    assert state is not None and state.attributes["preset_mode"] == "smart"
    with pytest.raises(CodecError, match="smart"):
        encode(entity, "fan.set_preset_mode", {"preset_mode": "turbo"})


def test_turn_on_with_speed_sends_on_first() -> None:
    msgs = encode(fan(PLAIN), "fan.turn_on", {"percentage": 33})
    assert [(m.topic, m.payload) for m in msgs] == [("f/set", "ON"), ("f/pct/set", "33")]
    state: State | None = None
    for msg in msgs:
        state = decode(fan(PLAIN), ECHO[msg.topic], msg.payload, state) or state
    assert state is not None and state.state == "on" and state.attributes["percentage"] == 33


def test_oscillation_and_direction_round_trip() -> None:
    entity = fan(PLAIN)
    [osc] = encode(entity, "fan.oscillate", {"oscillating": True})
    [direction] = encode(entity, "fan.set_direction", {"direction": "reverse"})
    assert (osc.payload, direction.payload) == ("oscillate_on", "reverse")
    state = decode(entity, ECHO[osc.topic], osc.payload, None)
    state = decode(entity, ECHO[direction.topic], direction.payload, state)
    assert state is not None
    assert state.attributes["oscillating"] is True and state.attributes["direction"] == "reverse"


@pytest.mark.parametrize(("service", "current", "expected"),
                         [("fan.increase_speed", 50, "high"), ("fan.decrease_speed", 50, "low"),
                          ("fan.increase_speed", 100, "on"), ("fan.decrease_speed", None, "off")])
def test_speed_steps(service: str, current: int | None, expected: str) -> None:
    state = State("fan.test", "on", {"percentage": current})
    [msg] = encode(fan(Z2M_FAN), service, {}, current_state=state)
    assert msg.payload == expected


def test_speed_without_topic_is_refused() -> None:
    with pytest.raises(CodecError, match="no speed control"):
        encode(fan({"command_topic": "f/set"}), "fan.turn_on", {"percentage": 20})

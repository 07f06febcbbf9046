"""Climate codec: temperatures, modes, power, and a zigbee2mqtt TRV config."""

from __future__ import annotations

from typing import Any

import pytest

from hub.codecs import decode, encode, services, state_topics
from hub.domain import Entity, State
from hub.errors import CodecError

RADIATOR = {"temperature_command_topic": "rad/target/set", "temperature_state_topic": "rad/target",
            "mode_command_topic": "rad/mode/set", "mode_state_topic": "rad/mode",
            "modes": ["off", "heat"], "min_temp": 5, "max_temp": 28}
TRV = {
    "action_template": "{% set values = {None:None,'idle':'idle','heat':'heating'} %}"
                       "{{ values[value_json[\"running_state\"]] }}",
    "action_topic": "zigbee2mqtt/trv",
    "current_temperature_template": '{{ value_json["local_temperature"] }}',
    "current_temperature_topic": "zigbee2mqtt/trv",
    "max_temp": "35", "min_temp": "5", "temp_step": 0.5,
    "mode_command_topic": "zigbee2mqtt/trv/set/system_mode",
    "mode_state_template": '{{ value_json["system_mode"] }}', "mode_state_topic": "zigbee2mqtt/trv",
    "modes": ["heat", "auto", "off"],
    "temperature_command_topic": "zigbee2mqtt/trv/set/current_heating_setpoint",
    "temperature_state_template": '{{ value_json["current_heating_setpoint"] }}',
    "temperature_state_topic": "zigbee2mqtt/trv",
    "preset_mode_command_topic": "zigbee2mqtt/trv/set/preset", "preset_modes": ["eco", "boost"],
}


def climate(config: dict[str, Any]) -> Entity:
    return Entity("climate.test", "climate", "Radiator", "homeassistant/climate/test/config",
                  config)


def test_services_follow_the_config() -> None:
    assert services(climate(RADIATOR)) == ["climate.set_temperature", "climate.set_hvac_mode",
                                           "climate.turn_on", "climate.turn_off"]
    only_temp = climate({"temperature_command_topic": "t/set"})
    assert services(only_temp) == ["climate.set_temperature"]
    with pytest.raises(CodecError, match=r"does not support climate\.set_hvac_mode"):
        encode(only_temp, "climate.set_hvac_mode", {"hvac_mode": "heat"})


def test_set_temperature_round_trip() -> None:
    entity = climate(RADIATOR)
    [msg] = encode(entity, "climate.set_temperature", {"temperature": 22})
    assert (msg.topic, msg.payload, msg.qos) == ("rad/target/set", "22.0", 1)
    state = decode(entity, "rad/target", msg.payload, None)
    assert state is not None and state.attributes["temperature"] == 22.0
    assert state.attributes["min_temp"] == 5 and state.attributes["max_temp"] == 28
    assert state.state == "unknown"  # the mode is not known yet


@pytest.mark.parametrize("temperature", [4.9, 28.5, 40])
def test_out_of_range_temperature_is_refused(temperature: float) -> None:
    with pytest.raises(CodecError, match="outside 5–28"):
        encode(climate(RADIATOR), "climate.set_temperature", {"temperature": temperature})


def test_default_range_and_rounding_to_step() -> None:
    entity = climate({"temperature_command_topic": "t/set"})
    with pytest.raises(CodecError, match="outside 7–35"):
        encode(entity, "climate.set_temperature", {"temperature": 6})
    assert encode(entity, "climate.set_temperature", {"temperature": 21.4})[0].payload == "21.0"
    trv = climate(TRV)
    assert encode(trv, "climate.set_temperature", {"temperature": 21.3})[0].payload == "21.5"
    tpl = climate({"temperature_command_topic": "t/set",
                   "temperature_command_template": '{"target": {{ value }}}'})
    assert encode(tpl, "climate.set_temperature", {"temperature": 20})[0].payload == \
        '{"target": 20.0}'


def test_hvac_mode_round_trip_and_refusal() -> None:
    entity = climate(RADIATOR)
    [msg] = encode(entity, "climate.set_hvac_mode", {"hvac_mode": "HEAT"})
    assert (msg.topic, msg.payload) == ("rad/mode/set", "heat")
    state = decode(entity, "rad/mode", msg.payload, None)
    assert state is not None and state.state == "heat"
    assert state.attributes["hvac_modes"] == ["off", "heat"]
    with pytest.raises(CodecError, match="choose one of: off, heat"):
        encode(entity, "climate.set_hvac_mode", {"hvac_mode": "cool"})
    assert decode(entity, "rad/mode", "cool", state) is None


def test_set_temperature_with_mode_sends_mode_first() -> None:
    msgs = encode(climate(RADIATOR), "climate.set_temperature",
                  {"temperature": 19, "hvac_mode": "heat"})
    assert [m.topic for m in msgs] == ["rad/mode/set", "rad/target/set"]


def test_turn_on_off_via_modes_or_power() -> None:
    entity = climate(RADIATOR)
    assert encode(entity, "climate.turn_on", {})[0].payload == "heat"
    assert encode(entity, "climate.turn_off", {})[0].payload == "off"
    ac = climate({"mode_command_topic": "ac/mode", "modes": ["cool", "off", "fan_only"]})
    assert encode(ac, "climate.turn_on", {})[0].payload == "cool"
    powered = climate({**RADIATOR, "power_command_topic": "rad/power", "payload_on": "1"})
    assert [(m.topic, m.payload) for m in encode(powered, "climate.turn_on", {})] == [
        ("rad/power", "1")]
    assert encode(powered, "climate.turn_off", {})[0].payload == "OFF"


def test_trv_shared_topic_decodes_every_role() -> None:
    entity = climate(TRV)
    assert state_topics(entity) == {"zigbee2mqtt/trv"}
    payload = ('{"local_temperature": 19.5, "current_heating_setpoint": 21, '
               '"system_mode": "heat", "running_state": "heat"}')
    state = decode(entity, "zigbee2mqtt/trv", payload, None)
    assert state is not None and state.state == "heat"
    assert state.attributes["current_temperature"] == 19.5
    assert state.attributes["temperature"] == 21.0
    assert state.attributes["hvac_action"] == "heating"
    assert state.attributes["min_temp"] == 5.0  # string "5" in the config
    [msg] = encode(entity, "climate.set_temperature", {"temperature": 22.5})
    echoed = decode(entity, "zigbee2mqtt/trv",
                    payload.replace('"current_heating_setpoint": 21',
                                    f'"current_heating_setpoint": {msg.payload}'), state)
    assert echoed is not None and echoed.attributes["temperature"] == 22.5
    assert echoed.last_changed == state.last_changed  # mode unchanged


def test_preset_mode() -> None:
    [msg] = encode(climate(TRV), "climate.set_preset_mode", {"preset_mode": "eco"})
    assert (msg.topic, msg.payload) == ("zigbee2mqtt/trv/set/preset", "eco")


def test_previous_state_is_kept_on_partial_updates() -> None:
    entity = climate(RADIATOR)
    before = State("climate.test", "heat", {"temperature": 20.0})
    after = decode(entity, "rad/target", "21", before)
    assert after is not None and after.state == "heat" and after.attributes["temperature"] == 21


def test_fan_mode_preset_and_humidity_round_trip() -> None:
    entity = climate({
        "fan_mode_command_topic": "ac/fan/set", "fan_mode_state_topic": "ac/fan",
        "preset_mode_command_topic": "ac/preset/set", "preset_mode_state_topic": "ac/preset",
        "preset_modes": ["eco", "sleep"],
        "target_humidity_command_topic": "ac/hum/set", "target_humidity_state_topic": "ac/hum",
    })
    echo = {"ac/fan/set": "ac/fan", "ac/preset/set": "ac/preset", "ac/hum/set": "ac/hum"}
    msgs = [*encode(entity, "climate.set_fan_mode", {"fan_mode": "high"}),
            *encode(entity, "climate.set_preset_mode", {"preset_mode": "eco"}),
            *encode(entity, "climate.set_humidity", {"humidity": 45})]
    assert [m.payload for m in msgs] == ["high", "eco", "45"]
    state: State | None = None
    for msg in msgs:
        state = decode(entity, echo[msg.topic], msg.payload, state) or state
    assert state is not None
    assert (state.attributes["fan_mode"], state.attributes["preset_mode"],
            state.attributes["humidity"]) == ("high", "eco", 45.0)
    with pytest.raises(CodecError, match="outside 30–99"):
        encode(entity, "climate.set_humidity", {"humidity": 10})

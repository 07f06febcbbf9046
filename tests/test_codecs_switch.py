"""Switch codec, with zigbee2mqtt and Tasmota-style configs."""

from __future__ import annotations

from typing import Any

import pytest

from hub.codecs import decode, encode, services, state_topics
from hub.domain import Entity, State
from hub.errors import CodecError


def switch(config: dict[str, Any]) -> Entity:
    return Entity("switch.test", "switch", "Kettle", "homeassistant/switch/test/config", config)


TASMOTA = switch({"command_topic": "cmnd/kettle/POWER", "state_topic": "tele/kettle/STATE",
                  "value_template": "{{value_json.POWER}}"})
Z2M_RIGHT = switch({"command_topic": "zigbee2mqtt/wall/right/set", "state_topic": "zigbee2mqtt/wall",
                    "value_template": '{{ value_json["state_right"] }}'})


def test_services_and_topics() -> None:
    assert services(TASMOTA) == ["switch.turn_on", "switch.turn_off", "switch.toggle"]
    assert state_topics(TASMOTA) == {"tele/kettle/STATE"}


@pytest.mark.parametrize(("service", "payload", "state"),
                         [("switch.turn_on", "ON", "on"), ("switch.turn_off", "OFF", "off")])
def test_round_trip_through_value_template(service: str, payload: str, state: str) -> None:
    [msg] = encode(TASMOTA, service, {})
    assert (msg.topic, msg.payload, msg.qos, msg.retain) == ("cmnd/kettle/POWER", payload, 1, False)
    echoed = decode(TASMOTA, "tele/kettle/STATE", f'{{"POWER": "{msg.payload}"}}', None)
    assert echoed is not None and echoed.state == state
    assert echoed.attributes["friendly_name"] == "Kettle"


def test_multi_endpoint_state_key() -> None:
    [msg] = encode(Z2M_RIGHT, "switch.turn_on", {})
    assert msg.topic == "zigbee2mqtt/wall/right/set"
    left_only = decode(Z2M_RIGHT, "zigbee2mqtt/wall", '{"state_left": "ON"}', None)
    assert left_only is None
    both = decode(Z2M_RIGHT, "zigbee2mqtt/wall", '{"state_left": "OFF", "state_right": "ON"}', None)
    assert both is not None and both.state == "on"


def test_state_on_off_and_command_template() -> None:
    entity = switch({"command_topic": "s/set", "state_topic": "s", "payload_on": "1",
                     "payload_off": "0", "state_on": "running", "state_off": "stopped",
                     "command_template": '{"power": {{ value }}}'})
    assert encode(entity, "switch.turn_on", {})[0].payload == '{"power": 1}'
    state = decode(entity, "s", "running", None)
    assert state is not None and state.state == "on"
    assert decode(entity, "s", "1", state) is None  # payload_on is not a state here
    off = decode(entity, "s", "stopped", state)
    assert off is not None and off.state == "off"


def test_toggle_and_reset() -> None:
    on = State("switch.test", "on", {})
    assert encode(TASMOTA, "switch.toggle", {}, current_state=on)[0].payload == "OFF"
    assert encode(TASMOTA, "switch.toggle", {})[0].payload == "ON"
    reset = decode(TASMOTA, "tele/kettle/STATE", '{"POWER": "None"}', on)
    assert reset is not None and reset.state == "unknown"


def test_switch_takes_no_data() -> None:
    with pytest.raises(CodecError, match="does not take brightness_pct"):
        encode(TASMOTA, "switch.turn_on", {"brightness_pct": 10})

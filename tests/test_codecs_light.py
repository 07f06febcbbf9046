"""Light codec: default and JSON schema, both directions, with round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.codecs import decode, encode, services, state_topics
from hub.domain import Entity, State
from hub.errors import CodecError


def light(config: dict[str, Any]) -> Entity:
    return Entity("light.test", "light", "Test light", "homeassistant/light/test/config", config)


def on_state(brightness: int | None = None, **attrs: Any) -> State:
    return State("light.test", "on", {"brightness": brightness, **attrs})


def echo(entity: Entity, messages: list[Any], topics: dict[str, str],
         previous: State | None = None) -> State | None:
    """Feed each command back on its state topic, as a device confirming it would."""
    state = previous
    for msg in messages:
        new = decode(entity, topics[msg.topic], msg.payload, state)
        state = new or state
    return state


ONOFF = light({"command_topic": "porch/set", "state_topic": "porch/state"})
DIMMER = light({
    "command_topic": "cmnd/dim/POWER", "state_topic": "stat/dim/POWER",
    "brightness_command_topic": "cmnd/dim/Dimmer", "brightness_state_topic": "stat/dim/Dimmer",
    "brightness_scale": 100, "qos": 0, "retain": True,
})
DIMMER_TOPICS = {"cmnd/dim/POWER": "stat/dim/POWER", "cmnd/dim/Dimmer": "stat/dim/Dimmer"}
Z2M = light({
    "schema": "json", "brightness": True, "brightness_scale": 254,
    "supported_color_modes": ["xy", "color_temp"], "min_mireds": 250, "max_mireds": 454,
    "command_topic": "zigbee2mqtt/lamp/set", "state_topic": "zigbee2mqtt/lamp",
})


def json_light(**config: Any) -> Entity:
    return light({"schema": "json", "command_topic": "l/set", "state_topic": "l", **config})


# --- default schema ---------------------------------------------------------------------------

def test_onoff_light_services_and_payloads() -> None:
    assert services(ONOFF) == ["light.turn_on", "light.turn_off", "light.toggle"]
    assert state_topics(ONOFF) == {"porch/state"}
    [msg] = encode(ONOFF, "light.turn_on", {})
    assert (msg.topic, msg.payload, msg.qos, msg.retain) == ("porch/set", "ON", 1, False)
    assert encode(ONOFF, "light.turn_off", {})[0].payload == "OFF"


def test_onoff_light_refuses_brightness_and_colour() -> None:
    with pytest.raises(CodecError, match="cannot dim"):
        encode(ONOFF, "light.turn_on", {"brightness_pct": 50})
    with pytest.raises(CodecError, match="colour"):
        encode(ONOFF, "light.turn_on", {"color_name": "red"})


def test_onoff_round_trip_and_custom_payloads() -> None:
    entity = light({"command_topic": "a/set", "state_topic": "a", "payload_on": "1",
                    "payload_off": "0"})
    [msg] = encode(entity, "light.turn_on", {})
    assert msg.payload == "1"
    state = decode(entity, "a", msg.payload, None)
    assert state is not None and state.state == "on"
    state = decode(entity, "a", encode(entity, "light.turn_off", {})[0].payload, state)
    assert state is not None and state.state == "off"
    assert decode(entity, "a", "2", state) is None


def test_dimmer_scales_and_orders_messages_last() -> None:
    msgs = encode(DIMMER, "light.turn_on", {"brightness_pct": 40})
    assert [(m.topic, m.payload) for m in msgs] == [("cmnd/dim/Dimmer", "40"),
                                                    ("cmnd/dim/POWER", "ON")]
    assert all(m.qos == 0 and m.retain for m in msgs)  # qos/retain from the config
    state = echo(DIMMER, msgs, DIMMER_TOPICS)
    assert state is not None and state.state == "on"
    assert state.attributes["brightness"] == 102  # 40 % of 255


def test_on_command_type_first_and_brightness() -> None:
    first = light({**DIMMER.config, "on_command_type": "first"})
    msgs = encode(first, "light.turn_on", {"brightness": 255})
    assert [m.payload for m in msgs] == ["ON", "100"]
    only = light({**DIMMER.config, "on_command_type": "brightness"})
    assert [(m.topic, m.payload) for m in encode(only, "light.turn_on", {})] == [
        ("cmnd/dim/Dimmer", "100")]
    assert [m.payload for m in encode(only, "light.turn_on", {}, current_state=on_state(51))] \
        == ["20"]


@pytest.mark.parametrize(("pct", "payload"), [(150, "100"), (0.2, "1")])
def test_brightness_is_clamped_never_raw(pct: float, payload: str) -> None:
    assert encode(DIMMER, "light.turn_on", {"brightness_pct": pct})[0].payload == payload


def test_zero_brightness_turns_off() -> None:
    assert [m.payload for m in encode(DIMMER, "light.turn_on", {"brightness_pct": 0})] == ["OFF"]
    assert [m.payload for m in encode(DIMMER, "light.turn_on", {"brightness_pct": -5})] == ["OFF"]


@pytest.mark.parametrize(
    ("current", "step", "expected"),
    [(on_state(102), -10, "30"), (on_state(102), 10, "50"),
     (State("light.test", "off", {}), 10, "10"), (None, -10, "40"), (on_state(250), 30, "100")],
)
def test_brightness_step(current: State | None, step: int, expected: str) -> None:
    msgs = encode(DIMMER, "light.turn_on", {"brightness_step_pct": step}, current_state=current)
    assert msgs[0].payload == expected


def test_step_to_zero_turns_off() -> None:
    msgs = encode(DIMMER, "light.turn_on", {"brightness_step_pct": -50},
                  current_state=on_state(51))
    assert [m.payload for m in msgs] == ["OFF"]


def test_toggle_needs_current_state() -> None:
    assert encode(ONOFF, "light.toggle", {})[0].payload == "ON"
    assert encode(ONOFF, "light.toggle", {}, current_state=on_state())[0].payload == "OFF"
    off = State("light.test", "off", {})
    assert encode(ONOFF, "light.toggle", {}, current_state=off)[0].payload == "ON"


def test_rgb_topic_with_template_round_trip() -> None:
    entity = light({
        "command_topic": "rgb/set", "state_topic": "rgb/state",
        "rgb_command_topic": "rgb/rgb/set", "rgb_state_topic": "rgb/rgb",
        "rgb_command_template": "{{ red }}-{{ green }}-{{ blue }}",
        "rgb_value_template": "{{ value.replace('-', ',') }}",
    })
    msgs = encode(entity, "light.turn_on", {"color_name": "orange"})
    assert [(m.topic, m.payload) for m in msgs] == [("rgb/rgb/set", "255-165-0"),
                                                    ("rgb/set", "ON")]
    state = echo(entity, msgs, {"rgb/rgb/set": "rgb/rgb", "rgb/set": "rgb/state"})
    assert state is not None and state.attributes["rgb_color"] == [255, 165, 0]
    assert state.attributes["color_mode"] == "rgb"
    assert state.attributes["brightness"] == 255


def test_rgb_light_without_brightness_topic_dims_by_scaling() -> None:
    entity = light({"command_topic": "rgb/set", "rgb_command_topic": "rgb/rgb/set"})
    current = on_state(255, rgb_color=[255, 0, 0])
    msgs = encode(entity, "light.turn_on", {"brightness_pct": 50}, current_state=current)
    assert msgs[0].payload == "128,0,0"


def test_hs_and_xy_topics_round_trip() -> None:
    hs = light({"command_topic": "h/set", "hs_command_topic": "h/hs/set",
                "hs_state_topic": "h/hs", "state_topic": "h"})
    msgs = encode(hs, "light.turn_on", {"rgb_color": [0, 0, 255]})
    assert msgs[0].payload == "240.0,100.0"
    state = echo(hs, msgs, {"h/hs/set": "h/hs", "h/set": "h"})
    assert state is not None and state.attributes["hs_color"] == [240.0, 100.0]
    assert state.attributes["rgb_color"] == [0, 0, 255]
    xy = light({"command_topic": "x/set", "xy_command_topic": "x/xy/set",
                "xy_state_topic": "x/xy", "state_topic": "x"})
    msgs = encode(xy, "light.turn_on", {"hs_color": [0, 100]})
    assert msgs[0].payload == "0.701,0.299"
    state = echo(xy, msgs, {"x/xy/set": "x/xy", "x/set": "x"})
    assert state is not None and state.attributes["xy_color"] == [0.701, 0.299]


@pytest.mark.parametrize(("kelvin_option", "sent"), [(False, "370"), (True, "2700")])
def test_color_temp_topic_round_trip(kelvin_option: bool, sent: str) -> None:
    entity = light({"command_topic": "c/set", "state_topic": "c", "color_temp_kelvin": kelvin_option,
                    "color_temp_command_topic": "c/ct/set", "color_temp_state_topic": "c/ct"})
    msgs = encode(entity, "light.turn_on", {"color_temp_kelvin": 2700})
    assert msgs[0].payload == sent
    state = echo(entity, msgs, {"c/ct/set": "c/ct", "c/set": "c"})
    assert state is not None and state.attributes["color_mode"] == "color_temp"
    assert abs(state.attributes["color_temp_kelvin"] - 2700) <= 3


def test_color_temp_is_clamped_to_the_light_range() -> None:
    entity = light({"command_topic": "c/set", "color_temp_command_topic": "c/ct/set",
                    "min_mireds": 250, "max_mireds": 454})
    assert encode(entity, "light.turn_on", {"color_temp_kelvin": 9000})[0].payload == "250"
    assert encode(entity, "light.turn_on", {"color_temp_kelvin": 1000})[0].payload == "454"


def test_refusals_name_the_problem() -> None:
    with pytest.raises(CodecError, match="unknown colour name"):
        encode(Z2M, "light.turn_on", {"color_name": "blurple"})
    with pytest.raises(CodecError, match="not several"):
        encode(Z2M, "light.turn_on", {"color_name": "red", "color_temp_kelvin": 3000})
    with pytest.raises(CodecError, match="does not take temperature"):
        encode(Z2M, "light.turn_on", {"temperature": 20})
    with pytest.raises(CodecError, match="must be a number"):
        encode(Z2M, "light.turn_on", {"brightness_pct": "bright"})
    with pytest.raises(CodecError, match=r"supports: light\.turn_on"):
        encode(Z2M, "light.open", {})
    with pytest.raises(CodecError, match="does not apply"):
        encode(Z2M, "switch.turn_on", {})


# --- JSON schema ------------------------------------------------------------------------------

def payload_of(entity: Entity, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
    [msg] = encode(entity, "light.turn_on", data, **kw)
    result: dict[str, Any] = json.loads(msg.payload)
    return result


def test_json_brightness_scale_round_trip() -> None:
    [msg] = encode(Z2M, "light.turn_on", {"brightness_pct": 40})
    assert msg.topic == "zigbee2mqtt/lamp/set"
    assert json.loads(msg.payload) == {"state": "ON", "brightness": 102}
    state = decode(Z2M, "zigbee2mqtt/lamp", msg.payload, None)
    assert state is not None and state.state == "on" and state.attributes["brightness"] == 102
    big = json_light(brightness=True, brightness_scale=4095, supported_color_modes=["brightness"])
    assert payload_of(big, {"brightness": 255}) == {"state": "ON", "brightness": 4095}
    state = decode(big, "l", '{"brightness": 4095, "state": "ON"}', None)
    assert state is not None and state.attributes["brightness"] == 255


def test_json_colour_by_supported_mode() -> None:
    assert payload_of(Z2M, {"color_name": "red"})["color"] == {"x": 0.701, "y": 0.299}
    rgb = json_light(supported_color_modes=["rgb"])
    assert payload_of(rgb, {"hs_color": [120, 100]})["color"] == {"r": 0, "g": 255, "b": 0}
    hs = json_light(supported_color_modes=["hs"])
    assert payload_of(hs, {"color_name": "blue"})["color"] == {"h": 240.0, "s": 100.0}


@pytest.mark.parametrize("mode", ["xy", "rgb", "hs"])
def test_json_colour_round_trip(mode: str) -> None:
    entity = json_light(supported_color_modes=[mode])
    [msg] = encode(entity, "light.turn_on", {"rgb_color": [255, 0, 0]})
    state = decode(entity, "l", msg.payload, None)
    assert state is not None and state.state == "on"
    assert state.attributes["color_mode"] == mode
    assert state.attributes["rgb_color"] == [255, 0, 0]


def test_json_color_temp_mireds_or_kelvin_round_trip() -> None:
    sent = payload_of(Z2M, {"color_temp_kelvin": 2700})
    assert sent == {"state": "ON", "color_temp": 370}
    state = decode(Z2M, "zigbee2mqtt/lamp", json.dumps({**sent, "color_mode": "color_temp"}), None)
    assert state is not None and state.attributes["color_temp_kelvin"] == 2702
    kelvin = json_light(supported_color_modes=["color_temp"], color_temp_kelvin=True)
    sent = payload_of(kelvin, {"color_temp_kelvin": 3000})
    assert sent["color_temp"] == 3000
    state = decode(kelvin, "l", json.dumps(sent), None)
    assert state is not None and state.attributes["color_temp_kelvin"] == 3000


def test_json_clamps_kelvin_and_converts_colour_for_ct_only_lights() -> None:
    assert payload_of(Z2M, {"color_temp_kelvin": 9000})["color_temp"] == 250
    ct_only = json_light(supported_color_modes=["color_temp"], min_kelvin=2200, max_kelvin=4000)
    mired = payload_of(ct_only, {"color_name": "orange"})["color_temp"]
    assert 250 <= mired <= 454  # the nearest white inside 2200–4000 K, as HA converts
    colour_only = json_light(supported_color_modes=["hs"])
    hue, sat = payload_of(colour_only, {"color_temp_kelvin": 2700})["color"].values()
    assert 20 < hue < 40 and sat > 50  # warm white emulated as a colour, like HA


def test_json_turn_off_and_transition() -> None:
    [msg] = encode(Z2M, "light.turn_off", {"transition": 2})
    assert json.loads(msg.payload) == {"state": "OFF", "transition": 2.0}
    state = decode(Z2M, "zigbee2mqtt/lamp", msg.payload, on_state(200))
    assert state is not None and state.state == "off"
    assert payload_of(Z2M, {"transition": 3})["transition"] == 3.0


def test_json_onoff_light_refuses_brightness() -> None:
    plain = json_light(supported_color_modes=["onoff"])
    with pytest.raises(CodecError, match="cannot dim"):
        encode(plain, "light.turn_on", {"brightness_pct": 20})


def test_json_state_with_color_mode_uses_only_that_model() -> None:
    message = {"state": "ON", "brightness": 254, "color_mode": "xy", "color_temp": 300,
               "color": {"x": 0.701, "y": 0.299, "h": 0, "s": 0}}
    state = decode(Z2M, "zigbee2mqtt/lamp", json.dumps(message), None)
    assert state is not None
    assert state.attributes["color_mode"] == "xy"
    assert state.attributes["color_temp_kelvin"] is None
    assert state.attributes["rgb_color"] == [255, 0, 0]
    assert state.attributes["brightness"] == 255


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", '{"state": "MAYBE"}', ""])
def test_json_bad_payloads_change_nothing(payload: str) -> None:
    assert decode(Z2M, "zigbee2mqtt/lamp", payload, None) is None
    previous = on_state(100)
    result = decode(Z2M, "zigbee2mqtt/lamp", payload, previous)
    assert result is None or result.state == "on"


def test_static_attributes() -> None:
    state = decode(Z2M, "zigbee2mqtt/lamp", '{"state": "ON"}', None)
    assert state is not None
    assert state.attributes["friendly_name"] == "Test light"
    assert state.attributes["supported_color_modes"] == ["xy", "color_temp"]
    assert state.attributes["min_color_temp_kelvin"] == 2202
    assert state.attributes["max_color_temp_kelvin"] == 4000


def test_effect_round_trip_both_schemas() -> None:
    basic = light({"command_topic": "e/set", "effect_command_topic": "e/fx/set",
                   "effect_state_topic": "e/fx", "effect_list": ["rainbow", "candle"]})
    msgs = encode(basic, "light.turn_on", {"effect": "Candle"})
    assert [(m.topic, m.payload) for m in msgs] == [("e/fx/set", "candle"), ("e/set", "ON")]
    state = decode(basic, "e/fx", msgs[0].payload, None)
    assert state is not None and state.attributes["effect"] == "candle"
    assert state.attributes["effect_list"] == ["rainbow", "candle"]
    js = json_light(supported_color_modes=["brightness"], effect=True, effect_list=["blink"])
    sent = payload_of(js, {"effect": "blink"})
    assert sent == {"state": "ON", "effect": "blink"}
    state = decode(js, "l", json.dumps(sent), None)
    assert state is not None and state.attributes["effect"] == "blink"
    with pytest.raises(CodecError, match="blink"):
        encode(js, "light.turn_on", {"effect": "disco"})

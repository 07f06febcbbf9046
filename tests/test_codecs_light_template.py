"""Template-schema lights, from the examples on HA's MQTT light page (schema: template)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.codecs import decode, encode, services, state_topics
from hub.discovery import parse_discovery
from hub.domain import Entity, State
from hub.errors import CodecError, DiscoveryError

FULL = {  # HA docs, "Full JSON-like payload" example
    "name": "RGB light", "schema": "template", "effect_list": ["rainbow", "colorloop"],
    "command_topic": "home/rgb1/set", "state_topic": "home/rgb1/status",
    "command_on_template": (
        '{"state": "on"'
        "{%- if brightness is defined -%}, \"brightness\": {{ brightness }}{%- endif -%}"
        "{%- if red is defined and green is defined and blue is defined -%}"
        ', "color": [{{ red }}, {{ green }}, {{ blue }}]{%- endif -%}'
        '{%- if effect is defined -%}, "effect": "{{ effect }}"{%- endif -%}}'),
    "command_off_template": '{"state": "off"}',
    "state_template": "{{ value_json.state }}",
    "brightness_template": "{{ value_json.brightness }}",
    "red_template": "{{ value_json.color[0] }}",
    "green_template": "{{ value_json.color[1] }}",
    "blue_template": "{{ value_json.color[2] }}",
    "effect_template": "{{ value_json.effect }}",
}
CCT = {  # HA docs, "CCT light (only color temp)" (Shelly bulb), with `* 2.55` for `multiply`
    "name": "Bulb-CCT", "schema": "template",
    "command_topic": "shellies/bulb/color/0/set", "state_topic": "shellies/bulb/color/0/status",
    "command_on_template": (
        '{"turn": "on", "mode": "white"'
        "{%- if brightness is defined -%}"
        ', "brightness": {{ (brightness | float * 0.39215686) | round(0) | int }}{%- endif -%}'
        "{%- if color_temp is defined -%}"
        ', "temp": {{ [[(1000000 / color_temp | float) | round(0) | int, 3000] | max, 6500]'
        " | min }}{%- endif -%}}"),
    "command_off_template": '{"turn":"off", "mode": "white"}',
    "state_template": "{% if value_json.ison and value_json.mode == 'white' %}on{% else %}off"
                      "{% endif %}",
    "brightness_template": "{{ (value_json.brightness | float * 2.55) | round(0) | int }}",
    "color_temp_template": "{{ (1000000 / value_json.temp | float) | round(0) | int }}",
    "max_mireds": 334, "min_mireds": 153,
}
SIMPLE = {  # HA docs, "Simple string payload" (abbreviated keys)
    "name": "Simple", "schema": "template", "cmd_t": "home/rgb1/set", "stat_t": "home/rgb1/set",
    "cmd_on_tpl": "on", "cmd_off_tpl": "off", "stat_tpl": "{{ value.split(',')[0] }}",
}


def light(config: dict[str, Any]) -> Entity:
    [entity] = parse_discovery("homeassistant/light/t/config", json.dumps(config))
    assert isinstance(entity, Entity)
    return entity


def payloads(entity: Entity, service: str, data: dict[str, Any],
             current: State | None = None) -> list[str]:
    return [m.payload for m in encode(entity, service, data, current_state=current)]


def test_on_and_off_render_their_templates() -> None:
    entity = light(FULL)
    assert payloads(entity, "light.turn_on", {}) == ['{"state": "on"}']
    assert payloads(entity, "light.turn_off", {}) == ['{"state": "off"}']
    assert payloads(entity, "light.turn_on", {"brightness_pct": 50}) == \
        ['{"state": "on", "brightness": 128}']
    assert payloads(entity, "light.turn_on", {"effect": "rainbow"}) == \
        ['{"state": "on", "effect": "rainbow"}']
    simple = light(SIMPLE)
    assert payloads(simple, "light.turn_on", {}) == ["on"]
    assert payloads(simple, "light.turn_off", {}) == ["off"]


def test_colour_goes_out_as_red_green_blue_at_the_brightness() -> None:
    entity = light(FULL)
    assert payloads(entity, "light.turn_on", {"rgb_color": [255, 0, 0]}) == \
        ['{"state": "on", "color": [255, 0, 0]}']
    # HA: color_hsv_to_RGB(h, s, brightness / 255 * 100): half brightness, half the channels.
    assert payloads(entity, "light.turn_on", {"rgb_color": [255, 0, 0], "brightness": 128}) == \
        ['{"state": "on", "brightness": 128, "color": [128, 0, 0]}']
    assert payloads(entity, "light.turn_on", {"color_name": "blue"}) == \
        ['{"state": "on", "color": [0, 0, 255]}']


def test_colour_temperature_in_mireds() -> None:
    entity = light(CCT)
    assert payloads(entity, "light.turn_on", {"color_temp_kelvin": 4000}) == \
        ['{"turn": "on", "mode": "white", "temp": 4000}']
    assert payloads(entity, "light.turn_on", {"brightness_pct": 100}) == \
        ['{"turn": "on", "mode": "white", "brightness": 100}']
    assert payloads(entity, "light.turn_off", {}) == ['{"turn":"off", "mode": "white"}']
    assert "light.turn_on" in services(entity)


def test_state_is_decoded_through_the_templates() -> None:
    entity = light(FULL)
    assert state_topics(entity) == {"home/rgb1/status"}
    state = decode(entity, "home/rgb1/status",
                   '{"state": "on", "brightness": 200, "color": [0, 255, 0], "effect": "rainbow"}',
                   None)
    assert state is not None and state.state == "on"
    assert state.attributes["brightness"] == 200
    assert state.attributes["rgb_color"] == [0, 255, 0] and state.attributes["color_mode"] == "hs"
    assert state.attributes["effect"] == "rainbow"
    off = decode(entity, "home/rgb1/status", '{"state": "off"}', state)
    assert off is not None and off.state == "off"
    cct = decode(light(CCT), "shellies/bulb/color/0/status",
                 '{"ison": true, "mode": "white", "brightness": 40, "temp": 4000}', None)
    assert cct is not None and cct.state == "on"
    assert cct.attributes["brightness"] == 102 and cct.attributes["color_temp_kelvin"] == 4000
    simple = decode(light(SIMPLE), "home/rgb1/set", "off,255-0-0", None)
    assert simple is not None and simple.state == "off"


def test_attributes_and_refusals() -> None:
    full = light(FULL)
    state = decode(full, "home/rgb1/status", '{"state": "on"}', None)
    assert state is not None
    assert state.attributes["supported_color_modes"] == ["hs"]
    assert light(CCT).config["max_mireds"] == 334
    simple = light(SIMPLE)
    with pytest.raises(CodecError, match="cannot dim"):
        encode(simple, "light.turn_on", {"brightness_pct": 30})
    with pytest.raises(CodecError, match="cannot change colour"):
        encode(simple, "light.turn_on", {"rgb_color": [1, 2, 3]})
    bad = decode(full, "home/rgb1/status", '{"state": "maybe", "brightness": 999}', None)
    assert bad is None  # neither on/off nor a brightness HA accepts: nothing changes


def test_template_light_needs_both_command_templates() -> None:
    with pytest.raises(DiscoveryError, match="command_off_template"):
        parse_discovery("homeassistant/light/t/config", json.dumps(
            {"schema": "template", "cmd_t": "x", "cmd_on_tpl": "on"}))

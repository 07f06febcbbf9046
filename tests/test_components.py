"""The components after the first nine, pure: discovery → entity, service → MQTT, MQTT → state.

Driven by tests/fixtures/discovery/components.json (payloads written from HA's documented
examples and zigbee2mqtt/ESPHome discovery); tests/test_components_live.py runs the same cases
through a real hub, broker and REST API.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hub import devices
from hub.codecs import decode, encode, services, state_topics
from hub.discovery import parse_discovery
from hub.domain import COMPONENTS, Entity, State
from hub.errors import CodecError

CASES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "discovery" / "components.json").read_text("utf-8")
)["cases"]
NOW = datetime(2026, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)


def entity_of(case: dict[str, Any]) -> Entity:
    [entity] = parse_discovery(case["topic"], json.dumps(case["payload"]))
    assert isinstance(entity, Entity)
    return entity


def test_every_new_component_has_a_case() -> None:
    assert {c["topic"].split("/")[1] for c in CASES.values()} == set(COMPONENTS[9:])


@pytest.mark.parametrize("name", sorted(CASES))
def test_discovery_gives_the_entity(name: str) -> None:
    case = CASES[name]
    entity = entity_of(case)
    assert entity.entity_id == case["entity_id"]
    offered = set(services(entity))
    assert {c["service"] for c in case["calls"]} <= offered
    assert set(devices.services_for(entity.component)) >= offered


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["calls"]))
def test_service_calls_publish_what_ha_publishes(name: str) -> None:
    entity = entity_of(CASES[name])
    for call in CASES[name]["calls"]:
        sent = [{"topic": m.topic, "payload": m.payload}
                for m in encode(entity, call["service"], call["data"])]
        assert sent == call["mqtt"], call["service"]


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["refused"]))
def test_calls_ha_refuses_are_refused(name: str) -> None:
    entity = entity_of(CASES[name])
    for call in CASES[name]["refused"]:
        with pytest.raises(CodecError, match=call["error"]):
            encode(entity, call["service"], call["data"])


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["states"]))
def test_state_messages_decode(name: str) -> None:
    entity = entity_of(CASES[name])
    previous: State | None = None
    for step in CASES[name]["states"]:
        assert step["topic"] in state_topics(entity)
        state = decode(entity, step["topic"], step["payload"], previous, NOW)
        assert state is not None, step
        expected = NOW.isoformat(timespec="milliseconds") if step["state"] == "<timestamp>" \
            else step["state"]
        assert state.state == expected, step
        for key, value in step["attributes"].items():
            assert state.attributes.get(key) == value, (step, key)
        previous = state


def test_camera_and_image_payloads_are_never_subscribed() -> None:
    camera = entity_of(CASES["camera_docs"])
    assert state_topics(camera) == set() and services(camera) == []
    image = entity_of(CASES["image_url"])
    assert state_topics(image) == {"doorbell/snapshot/url"}  # the URL, never image bytes


def test_event_types_outside_the_list_and_other_trigger_payloads_change_nothing() -> None:
    event = entity_of(CASES["event_docs"])
    assert decode(event, "vendor/foo/bar/event", '{"event_type": "explode"}', None, NOW) is None
    assert decode(event, "vendor/foo/bar/event", "press", None, NOW) is None
    trigger = entity_of(CASES["device_automation_z2m"])
    assert decode(trigger, "zigbee2mqtt/Remote/action", "arrow_right_click", None, NOW) is None


def test_out_of_range_states_are_dropped() -> None:
    number = entity_of(CASES["number_desk_height"])
    assert decode(number, "desk/height", "300", None, NOW) is None
    assert decode(number, "desk/height", "tall", None, NOW) is None
    select = entity_of(CASES["select_z2m_power_on"])
    assert decode(select, "zigbee2mqtt/Kitchen plug", '{"power_on_behavior": "x"}', None,
                  NOW) is None
    alarm = entity_of(CASES["alarm_docs_code"])
    assert decode(alarm, "home/alarm", "armed_to_the_teeth", None, NOW) is None


def test_alarm_without_a_code_and_remote_codes() -> None:
    topic = "homeassistant/alarm_control_panel/panel/config"
    plain = parse_discovery(topic, json.dumps({"name": "Panel", "stat_t": "p/state",
                                               "cmd_t": "p/set"}))[0]
    assert isinstance(plain, Entity)
    assert [m.payload for m in encode(plain, "alarm_control_panel.alarm_arm_home", {})] == \
        ["ARM_HOME"]
    remote = parse_discovery(topic, json.dumps({"name": "Panel", "stat_t": "p/state",
                                                "cmd_t": "p/set", "code": "REMOTE_CODE",
                                                "cmd_tpl": "{{ action }}:{{ code }}"}))[0]
    assert isinstance(remote, Entity)
    assert encode(remote, "alarm_control_panel.alarm_disarm", {"code": "9876"})[0].payload == \
        "DISARM:9876"
    limited = parse_discovery(topic, json.dumps({"name": "Panel", "stat_t": "p/state",
                                                 "cmd_t": "p/set",
                                                 "sup_feat": ["arm_home", "arm_away"]}))[0]
    assert isinstance(limited, Entity)
    assert "alarm_control_panel.alarm_arm_night" not in services(limited)


def test_sensitive_services_need_confirmation() -> None:
    for service in ("alarm_arm_away", "alarm_arm_home", "alarm_arm_night", "alarm_disarm",
                    "alarm_trigger"):
        assert devices.needs_confirm(f"alarm_control_panel.{service}")
    assert devices.needs_confirm("valve.open_valve", "gas")
    assert not devices.needs_confirm("valve.open_valve", "water")
    assert not devices.needs_confirm("valve.close_valve", "gas")
    assert not devices.needs_confirm("button.press")


@pytest.mark.parametrize(
    ("word", "lang", "target"),
    [("valve", "en", ("valve", None)), ("阀门", "zh", ("valve", None)),
     ("gas valve", "en", ("valve", "gas")), ("mower", "en", ("lawn_mower", None)),
     ("割草机", "zh", ("lawn_mower", None)), ("humidifier", "en", ("humidifier", None)),
     ("除湿机", "zh", ("humidifier", None)), ("water heater", "en", ("water_heater", None)),
     ("热水器", "zh", ("water_heater", None)), ("alarm", "en", ("alarm_control_panel", None)),
     ("安防系统", "zh", ("alarm_control_panel", None)), ("scene", "en", ("scene", None)),
     ("场景", "zh", ("scene", None)), ("button", "en", ("button", None)),
     ("按钮", "zh", ("button", None)), ("siren", "en", ("siren", None)),
     ("蜂鸣器", "zh", ("siren", None)), ("firmware", "en", ("update", None)),
     ("固件", "zh", ("update", None)), ("doorbell", "en", ("event", "doorbell"))],
)
def test_words_for_new_components(word: str, lang: str, target: tuple[str, str | None]) -> None:
    assert devices.class_words(lang)[devices.normalize_word(word)] == target


def test_valve_position_range_is_scaled() -> None:
    topic = "homeassistant/valve/v/config"
    valve = parse_discovery(topic, json.dumps({"name": "V", "cmd_t": "v/set", "stat_t": "v/state",
                                               "pos": True, "pos_open": 255,
                                               "pos_clsd": 0}))[0]
    assert isinstance(valve, Entity)
    assert encode(valve, "valve.set_valve_position", {"position": 50})[0].payload == "128"
    state = decode(valve, "v/state", "51", None, NOW)
    assert state is not None and state.attributes["current_position"] == 20


def test_siren_with_templates() -> None:
    siren = parse_discovery("homeassistant/siren/s/config", json.dumps({
        "name": "S", "cmd_t": "s/set",
        "cmd_tpl": "{{ value }}-{{ tone | default('none') }}",
        "cmd_off_tpl": "{{ value | lower }}", "av_tones": ["ping"]}))[0]
    assert isinstance(siren, Entity)
    assert encode(siren, "siren.turn_on", {"tone": "ping"})[0].payload == "ON-ping"
    assert encode(siren, "siren.turn_off", {})[0].payload == "off"

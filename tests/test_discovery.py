"""Tests of HA MQTT discovery parsing (hub.discovery.ha, .schema, .abbreviations)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from hub.discovery import parse_discovery, parse_topic, slugify
from hub.discovery.abbreviations import (
    ABBREVIATIONS,
    DEVICE_ABBREVIATIONS,
    ENTITY_ABBREVIATIONS,
    LEGACY_ABBREVIATIONS,
    ORIGIN_ABBREVIATIONS,
    expand_all,
)
from hub.discovery.ha import UnsupportedComponentError, class_title
from hub.domain import COMPONENTS, Entity, Removal
from hub.errors import DiscoveryError

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
CASES: dict[str, dict[str, Any]] = json.loads((FIXTURES / "publishers.json").read_text())["cases"]
CONTRACT_HOME = Path(__file__).resolve().parents[2] / "shared" / "contract" / "example_home.json"


def one(topic: str, payload: dict[str, Any] | str) -> Entity:
    """Parse a single-component payload and return its one entity."""
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    [result] = parse_discovery(topic, raw)
    assert isinstance(result, Entity)
    return result


# --- every component, publisher styles -------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_publisher_fixture(case: str) -> None:
    spec = CASES[case]
    entity = one(spec["topic"], spec["payload"])
    expect = dict(spec["expect"])
    for key, value in expect.pop("config", {}).items():
        assert entity.config[key] == value, key
    for field, value in expect.items():
        assert getattr(entity, field) == value, field
    assert entity.discovery_topic == spec["topic"]
    assert entity.component_key is None
    assert entity.component == spec["topic"].split("/")[1]


def test_fixtures_cover_every_component() -> None:
    more = json.loads((FIXTURES / "components.json").read_text())["cases"]
    seen = {spec["topic"].split("/")[1] for spec in [*CASES.values(), *more.values()]}
    assert seen == set(COMPONENTS)


def test_bytes_payload_and_custom_prefix() -> None:
    payload = json.dumps({"name": "X", "cmd_t": "x/set"}).encode()
    [entity] = parse_discovery("ha/switch/x/config", payload, prefix="ha")
    assert isinstance(entity, Entity)
    assert entity.entity_id == "switch.x"
    with pytest.raises(DiscoveryError):
        parse_discovery("homeassistant/switch/x/config", payload, prefix="ha")


# --- topics and removal ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "parts"),
    [
        ("homeassistant/light/kitchen/config", ("light", None, "kitchen")),
        ("homeassistant/light/0x0017/light/config", ("light", "0x0017", "light")),
        ("homeassistant/device/AB-12_c/config", ("device", None, "AB-12_c")),
    ],
)
def test_parse_topic(topic: str, parts: tuple[str, str | None, str]) -> None:
    where = parse_topic(topic)
    assert (where.component, where.node_id, where.object_id) == parts


@pytest.mark.parametrize(
    "topic",
    [
        "homeassistant/light/kitchen/state",
        "homeassistant/light/kit chen/config",
        "homeassistant/light/a/b/c/config",
        "homeassistant/light/config",
        "other/light/kitchen/config",
        "xhomeassistant/light/kitchen/config",
        "homeassistant/light/kitchén/config",
        "homeassistant/light/kitchen/config/",
    ],
)
def test_bad_topic_is_refused(topic: str) -> None:
    with pytest.raises(DiscoveryError):
        parse_discovery(topic, '{"cmd_t": "x"}')


def test_unknown_component_is_refused_even_when_removing() -> None:
    with pytest.raises(UnsupportedComponentError, match="'toaster' is not supported") as caught:
        parse_discovery("homeassistant/toaster/door/config", "")
    assert caught.value.component == "toaster"
    assert isinstance(caught.value, DiscoveryError)


@pytest.mark.parametrize("payload", ["", b""])
def test_empty_payload_removes(payload: str | bytes) -> None:
    topic = "homeassistant/light/0x0017/light/config"
    assert parse_discovery(topic, payload) == [Removal(topic)]
    device_topic = "homeassistant/device/bedroom_hub/config"
    assert parse_discovery(device_topic, payload) == [Removal(device_topic)]


@pytest.mark.parametrize("key", ["migrate_discovery", "migr_discvry"])
def test_migrate_discovery_unloads(key: str) -> None:
    topic = "homeassistant/sensor/0AFFD2/bla2/config"
    assert parse_discovery(topic, json.dumps({key: True})) == [Removal(topic)]


# --- abbreviations and ~ ---------------------------------------------------------------------


def test_abbreviation_tables() -> None:
    assert len(ABBREVIATIONS) == 273
    assert len(LEGACY_ABBREVIATIONS) == 41
    assert not set(ABBREVIATIONS) & set(LEGACY_ABBREVIATIONS)
    assert ENTITY_ABBREVIATIONS["obj_id"] == "object_id"
    assert ENTITY_ABBREVIATIONS["def_ent_id"] == "default_entity_id"
    assert ENTITY_ABBREVIATIONS["cmps"] == "components"
    assert DEVICE_ABBREVIATIONS["sa"] == "suggested_area"
    assert ORIGIN_ABBREVIATIONS["url"] == "support_url"


def test_expand_all_reaches_every_level() -> None:
    payload: dict[str, Any] = {
        "cmd_t": "a", "avty": [{"t": "b", "pl_avail": "up", "val_tpl": "{{ value }}"}],
        "dev": {"ids": "x", "mf": "Acme", "sw": "1"}, "o": {"name": "n", "sw": "2", "url": "u"},
        "cmps": {"c": {"p": "sensor", "stat_t": "s", "avty": [{"t": "z"}]}},
    }
    expand_all(payload)
    assert payload["command_topic"] == "a"
    assert payload["availability"] == [
        {"topic": "b", "payload_available": "up", "value_template": "{{ value }}"}
    ]
    assert payload["device"] == {"identifiers": "x", "manufacturer": "Acme", "sw_version": "1"}
    assert payload["origin"] == {"name": "n", "sw_version": "2", "support_url": "u"}
    component = payload["components"]["c"]
    assert component == {"platform": "sensor", "state_topic": "s", "availability": [{"topic": "z"}]}


def test_abbreviated_key_wins_over_full_key_like_ha() -> None:
    entity = one("homeassistant/switch/x/config",
                 '{"command_topic": "full/set", "cmd_t": "abbr/set", "name": "X"}')
    assert entity.config["command_topic"] == "abbr/set"


def test_legacy_abbreviations_expand() -> None:
    entity = one("homeassistant/light/x/config", {
        "name": "X", "cmd_t": "x/set", "obj_id": "legacy", "whit_val_cmd_t": "x/white/set",
    })
    assert entity.entity_id == "light.legacy"
    assert entity.config["white_value_command_topic"] == "x/white/set"


def test_tilde_prefix_suffix_and_availability() -> None:
    entity = one("homeassistant/switch/x/config", {
        "~": "base/x", "name": "X", "cmd_t": "~/set", "stat_t": "state/~",
        "avty": [{"t": "~/avail"}], "val_tpl": "~/not/a/topic", "json_attr_t": "plain/topic",
    })
    assert "~" not in entity.config
    assert entity.config["command_topic"] == "base/x/set"
    assert entity.config["state_topic"] == "state/base/x"
    assert entity.config["availability"] == [{"topic": "base/x/avail"}]
    assert entity.config["value_template"] == "~/not/a/topic"  # only *topic keys
    assert entity.config["json_attributes_topic"] == "plain/topic"


def test_tilde_must_be_a_string() -> None:
    with pytest.raises(DiscoveryError, match="homeassistant/switch/x/config: ~ must be"):
        parse_discovery("homeassistant/switch/x/config", '{"~": 5, "cmd_t": "~/set"}')


# --- device-based discovery ------------------------------------------------------------------


def device_fixture() -> tuple[str, dict[str, Any]]:
    """The device-discovery fixture: topic and payload."""
    spec = json.loads((FIXTURES / "device_bedroom.json").read_text())
    return spec["topic"], spec["payload"]


def test_device_discovery(caplog: pytest.LogCaptureFixture) -> None:
    topic, payload = device_fixture()
    unhandled: list[str] = []
    with caplog.at_level(logging.WARNING, logger="hub.discovery.ha"):
        results = parse_discovery(topic, json.dumps(payload), on_unhandled=unhandled.append)
    entities = {r.component_key: r for r in results if isinstance(r, Entity)}
    removals = [r for r in results if isinstance(r, Removal)]
    assert removals == [Removal(topic, "old_switch")]
    assert set(entities) == {"lamp", "temp", "motion", "button"}  # broken logged
    assert unhandled == ["hologram"]  # counted, not logged
    assert "broken" in caplog.text and "light needs command_topic" in caplog.text
    assert "hologram" not in caplog.text
    trigger = entities["button"]
    assert trigger.entity_id == "device_automation.bedroom_hub_button_short_press_button_1"
    assert trigger.config["topic"] == "bedroom/hub/button"

    lamp, temp, motion = entities["lamp"], entities["temp"], entities["motion"]
    assert lamp.entity_id == "light.bedroom_hub_lamp"
    assert lamp.name == "Bedroom hub Lamp"
    assert lamp.area == "Bedroom"
    assert lamp.discovery_key == f"{topic}#lamp"
    assert lamp.config["state_topic"] == "bedroom/hub/lamp"  # component wins
    assert lamp.config["qos"] == 1  # shared
    assert temp.config["state_topic"] == "bedroom/hub/state"  # shared, root ~ expanded
    assert temp.name == "Bedroom hub Temperature"
    assert temp.entity_id == "sensor.bedroom_hub_temperature"
    assert motion.config["qos"] == 0
    for entity in (lamp, temp, motion):
        assert entity.device is not None and entity.device.identifiers == ("bedroom-hub-01",)
        assert entity.device.manufacturer == "Acme" and entity.device.sw_version == "3.2"
        assert entity.config["origin"]["sw_version"] == "0.9"
        assert entity.config["availability"] == [
            {"topic": "bedroom/hub/status", "payload_available": "up",
             "payload_not_available": "down"}
        ]


def test_device_discovery_shares_nothing_mutable() -> None:
    topic, payload = device_fixture()
    del payload["~"]
    payload["avty"] = [{"t": "~/status"}]
    payload["cmps"]["lamp"]["~"] = "lamp/base"
    payload["cmps"]["temp"]["~"] = "temp/base"
    entities = {r.component_key: r for r in parse_discovery(topic, json.dumps(payload))
                if isinstance(r, Entity)}
    assert entities["lamp"].config["availability"] == [{"topic": "lamp/base/status"}]
    assert entities["temp"].config["availability"] == [{"topic": "temp/base/status"}]


def test_device_discovery_with_node_id() -> None:
    results = parse_discovery("homeassistant/device/node/dev1/config", json.dumps({
        "dev": {"ids": "d1"}, "o": {"name": "x"},
        "cmps": {"s": {"p": "sensor", "stat_t": "t", "uniq_id": "u1"}},
    }))
    assert [r.entity_id for r in results if isinstance(r, Entity)] == ["sensor.u1"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"dev": {"ids": "d"}}, "components"),
        ({"dev": {"ids": "d"}, "cmps": []}, "components"),
        ({"cmps": {"a": {"p": "sensor", "stat_t": "t"}}}, "device must be an object"),
        ({"dev": {"name": "no ids"}, "cmps": {}}, "identifiers or connections"),
    ],
)
def test_bad_device_payload(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        parse_discovery("homeassistant/device/d/config", json.dumps(payload))


def test_bad_component_entries_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    payload = {"dev": {"ids": "d"}, "cmps": {
        "a": "not an object", "b": {"no": "platform"}, "c": {"p": 5},
        "d": {"p": "switch", "cmd_t": "x/+/set"},
        "ok": {"p": "switch", "cmd_t": "ok/set", "name": "Ok"},
    }}
    results = parse_discovery("homeassistant/device/d/config", json.dumps(payload))
    assert [r.entity_id for r in results if isinstance(r, Entity)] == ["switch.ok"]
    assert "without wildcards" in caplog.text


# --- naming ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "name", "entity_id"),
    [
        ({"name": None, "dev": {"ids": "d", "name": "Kitchen"}}, "Kitchen", "light.kitchen"),
        ({"dev": {"ids": "d", "name": "Kitchen"}}, "Kitchen", "light.kitchen"),
        ({"name": "", "dev": {"ids": "d", "name": "Kitchen"}}, "Kitchen", "light.kitchen"),
        ({"name": "Ceiling", "dev": {"ids": "d", "name": "Kitchen"}}, "Kitchen Ceiling",
         "light.kitchen_ceiling"),
        ({"name": "Kitchen ceiling", "dev": {"ids": "d", "name": "Kitchen"}}, "Kitchen ceiling",
         "light.kitchen_ceiling"),
        ({"name": "kitchen Ceiling", "dev": {"ids": "d", "name": "Kitchen"}}, "kitchen Ceiling",
         "light.kitchen_ceiling"),
        ({"name": "Ceiling", "dev": {"ids": "d"}}, "Ceiling", "light.ceiling"),
        ({"name": "Ceiling"}, "Ceiling", "light.ceiling"),
        ({"uniq_id": "abc-123"}, "MQTT Light", "light.abc_123"),
        ({}, "MQTT Light", "light.topic_id"),
        ({"name": None}, "MQTT Light", "light.topic_id"),
        ({"dev_cla": "x", "dev": {"ids": "d", "name": "Desk"}}, "Desk X", "light.desk_x"),
        ({"name": "Café Crème"}, "Café Crème", "light.cafe_creme"),
        ({"name": "Straße 2²"}, "Straße 2²", "light.strasse_22"),
        ({"name": "!!!", "uniq_id": "u"}, "!!!", "light.u"),
        ({"name": "客厅 主灯"}, "客厅 主灯", "light.客厅_主灯"),
        ({"name": 42}, "42", "light.42"),
        ({"name": "X", "def_ent_id": "switch.other_domain"}, "X", "light.other_domain"),
        ({"name": "X", "def_ent_id": "plain_id"}, "X", "light.plain_id"),
        ({"name": "X", "object_id": "Some Object"}, "X", "light.some_object"),
    ],
)
def test_naming(payload: dict[str, Any], name: str, entity_id: str) -> None:
    entity = one("homeassistant/light/topic_id/config", {"cmd_t": "x/set", **payload})
    assert (entity.name, entity.entity_id) == (name, entity_id)


def test_sensor_without_name_takes_device_class_title() -> None:
    entity = one("homeassistant/sensor/s/config",
                 {"stat_t": "s", "dev_cla": "carbon_dioxide", "uniq_id": "s1"})
    assert entity.name == "Carbon dioxide"
    assert entity.entity_id == "sensor.carbon_dioxide"
    assert class_title("pm25") == "PM2.5"


def test_slugify() -> None:
    assert slugify("  Living Room -- Lamp!! ") == "living_room_lamp"
    assert slugify("___") == ""
    assert slugify("Ｆｕｌｌ　ｗｉｄｔｈ") == "full_width"
    assert len(slugify("a" * 5000)) == 200


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("component", "payload", "message"),
    [
        ("light", {"name": "x"}, "light needs command_topic"),
        ("switch", {"stat_t": "s"}, "switch needs command_topic"),
        ("fan", {"stat_t": "s"}, "fan needs command_topic"),
        ("lock", {"stat_t": "s"}, "lock needs command_topic"),
        ("vacuum", {"stat_t": "s"}, "vacuum needs command_topic"),
        ("sensor", {"name": "x"}, "sensor needs state_topic"),
        ("binary_sensor", {"name": "x"}, "binary_sensor needs state_topic"),
        ("climate", {"curr_temp_t": "t"}, "climate needs at least one"),
        ("switch", {"cmd_t": 5}, "command_topic must be a non-empty topic"),
        ("switch", {"cmd_t": ""}, "command_topic must be a non-empty topic"),
        ("switch", {"cmd_t": "a/#"}, "without wildcards"),
        ("switch", {"cmd_t": "a", "stat_t": None}, "state_topic must be"),
        ("switch", {"cmd_t": "a", "val_tpl": {"x": 1}}, "value_template must be"),
        ("switch", {"cmd_t": "a", "qos": 3}, "qos must be 0, 1 or 2"),
        ("switch", {"cmd_t": "a", "qos": "high"}, "qos must be a number"),
        ("switch", {"cmd_t": "a", "retain": "maybe"}, "retain must be a boolean"),
        ("switch", {"cmd_t": "a", "name": ["x"]}, "name must be a string"),
        ("switch", {"cmd_t": "a", "uniq_id": {"a": 1}}, "unique_id must be a string"),
        ("switch", {"cmd_t": "a", "dev": "kitchen"}, "device must be an object"),
        ("switch", {"cmd_t": "a", "dev": {"name": "x"}}, "identifiers or connections"),
        ("switch", {"cmd_t": "a", "dev": {"cns": ["mac"]}}, "connections must be"),
        ("switch", {"cmd_t": "a", "o": "me"}, "origin must be an object"),
        ("switch", {"cmd_t": "a", "avty": "x"}, "availability must be a list"),
        ("switch", {"cmd_t": "a", "avty": [{"pl_avail": "on"}]}, r"availability\[\].topic"),
        ("switch", {"cmd_t": "a", "avty": [{"t": "x"}], "avty_t": "y"}, "mutually exclusive"),
        ("switch", {"cmd_t": "a", "avty_mode": "most"}, "all, any or latest"),
        ("light", {"cmd_t": "a", "schema": "fancy"}, "schema must be"),
        ("light", {"cmd_t": "a", "bri_scl": 0}, "brightness_scale must be at least 1"),
        ("light", {"cmd_t": "a", "bri_scl": 2.5}, "whole number"),
        ("light", {"cmd_t": "a", "sup_clrm": ["brightness", "xy"]}, "must stand alone"),
        ("light", {"cmd_t": "a", "sup_clrm": ["ultraviolet"]}, "supported_color_modes"),
        ("climate", {"mode_cmd_t": "a", "min_temp": "nan"}, "finite"),
        ("climate", {"mode_cmd_t": "a", "min_temp": 30, "max_temp": 10}, "above max_temp"),
        ("cover", {"pos_open": 5, "pos_clsd": 5}, "must differ"),
        ("fan", {"cmd_t": "a", "spd_rng_min": 0}, "speed_range_min must be at least 1"),
    ],
)
def test_invalid_config(component: str, payload: dict[str, Any], message: str) -> None:
    topic = f"homeassistant/{component}/x/config"
    with pytest.raises(DiscoveryError, match=message) as info:
        parse_discovery(topic, json.dumps(payload))
    assert str(info.value).startswith(topic)


@pytest.mark.parametrize(
    "payload",
    ["{", "[1, 2]", '"a string"', "null", "42", b"\xff\xfe", "{'single': 'quotes'}", " "],
)
def test_payload_must_be_a_json_object(payload: str | bytes) -> None:
    with pytest.raises(DiscoveryError, match="homeassistant/light/x/config: payload"):
        parse_discovery("homeassistant/light/x/config", payload)


def test_coercions() -> None:
    entity = one("homeassistant/light/x/config", {
        "cmd_t": "a", "schema": "json", "brightness": "true", "bri_scl": "254", "qos": 1.0,
        "ret": "off", "uniq_id": 1234, "fx_list": "solo", "opt": 0,
        "dev": {"ids": 77, "cns": [["mac", "AA:BB"]], "name": 5},
    })
    config = entity.config
    assert config["brightness"] is True and config["brightness_scale"] == 254
    assert config["qos"] == 1 and config["retain"] is False and config["optimistic"] is False
    assert config["effect_list"] == ["solo"]
    assert entity.unique_id == "1234"
    assert entity.device is not None
    assert entity.device.identifiers == ("77",)
    assert entity.device.connections == (("mac", "AA:BB"),)
    assert entity.device.name == "5"
    assert entity.device.key == "77"


def test_unknown_keys_are_kept() -> None:
    entity = one("homeassistant/light/x/config", {"cmd_t": "a", "my_extension": {"deep": [1]}})
    assert entity.config["my_extension"] == {"deep": [1]}


@pytest.mark.parametrize("schema", ["default", "basic", "json", "template"])
def test_light_schemas_accepted(schema: str) -> None:
    templates = {"cmd_on_tpl": "on", "cmd_off_tpl": "off"} if schema == "template" else {}
    entity = one("homeassistant/light/x/config", {"cmd_t": "a", "schema": schema, **templates})
    assert entity.config["schema"] == schema


def test_cover_without_command_topic_is_fine() -> None:
    assert one("homeassistant/cover/x/config", {"pos_t": "p"}).entity_id == "cover.x"


# --- whole homes -----------------------------------------------------------------------------


def load_home(path: Path) -> dict[str, Entity]:
    """Parse a `hub ask --home` file into entities by id."""
    home = json.loads(path.read_text())
    entities: dict[str, Entity] = {}
    for topic, payload in home.items():
        if topic.startswith("_"):
            continue
        for result in parse_discovery(topic, json.dumps(payload)):
            assert isinstance(result, Entity)
            entities[result.entity_id] = result
    return entities


def test_own_example_home() -> None:
    entities = load_home(FIXTURES / "home.json")
    assert {e: (v.name, v.area) for e, v in entities.items()} == {
        "light.desk_lamp": ("Desk lamp", "Office"),
        "light.hallway": ("Hallway light", "Hallway"),
        "switch.coffee_maker": ("Coffee maker", "Kitchen"),
        "climate.office_heater": ("Heater", "Office"),
        "cover.office_blind": ("Blind", "Office"),
        "lock.shed_lock": ("Shed lock", "Garden"),
        "sensor.office_temperature": ("Office sensor Temperature", "Office"),
    }
    heater = entities["climate.office_heater"].config
    assert heater["temperature_command_topic"] == "home/office/heater/target/set"
    assert entities["cover.office_blind"].device_class == "blind"


@pytest.mark.skipif(not CONTRACT_HOME.exists(), reason="shared contract not checked out")
def test_contract_example_home() -> None:
    entities = load_home(CONTRACT_HOME)
    assert set(entities) == {
        "light.study_lamp", "light.porch", "switch.kettle", "climate.study_radiator",
        "cover.study_shutter", "lock.garden_gate", "sensor.study_temperature",
    }
    assert entities["light.study_lamp"].area == "Study"
    assert entities["switch.kettle"].name == "Kettle"

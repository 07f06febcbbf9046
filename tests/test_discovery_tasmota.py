"""Tasmota native discovery → the entities HA's Tasmota integration makes.

Configs written for these tests in Tasmota's documented discovery format (the keys of
`tasmota/discovery/<mac>/config` as hatasmota reads them); not captures.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from hub.broker import MosquittoProcess
from hub.codecs import decode, encode, state_topics
from hub.discovery.tasmota import TasmotaDiscovery, full_topic, parse_tasmota_topic
from hub.domain import Entity, Removal
from hub.errors import DiscoveryError
from tests.hubs import Api, hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for

MAC = "A1B2C3D4E5F6"
CONFIG_TOPIC = f"tasmota/discovery/{MAC}/config"
SENSORS_TOPIC = f"tasmota/discovery/{MAC}/sensors"


def plug(**changes: Any) -> dict[str, Any]:
    """A two-relay plug with Tasmota's factory FullTopic."""
    config: dict[str, Any] = {
        "ip": "192.168.1.50", "dn": "Kitchen plug", "fn": ["Kettle", "Toaster", None, None],
        "hn": "kitchen-plug-1234", "mac": MAC, "md": "Sonoff Dual R2", "ty": 0, "if": 0,
        "ofln": "Offline", "onln": "Online", "state": ["OFF", "ON", "TOGGLE", "HOLD"],
        "sw": "14.3.0", "t": "tasmota_D4E5F6", "ft": "%prefix%/%topic%/",
        "tp": ["cmnd", "stat", "tele"], "rl": [1, 1, 0, 0, 0, 0, 0, 0],
        "swc": [-1] * 8, "swn": [None] * 8, "btn": [0, 0, 0, 0],
        "so": {"4": 0, "11": 0, "13": 0, "17": 0, "20": 0, "30": 0, "68": 0, "73": 0,
               "82": 0, "114": 0}, "lk": 0, "lt_st": 0, "sho": [], "sht": [], "ver": 1,
    }
    config.update(changes)
    return config


SENSORS = {"sn": {"Time": "2026-05-01T12:00:00", "AM2301": {"Temperature": 21.4,
                                                          "Humidity": 48.2, "DewPoint": 10.0},
                  "ENERGY": {"Total": 12.5, "Power": 1800, "Voltage": 231},
                  "TempUnit": "C"}, "ver": 1}


def entities(results: list[Entity | Removal]) -> dict[str, Entity]:
    return {r.entity_id: r for r in results if isinstance(r, Entity)}


def test_topics_and_full_topic() -> None:
    assert parse_tasmota_topic(CONFIG_TOPIC) == (MAC, "config")
    assert parse_tasmota_topic(SENSORS_TOPIC) == (MAC, "sensors")
    assert parse_tasmota_topic("tasmota/discovery/xyz/config") is None
    assert full_topic(plug(), 0, "POWER1") == "cmnd/tasmota_D4E5F6/POWER1"
    assert full_topic(plug(ft="%topic%/%prefix%/"), 2, "LWT") == "tasmota_D4E5F6/tele/LWT"
    assert full_topic(plug(ft="home/%hostname%/%prefix%"), 1, "RESULT") == \
        "home/kitchen-plug-1234/stat/RESULT"


def test_relays_become_switches_named_like_ha() -> None:
    found = entities(TasmotaDiscovery().handle(CONFIG_TOPIC, json.dumps(plug())))
    assert set(found) == {"switch.kitchen_plug_kettle", "switch.kitchen_plug_toaster"}
    kettle = found["switch.kitchen_plug_kettle"]
    assert kettle.unique_id == f"{MAC}_switch_relay_0" and kettle.device is not None
    assert kettle.device.manufacturer == "Tasmota" and kettle.device.model == "Sonoff Dual R2"
    assert [m.topic for m in encode(kettle, "switch.turn_on", {})] == ["cmnd/tasmota_D4E5F6/POWER1"]
    assert encode(kettle, "switch.turn_off", {})[0].payload == "OFF"
    assert state_topics(kettle) == {"stat/tasmota_D4E5F6/RESULT", "tele/tasmota_D4E5F6/STATE"}
    on = decode(kettle, "stat/tasmota_D4E5F6/RESULT", '{"POWER1": "ON"}', None)
    assert on is not None and on.state == "on"
    off = decode(kettle, "tele/tasmota_D4E5F6/STATE", '{"POWER1": "OFF", "POWER2": "ON"}', on)
    assert off is not None and off.state == "off"
    assert decode(kettle, "stat/tasmota_D4E5F6/RESULT", '{"POWER2": "ON"}', off) is None
    assert kettle.config["availability_topic"] == "tele/tasmota_D4E5F6/LWT"


def test_a_single_relay_reports_plain_power() -> None:
    found = entities(TasmotaDiscovery().handle(
        CONFIG_TOPIC, json.dumps(plug(rl=[1, 0, 0, 0, 0, 0, 0, 0], fn=["Kettle"]))))
    [kettle] = found.values()
    state = decode(kettle, "stat/tasmota_D4E5F6/RESULT", '{"POWER": "ON"}', None)
    assert state is not None and state.state == "on"
    assert encode(kettle, "switch.turn_on", {})[0].topic == "cmnd/tasmota_D4E5F6/POWER1"


def test_a_ct_light_gets_dimmer_and_colour_temperature() -> None:
    found = entities(TasmotaDiscovery().handle(CONFIG_TOPIC, json.dumps(
        plug(dn="Desk", fn=["Lamp"], rl=[2, 0, 0, 0, 0, 0, 0, 0], lt_st=2))))
    lamp = found["light.desk_lamp"]
    sent = [(m.topic, m.payload) for m in encode(lamp, "light.turn_on", {"brightness_pct": 40})]
    assert sent == [("cmnd/tasmota_D4E5F6/Dimmer", "40")]
    sent = [(m.topic, m.payload) for m in encode(lamp, "light.turn_on",
                                                 {"color_temp_kelvin": 4000})]
    assert ("cmnd/tasmota_D4E5F6/CT", "250") in sent
    state = decode(lamp, "stat/tasmota_D4E5F6/RESULT",
                   '{"POWER": "ON", "Dimmer": 40, "CT": 250}', None)
    assert state is not None and state.state == "on"
    assert state.attributes["brightness"] == 102 and state.attributes["color_temp_kelvin"] == 4000


def test_a_colour_light_sets_hue_and_saturation_in_one_backlog() -> None:
    found = entities(TasmotaDiscovery().handle(CONFIG_TOPIC, json.dumps(
        plug(dn="Hall", fn=["Strip"], rl=[2, 0, 0, 0, 0, 0, 0, 0], lt_st=3))))
    strip = found["light.hall_strip"]
    sent = [(m.topic, m.payload) for m in encode(strip, "light.turn_on", {"hs_color": [120, 80]})]
    assert ("cmnd/tasmota_D4E5F6/Backlog", "NoDelay;HSBColor1 120;NoDelay;HSBColor2 80") in sent
    state = decode(strip, "stat/tasmota_D4E5F6/RESULT",
                   '{"POWER": "ON", "Dimmer": 80, "HSBColor": "240,100,80"}', None)
    assert state is not None and state.attributes["hs_color"] == [240.0, 100.0]


def test_shutter_relay_pairs_become_covers() -> None:
    found = entities(TasmotaDiscovery().handle(CONFIG_TOPIC, json.dumps(
        plug(dn="Blinds", fn=[None, None], rl=[3, 3, 0, 0, 0, 0, 0, 0]))))
    assert set(found) == {"cover.blinds"}
    cover = found["cover.blinds"]
    assert [(m.topic, m.payload) for m in encode(cover, "cover.open_cover", {})] == \
        [("cmnd/tasmota_D4E5F6/Backlog", "ShutterOpen1")]
    assert [(m.topic, m.payload) for m in encode(cover, "cover.set_cover_position",
                                                 {"position": 40})] == \
        [("cmnd/tasmota_D4E5F6/ShutterPosition1", "40")]
    assert state_topics(cover) == {"stat/tasmota_D4E5F6/RESULT", "tele/tasmota_D4E5F6/SENSOR"}
    moved = decode(cover, "tele/tasmota_D4E5F6/SENSOR",
                   '{"Shutter1": {"Position": 40, "Direction": 0, "Target": 40}}', None)
    assert moved is not None and moved.state == "open"
    assert moved.attributes["current_position"] == 40
    shut = decode(cover, "stat/tasmota_D4E5F6/RESULT", '{"Shutter1": {"Position": 0}}', moved)
    assert shut is not None and shut.state == "closed"


def test_sensors_follow_the_config_and_carry_units() -> None:
    tasmota = TasmotaDiscovery()
    assert tasmota.handle(SENSORS_TOPIC, json.dumps(SENSORS)) == []  # waits for the config
    found = entities(tasmota.handle(CONFIG_TOPIC, json.dumps(plug())))
    temperature = found["sensor.kitchen_plug_am2301_temperature"]
    assert temperature.config["unit_of_measurement"] == "°C"
    assert temperature.device_class == "temperature"
    assert found["sensor.kitchen_plug_energy_total"].config["state_class"] == "total_increasing"
    assert found["sensor.kitchen_plug_energy_power"].config["unit_of_measurement"] == "W"
    state = decode(temperature, "tele/tasmota_D4E5F6/SENSOR",
                   '{"Time": "x", "AM2301": {"Temperature": 22.1, "Humidity": 50}}', None)
    assert state is not None and state.state == "22.1"


def test_changes_and_removal() -> None:
    tasmota = TasmotaDiscovery()
    tasmota.handle(CONFIG_TOPIC, json.dumps(plug()))
    smaller = tasmota.handle(CONFIG_TOPIC, json.dumps(plug(rl=[1, 0, 0, 0, 0, 0, 0, 0])))
    assert Removal(CONFIG_TOPIC, "relay_1") in smaller
    assert tasmota.handle(CONFIG_TOPIC, "") == [Removal(CONFIG_TOPIC)]


@pytest.mark.parametrize(
    ("payload", "message"),
    [("not json", "not valid JSON"), ("[1]", "JSON object"),
     (json.dumps(plug(t="evil/#")), "wildcard"), (json.dumps({"mac": MAC}), "unusable")],
)
def test_bad_configs_are_refused(payload: str, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        TasmotaDiscovery().handle(CONFIG_TOPIC, payload)


async def test_a_tasmota_plug_through_a_real_hub(mosquitto: MosquittoProcess,
                                                 tmp_path: Path) -> None:
    device = Peer(mosquitto.port, "tasmota-plug").start()
    device.subscribe("cmnd/tasmota_D4E5F6/#")
    device.publish(CONFIG_TOPIC, json.dumps(plug()), retain=True)
    device.publish(SENSORS_TOPIC, json.dumps(SENSORS), retain=True)
    device.publish("tele/tasmota_D4E5F6/LWT", "Online", retain=True)
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    try:
        async with running_hub(settings) as hub:
            api = Api(settings)
            await wait_for(lambda: "switch.kitchen_plug_toaster" in hub.registry
                           and "sensor.kitchen_plug_am2301_humidity" in hub.registry,
                           what="Tasmota entities")
            status, _ = await api.post("/api/services/switch/turn_on",
                                       {"entity_id": "switch.kitchen_plug_toaster"})
            assert status == 200
            await wait_for(lambda: device.payloads("cmnd/tasmota_D4E5F6/POWER2") == ["ON"],
                           what="Power2 ON")
            device.publish("stat/tasmota_D4E5F6/RESULT", '{"POWER2": "ON"}')
            device.publish("tele/tasmota_D4E5F6/SENSOR",
                           '{"AM2301": {"Temperature": 23.0, "Humidity": 51.5}}')

            async def until(entity_id: str, wanted: str) -> None:
                body: Any = None
                for _ in range(250):
                    status, body = await api.get(f"/api/states/{entity_id}")
                    if status == 200 and body["state"] == wanted:
                        return
                    await asyncio.sleep(0.02)
                raise AssertionError(f"{entity_id}: wanted {wanted}, have {body}")

            await until("switch.kitchen_plug_toaster", "on")
            await until("sensor.kitchen_plug_am2301_humidity", "51.5")
            device.publish("tele/tasmota_D4E5F6/LWT", "Offline", retain=True)
            await until("switch.kitchen_plug_kettle", "unavailable")
    finally:
        device.stop()

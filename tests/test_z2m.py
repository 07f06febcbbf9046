"""Tests of hub.discovery.z2m: zigbee2mqtt's bridge/devices."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hub.discovery import (
    BridgeDevice,
    index_by_identifier,
    match_identifiers,
    parse_bridge_devices,
    parse_discovery,
)
from hub.domain import Entity
from hub.errors import DiscoveryError

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
PAYLOAD = json.dumps(json.loads((FIXTURES / "bridge_devices.json").read_text())["payload"])


def devices() -> dict[str, BridgeDevice]:
    """The fixture's devices by friendly name."""
    return {d.friendly_name: d for d in parse_bridge_devices(PAYLOAD)}


def test_parse_fixture(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="hub.discovery.z2m"):
        parsed = parse_bridge_devices(PAYLOAD.encode())
    assert [d.friendly_name for d in parsed] == [
        "Coordinator", "Desk lamp", "Bathroom sensor", "0x00158d0009999999", "Hall switch",
    ]
    assert caplog.text.count("skipped") == 2


def test_light_device() -> None:
    lamp = devices()["Desk lamp"]
    assert lamp.ieee_address == "0x00158d0001a2b3c4"
    assert (lamp.model, lamp.vendor) == ("9290022166", "Philips")
    assert lamp.description == "Hue white and color ambiance E26/E27"
    assert lamp.user_description == "the lamp on my desk"
    assert lamp.model_id == "LCA001"
    assert lamp.manufacturer == "Signify Netherlands B.V."
    assert lamp.type == "Router" and lamp.supported and not lamp.disabled
    assert lamp.power_source == "Mains (single phase)"
    assert lamp.exposes == ("light", "effect", "linkquality")
    assert lamp.features == ("state", "brightness", "x", "y", "effect", "linkquality")


def test_sensor_endpoints_and_unsupported() -> None:
    found = devices()
    assert found["Bathroom sensor"].exposes == ("temperature", "humidity", "battery")
    assert found["Bathroom sensor"].power_source == "Battery"
    assert found["Hall switch"].exposes == ("switch_left", "switch_right", "action")
    unsupported = found["0x00158d0009999999"]
    assert not unsupported.supported and unsupported.model is None
    assert unsupported.exposes == () and not unsupported.interview_completed


def test_identifiers_join_with_ha_discovery() -> None:
    found = devices()
    assert match_identifiers(found["Desk lamp"]) == "zigbee2mqtt_0x00158d0001a2b3c4"
    assert match_identifiers(found["Coordinator"]) == "zigbee2mqtt_bridge_0x00124b0011223344"
    spec = json.loads((FIXTURES / "publishers.json").read_text())["cases"]["z2m_json_light"]
    [entity] = parse_discovery(spec["topic"], json.dumps(spec["payload"]))
    assert isinstance(entity, Entity) and entity.device is not None
    index = index_by_identifier(found.values())
    assert index[entity.device.identifiers[0]].friendly_name == "Desk lamp"
    assert entity.device.via_device in index


@pytest.mark.parametrize("payload", ["", "{", "{}", '"devices"', "null", b"\x80"])
def test_bad_payload(payload: str | bytes) -> None:
    with pytest.raises(DiscoveryError, match="bridge/devices"):
        parse_bridge_devices(payload)


def test_missing_and_wrong_fields_are_tolerated() -> None:
    parsed = parse_bridge_devices(json.dumps([
        {"ieee_address": "0x1"},
        {"ieee_address": "0x2", "friendly_name": 5, "supported": "yes", "type": ["Router"],
         "definition": {"model": 1, "exposes": {"not": "a list"}}},
        {"ieee_address": "0x3", "definition": {"exposes": [
            1, {"type": 2}, {"features": "x"}, {"type": "light", "features": [[], {"name": "s"}]},
        ]}},
        {"ieee_address": ""},
    ]))
    assert parsed[0] == BridgeDevice("0x1", "0x1")
    assert parsed[1] == BridgeDevice("0x2", "0x2")
    assert parsed[2].exposes == ("light",) and parsed[2].features == ("s",)
    assert len(parsed) == 3


def test_deeply_nested_features_are_cut_off() -> None:
    feature: dict[str, object] = {"name": "leaf"}
    for _ in range(50):
        feature = {"type": "composite", "features": [feature]}
    [device] = parse_bridge_devices(json.dumps([
        {"ieee_address": "0x1", "definition": {"exposes": [feature]}}
    ]))
    assert device.features == ()

"""Vacuum codec (HA's state-schema MQTT vacuum)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.codecs import decode, encode, services
from hub.domain import Entity
from hub.errors import CodecError


def vacuum(**config: Any) -> Entity:
    return Entity("vacuum.robbie", "vacuum", "Robbie", "homeassistant/vacuum/robbie/config",
                  {"command_topic": "vac/cmd", "state_topic": "vac/state", **config})


DEVICE = {"start": "cleaning", "return_to_base": "returning", "stop": "idle", "pause": "paused",
          "clean_spot": "cleaning"}
"""What a simulated robot reports after each command."""


def test_default_features() -> None:
    assert services(vacuum()) == ["vacuum.start", "vacuum.stop", "vacuum.return_to_base",
                                  "vacuum.clean_spot"]
    with pytest.raises(CodecError, match=r"does not support vacuum\.pause"):
        encode(vacuum(), "vacuum.pause", {})


@pytest.mark.parametrize("service", ["start", "stop", "return_to_base", "clean_spot"])
def test_round_trip(service: str) -> None:
    [msg] = encode(vacuum(), f"vacuum.{service}", {})
    assert msg.topic == "vac/cmd" and msg.payload == service
    report = json.dumps({"state": DEVICE[msg.payload], "battery_level": 80})
    state = decode(vacuum(), "vac/state", report, None)
    assert state is not None and state.state == DEVICE[service]
    assert state.attributes["battery_level"] == 80


def test_custom_payloads_features_and_fan_speed() -> None:
    entity = vacuum(supported_features=["start", "pause", "fan_speed", "locate"],
                    payload_start="GO", set_fan_speed_topic="vac/speed",
                    fan_speed_list=["min", "max"])
    assert services(entity) == ["vacuum.start", "vacuum.pause", "vacuum.locate",
                                "vacuum.set_fan_speed"]
    assert encode(entity, "vacuum.start", {})[0].payload == "GO"
    assert encode(entity, "vacuum.set_fan_speed", {"fan_speed": "MAX"})[0].payload == "max"
    with pytest.raises(CodecError, match="min, max"):
        encode(entity, "vacuum.set_fan_speed", {"fan_speed": "turbo"})


def test_unknown_state_is_ignored() -> None:
    assert decode(vacuum(), "vac/state", '{"state": "dancing"}', None) is None
    assert decode(vacuum(), "vac/state", "docked", None) is None  # not JSON

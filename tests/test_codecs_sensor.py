"""Sensor and binary_sensor decoding."""

from __future__ import annotations

from typing import Any

import pytest

from hub.codecs import decode, encode, services, state_topics
from hub.domain import Entity
from hub.errors import CodecError


def entity(component: str, config: dict[str, Any], device_class: str | None = None) -> Entity:
    return Entity(f"{component}.test", component, "Study temperature",
                  f"homeassistant/{component}/test/config", config, device_class=device_class)


TEMP = entity("sensor", {"state_topic": "home/study", "value_template": "{{ value_json.temperature }}",
                         "unit_of_measurement": "°C", "device_class": "temperature",
                         "state_class": "measurement"}, "temperature")
HUMID = entity("sensor", {"state_topic": "home/study", "value_template": "{{ value_json.humidity }}",
                          "unit_of_measurement": "%"}, "humidity")


def test_sensor_reads_its_field_from_a_shared_topic() -> None:
    assert services(TEMP) == [] and state_topics(TEMP) == {"home/study"}
    payload = '{"temperature": 23.20, "humidity": 43.70}'
    temp, humid = decode(TEMP, "home/study", payload, None), decode(HUMID, "home/study", payload, None)
    assert temp is not None and temp.state == "23.2"
    assert temp.attributes == {"friendly_name": "Study temperature", "device_class": "temperature",
                               "unit_of_measurement": "°C", "state_class": "measurement"}
    assert humid is not None and humid.state == "43.7"


@pytest.mark.parametrize("payload", ['{"temperature": "warm"}', "{}", "garbage", ""])
def test_numeric_sensor_drops_non_numbers(payload: str) -> None:
    assert decode(TEMP, "home/study", payload, None) is None


def test_text_sensor_and_reset() -> None:
    text = entity("sensor", {"state_topic": "s"})
    state = decode(text, "s", "washing", None)
    assert state is not None and state.state == "washing"
    reset = decode(text, "s", "None", state)
    assert reset is not None and reset.state == "unknown"


def test_sensor_takes_no_commands() -> None:
    with pytest.raises(CodecError, match="supports: nothing"):
        encode(TEMP, "sensor.turn_on", {})


def test_binary_sensor_payloads() -> None:
    door = entity("binary_sensor", {"state_topic": "door", "payload_on": "open",
                                    "payload_off": "closed"}, "door")
    opened = decode(door, "door", "open", None)
    assert opened is not None and opened.state == "on"
    assert opened.attributes["device_class"] == "door"
    closed = decode(door, "door", "closed", opened)
    assert closed is not None and closed.state == "off"
    assert decode(door, "door", "ajar", closed) is None
    garden = entity("binary_sensor", {"state_topic": "g", "value_template": "{{ value_json.m }}"})
    on = decode(garden, "g", '{"m": "ON"}', None)
    assert on is not None and on.state == "on"
    assert decode(garden, "g", '{"x": 1}', on) is None  # template renders empty: dropped

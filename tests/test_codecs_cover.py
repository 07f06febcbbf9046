"""Cover codec: payloads, position scaling, templates."""

from __future__ import annotations

from typing import Any

import pytest

from hub.codecs import decode, encode, services
from hub.domain import Entity, State
from hub.errors import CodecError

SHUTTER = {"command_topic": "sh/set", "set_position_topic": "sh/pos/set",
           "position_topic": "sh/pos", "state_topic": "sh/state"}


def cover(config: dict[str, Any]) -> Entity:
    return Entity("cover.test", "cover", "Shutter", "homeassistant/cover/test/config", config,
                  device_class="shutter")


def test_services_follow_the_config() -> None:
    assert services(cover(SHUTTER)) == ["cover.open_cover", "cover.close_cover",
                                        "cover.stop_cover", "cover.set_cover_position"]
    no_position = cover({"command_topic": "c/set", "payload_stop": None})
    assert services(no_position) == ["cover.open_cover", "cover.close_cover"]
    with pytest.raises(CodecError, match=r"does not support cover\.set_cover_position"):
        encode(no_position, "cover.set_cover_position", {"position": 20})


@pytest.mark.parametrize(("service", "payload", "report", "state"),
                         [("cover.open_cover", "OPEN", "open", "open"),
                          ("cover.close_cover", "CLOSE", "closing", "closing")])
def test_open_close_round_trip(service: str, payload: str, report: str, state: str) -> None:
    [msg] = encode(cover(SHUTTER), service, {})
    assert (msg.topic, msg.payload, msg.qos) == ("sh/set", payload, 1)
    result = decode(cover(SHUTTER), "sh/state", report, None)
    assert result is not None and result.state == state
    assert result.attributes["device_class"] == "shutter"


@pytest.mark.parametrize(("position", "sent"), [(20, "20"), (150, "100"), (-3, "0")])
def test_position_round_trip_and_clamp(position: int, sent: str) -> None:
    [msg] = encode(cover(SHUTTER), "cover.set_cover_position", {"position": position})
    assert (msg.topic, msg.payload) == ("sh/pos/set", sent)
    state = decode(cover(SHUTTER), "sh/pos", msg.payload, None)
    assert state is not None and state.attributes["current_position"] == int(sent)


def test_inverted_and_scaled_positions() -> None:
    inverted = cover({**SHUTTER, "position_open": 0, "position_closed": 100})
    [msg] = encode(inverted, "cover.set_cover_position", {"position": 20})
    assert msg.payload == "80"
    state = decode(inverted, "sh/pos", "80", None)
    assert state is not None and state.attributes["current_position"] == 20
    scaled = cover({**SHUTTER, "position_open": 255, "position_closed": 0})
    assert encode(scaled, "cover.set_cover_position", {"position": 50})[0].payload == "128"


def test_z2m_style_templates() -> None:
    entity = cover({"command_topic": "zigbee2mqtt/blind/set", "state_topic": "zigbee2mqtt/blind",
                    "position_topic": "zigbee2mqtt/blind",
                    "set_position_topic": "zigbee2mqtt/blind/set",
                    "set_position_template": '{ "position": {{ position }} }',
                    "position_template": "{{ value_json.position }}",
                    "value_template": "{{ value_json.state }}",
                    "state_open": "OPEN", "state_closed": "CLOSE", "state_stopped": "STOP"})
    [msg] = encode(entity, "cover.set_cover_position", {"position": 90})
    assert msg.payload == '{ "position": 90 }'
    state = decode(entity, "zigbee2mqtt/blind", '{"position": 90, "state": "OPEN"}', None)
    assert state is not None and state.state == "open"
    assert state.attributes["current_position"] == 90


def test_position_without_state_topic_sets_state() -> None:
    entity = cover({"set_position_topic": "p/set", "position_topic": "p"})
    closed = decode(entity, "p", "0", None)
    assert closed is not None and closed.state == "closed"
    opened = decode(entity, "p", '{"position": 40}', closed)
    assert opened is not None and opened.state == "open"


def test_stopped_uses_the_previous_direction() -> None:
    entity = cover({"command_topic": "c/set", "state_topic": "c"})
    closing = State("cover.test", "closing", {})
    stopped = decode(entity, "c", "stopped", closing)
    assert stopped is not None and stopped.state == "closed"
    assert decode(entity, "c", "half-way", stopped) is None

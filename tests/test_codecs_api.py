"""The codec package's shared behaviour: dispatch, timestamps, attributes topics, robustness."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.codecs import CODECS, decode, encode, initial_state, services, state_topics
from hub.domain import COMPONENTS, Entity
from hub.errors import CodecError

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def make(component: str, config: dict[str, Any]) -> Entity:
    return Entity(f"{component}.test", component, "Test", f"homeassistant/{component}/t/config",
                  config)


SWITCH = make("switch", {"command_topic": "s/set", "state_topic": "s",
                         "json_attributes_topic": "s/attrs"})

EXAMPLES: dict[str, dict[str, Any]] = {
    "light": {"schema": "json", "command_topic": "l/set", "state_topic": "t",
              "supported_color_modes": ["xy", "color_temp"], "brightness": True},
    "switch": {"command_topic": "s/set", "state_topic": "t", "value_template": "{{ value_json.a }}"},
    "fan": {"command_topic": "f/set", "state_topic": "t", "percentage_state_topic": "t",
            "percentage_command_topic": "f/p", "preset_mode_state_topic": "t",
            "preset_modes": ["x"], "oscillation_state_topic": "t"},
    "climate": {"mode_state_topic": "t", "current_temperature_topic": "t", "action_topic": "t",
                "temperature_state_topic": "t", "value_template": "{{ value_json.v }}"},
    "cover": {"state_topic": "t", "position_topic": "t", "command_topic": "c"},
    "lock": {"command_topic": "l", "state_topic": "t"},
    "vacuum": {"command_topic": "v", "state_topic": "t"},
    "sensor": {"state_topic": "t", "unit_of_measurement": "W"},
    "binary_sensor": {"state_topic": "t", "value_template": "{{ value_json.on }}"},
}


def test_every_component_has_a_codec() -> None:
    assert set(CODECS) == set(COMPONENTS)


def test_last_changed_moves_only_with_the_state() -> None:
    first = decode(SWITCH, "s", "ON", None, now=T0)
    assert first is not None and first.last_changed == first.last_updated == T0
    attrs = decode(SWITCH, "s/attrs", '{"power": 12}', first, now=T0 + timedelta(seconds=5))
    assert attrs is not None and attrs.state == "on"
    assert attrs.last_changed == T0 and attrs.last_updated == T0 + timedelta(seconds=5)
    assert decode(SWITCH, "s", "ON", attrs, now=T0 + timedelta(seconds=9)) is None
    off = decode(SWITCH, "s", "OFF", attrs, now=T0 + timedelta(seconds=10))
    assert off is not None and off.last_changed == T0 + timedelta(seconds=10)


def test_json_attributes_merge_but_never_override() -> None:
    assert state_topics(SWITCH) == {"s", "s/attrs"}
    state = decode(SWITCH, "s/attrs", '{"power": 12, "friendly_name": "Hacked"}', None)
    assert state is not None and state.state == "unknown"
    assert state.attributes == {"friendly_name": "Test", "power": 12}
    assert decode(SWITCH, "s/attrs", "[1, 2]", state) is None


def test_unrelated_topic_and_unknown_component() -> None:
    assert decode(SWITCH, "other", "ON", None) is None
    weird = make("toaster", {"command_topic": "x"})
    assert services(weird) == [] and state_topics(weird) == set()
    assert decode(weird, "x", "ON", None) is None
    with pytest.raises(CodecError, match="takes no commands"):
        encode(weird, "toaster.turn_on", {})


def test_bare_service_name_means_the_entity_domain() -> None:
    assert encode(SWITCH, "turn_off", {})[0].payload == "OFF"


def test_initial_state() -> None:
    state = initial_state(SWITCH, T0)
    assert (state.state, state.last_changed, dict(state.attributes)) == (
        "unknown", T0, {"friendly_name": "Test"})


def test_broken_template_drops_the_message() -> None:
    entity = make("switch", {"command_topic": "s/set", "state_topic": "s",
                             "value_template": "{{ value_json.__class__.__mro__ }}"})
    assert decode(entity, "s", '{"a": 1}', None) is None


@settings(max_examples=60, deadline=None)
@given(component=st.sampled_from(sorted(EXAMPLES)),
       payload=st.one_of(
           st.text(max_size=40),
           st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                        lambda c: st.dictionaries(st.sampled_from(
                            ["state", "brightness", "color", "color_mode", "color_temp", "a", "v",
                             "on", "position", "battery_level", "x", "y", "r", "h"]), c,
                            max_size=4), max_leaves=6).map(json.dumps)))
def test_decode_never_raises(component: str, payload: str) -> None:
    entity = make(component, EXAMPLES[component])
    result = decode(entity, "t", payload, None)
    assert result is None or result.entity_id == entity.entity_id

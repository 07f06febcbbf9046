"""Discovery against a hostile publisher: wildcard topics, oversized payloads, too many
components, and a flood of made-up component names (issue 10's discovery part)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.discovery import parse_discovery
from hub.discovery.ha import MAX_COMPONENTS, MAX_PAYLOAD_BYTES, UnsupportedComponentError
from hub.discovery.unhandled import MAX_KINDS, OTHER, UnhandledDiscovery
from hub.domain import Entity
from hub.errors import DiscoveryError


@pytest.mark.parametrize(
    ("component", "payload", "key"),
    [
        ("sensor", {"stat_t": "#"}, "state_topic"),
        ("sensor", {"stat_t": "home/+/temperature"}, "state_topic"),
        ("switch", {"cmd_t": "s/set", "stat_t": "s/#"}, "state_topic"),
        ("switch", {"cmd_t": "s/set", "avty_t": "#"}, "availability_topic"),
        ("switch", {"cmd_t": "s/set", "avty": [{"t": "+/status"}]}, "availability[].topic"),
        ("switch", {"cmd_t": "s/set", "json_attr_t": "#"}, "json_attributes_topic"),
        ("device_automation", {"atype": "trigger", "t": "#", "type": "a", "stype": "b"}, "topic"),
        ("tag", {"t": "+/tag"}, "topic"),
        ("valve", {"cmd_t": "v/set", "stat_t": "v/+"}, "state_topic"),
    ],
)
def test_wildcard_topics_are_refused_with_the_reason(
    component: str, payload: dict[str, Any], key: str
) -> None:
    topic = f"homeassistant/{component}/x/config"
    with pytest.raises(DiscoveryError, match="never subscribes to a wildcard") as caught:
        parse_discovery(topic, json.dumps(payload))
    assert key in str(caught.value) and topic in str(caught.value)


def test_a_wildcard_in_one_device_component_skips_only_that_one() -> None:
    payload = {"dev": {"ids": ["d"]}, "cmps": {
        "bad": {"p": "sensor", "stat_t": "#"},
        "good": {"p": "sensor", "stat_t": "d/temp", "name": "Temp"}}}
    results = parse_discovery("homeassistant/device/d/config", json.dumps(payload))
    assert [r.component_key for r in results if isinstance(r, Entity)] == ["good"]


def test_oversized_payload_is_refused_before_parsing() -> None:
    padding = "x" * MAX_PAYLOAD_BYTES
    payload = json.dumps({"name": "Big", "cmd_t": "b/set", "icon": padding})
    with pytest.raises(DiscoveryError, match="over the 65536-byte limit"):
        parse_discovery("homeassistant/switch/big/config", payload)
    with pytest.raises(DiscoveryError, match="limit"):
        parse_discovery("homeassistant/switch/big/config", payload.encode())
    # An empty payload (a removal) and a normal one are unaffected.
    assert parse_discovery("homeassistant/switch/big/config", "")
    normal = json.dumps({"name": "Ok", "cmd_t": "b/set", "icon": "x" * 3000})
    assert isinstance(parse_discovery("homeassistant/switch/big/config", normal)[0], Entity)


def test_too_many_components_per_device_are_refused() -> None:
    def device(n: int) -> str:
        return json.dumps({"dev": {"ids": ["many"]}, "cmps": {
            f"s{i}": {"p": "sensor", "stat_t": f"many/{i}", "name": f"S{i}"} for i in range(n)}})

    results = parse_discovery("homeassistant/device/many/config", device(MAX_COMPONENTS))
    assert len(results) == MAX_COMPONENTS
    with pytest.raises(DiscoveryError, match=f"over the limit of {MAX_COMPONENTS}"):
        parse_discovery("homeassistant/device/many/config", device(MAX_COMPONENTS + 1))


def test_unhandled_components_are_counted_in_bounded_memory() -> None:
    counter = UnhandledDiscovery()
    assert counter.add("hologram") == "hologram"
    assert counter.add("hologram") is None
    for i in range(MAX_KINDS * 10):
        counter.add(f"made_up_{i}")
    counts = counter.as_dict()
    assert len(counts) == MAX_KINDS + 1 and counts["hologram"] == 2
    assert counts[OTHER] == MAX_KINDS * 10 - (MAX_KINDS - 1)


def test_unsupported_component_names_itself() -> None:
    with pytest.raises(UnsupportedComponentError) as caught:
        parse_discovery("homeassistant/hologram/h/config", '{"name": "H"}')
    assert caught.value.component == "hologram"

"""Fuzzing: no discovery input may raise anything but DiscoveryError (or crash the tracker)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.discovery import AvailabilityTracker, parse_bridge_devices, parse_discovery
from hub.discovery.abbreviations import ENTITY_ABBREVIATIONS
from hub.domain import COMPONENTS, Entity, Removal
from hub.errors import DiscoveryError

FUZZ = settings(max_examples=1000, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SMALL = settings(FUZZ, max_examples=200)

KEYS = sorted(
    {*list(ENTITY_ABBREVIATIONS)[::7], *list(ENTITY_ABBREVIATIONS.values())[::7],
     "~", "name", "cmd_t", "command_topic", "stat_t", "state_topic", "avty", "availability",
     "avty_t", "avty_mode", "dev", "device", "o", "origin", "cmps", "components", "p", "platform",
     "ids", "identifiers", "cns", "connections", "sa", "uniq_id", "obj_id", "def_ent_id",
     "dev_cla", "schema", "bri_scl", "qos", "sup_clrm", "t", "topic", "val_tpl", "min_temp",
     "max_temp", "pos_open", "pos_clsd", "migrate_discovery", "temp_cmd_t", "modes"}
)
TEXT = st.one_of(
    st.sampled_from(["", "~", "~/set", "state/~", "a/+/b", "#", "\0", "light.x", "online",
                     "{{ value_json.state }}", "{% if %}", "nan", "inf", "1e999", "-0", "true",
                     "书房灯", "Café", "\ud800"]),
    st.text(max_size=30),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False), TEXT,
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=40,
)
OBJECTS = st.dictionaries(st.sampled_from(KEYS), TREES, max_size=12)
TOPIC_PARTS = st.one_of(st.sampled_from([*COMPONENTS, "device", "camera", "x"]),
                        st.from_regex(r"[a-zA-Z0-9_-]{1,12}", fullmatch=True), st.text(max_size=10))
TOPICS = st.one_of(
    st.builds(lambda c, o: f"homeassistant/{c}/{o}/config", TOPIC_PARTS, TOPIC_PARTS),
    st.builds(lambda c, n, o: f"homeassistant/{c}/{n}/{o}/config", TOPIC_PARTS, TOPIC_PARTS,
              TOPIC_PARTS),
    st.text(max_size=40),
)
VALID_TOPICS = st.builds(lambda c, o: f"homeassistant/{c}/{o}/config",
                         st.sampled_from([*COMPONENTS, "device"]),
                         st.from_regex(r"[a-zA-Z0-9_-]{1,12}", fullmatch=True))


def check(topic: str, payload: bytes | str) -> None:
    """parse_discovery returns entities/removals or raises DiscoveryError; nothing else."""
    try:
        results = parse_discovery(topic, payload)
    except DiscoveryError:
        return
    tracker = AvailabilityTracker()
    for result in results:
        assert isinstance(result, Entity | Removal)
        if isinstance(result, Entity):
            component, object_id = result.entity_id.split(".", 1)
            assert component == result.component and component in COMPONENTS
            assert object_id and len(object_id) <= 200
            assert isinstance(result.name, str) and result.name
            tracker.track(result)
            for availability_topic in tracker.topics():
                tracker.update(availability_topic, "online")
                tracker.update(availability_topic, b"\xff" + b"[" * 5000)


def dumps(value: Any) -> str:
    """JSON text of a generated tree (big integers and all)."""
    return json.dumps(value)


@FUZZ
@given(VALID_TOPICS, OBJECTS)
def test_random_discovery_objects(topic: str, payload: dict[str, Any]) -> None:
    check(topic, dumps(payload))


@SMALL
@given(VALID_TOPICS, st.dictionaries(st.sampled_from(KEYS), TREES, max_size=4),
       st.dictionaries(st.text(max_size=6), OBJECTS, max_size=4))
def test_random_device_payloads(topic: str, root: dict[str, Any],
                                components: dict[str, Any]) -> None:
    payload = {"dev": {"ids": "d"}, **root, "cmps": components}
    check(topic.replace(topic.split("/")[1], "device", 1), dumps(payload))


@SMALL
@given(TOPICS, st.one_of(st.binary(max_size=200), TEXT))
def test_random_topics_and_bytes(topic: str, payload: bytes | str) -> None:
    check(topic, payload)


@SMALL
@given(VALID_TOPICS, st.integers(min_value=1, max_value=5000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting(topic: str, depth: int, opener: str) -> None:
    check(topic, opener * depth)
    check(topic, '{"name": ' + "[" * depth + "]" * depth + ', "cmd_t": "x"}')


def test_huge_strings() -> None:
    huge = "é" * 1_000_000
    for key in ("name", "cmd_t", "uniq_id", "obj_id", "~", "val_tpl"):
        payload = {"cmd_t": "x/set", "stat_t": "~/s", key: huge}
        for component in COMPONENTS:
            check(f"homeassistant/{component}/x/config", dumps(payload))
    check("homeassistant/light/x/config", "{" + '"a":1,' * 200_000 + '"b":2}')


@SMALL
@given(st.one_of(st.binary(max_size=100), st.lists(OBJECTS, max_size=4).map(dumps), TEXT))
def test_random_bridge_devices(payload: bytes | str) -> None:
    with contextlib.suppress(DiscoveryError):
        parse_bridge_devices(payload)

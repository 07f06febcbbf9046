"""Tests of hub.discovery.availability: HA's availability semantics."""

from __future__ import annotations

import json
from typing import Any

from hub.discovery import AvailabilityConfig, AvailabilityTracker, parse_discovery
from hub.domain import Entity

BRIDGE = "zigbee2mqtt/bridge/state"
LAMP = "zigbee2mqtt/Desk lamp/availability"
JSON_STATE = "{{ value_json.state }}"


def entity(object_id: str, **config: Any) -> Entity:
    """A switch entity parsed from discovery with the given extra config."""
    payload = {"name": object_id, "cmd_t": f"{object_id}/set", **config}
    [result] = parse_discovery(f"homeassistant/switch/{object_id}/config", json.dumps(payload))
    assert isinstance(result, Entity)
    return result


def z2m(object_id: str, mode: str | None = None) -> Entity:
    """A zigbee2mqtt-style entity: bridge state plus per-device availability."""
    extra = {"availability_mode": mode} if mode else {}
    return entity(object_id, availability=[
        {"topic": BRIDGE, "value_template": JSON_STATE},
        {"topic": LAMP, "value_template": JSON_STATE},
    ], **extra)


def test_no_availability_means_always_available() -> None:
    tracker = AvailabilityTracker()
    assert tracker.track(entity("plain")) is True
    assert tracker.is_available("switch.plain")
    assert tracker.is_available("switch.never_heard_of")
    assert tracker.topics() == set()


def test_single_topic_defaults() -> None:
    tracker = AvailabilityTracker()
    assert tracker.track(entity("a", avty_t="a/lwt")) is False  # HA: unavailable until told
    assert tracker.topics() == {"a/lwt"}
    assert tracker.entities_for("a/lwt") == ["switch.a"]
    assert tracker.update("a/lwt", b"online") == {"switch.a": True}
    assert tracker.update("a/lwt", "online") == {}  # unchanged
    assert tracker.update("a/lwt", "garbage") == {}  # matches neither payload: ignored
    assert tracker.is_available("switch.a")
    assert tracker.update("a/lwt", "offline") == {"switch.a": False}


def test_single_topic_custom_payloads_and_template() -> None:
    tracker = AvailabilityTracker()
    tracker.track(entity("t", avty_t="t/lwt", pl_avail="Online", pl_not_avail="Offline"))
    assert tracker.update("t/lwt", "online") == {}
    assert tracker.update("t/lwt", "Online") == {"switch.t": True}
    tracker.track(entity("j", avty_t="j/avail", avty_tpl=JSON_STATE))
    assert tracker.update("j/avail", '{"state": "online"}') == {"switch.j": True}


def test_mode_latest_is_default() -> None:
    tracker = AvailabilityTracker()
    tracker.track(z2m("lamp"))
    assert tracker.update(BRIDGE, '{"state": "online"}') == {"switch.lamp": True}
    assert tracker.update(LAMP, '{"state": "offline"}') == {"switch.lamp": False}
    assert tracker.update(BRIDGE, '{"state": "online"}') == {"switch.lamp": True}


def test_mode_all() -> None:
    tracker = AvailabilityTracker()
    tracker.track(z2m("lamp", "all"))
    assert tracker.update(BRIDGE, '{"state": "online"}') == {}
    assert not tracker.is_available("switch.lamp")
    assert tracker.update(LAMP, '{"state": "online"}') == {"switch.lamp": True}
    assert tracker.update(BRIDGE, '{"state": "offline"}') == {"switch.lamp": False}


def test_mode_any() -> None:
    tracker = AvailabilityTracker()
    tracker.track(z2m("lamp", "any"))
    assert tracker.update(LAMP, '{"state": "online"}') == {"switch.lamp": True}
    assert tracker.update(BRIDGE, '{"state": "offline"}') == {}
    assert tracker.update(LAMP, '{"state": "offline"}') == {"switch.lamp": False}


def test_per_entry_payloads_do_not_inherit_root_payloads() -> None:
    config = {"payload_available": "yes", "availability": [{"topic": "x"}]}
    parsed = AvailabilityConfig.from_config(config)
    assert parsed is not None
    assert parsed.sources[0].payload_available == "online"


def test_shared_topic_updates_every_reader() -> None:
    tracker = AvailabilityTracker()
    for name in ("one", "two", "three"):
        tracker.track(z2m(name))
    assert tracker.entities_for(BRIDGE) == ["switch.one", "switch.two", "switch.three"]
    changed = tracker.update(BRIDGE, '{"state": "online"}')
    assert changed == {"switch.one": True, "switch.two": True, "switch.three": True}


def test_late_entity_uses_remembered_retained_payload() -> None:
    tracker = AvailabilityTracker()
    tracker.update(BRIDGE, '{"state": "online"}')  # retained, arrives before discovery
    assert tracker.track(z2m("late")) is True
    tracker.update(LAMP, '{"state": "offline"}')
    # latest mode replays in arrival order: the lamp's offline came last
    assert tracker.track(z2m("later")) is False


def test_untrack_and_retrack() -> None:
    tracker = AvailabilityTracker()
    tracker.track(entity("a", avty_t="a/lwt"))
    tracker.update("a/lwt", "online")
    tracker.untrack("switch.a")
    tracker.untrack("switch.a")  # twice is fine
    assert tracker.topics() == set()
    assert tracker.is_available("switch.a")  # no longer tracked
    assert tracker.update("a/lwt", "offline") == {}
    # config update: a new topic replaces the old one
    tracker.track(entity("a", avty_t="a/lwt"))
    assert not tracker.is_available("switch.a")  # remembered "offline"
    tracker.track(entity("a", avty_t="a/new"))
    assert tracker.topics() == {"a/new"}


def test_broken_templates_and_payloads_never_raise() -> None:
    tracker = AvailabilityTracker()
    tracker.track(entity("b", avty=[{"t": "b/x", "val_tpl": "{{ value_json.state.__class__ }}"},
                                    {"t": "b/y", "val_tpl": "{% if %}"},
                                    {"t": "b/z", "val_tpl": JSON_STATE}]))
    assert tracker.update("b/x", '{"state": "online"}') == {}
    assert tracker.update("b/y", "online") == {}
    assert tracker.update("b/z", "[" * 100_000) == {}
    assert tracker.update("b/z", b"\xff\xfe") == {}
    assert tracker.update("b/z", '{"state": "online"}') == {"switch.b": True}


def test_an_availability_template_over_budget_is_rendered_once() -> None:
    """A hostile availability template makes its entity unavailable and is not rendered again."""
    import time

    hostile = ("{% set s = namespace(v='a') %}{% for i in range(40) %}{% set s.v = s.v ~ s.v %}"
               "{% endfor %}{{ s.v }}")
    tracker = AvailabilityTracker()
    tracker.track(entity("h", avty_t="h/avail", avty_tpl=hostile))
    tracker.track(entity("ok", avty_t="h/avail"))
    assert tracker.update("h/avail", "online") == {"switch.ok": True}
    assert not tracker.is_available("switch.h")
    started = time.process_time()
    for _ in range(200):
        tracker.update("h/avail", "online")
    assert time.process_time() - started < 0.2  # 200 messages, no render: not 200 × the budget
    assert tracker.track(entity("h", avty_t="h/avail"))  # a new config is tried afresh (replayed: online)

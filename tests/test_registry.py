"""The registry: adds, updates, removals, id collisions, migration, the stale sweep."""

from __future__ import annotations

from hub.domain import Entity, Removal
from hub.registry import Registry


def _entity(eid: str, topic: str, uid: str | None = None, key: str | None = None, name: str = "X") -> Entity:
    return Entity(entity_id=eid, component=eid.split(".")[0], name=name, discovery_topic=topic,
                  config={"command_topic": f"{topic}/set"}, unique_id=uid, component_key=key)


def test_add_update_remove() -> None:
    reg = Registry()
    changes = reg.apply([_entity("light.a", "ha/light/a/config", "ua")])
    assert [e.entity_id for e in changes.added] == ["light.a"]
    assert not reg.apply([_entity("light.a", "ha/light/a/config", "ua")])  # identical: no change
    changes = reg.apply([_entity("light.a", "ha/light/a/config", "ua", name="Y")])
    assert changes.added[0].name == "Y"
    changes = reg.apply([Removal("ha/light/a/config")])
    assert [e.entity_id for e in changes.removed] == ["light.a"] and len(reg) == 0


def test_id_collision_gets_suffix() -> None:
    reg = Registry()
    reg.apply([_entity("light.lamp", "ha/light/a/config", "ua"), _entity("light.lamp", "ha/light/b/config", "ub")])
    assert sorted(e.entity_id for e in reg.entities()) == ["light.lamp", "light.lamp_2"]


def test_device_discovery_component_removal() -> None:
    reg = Registry()
    topic = "ha/device/dev1/config"
    reg.apply([_entity("light.a", topic, "ua", "l1"), _entity("switch.b", topic, "ub", "s1")])
    assert [e.entity_id for e in reg.apply([Removal(topic, "s1")]).removed] == ["switch.b"]
    assert [e.entity_id for e in reg.apply([Removal(topic)]).removed] == ["light.a"]


def test_migration_to_new_topic_keeps_entity_id() -> None:
    reg = Registry()
    reg.apply([_entity("light.a", "ha/light/a/config", "ua")])
    reg.apply([_entity("light.other", "ha/device/d/config", "ua", "l")])
    assert [e.entity_id for e in reg.entities()] == ["light.a"]


def test_sweep_removes_what_was_not_reannounced() -> None:
    reg = Registry()
    reg.load([_entity("light.a", "ha/light/a/config", "ua"), _entity("light.b", "ha/light/b/config", "ub")])
    reg.begin_sweep()
    reg.apply([_entity("light.a", "ha/light/a/config", "ua")])
    assert [e.entity_id for e in reg.end_sweep().removed] == ["light.b"]
    assert [e.entity_id for e in reg.entities()] == ["light.a"]


def test_snapshot_is_immutable_and_versioned() -> None:
    reg = Registry()
    reg.apply([_entity("light.a", "ha/light/a/config", "ua")])
    snap = reg.snapshot()
    reg.apply([_entity("light.b", "ha/light/b/config", "ub")])
    assert len(snap) == 1 and len(reg.snapshot()) == 2 and reg.snapshot().version > snap.version

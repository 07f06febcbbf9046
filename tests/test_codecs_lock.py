"""Lock codec."""

from __future__ import annotations

from typing import Any

import pytest

from hub.codecs import decode, encode, services
from hub.domain import Entity
from hub.errors import CodecError


def lock(**config: Any) -> Entity:
    return Entity("lock.gate", "lock", "Garden gate", "homeassistant/lock/gate/config",
                  {"command_topic": "gate/set", "state_topic": "gate/state", **config})


def test_services_depend_on_payload_open() -> None:
    assert services(lock()) == ["lock.lock", "lock.unlock"]
    assert services(lock(payload_open="OPEN")) == ["lock.lock", "lock.unlock", "lock.open"]
    with pytest.raises(CodecError, match=r"supports: lock\.lock, lock\.unlock"):
        encode(lock(), "lock.open", {})


@pytest.mark.parametrize(("service", "sent", "reported", "state"),
                         [("lock.lock", "LOCK", "LOCKED", "locked"),
                          ("lock.unlock", "UNLOCK", "UNLOCKED", "unlocked")])
def test_round_trip(service: str, sent: str, reported: str, state: str) -> None:
    [msg] = encode(lock(), service, {})
    assert (msg.topic, msg.payload, msg.qos) == ("gate/set", sent, 1)
    for echo in (reported, msg.payload):  # a device reporting the state, or echoing the command
        result = decode(lock(), "gate/state", echo, None)
        assert result is not None and result.state == state


def test_states_and_templates() -> None:
    entity = lock(command_template='{"action": "{{ value }}", "code": "{{ code }}"}',
                  value_template="{{ value_json.state }}", state_jammed="STUCK")
    [msg] = encode(entity, "lock.unlock", {"code": "1234"})
    assert msg.payload == '{"action": "UNLOCK", "code": "1234"}'
    jammed = decode(entity, "gate/state", '{"state": "STUCK"}', None)
    assert jammed is not None and jammed.state == "jammed"
    assert decode(entity, "gate/state", '{"state": "WEIRD"}', jammed) is None
    reset = decode(entity, "gate/state", '{"state": "None"}', jammed)
    assert reset is not None and reset.state == "unknown"

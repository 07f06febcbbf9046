"""MQTT text commands: payload codecs, and `hub/command` → `hub/command/result` on a real hub."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from hub.allowlist import refused_targets
from hub.app import Hub, HubState
from hub.broker import MosquittoProcess
from hub.config import Settings
from hub.demo import Simulator, load_home
from hub.domain import Parse, Slot
from hub.textcmd import (
    MAX_TEXT,
    CommandPayloadError,
    CommandResult,
    TextCommand,
)
from tests.hubs import hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for

HOME = load_home()
CONTRACT_KEYS = {"text", "lang", "intent", "confidence", "slots", "actions", "query", "answer", "mqtt",
                 "error", "outcome", "id"}  # fmt: skip
OUTCOMES = {"executed", "needs_confirmation", "answered", "rejected", "not_ready", "refused"}

FakeTable = Mapping[str, tuple[str, Sequence[tuple[str, str]]]]
"""Sentence → (intent, [(slot name, surface text)]): a deterministic stand-in for the model."""


# -- shared helpers (test_hermes imports them) ------------------------------------------------
def data_dir_with_model(tmp_path: Path, model: Path | None) -> Path:
    """A fresh data dir whose default model is `model` (a link: nothing is copied)."""
    data = tmp_path / "data"
    (data / "models").mkdir(parents=True)
    if model is not None:
        (data / "models" / "default").symlink_to(model, target_is_directory=True)
    return data


def fake_parser(table: FakeTable) -> Callable[..., Any]:
    """An `Assistant.parse` replacement that cleans text as the real one does (trims it)."""

    async def parse(text: str, lang: str = "auto") -> Parse:
        cleaned = text.strip()
        intent, slots = table.get(cleaned, ("none", ()))
        found = []
        for name, surface in slots:
            start = cleaned.find(surface)
            found.append(Slot(name, surface, None, start, start + len(surface)))
        return Parse(cleaned, "en", intent, 0.97, tuple(found))

    return parse


async def listening(peer: Peer, topic: str, answer_topic: str, probe: bytes = b"") -> None:
    """Wait until the hub answers on `answer_topic` (its subscription is live), then forget the probes.

    The hub subscribes without waiting for the broker's SUBACK, so a message published right
    after `start()` could arrive before the subscription does.
    """
    peer.subscribe(answer_topic)
    for _ in range(100):
        peer.publish(topic, probe)
        try:
            await wait_for(lambda: peer.payloads(answer_topic), timeout=0.2, what="probe answer")
            break
        except AssertionError:
            continue
    await asyncio.sleep(0.2)  # late answers to earlier probes
    with peer._lock:
        peer.messages.clear()


def _results(peer: Peer, topic: str = "hub/command/result") -> list[CommandResult]:
    return [CommandResult.from_payload(p) for p in peer.payloads(topic)]


async def _ask(peer: Peer, payload: str | bytes, count: int) -> list[CommandResult]:
    peer.publish("hub/command", payload)
    await wait_for(lambda: len(peer.payloads("hub/command/result")) >= count, what=f"{count} results")
    return _results(peer)


# -- codecs -----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    TextCommand("turn on the kitchen lights"),
    TextCommand("把客厅的灯打开", lang="zh", id="req-7"),
    TextCommand("lights off", lang="auto", id=42),
    TextCommand(confirm="ab12cd34", id="c-1"),
])  # fmt: skip
def test_command_round_trip(command: TextCommand) -> None:
    assert TextCommand.from_payload(command.to_payload()) == command
    assert TextCommand.from_payload(command.to_payload().encode()) == command


def test_plain_and_json_forms() -> None:
    assert TextCommand.from_payload(b"  turn off the fan \n") == TextCommand("turn off the fan")
    decoded = TextCommand.from_payload('{"text": "open the blinds", "lang": "en", "id": "x"}')
    assert decoded == TextCommand("open the blinds", "en", "x")
    assert TextCommand.from_payload(b"[1, 2]").text == "[1, 2]"  # only objects are JSON commands


@pytest.mark.parametrize(("payload", "message", "request_id"), [
    (b"\xff\xfe on", "UTF-8", None),
    (b"", "empty", None),
    (b"   ", "empty", None),
    (("a" * (MAX_TEXT + 1)).encode(), "too long", None),
    (b'{"id": "r-9"}', 'without "text"', "r-9"),
    (b'{"text": 5, "id": 3}', "must be a string", 3),
    (b'{"text": "hi", "lang": "fr", "id": "l"}', "lang must be", "l"),
    (b'{"text": "hi", "id": {"a": 1}}', "id must be", None),
    (b'{"text": ', "invalid JSON", None),
    (b'{"text": "hi", "confirm": ""}', "confirm must be", None),
    (b"x" * 20_000, "too large", None),
])  # fmt: skip
def test_bad_payloads(payload: bytes, message: str, request_id: Any) -> None:
    with pytest.raises(CommandPayloadError, match=message) as err:
        TextCommand.from_payload(payload)
    assert err.value.request_id == request_id


def test_result_round_trip() -> None:
    result = CommandResult({"text": "hi", "error": None, "outcome": "rejected", "slots": {"area": "客厅"}}, "r")
    assert CommandResult.from_payload(result.to_payload()) == result
    assert json.loads(result.to_payload())["id"] == "r"
    assert result.outcome == "rejected" and result.error is None


def test_refused_targets() -> None:
    actions = [{"service": "light.turn_on", "entity_id": ["light.a", "switch.b"]},
               {"service": "lock.unlock", "entity_id": ["lock.front_door", "lock.back_door"]}]
    assert refused_targets(actions, ()) == []
    assert refused_targets(actions, ("light", "lock.front_door")) == ["switch.b", "lock.back_door"]
    assert refused_targets(actions, ("light", "switch", "lock")) == []


# -- the live topic ---------------------------------------------------------------------------
async def _started(hub: Hub) -> None:
    await wait_for(lambda: len(hub.registry) == len(HOME), what="all entities discovered")


async def test_text_topic_answers_and_survives_bad_input(
    mosquitto: MosquittoProcess, home_sim: Simulator, model: Path, tmp_path: Path
) -> None:
    settings = hub_settings(data_dir_with_model(tmp_path, model), mosquitto.url)
    peer = Peer(mosquitto.port).start()
    try:
        async with running_hub(settings) as hub, hub.text_commands():
            await _started(hub)
            await wait_for(lambda: hub.assistant.parser is not None, what="model loaded")
            await listening(peer, "hub/command", "hub/command/result")
            first = (await _ask(peer, json.dumps({"text": "turn on the floor lamp", "id": "r1"}), 1))[0]
            assert first.id == "r1" and set(json.loads(first.to_payload())) == CONTRACT_KEYS
            assert first.body["text"] == "turn on the floor lamp" and first.outcome in OUTCOMES
            assert isinstance(first.body["actions"], list) and isinstance(first.body["mqtt"], list)
            second = (await _ask(peer, "switch off the kettle", 2))[1]
            assert second.id is None and second.body["text"] == "switch off the kettle"
            assert second.outcome in OUTCOMES

            bad = [b"\xff\xfe", b"", ("x" * (MAX_TEXT + 1)).encode(), b'{"id": 7}', b'{"text": ']
            for n, payload in enumerate(bad, start=3):
                result = (await _ask(peer, payload, n))[-1]
                assert result.outcome == "invalid" and result.error, payload
                assert result.body["actions"] == [] and result.body["mqtt"] == []
            assert _results(peer)[5].id == 7  # "JSON without text" still echoes the id
            assert "UTF-8" in str(_results(peer)[2].error) and "too long" in str(_results(peer)[4].error)

            assert hub.state is HubState.RUNNING
            again = (await _ask(peer, json.dumps({"text": "lights off", "id": "after"}), len(bad) + 3))[-1]
            assert again.id == "after" and again.outcome in OUTCOMES

            late = Peer(mosquitto.port).start()  # results are not retained
            try:
                late.subscribe("hub/command/result")
                assert late.payloads("hub/command/result") == []
            finally:
                late.stop()
    finally:
        peer.stop()


def _allow_settings(tmp_path: Path, url: str, allow: tuple[str, ...]) -> Settings:
    return hub_settings(data_dir_with_model(tmp_path, None), url, command_allow=allow)


COMMANDS: FakeTable = {
    "turn on the floor lamp": ("turn_on", [("name", "floor lamp")]),
    "turn on the kettle": ("turn_on", [("name", "kettle")]),
    "unlock the front door": ("unlock", [("name", "front door")]),
}


async def test_allow_list_refuses_and_confirms(
    mosquitto: MosquittoProcess, home_sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _allow_settings(tmp_path, mosquitto.url, ("light", "lock.front_door"))
    peer = Peer(mosquitto.port).start()
    try:
        async with running_hub(settings) as hub, hub.text_commands():
            monkeypatch.setattr(hub.assistant, "parse", fake_parser(COMMANDS))
            await _started(hub)
            await listening(peer, "hub/command", "hub/command/result")
            for topic in ("cmnd/kettle/POWER", "zigbee2mqtt/Floor lamp/set", "home/lock/front/set"):
                peer.subscribe(topic)

            kettle = (await _ask(peer, '{"text": "turn on the kettle", "id": "k"}', 1))[0]
            assert kettle.outcome == "refused" and kettle.id == "k"
            assert "switch.kettle" in str(kettle.error) and "not allowed" in str(kettle.error)
            assert kettle.body["actions"] == [] and kettle.body["mqtt"] == []

            lamp = (await _ask(peer, "turn on the floor lamp", 2))[1]
            assert lamp.outcome == "executed", lamp.body
            await wait_for(lambda: peer.payloads("zigbee2mqtt/Floor lamp/set"), what="lamp command")

            # A sensitive command from an anonymous client is refused: anyone reading the shared
            # result topic could otherwise confirm it.
            anonymous = (await _ask(peer, "unlock the front door", 3))[2]
            assert anonymous.outcome == "refused" and "confirm" in str(anonymous.error)
            assert "confirm_id" not in anonymous.body

            # A named client gets its results on its own topic, confirm id included.
            peer.subscribe("hub/command/result/panel")
            await asyncio.sleep(0.2)
            mine = "hub/command/result/panel"

            async def ask_panel(payload: dict[str, Any], count: int) -> CommandResult:
                peer.publish("hub/command", json.dumps({**payload, "client": "panel"}))
                await wait_for(lambda: len(peer.payloads(mine)) >= count, what=f"{count} panel results")
                return CommandResult.from_payload(peer.payloads(mine)[count - 1])

            lock = await ask_panel({"text": "unlock the front door"}, 1)
            assert lock.outcome == "needs_confirmation"
            confirm_id = lock.body["confirm_id"]
            assert len(peer.payloads("hub/command/result")) == 3  # nothing new on the shared topic
            # Another client (or one claiming no name) cannot confirm it.
            other = (await _ask(peer, json.dumps({"confirm": confirm_id, "id": "w"}), 4))[3]
            assert other.outcome == "rejected" and other.id == "w"
            assert peer.payloads("home/lock/front/set") == []
            done = await ask_panel({"confirm": confirm_id}, 2)
            assert done.outcome == "executed"
            await wait_for(lambda: peer.payloads("home/lock/front/set") == ["UNLOCK"], what="unlock sent")
            # A confirm id works once.
            again = await ask_panel({"confirm": confirm_id}, 3)
            assert again.outcome == "rejected"
            assert peer.payloads("cmnd/kettle/POWER") == []  # the refused command never reached it
    finally:
        peer.stop()


async def test_retained_commands_are_ignored(
    mosquitto: MosquittoProcess, home_sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _allow_settings(tmp_path, mosquitto.url, ())
    peer = Peer(mosquitto.port).start()
    try:
        peer.publish("hub/command", "turn on the kettle", retain=True)
        async with running_hub(settings) as hub:
            monkeypatch.setattr(hub.assistant, "parse", fake_parser(COMMANDS))
            peer.subscribe("cmnd/kettle/POWER")
            async with hub.text_commands() as service:
                await _started(hub)
                await listening(peer, "hub/command", "hub/command/result")
                await _ask(peer, "turn on the floor lamp", 1)  # the live one is answered …
            assert len(peer.payloads("hub/command/result")) == 1  # … the retained one is not
            assert peer.payloads("cmnd/kettle/POWER") == []
            assert not service._tasks
    finally:
        peer.publish("hub/command", b"", retain=True)
        peer.stop()

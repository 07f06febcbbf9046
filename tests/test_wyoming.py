"""The Wyoming server, driven the way Home Assistant's wyoming integration drives it.

Clients are the `wyoming` library's own `AsyncTcpClient` (what HA's conversation agent uses), the
hub is real (private Mosquitto, simulated devices that announce HA discovery, the tiny model), and
what a sentence did is checked on the broker with a separate MQTT client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.intent import Intent, IntentsStart, IntentsStop, NotRecognized, Recognize
from zeroconf.asyncio import AsyncZeroconf

from hub.app import Hub
from hub.broker import MosquittoProcess, free_port
from hub.config import MqttUrl, Settings
from hub.demo import Simulator, load_home
from hub.domain import Parse, Slot
from hub.mdns import WYOMING_TYPE, MdnsService
from hub.runtime import serve
from hub.wyoming import HubCommands, WyomingServer
from hub.wyoming.handler import MAX_DATA
from hub.wyoming.info import wyoming_language
from hub.wyoming.intents import HaIntent, recognize, to_ha_intent
from hub.wyoming.server import WyomingListenError
from tests.hubs import Api, hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for
from tests.test_textcmd import data_dir_with_model

HOME = load_home()
COMMAND_TOPICS = ("zigbee2mqtt/+/set", "cmnd/+/POWER", "home/#")
"""Where the demo home's devices take commands (and nothing else publishes unasked)."""


@pytest.fixture
async def home_sim(mosquitto: MosquittoProcess) -> AsyncIterator[Simulator]:
    async with Simulator(MqttUrl.parse(mosquitto.url), HOME) as sim:
        sim.announce()
        yield sim


@pytest.fixture
def observer(mosquitto: MosquittoProcess) -> Iterator[Peer]:
    peer = Peer(mosquitto.port).start()
    for topic in COMMAND_TOPICS:
        peer.subscribe(topic)
    try:
        yield peer
    finally:
        peer.stop()


def _sent(peer: Peer) -> list[tuple[str, str]]:
    with peer._lock:
        return [(t, p.decode()) for t, p, retained in peer.messages if not retained]


def _forget(peer: Peer) -> None:
    with peer._lock:
        peer.messages.clear()


async def _exchange(port: int, *events: Event, until: Sequence[str] = ()) -> list[Event]:
    """Send events as HA does (one connection), read answers until one of `until` (or one answer)."""
    answers: list[Event] = []
    async with AsyncTcpClient("127.0.0.1", port, connect_timeout=5, read_timeout=30) as client:
        for event in events:
            await client.write_event(event)
        while True:
            event = await client.read_event()
            assert event is not None, f"connection closed after {answers}"
            answers.append(event)
            if not until or event.type in until:
                return answers


async def _transcript(port: int, text: str, language: str, conversation_id: str | None = None) -> Event:
    """Exactly what HA's WyomingConversationEntity sends for one sentence, and its one answer."""
    context = {"conversation_id": conversation_id or uuid.uuid4().hex}
    answers = await _exchange(port, Transcript(text, context=context, language=language).event())
    return answers[0]


# -- the composition root: `hub run` with HUB_WYOMING ---------------------------------------------
@contextlib.asynccontextmanager
async def hub_run(settings: Settings) -> AsyncIterator[None]:
    """`hub run`'s serve() in a task, until the entities are in and the model is loaded."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    api = Api(settings)
    try:
        async def ready() -> bool:
            if task.done():
                task.result()
            with contextlib.suppress(OSError):
                status, health = await api.get("/health")
                return status == 200 and health.get("entities") == len(HOME) and \
                    health["nlu"]["state"] == "ready"
            return False

        for _ in range(600):
            if await ready():
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the hub did not become ready")
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_hub_run_serves_assist_in_both_languages(
    mosquitto: MosquittoProcess, home_sim: Simulator, observer: Peer, tiny_model: Path, tmp_path: Path
) -> None:
    port = free_port()
    settings = hub_settings(data_dir_with_model(tmp_path, tiny_model), mosquitto.url,
                            wyoming=f"127.0.0.1:{port}")
    async with hub_run(settings):
        [info_event] = await _exchange(port, Describe().event())
        info = Info.from_event(info_event)
        assert [p.name for p in info.handle] == ["hub"] and [p.name for p in info.intent] == ["hub"]
        handle = info.handle[0]
        assert handle.installed and handle.supports_home_control
        assert [m.languages for m in handle.models] == [["en"], ["zh"]]
        assert all(m.installed for m in handle.models + info.intent[0].models)

        _forget(observer)
        answer = await _transcript(port, "turn on the floor lamp", "en")
        assert Handled.is_type(answer.type), answer
        handled = Handled.from_event(answer)
        assert handled.text and "Floor lamp" in handled.text and handled.context
        await wait_for(lambda: any(t == "zigbee2mqtt/Floor lamp/set" and json.loads(p).get("state") == "ON"
                                   for t, p in _sent(observer)), what="the lamp's ON command")

        _forget(observer)
        answer = await _transcript(port, "关掉水壶", "zh-cn")
        assert Handled.is_type(answer.type), answer
        assert any("\u4e00" <= c <= "\u9fff" for c in Handled.from_event(answer).text or ""), \
            "the answer is in the sentence's language"
        await wait_for(lambda: ("cmnd/kettle/POWER", "OFF") in _sent(observer), what="the kettle's OFF command")

        _forget(observer)
        for sentence, language in (("tell me a joke", "en"), ("what is the weather", "en")):
            answer = await _transcript(port, sentence, language)
            assert NotHandled.is_type(answer.type), (sentence, answer)
            assert NotHandled.from_event(answer).text, "not-handled says why"

        # A sensitive action is asked about, never carried out, and answered as `handled`.
        answer = await _transcript(port, "unlock the front door", "en")
        assert Handled.is_type(answer.type), answer
        assert "confirm" in (Handled.from_event(answer).text or "")
        await asyncio.sleep(0.5)
        assert _sent(observer) == [], "out of scope and unconfirmed: nothing was published"

        # "yes" confirms in its own conversation only: another conversation's "yes" does nothing.
        asked = await _transcript(port, "unlock the front door", "en", "door-1")
        assert Handled.is_type(asked.type) and "confirm" in (Handled.from_event(asked).text or "")
        other = await _transcript(port, "yes", "en", "door-2")
        assert NotHandled.is_type(other.type), other
        await asyncio.sleep(0.3)
        assert ("home/lock/front/set", "UNLOCK") not in _sent(observer)
        done = await _transcript(port, "yes", "en", "door-1")
        assert Handled.is_type(done.type), done
        await wait_for(lambda: ("home/lock/front/set", "UNLOCK") in _sent(observer), what="the confirmed unlock")


@pytest.mark.network
async def test_zeroconf_announces_wyoming() -> None:
    suffix = uuid.uuid4().hex[:6]
    network = AsyncZeroconf(interfaces=["127.0.0.1"])
    try:
        async with MdnsService("127.0.0.1", 8765, ["127.0.0.1"], instance_name=f"Hub {suffix}", browse=False,
                               wyoming=("0.0.0.0", 10700)) as mdns:
            name = f"Hub {suffix}.{WYOMING_TYPE}"
            assert name in mdns.announced
            info = await network.async_get_service_info(WYOMING_TYPE, name, timeout=3000)
            assert info is not None and info.port == 10700 and info.parsed_addresses() == ["127.0.0.1"]
    finally:
        await network.async_close()


# -- robustness: a server over a hub without a model -----------------------------------------------
@contextlib.asynccontextmanager
async def wyoming_over(hub: Hub, **kwargs: Any) -> AsyncIterator[WyomingServer]:
    commands = hub.wyoming_commands()
    async with WyomingServer(commands, commands, "127.0.0.1", free_port(), **kwargs) as server:
        yield server


@pytest.fixture
async def bare_hub(mosquitto: MosquittoProcess, tmp_path: Path) -> AsyncIterator[Hub]:
    async with running_hub(hub_settings(data_dir_with_model(tmp_path, None), mosquitto.url)) as hub:
        yield hub


async def _describe_works(port: int) -> None:
    [event] = await _exchange(port, Describe().event())
    assert Info.is_type(event.type)


async def test_garbage_and_oversized_frames_get_an_error_and_the_server_keeps_serving(bare_hub: Hub) -> None:
    async with wyoming_over(bare_hub) as server:
        port = server.port
        async with AsyncTcpClient("127.0.0.1", port, read_timeout=10) as client:
            writer = client._writer
            assert writer is not None
            for garbage in (b"not json at all\n", b"[1, 2, 3]\n", b'{"type": 5}\n',
                            b'{"type": "transcript", "data": {"text": 42}}\n',
                            b'{"type": "transcript", "data": {"text": "hi", "context": "x"}}\n',
                            b'{"type": "audio-chunk"}\n', b"x" * 20_000 + b"\n"):
                writer.write(garbage)
                event = await client.read_event()
                assert event is not None and Error.is_type(event.type), garbage[:40]
                assert Error.from_event(event).text
            # the same connection still answers
            await client.write_event(Describe().event())
            event = await client.read_event()
            assert event is not None and Info.is_type(event.type)

        for frame in (json.dumps({"type": "transcript", "data_length": 10**9}).encode() + b"\n",
                      json.dumps({"type": "transcript", "data_length": MAX_DATA + 1}).encode() + b"\n",
                      json.dumps({"type": "transcript", "payload_length": -1}).encode() + b"\n",
                      b'{"type": "describe", "pad": "' + b"y" * 100_000 + b'"}\n'):
            async with AsyncTcpClient("127.0.0.1", port, read_timeout=10) as client:
                assert client._writer is not None
                client._writer.write(frame)
                event = await client.read_event()
                assert event is not None and Error.is_type(event.type), frame[:60]
                assert await client.read_event() is None, "a frame that cannot be skipped ends the connection"
        await _describe_works(port)
        assert bare_hub.state.value == "running"


async def test_a_client_that_leaves_mid_request(bare_hub: Hub, caplog: pytest.LogCaptureFixture) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    finished: list[str] = []

    class SlowCommands(HubCommands):
        async def run(self, text: str, lang: str, *, source: str,
                      conversation_id: str | None) -> Mapping[str, Any]:
            started.set()
            await release.wait()
            finished.append(text)
            return {"outcome": "executed", "answer": "Done.", "lang": "en"}

    commands = SlowCommands(bare_hub)
    caplog.set_level(logging.INFO, logger="hub.wyoming")
    async with WyomingServer(commands, commands, "127.0.0.1", free_port()) as server:
        client = AsyncTcpClient("127.0.0.1", server.port)
        await client.connect()
        await client.write_event(Transcript("turn on the floor lamp", context={"conversation_id": "c"},
                                            language="en").event())
        await asyncio.wait_for(started.wait(), 10)
        await client.disconnect()  # HA gave up (timeout, restart) while the hub was working
        release.set()
        await wait_for(lambda: finished, what="the command to finish")
        await _describe_works(server.port)
        await wait_for(lambda: len(server._server._handlers) == 0 if server._server else False,  # type: ignore[attr-defined]
                       what="the left connection's task to end")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a client leaving is no error"


async def test_a_failing_command_is_an_error_event_not_a_dead_server(bare_hub: Hub) -> None:
    class Broken(HubCommands):
        async def run(self, text: str, lang: str, *, source: str,
                      conversation_id: str | None) -> Mapping[str, Any]:
            raise RuntimeError("boom")

        async def parse(self, text: str, lang: str) -> Sequence[Parse]:
            raise RuntimeError("bang")

    commands = Broken(bare_hub)
    async with WyomingServer(commands, commands, "127.0.0.1", free_port()) as server, \
            AsyncTcpClient("127.0.0.1", server.port, read_timeout=10) as client:
        for request, word in ((Transcript("turn on the lamp", language="en"), "boom"), (Recognize("lamp"), "bang")):
            await client.write_event(request.event())
            event = await client.read_event()
            assert event is not None and Error.is_type(event.type)
            assert Error.from_event(event).code == "internal" and word in Error.from_event(event).text
        await client.write_event(Describe().event())
        event = await client.read_event()
        assert event is not None and Info.is_type(event.type), "the same connection still answers"


async def test_a_taken_port_is_a_clear_error(bare_hub: Hub) -> None:
    async with wyoming_over(bare_hub) as server:
        second = WyomingServer(bare_hub.wyoming_commands(), bare_hub.wyoming_commands(), "127.0.0.1", server.port)
        with pytest.raises(WyomingListenError, match=f"cannot serve Wyoming on 127.0.0.1:{server.port}.*HUB_WYOMING"):
            await second.start()
        await second.stop()
        await _describe_works(server.port)


async def test_model_not_ready_and_limits(bare_hub: Hub) -> None:
    async with wyoming_over(bare_hub) as server:
        answer = await _transcript(server.port, "turn on the floor lamp", "en")
        assert NotHandled.is_type(answer.type) and "model" in (NotHandled.from_event(answer).text or "").lower()
        [answer] = await _exchange(server.port, Recognize("turn on the floor lamp").event())
        assert NotRecognized.is_type(answer.type)
        for text in ("", "   ", "x" * 1001):
            answer = await _transcript(server.port, text, "en")
            assert NotHandled.is_type(answer.type), text[:10]


async def test_busy_when_too_many_connections(bare_hub: Hub) -> None:
    async with wyoming_over(bare_hub, max_clients=1) as server:
        async with AsyncTcpClient("127.0.0.1", server.port, read_timeout=10) as first:
            await first.write_event(Describe().event())
            assert (await first.read_event()) is not None
            async with AsyncTcpClient("127.0.0.1", server.port, read_timeout=10) as second:
                event = await second.read_event()
                assert event is not None and Error.from_event(event).code == "busy"
        await wait_for(lambda: len(server._server._handlers) == 0 if server._server else False,  # type: ignore[attr-defined]
                       what="the first connection's task to end")
        await _describe_works(server.port)


# -- recognize → HA intents ------------------------------------------------------------------------
async def test_recognize_answers_ha_intents_with_the_real_model(
    mosquitto: MosquittoProcess, tiny_model: Path, tmp_path: Path, observer: Peer
) -> None:
    settings = hub_settings(data_dir_with_model(tmp_path, tiny_model), mosquitto.url)
    async with running_hub(settings) as hub, wyoming_over(hub) as server:
        await wait_for(lambda: hub.assistant.parser is not None, what="model loaded")
        # What goes over the socket is the model's own parse mapped to HA's intent (the mapping's
        # rules, domains included, are tested on fixed parses below; how well the tiny model tags
        # "floor lamp" is not this test's).
        for sentence, name in (("turn on the floor lamp", "HassTurnOn"),
                               ("set the floor lamp to 40 percent", "HassLightSet")):
            expected = to_ha_intent(await hub.assistant.parse(sentence, "en"))
            assert isinstance(expected, HaIntent) and expected.name == name, (sentence, expected)
            [answer] = await _exchange(server.port, Recognize(sentence).event())
            intent = Intent.from_event(answer)
            assert intent.name == expected.name
            assert {e.name: e.value for e in intent.entities} == dict(expected.slots)
        [answer] = await _exchange(server.port, Recognize("tell me a joke", context={"conversation_id": "x"}).event())
        assert NotRecognized.is_type(answer.type) and NotRecognized.from_event(answer).context == {
            "conversation_id": "x"}
        assert _sent(observer) == [], "recognize never acts"


async def test_several_commands_answer_intents_start_stop(bare_hub: Hub) -> None:
    """The server's side of compound sentences: a recognizer that finds two commands."""

    class TwoCommands(HubCommands):
        async def parse(self, text: str, lang: str) -> Sequence[Parse]:
            first, second = text.split(" and ")
            return [_parse(first, "turn_off", ("name", "desk lamp")),
                    _parse(second, "turn_on", ("name", "night light"))]

    commands = TwoCommands(bare_hub)
    async with WyomingServer(commands, commands, "127.0.0.1", free_port()) as server:
        events = await _exchange(server.port, Recognize("turn off the desk lamp and turn on the night light",
                                                        context={"conversation_id": "c2"}).event(),
                                 until=["intents-stop"])
    assert [e.type for e in events] == ["intents-start", "intent", "intent", "intents-stop"]
    assert IntentsStart.from_event(events[0]).context == {"conversation_id": "c2"}
    assert IntentsStop.is_type(events[-1].type)
    intents = [Intent.from_event(e) for e in events[1:3]]
    assert [(i.name, {e.name: e.value for e in i.entities}) for i in intents] == [
        ("HassTurnOff", {"name": "desk lamp"}), ("HassTurnOn", {"name": "night light"})]


# -- the pure mapping -------------------------------------------------------------------------------
def _parse(text: str, intent: str, *slots: tuple[str, str] | tuple[str, str, Any], lang: str = "en") -> Parse:
    found = []
    for slot in slots:
        name, surface = slot[0], slot[1]
        value = slot[2] if len(slot) > 2 else None  # type: ignore[misc]
        start = text.find(surface)
        found.append(Slot(name, surface, value, start, start + len(surface)))
    return Parse(text, lang, intent, 0.95, tuple(found))


@pytest.mark.parametrize(("parse", "expected"), [
    (_parse("turn on the kitchen lights", "turn_on", ("area", "kitchen"), ("device_class", "lights")),
     HaIntent("HassTurnOn", {"area": "kitchen", "domain": "light"})),
    (_parse("turn off the desk lamp", "turn_off", ("name", "desk"), ("device_class", "lamp")),
     HaIntent("HassTurnOff", {"name": "desk lamp", "domain": "light"})),
    (_parse("lock the front door", "lock", ("name", "front door")),
     HaIntent("HassTurnOn", {"name": "front door", "domain": "lock"})),
    (_parse("unlock the front door", "unlock", ("name", "front door")),
     HaIntent("HassTurnOff", {"name": "front door", "domain": "lock"})),
    (_parse("open the garage door", "open", ("device_class", "garage door")),
     HaIntent("HassTurnOn", {"domain": "cover", "device_class": "garage"})),
    (_parse("stop the blinds", "stop", ("device_class", "blinds")),
     HaIntent("HassStopMoving", {"domain": "cover"})),
    (_parse("set the bedroom light to red", "set_color", ("area", "bedroom"), ("device_class", "light"),
            ("color", "red", (255, 0, 0))),
     HaIntent("HassLightSet", {"area": "bedroom", "domain": "light", "color": "red"})),
    (_parse("把卧室的灯调成红色", "set_color", ("area", "卧室"), ("device_class", "灯"), ("color", "红色", (255, 0, 0)),
            lang="zh"),
     HaIntent("HassLightSet", {"area": "卧室", "domain": "light", "color": "red"})),
    (_parse("make the lamp warm white", "set_color_temp", ("device_class", "lamp"), ("color_temp", "warm white", 2700)),
     HaIntent("HassLightSet", {"domain": "light", "temperature": 2700})),
    (_parse("set the thermostat to 21.5", "set_temperature", ("device_class", "thermostat"),
            ("temperature", "21.5", 21.5)),
     HaIntent("HassClimateSetTemperature", {"domain": "climate", "temperature": 21.5})),
    (_parse("set the living room blinds to 30%", "set_position", ("area", "living room"),
            ("device_class", "blinds"), ("position", "30%", 30)),
     HaIntent("HassSetPosition", {"area": "living room", "domain": "cover", "position": 30})),
    (_parse("fan to 50 percent", "set_fan_speed", ("device_class", "fan"), ("percentage", "50 percent", 50.0)),
     HaIntent("HassFanSetSpeed", {"domain": "fan", "percentage": 50})),
    (_parse("start vacuuming", "vacuum_start"), HaIntent("HassVacuumStart", {})),
    (_parse("send the robot home", "vacuum_return", ("name", "robot")),
     HaIntent("HassVacuumReturnToBase", {"name": "robot"})),
    (_parse("is the front door locked", "get_state", ("name", "front door")),
     HaIntent("HassGetState", {"name": "front door"})),
    (_parse("打开客厅的灯", "turn_on", ("area", "客厅"), ("device_class", "灯"), lang="zh"),
     HaIntent("HassTurnOn", {"area": "客厅", "domain": "light"})),
])  # fmt: skip
def test_parse_to_ha_intent(parse: Parse, expected: HaIntent) -> None:
    assert to_ha_intent(parse) == expected


@pytest.mark.parametrize("parse", [
    _parse("tell me a joke", "none"),
    _parse("brighter", "brightness_up", ("device_class", "lights")),
    _parse("set the AC to cool", "set_hvac_mode", ("device_class", "AC"), ("hvac_mode", "cool", "cool")),
    _parse("set the lamp to", "set_brightness", ("device_class", "lamp")),  # no value
    _parse("turn on", "turn_on"),  # no target: never "everything"
    _parse("turn off everything in the kitchen", "turn_off", ("device_class", "everything"), ("area", "kitchen")),
    _parse("关掉客厅所有设备", "turn_off", ("area", "客厅"), ("device_class", "所有设备"), lang="zh"),
])  # fmt: skip
def test_no_ha_intent_says_why(parse: Parse) -> None:
    assert isinstance(to_ha_intent(parse), str) and to_ha_intent(parse)


def test_recognize_is_all_or_nothing() -> None:
    good = _parse("turn on the desk lamp", "turn_on", ("name", "desk lamp"))
    bad = _parse("brighter", "brightness_up")
    assert len(recognize([good, good]).intents) == 2
    assert recognize([good, bad]).intents == () and recognize([good, bad]).reason
    assert recognize([]).reason


@pytest.mark.parametrize(("code", "lang"), [("en", "en"), ("en-US", "en"), ("zh-cn", "zh"), ("zh_Hans", "zh"),
                                            ("ZH-TW", "zh"), ("de", "auto"), (None, "auto"), ("", "auto")])
def test_wyoming_language(code: str | None, lang: str) -> None:
    assert wyoming_language(code) == lang

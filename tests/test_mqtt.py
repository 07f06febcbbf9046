"""The MQTT client against a real Mosquitto: receive, publish, reconnect, resubscribe, auth."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from hub.broker import MosquittoProcess
from hub.config import MqttUrl
from hub.domain import Message
from hub.errors import MqttAuthError
from hub.mqtt import ConnectionState, MqttClient, Received, topic_matches
from tests.mqtt_helpers import Peer, wait_for


@pytest.mark.parametrize("protocol", [4, 5], ids=["3.1.1", "5"])
async def test_receives_in_batches_and_publishes(mosquitto: MosquittoProcess, protocol: int) -> None:
    got: list[Received] = []
    client = MqttClient(MqttUrl.parse(mosquitto.url), client_id="t1", protocol=protocol)
    client.add_handler(got.extend)
    client.subscribe("dev/#", 1)
    async with client:
        assert client.connected
        peer = Peer(mosquitto.port).start()
        peer.subscribe("cmd/#")
        for i in range(500):
            peer.client.publish(f"dev/{i % 5}", str(i), qos=1)
        await wait_for(lambda: len(got) == 500, what="500 messages")
        assert [m.payload for m in got if m.topic == "dev/0"][:2] == [b"0", b"5"]
        await client.publish(Message("cmd/x", "hello", qos=1), wait=True)
        await wait_for(lambda: peer.payloads("cmd/x") == ["hello"], what="published message")
        peer.stop()


@pytest.mark.parametrize("protocol", [4, 5], ids=["3.1.1", "5"])
async def test_birth_and_last_will(mosquitto: MosquittoProcess, protocol: int) -> None:
    observer = Peer(mosquitto.port).start()
    observer.subscribe("hub/status")
    client = MqttClient(
        MqttUrl.parse(mosquitto.url), client_id="t2", protocol=protocol,
        will=Message("hub/status", "offline", 1, True), birth=Message("hub/status", "online", 1, True),
    )
    async with client:
        await wait_for(lambda: observer.payloads("hub/status") == ["online"], what="birth")
    await wait_for(lambda: observer.payloads("hub/status")[-1:] == ["offline"], what="offline on stop")
    observer.stop()


@pytest.mark.parametrize("protocol", [4, 5], ids=["3.1.1", "5"])
async def test_reconnects_and_resubscribes_after_broker_crash(mosquitto: MosquittoProcess, protocol: int) -> None:
    got: list[Received] = []
    client = MqttClient(MqttUrl.parse(mosquitto.url), client_id="t3", protocol=protocol, reconnect_max=1)
    client.add_handler(got.extend)
    client.subscribe("state/#", 1)
    async with client:
        await mosquitto.restart(kill=True)
        await wait_for(lambda: client.connected and client.connects >= 2, 15, "reconnect")
        peer = Peer(mosquitto.port).start()
        peer.publish("state/a", "after-restart")
        await wait_for(lambda: any(m.payload == b"after-restart" for m in got), what="resubscribed message")
        peer.stop()


@pytest.mark.parametrize("protocol", [4, 5], ids=["3.1.1", "5"])
async def test_qos1_published_while_broker_down_is_delivered(tmp_path: Path, protocol: int) -> None:
    broker = MosquittoProcess(workdir=tmp_path, persistence=True)
    await broker.start()
    try:
        device = Peer(broker.port, "device-1", clean=False).start()
        device.subscribe("cmd/light", 1)
        client = MqttClient(MqttUrl.parse(broker.url), client_id="t4", protocol=protocol, reconnect_max=1)
        async with client:
            device.stop()
            await broker.stop()  # SIGTERM: Mosquitto saves sessions
            for i in range(20):
                client.publish_nowait(Message("cmd/light", f"c{i}", qos=1))
            await broker.start()
            await wait_for(lambda: client.connected, 15, "hub reconnect")
            device = Peer(broker.port, "device-1", clean=False).start()
            await wait_for(lambda: len(set(device.payloads("cmd/light"))) == 20, 15, "all 20 commands")
            device.stop()
    finally:
        await broker.close()


@pytest.mark.parametrize("protocol", [4, 5], ids=["3.1.1", "5"])
async def test_refused_credentials_stop_retrying(tmp_path: Path, protocol: int) -> None:
    passwd = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwd), "hub", "right"], check=True)
    broker = MosquittoProcess(workdir=tmp_path)
    config = broker._write_config()
    text = config.read_text().replace("allow_anonymous true", f"allow_anonymous false\npassword_file {passwd}")
    config.write_text(text)
    broker._write_config = lambda: config  # type: ignore[method-assign]
    await broker.start()
    try:
        client = MqttClient(MqttUrl.parse(f"mqtt://hub:wrong@127.0.0.1:{broker.port}"), client_id="t5", protocol=protocol)
        with pytest.raises(MqttAuthError, match="refused the credentials"):
            await client.start()
        assert client.state is ConnectionState.AUTH_FAILED
        await client.stop()
        good = MqttClient(MqttUrl.parse(f"mqtt://hub:right@127.0.0.1:{broker.port}"), client_id="t6", protocol=protocol)
        async with good:
            assert good.connected
    finally:
        await broker.close()


def test_topic_matches() -> None:
    assert topic_matches("a/+/c", "a/b/c")
    assert topic_matches("$share/g/a/#", "a/b/c")
    assert not topic_matches("a/+", "a/b/c")


async def test_clean_stop_logs_no_error(mosquitto: MosquittoProcess, caplog: pytest.LogCaptureFixture) -> None:
    client = MqttClient(
        MqttUrl.parse(mosquitto.url), client_id="t-stop",
        will=Message("hub/status", "offline", 1, True), birth=Message("hub/status", "online", 1, True),
    )
    client.subscribe("state/#", 1)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            async with client:
                assert client.connected
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []

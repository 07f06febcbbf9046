"""Every component end to end: announced on a real Mosquitto, commanded through the REST API,
its state fed back and read from `/api/states`.

Two kinds of publisher: devices made with the `ha-mqtt-discoverable` library (a third-party
client that answers the hub's commands itself, as a device would), and the payloads of
tests/fixtures/discovery/components.json (HA's documented examples, zigbee2mqtt, ESPHome),
published by a plain client that plays the device.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
import paho.mqtt.client as paho
import pytest
from ha_mqtt_discoverable import DeviceInfo, Settings
from ha_mqtt_discoverable.sensors import (
    Button,
    ButtonInfo,
    DeviceTrigger,
    DeviceTriggerInfo,
    Number,
    NumberInfo,
    Select,
    SelectInfo,
    Switch,
    SwitchInfo,
    Text,
    TextInfo,
    Valve,
    ValveInfo,
)

from hub.broker import MosquittoProcess
from hub.domain import COMPONENTS
from tests.hubs import TOKEN, Api, hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for

CASES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "discovery" / "components.json").read_text("utf-8")
)["cases"]


class LibraryDevices:
    """Devices built with ha-mqtt-discoverable; each answers a command by reporting its state."""

    def __init__(self, port: int) -> None:
        self.received: list[tuple[str, str]] = []
        mqtt = Settings.MQTT(host="127.0.0.1", port=port)
        device = DeviceInfo(name="Garden controller", identifiers=["garden-ctl-01"],
                            suggested_area="Garden")

        def settings(info: Any) -> Any:
            return Settings(mqtt=mqtt, entity=info)

        def record(name: str, then: Any = None) -> Any:
            def callback(client: paho.Client, user_data: Any, message: paho.MQTTMessage) -> None:
                payload = message.payload.decode()
                self.received.append((name, payload))
                if then is not None:
                    then(payload)

            return callback

        self.valve = Valve(settings(ValveInfo(name="Garden valve", device=device,
                                              unique_id="garden-valve-lib")),
                           record("valve", lambda p: self.valve.open() if p == "OPEN"
                                  else self.valve.closed()))
        self.number = Number(settings(NumberInfo(name="Desk height", device=device, min=65,
                                                 max=125, step=0.5, unique_id="desk-lib")),
                             record("number", lambda p: self.number.set_value(float(p))))
        self.select = Select(settings(SelectInfo(name="Desk mode", device=device,
                                                 options=["sit", "stand"],
                                                 unique_id="desk-mode-lib")),
                             record("select", lambda p: self.select.select_option(p)))
        self.button = Button(settings(ButtonInfo(name="Doorbell", device=device,
                                                 unique_id="doorbell-lib")), record("button"))
        self.text = Text(settings(TextInfo(name="Display", device=device, unique_id="text-lib")),
                         record("text", lambda p: self.text.set_text(p)))
        self.switch = Switch(settings(SwitchInfo(name="Pump", device=device,
                                                 unique_id="pump-lib")),
                             record("switch", lambda p: self.switch.on() if p == "ON"
                                    else self.switch.off()))
        self.trigger = DeviceTrigger(settings(DeviceTriggerInfo(
            name="Remote", device=device, type="button_short_press", subtype="button_1",
            unique_id="remote-lib")))
        self.all: list[Any] = [self.valve, self.number, self.select, self.button, self.text,
                               self.switch, self.trigger]
        for entity in self.all:
            entity.write_config()

    def close(self) -> None:
        for entity in self.all:
            entity.mqtt_client.disconnect()
            entity.mqtt_client.loop_stop()


async def _state_of(api: Api, entity_id: str) -> dict[str, Any]:
    status, body = await api.get(f"/api/states/{entity_id}")
    assert status == 200, (entity_id, body)
    return body  # type: ignore[no-any-return]


async def _until_state(api: Api, entity_id: str, state: str, attributes: dict[str, Any]) -> None:
    last: dict[str, Any] = {}
    for _ in range(250):
        last = await _state_of(api, entity_id)
        ok = (last["state"] != "unknown" if state == "<timestamp>" else last["state"] == state)
        if ok and all(last["attributes"].get(k) == v for k, v in attributes.items()):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{entity_id}: wanted {state} {attributes}, have {last}")


async def test_every_component_through_a_real_broker_and_the_rest_api(
    mosquitto: MosquittoProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    device = Peer(mosquitto.port, "fixture-devices").start()
    device.subscribe("#")
    for case in CASES.values():
        device.publish(case["topic"], json.dumps(case["payload"]), retain=True)
    # Components the hub does not handle, alone and inside a device payload: counted, quiet.
    device.publish("homeassistant/hologram/h1/config", '{"name": "Holo"}', retain=True)
    device.publish("homeassistant/hologram/h2/config", '{"name": "Holo 2"}', retain=True)
    device.publish("homeassistant/device/projector/config", json.dumps({
        "dev": {"ids": ["projector-1"], "name": "Projector"}, "o": {"name": "x"},
        "cmps": {"beam": {"p": "hologram", "name": "Beam"},
                 "power": {"p": "switch", "cmd_t": "projector/power/set"}}}), retain=True)
    library = await asyncio.to_thread(LibraryDevices, mosquitto.port)
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    try:
        async with running_hub(settings) as hub:
            api = Api(settings)
            wanted = {c["entity_id"] for c in CASES.values()} | {
                "valve.garden_controller_garden_valve", "number.garden_controller_desk_height",
                "select.garden_controller_desk_mode", "button.garden_controller_doorbell",
                "text.garden_controller_display", "switch.garden_controller_pump",
                "device_automation.garden_controller_remote", "switch.projector"}
            try:
                await wait_for(lambda: all(e in hub.registry for e in wanted), timeout=15)
            except AssertionError:
                have = {e.entity_id for e in hub.registry.entities()}
                raise AssertionError(f"missing {sorted(wanted - have)}; have {sorted(have)}") from None

            status, listed = await api.get("/api/entities")
            assert status == 200
            assert {e["component"] for e in listed} == set(COMPONENTS[9:]) | {"switch"}

            # -- the fixture devices: each service → the MQTT message HA would publish -----
            for case in CASES.values():
                for call in case["calls"]:
                    domain, service = call["service"].split(".")
                    before = len(device.messages)
                    status, body = await api.post(f"/api/services/{domain}/{service}",
                                                  {"entity_id": case["entity_id"], **call["data"]})
                    assert status == 200, (call, body)
                    for expected in call["mqtt"]:
                        await wait_for(
                            lambda e=expected, b=before: any(
                                t == e["topic"] and p.decode() == e["payload"]
                                for t, p, _ in device.messages[b:]),
                            what=f"{call['service']} → {expected}")
                for call in case["refused"]:
                    domain, service = call["service"].split(".")
                    status, body = await api.post(f"/api/services/{domain}/{service}",
                                                  {"entity_id": case["entity_id"], **call["data"]})
                    assert status == 400 and call["error"] in json.dumps(body), (call, body)
                for step in case["states"]:
                    device.publish(step["topic"], step["payload"])
                    await _until_state(api, case["entity_id"], step["state"], step["attributes"])

            # -- events are streamed on the WebSocket and kept in the history --------------
            host, port = settings.http_hostport
            async with aiohttp.ClientSession() as session, session.ws_connect(
                    f"ws://{host}:{port}/api/websocket?token={TOKEN}") as ws:
                assert (await ws.receive_json())["type"] == "auth_ok"
                device.publish("vendor/foo/bar/event", '{"event_type": "press"}')
                device.publish("zigbee2mqtt/Remote/action", "arrow_left_click")
                seen: dict[str, dict[str, Any]] = {}
                while len(seen) < 2:
                    message = await asyncio.wait_for(ws.receive_json(), 10)
                    state = message.get("state") or {}
                    if message["type"] == "state_changed" and state.get("entity_id") in (
                            "event.doorbell", "device_automation.remote_action_arrow_left_click"):
                        seen[state["entity_id"]] = state
                assert seen["event.doorbell"]["attributes"]["event_type"] == "press"
                assert "T" in seen["event.doorbell"]["state"]  # the time it fired
            for _ in range(250):
                status, rows = await api.get("/api/history/event.doorbell")
                if status == 200 and len(rows) >= 2:
                    break
                await asyncio.sleep(0.02)
            assert [r["attributes"]["event_type"] for r in rows][-2:] == ["hold", "press"]

            # -- the library devices answer the hub's commands themselves ------------------
            async def call(domain: str, service: str, entity_id: str, **data: Any) -> None:
                status, body = await api.post(f"/api/services/{domain}/{service}",
                                              {"entity_id": entity_id, **data})
                assert status == 200, body

            await call("valve", "open_valve", "valve.garden_controller_garden_valve")
            await _until_state(api, "valve.garden_controller_garden_valve", "open", {})
            await call("valve", "close_valve", "valve.garden_controller_garden_valve")
            await _until_state(api, "valve.garden_controller_garden_valve", "closed", {})
            await call("number", "set_value", "number.garden_controller_desk_height", value=95)
            await _until_state(api, "number.garden_controller_desk_height", "95.0", {})
            await call("select", "select_option", "select.garden_controller_desk_mode",
                       option="stand")
            await _until_state(api, "select.garden_controller_desk_mode", "stand", {})
            await call("text", "set_value", "text.garden_controller_display", value="Hello")
            await _until_state(api, "text.garden_controller_display", "Hello", {})
            await call("switch", "turn_on", "switch.garden_controller_pump")
            await _until_state(api, "switch.garden_controller_pump", "on", {})
            await call("button", "press", "button.garden_controller_doorbell")
            await wait_for(lambda: ("button", "PRESS") in library.received, what="button press")
            assert ("valve", "OPEN") in library.received and ("number", "95") in library.received
            library.trigger.trigger("button_short_press")
            await _until_state(api, "device_automation.garden_controller_remote", "<timestamp>",
                               {"type": "button_short_press", "subtype": "button_1"})

            # -- quiet about what it does not handle ----------------------------------------
            status, health = await api.get("/health")
            assert health["discovery"]["unhandled"] == {"hologram": 3}
            assert health["counters"]["discovery_errors"] == 0
    finally:
        await asyncio.to_thread(library.close)
        device.stop()
    warnings = [r for r in caplog.records
                if r.levelno >= logging.WARNING and r.name.startswith("hub.")]
    assert warnings == [], [r.getMessage() for r in warnings]


async def test_demo_devices_report_a_state_from_the_start(
    mosquitto: MosquittoProcess, tmp_path: Path
) -> None:
    from hub.config import MqttUrl
    from hub.demo import Simulator, load_home

    home = load_home()
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    async with Simulator(MqttUrl.parse(mosquitto.url), home, report_states=True) as sim, \
            running_hub(settings) as hub:
        sim.announce()
        await wait_for(lambda: len(hub.registry) == len(home), what="demo home discovered")
        stateless = {"button"}  # a button has no state in HA either

        def unknown() -> list[str]:
            return [e.entity_id for e in hub.registry.entities()
                    if e.component not in stateless
                    and (s := hub.get_state(e.entity_id)) is not None and s.state == "unknown"]

        try:
            await wait_for(lambda: not unknown(), what="every demo state")
        except AssertionError:
            raise AssertionError(f"still unknown: {unknown()}") from None
        assert {e.component for e in hub.registry.entities()} >= {
            "valve", "water_heater", "number", "select", "button"}

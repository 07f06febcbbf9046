"""The web page in a real headless Chromium: live states, a typed command, the understood/done panel.

Needs the `playwright` Python package and a system Chromium (`apt-get install chromium`); Playwright
drives it through `executable_path`, so no browser download is needed. Skipped with the reason when
either is missing (CI installs both).
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.broker import MosquittoProcess
from hub.commands.schedules import NewJob
from hub.config import MqttUrl
from hub.demo import Simulator, load_home
from hub.text.when import When
from tests.hubs import TOKEN, hub_settings, running_hub
from tests.mqtt_helpers import wait_for

async_api = pytest.importorskip("playwright.async_api", reason="pip install playwright (no browser download)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
COFFEE = '[data-entity="switch.coffee_machine"]'

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def trained_data_dir(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Path:
    """A data dir holding the session's tiny model."""
    data_dir = tmp_path_factory.mktemp("web") / "data"
    settings = hub_settings(data_dir, None)
    shutil.copytree(tiny_model, settings.model_dir)
    return data_dir


async def test_page_shows_live_states_and_commands(
    mosquitto: MosquittoProcess, trained_data_dir: Path, tmp_path: Path
) -> None:
    settings = hub_settings(trained_data_dir, mosquitto.url)
    home = load_home()
    host, port = settings.http_hostport
    ARTIFACTS.mkdir(exist_ok=True)
    async with Simulator(MqttUrl.parse(mosquitto.url), home) as sim, running_hub(settings) as hub:
        sim.announce()
        await wait_for(lambda: len(hub.registry) == len(home), what="demo home discovered")
        await wait_for(lambda: hub.assistant.parser is not None, 60, "model loaded")
        async with async_api.async_playwright() as pw:
            # A fresh profile per run (Playwright passes it as --user-data-dir).
            browser = await pw.chromium.launch_persistent_context(
                str(tmp_path / "chromium"), executable_path=CHROMIUM, args=ARGS, headless=True,
                locale="en-US", viewport={"width": 1100, "height": 900},
            )
            try:
                page = await browser.new_page()
                await page.goto(f"http://{host}:{port}/#token={TOKEN}")
                card = page.locator(COFFEE)
                await card.wait_for()
                await async_api.expect(page.locator("#live")).to_have_class("dot on")
                assert "token" not in page.url  # the token leaves the address bar at once

                # A typed English command: the panel shows what was understood and what was done.
                await page.fill("#cmd-text", "turn on the coffee machine")
                await page.press("#cmd-text", "Enter")
                outcome = page.locator("#r-outcome")
                await async_api.expect(outcome).not_to_have_attribute("data-outcome", "")
                await async_api.expect(page.locator("#r-intent")).not_to_have_text("")
                intent = await page.text_content("#r-intent")
                done = await page.text_content("#r-actions")
                if intent == "turn_on" and "switch.coffee_machine" in (done or ""):
                    await async_api.expect(outcome).to_have_attribute("data-outcome", "executed")
                else:
                    # The tiny model got it wrong: the state change goes through the card's button.
                    await card.locator("button.toggle").click()
                # The state arrives over the WebSocket and the card shows it.
                await async_api.expect(card.locator(".state")).to_have_text("on", timeout=10_000)
                assert hub.get_state("switch.coffee_machine").state == "on"  # type: ignore[union-attr]
                await page.screenshot(path=str(ARTIFACTS / "web.png"), full_page=True)

                # A scheduled command is listed with a button that cancels it.
                when = When("delay", "in 1 hour", datetime.now(UTC) + timedelta(hours=1), delay=3600.0)
                action = {"service": "switch.turn_on", "entity_id": ["switch.coffee_machine"], "data": {},
                          "confirm": False}
                job_id = await hub.schedule.add(NewJob("turn on the coffee machine in 1 hour", "en", (action,),
                                                       when, "api", "token"))
                await page.reload()
                item = page.locator(f'#schedule-list li[data-id="{job_id}"]')
                await async_api.expect(item).to_contain_text("turn on the coffee machine in 1 hour")
                await item.locator("button.cancel").click()
                await async_api.expect(page.locator("#schedule")).to_be_hidden()
                assert (job := await hub.schedule.get(job_id)) is not None and job.status == "cancelled"

                # Chinese: the UI switches, and the box takes a Chinese command.
                await page.click("#lang-toggle")
                await async_api.expect(page.locator("#cmd-send")).to_have_text("发送")
                await page.fill("#cmd-text", "关闭咖啡机")
                async with page.expect_response("**/api/command") as answer:
                    await page.press("#cmd-text", "Enter")
                result = await (await answer.value).json()
                assert result["text"] == "关闭咖啡机"
                zh_outcomes = {"executed": "已执行", "rejected": "未执行", "answered": "已回答",
                               "needs_confirmation": "需要确认", "not_ready": "模型未就绪"}
                await async_api.expect(outcome).to_have_text(zh_outcomes[result["outcome"]])
                await page.screenshot(path=str(ARTIFACTS / "web-zh.png"), full_page=True)
            finally:
                await browser.close()


async def _change(page: async_api.Page, selector: str, value: str) -> None:
    """Set a control's value the way a person's release does: value, then a change event."""
    await page.locator(selector).evaluate(
        "(node, v) => { node.value = v; node.dispatchEvent(new Event('change', {bubbles: true})); }",
        value)


@pytest.mark.parametrize(("viewport", "name"), [({"width": 1100, "height": 900}, "desktop"),
                                                ({"width": 390, "height": 844}, "phone")])
async def test_each_component_has_its_control(
    mosquitto: MosquittoProcess, tmp_path: Path, viewport: dict[str, int], name: str
) -> None:
    settings = hub_settings(tmp_path / "data", mosquitto.url)
    home = load_home()
    host, port = settings.http_hostport
    ARTIFACTS.mkdir(exist_ok=True)
    async with Simulator(MqttUrl.parse(mosquitto.url), home, report_states=True) as sim, \
            running_hub(settings) as hub:
        sim.announce()
        await wait_for(lambda: len(hub.registry) == len(home), what="demo home discovered")
        # The sensor has a history before the page opens: its chart has points to draw.
        temperature = "sensor.living_room_temperature"
        for value in ("22.5", "22.8"):
            sim._publish("zigbee2mqtt/Living room sensor", f'{{"temperature": {value}}}')
            for _ in range(250):  # history is written in batches: wait until the value is in
                if value in [s.state for s in await hub.store.history(temperature)]:
                    break
                await asyncio.sleep(0.02)
        numeric = [s.state for s in await hub.store.history(temperature)
                   if s.state.replace(".", "", 1).isdigit()]
        assert numeric[-2:] == ["22.5", "22.8"]
        # Every device that has a state has reported one before the page opens (the simulator's
        # first reports race the page otherwise).
        stateless = {"button", "scene", "event", "device_automation", "tag", "notify", "image", "camera"}
        await wait_for(lambda: all(
            (s := hub.get_state(e.entity_id)) is not None and s.state != "unknown"
            for e in hub.registry.entities() if e.component not in stateless), what="every first report")
        async with async_api.async_playwright() as pw:
            browser = await pw.chromium.launch_persistent_context(
                str(tmp_path / "chromium"), executable_path=CHROMIUM, args=ARGS, headless=True,
                locale="en-US", viewport=viewport, has_touch=name == "phone",
            )
            try:
                page = await browser.new_page()
                await page.goto(f"http://{host}:{port}/#token={TOKEN}")
                await page.locator('[data-entity="light.floor_lamp"]').wait_for()
                await async_api.expect(page.locator("#live")).to_have_class("dot on")

                def card(entity_id: str) -> str:
                    return f'[data-entity="{entity_id}"]'

                # Every card that has a state shows it from the start; a button shows none.
                for entity_id in [e.entity_id for e in hub.registry.entities()]:
                    text = await page.locator(f"{card(entity_id)} .state").text_content()
                    assert text and not text.startswith("unknown"), entity_id
                await async_api.expect(
                    page.locator(f"{card('sensor.living_room_humidity')} .state")).to_have_text("45 %")
                await async_api.expect(page.locator(f"{card('button.doorbell')} .state")).to_have_text("–")

                # Each control sends the service the component takes, and the device answers.
                checks = [
                    ("light.floor_lamp", "input.brightness", "40",
                     lambda: any('"brightness": 102' in p for t, p in sim.received
                                 if t == "zigbee2mqtt/Floor lamp/set")),
                    ("light.bedside_lamp", "input.colour", "#ff0000",
                     lambda: ("esphome/bedside/light/rgb/set", "255,0,0") in sim.received),
                    ("climate.bedroom_ac", "input.setpoint", "23.5",
                     lambda: ("home/bedroom/ac/target/set", "23.5") in sim.received),
                    ("water_heater.water_heater", "input.setpoint", "50",
                     lambda: ("home/boiler/temperature/set", "50.0") in sim.received),
                    ("cover.living_room_blinds", "input.position", "30",
                     lambda: ("home/blinds/lr/position/set", "30") in sim.received),
                    ("valve.garden_valve", "input.position", "70",
                     lambda: ("home/garden/valve/set", "70") in sim.received),
                    ("number.desk_height", "input.value", "100",
                     lambda: ("home/desk/height/set", "100") in sim.received),
                ]
                for entity_id, control, value, sent in checks:
                    await _change(page, f"{card(entity_id)} {control}", value)
                    await wait_for(sent, what=f"{entity_id} {control} = {value}")
                await page.select_option(f"{card('select.desk_mode')} select.option", "stand")
                await wait_for(lambda: ("home/desk/mode/set", "stand") in sim.received, what="mode")
                await async_api.expect(page.locator(f"{card('select.desk_mode')} .state")).to_have_text("stand")
                await page.locator(f"{card('button.doorbell')} button.press").click()
                await wait_for(lambda: ("home/doorbell/ring", "PRESS") in sim.received, what="press")
                # Unlocking asks first: dismissed, nothing is sent; accepted, the door opens.
                answers = iter([False, True])
                questions: list[str] = []

                async def on_dialog(dialog: async_api.Dialog) -> None:
                    questions.append(dialog.message)
                    await (dialog.accept() if next(answers) else dialog.dismiss())

                page.on("dialog", on_dialog)
                unlock = page.locator(f"{card('lock.front_door')} button.toggle")
                await unlock.click()
                await wait_for(lambda: len(questions) == 1, what="the first question")
                await asyncio.sleep(0.3)
                assert ("home/lock/front/set", "UNLOCK") not in sim.received
                await unlock.click()
                await wait_for(lambda: ("home/lock/front/set", "UNLOCK") in sim.received, what="unlock")
                assert "sensitive" in questions[0]
                await async_api.expect(page.locator(f"{card('valve.garden_valve')} .state")).to_have_text("open")
                await async_api.expect(
                    page.locator(f"{card('water_heater.water_heater')} input.setpoint")).to_have_value("50")

                # The numeric sensor draws its history, and a new value extends it live.
                chart = page.locator(f"{card('sensor.living_room_temperature')} .chart")
                await async_api.expect(chart).to_have_attribute("data-points", str(len(numeric)))
                sim._publish("zigbee2mqtt/Living room sensor", '{"temperature": 23.0}')
                await async_api.expect(chart).to_have_attribute("data-points", str(len(numeric) + 1))
                points = await chart.locator("polyline").get_attribute("points") or ""
                assert points.count(",") == len(numeric) + 1

                # Nothing is wider than the screen, and the controls are big enough to touch.
                overflow = await page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"
                box = await page.locator(f"{card('cover.living_room_blinds')} input.position").bounding_box()
                assert box is not None and box["width"] >= 120
                await page.screenshot(path=str(ARTIFACTS / f"web-controls-{name}.png"), full_page=True)
            finally:
                await browser.close()

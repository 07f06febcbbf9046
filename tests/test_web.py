"""The web page in a real headless Chromium: live states, a typed command, the understood/done panel.

Needs the `playwright` Python package and a system Chromium (`apt-get install chromium`); Playwright
drives it through `executable_path`, so no browser download is needed. Skipped with the reason when
either is missing (CI installs both).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.broker import MosquittoProcess
from hub.config import MqttUrl
from hub.demo import Simulator, load_home
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

"""Commands in time on a real hub: real Mosquitto, SQLite (and PostgreSQL), the API and the runner.

The NLU is a fixed table (what the model returns is tested in the NLU suites): these tests are
about what the command path and the runner do with the time the sentence said.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.app import Hub
from hub.broker import MosquittoProcess
from hub.commands.schedules import NewJob
from hub.demo import Simulator
from hub.mqtt_url import MqttUrl
from hub.text.when import When
from tests.hubs import Api, hub_settings, running_hub
from tests.mqtt_helpers import Peer, wait_for
from tests.scale_helpers import private_database
from tests.test_api import HOME
from tests.test_textcmd import FakeTable, fake_parser

LAMP = "zigbee2mqtt/Floor lamp/set"
LOCK = "home/lock/front/set"
TABLE: FakeTable = {
    "turn on the floor lamp": ("turn_on", [("name", "floor lamp")]),
    "turn on the kettle": ("turn_on", [("name", "kettle")]),
    "unlock the front door": ("unlock", [("name", "front door")]),
    "打开落地灯": ("turn_on", [("name", "floor lamp")]),
}


@contextlib.asynccontextmanager
async def timed_hub(mosquitto: MosquittoProcess, data: Path, **settings: Any) -> AsyncIterator[tuple[Hub, Api]]:
    """A hub with the demo home discovered and the table NLU."""
    config = hub_settings(data, mosquitto.url, **settings)
    async with Simulator(MqttUrl.parse(mosquitto.url), HOME) as sim:
        sim.announce()
        async with running_hub(config) as hub:
            await wait_for(lambda: len(hub.registry) == len(HOME), what="all entities discovered")
            hub.assistant.parse = fake_parser(TABLE)  # type: ignore[method-assign]
            yield hub, Api(config)


async def say(api: Api, text: str, **extra: Any) -> dict[str, Any]:
    status, body = await api.post("/api/command", {"text": text, **extra})
    assert status == 200, body
    return body  # type: ignore[no-any-return]


@pytest.fixture
def peer(mosquitto: MosquittoProcess) -> Any:
    observer = Peer(mosquitto.port).start()
    observer.subscribe(LAMP)
    observer.subscribe(LOCK)
    observer.subscribe("zigbee2mqtt/Kettle/set")
    yield observer
    observer.stop()


async def test_in_two_seconds_publishes_on_time(mosquitto: MosquittoProcess, tmp_path: Path, peer: Peer) -> None:
    async with timed_hub(mosquitto, tmp_path / "data") as (_hub, api):
        asked = datetime.now(UTC)
        body = await say(api, "turn on the floor lamp in 2 seconds")
        assert body["outcome"] == "scheduled" and body["mqtt"] == []
        assert body["slots"]["time"] == "in 2 seconds" and body["text"] == "turn on the floor lamp in 2 seconds"
        assert body["schedule"]["kind"] == "delay" and body["schedule"]["id"] >= 1
        due = datetime.fromisoformat(body["schedule"]["next_run"])
        assert abs((due - asked).total_seconds() - 2) < 0.5
        assert peer.payloads(LAMP) == []
        await wait_for(lambda: peer.payloads(LAMP), timeout=5, what="the lamp command")
        arrived = datetime.now(UTC)
        assert abs((arrived - due).total_seconds()) <= 1.0, (arrived, due)
        status, jobs = await api.get("/api/schedule?all=true")
        assert status == 200 and jobs[0]["status"] == "done" and jobs[0]["runs"] == 1
        assert jobs[0]["last_outcome"] == "executed"
        await asyncio.sleep(1.0)
        assert len(peer.payloads(LAMP)) == 1  # a one-off runs once


async def test_a_repetition_fires_again_and_stops_when_cancelled_by_voice(
    mosquitto: MosquittoProcess, tmp_path: Path, peer: Peer
) -> None:
    async with timed_hub(mosquitto, tmp_path / "data") as (_hub, api):
        body = await say(api, "turn on the floor lamp every 1 second")
        assert body["outcome"] == "scheduled" and body["schedule"]["repeat"] == "FREQ=SECONDLY;INTERVAL=1"
        await wait_for(lambda: len(peer.payloads(LAMP)) >= 2, timeout=6, what="two runs")
        listed = await say(api, "what's scheduled?")
        assert listed["outcome"] == "answered" and len(listed["schedule"]["jobs"]) == 1
        assert "turn on the floor lamp every 1 second" in listed["answer"]
        cancelled = await say(api, "cancel all timers")
        assert cancelled["outcome"] == "cancelled" and cancelled["schedule"]["cancelled"] == [body["schedule"]["id"]]
        count = len(peer.payloads(LAMP))
        await asyncio.sleep(2.0)
        assert len(peer.payloads(LAMP)) <= count + 1  # at most a run already claimed when cancelled
        status, jobs = await api.get("/api/schedule")
        assert status == 200 and jobs == []


async def test_cancel_by_voice_names_the_one_and_by_api(mosquitto: MosquittoProcess, tmp_path: Path,
                                                        peer: Peer) -> None:
    async with timed_hub(mosquitto, tmp_path / "data") as (_hub, api):
        lamp = await say(api, "turn on the floor lamp at 9:30 pm")
        kettle = await say(api, "turn on the kettle at 9:30 pm")
        chinese = await say(api, "每天早上七点打开落地灯")
        assert [b["outcome"] for b in (lamp, kettle, chinese)] == ["scheduled"] * 3
        assert chinese["schedule"]["repeat"] == "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0"
        assert chinese["slots"]["time"] == "每天早上七点"
        # The lamp at 9:30 only: not the kettle at the same time, not the lamp every morning.
        gone = await say(api, "cancel the floor lamp at 9:30")
        assert gone["outcome"] == "cancelled" and gone["schedule"]["cancelled"] == [lamp["schedule"]["id"]]
        nothing = await say(api, "cancel the sauna timer")
        assert nothing["outcome"] == "rejected" and nothing["schedule"]["cancelled"] == []
        status, jobs = await api.get("/api/schedule")
        assert status == 200 and {j["id"] for j in jobs} == {kettle["schedule"]["id"], chinese["schedule"]["id"]}
        # By the API: 200 once, then 404; unknown ids are 404.
        kettle_id = kettle["schedule"]["id"]
        status, job = await api.request("DELETE", f"/api/schedule/{kettle_id}")
        assert status == 200 and job["status"] == "cancelled"
        assert (await api.request("DELETE", f"/api/schedule/{kettle_id}"))[0] == 404
        assert (await api.request("DELETE", "/api/schedule/999999"))[0] == 404
        assert (await api.request("DELETE", "/api/schedule/abc"))[0] == 404
        unauthorised = Api.__new__(Api)
        unauthorised.base, unauthorised.headers = api.base, {}
        assert (await unauthorised.get("/api/schedule"))[0] == 401
        # Chinese: "取消所有定时" cancels what is left.
        rest = await say(api, "取消所有定时")
        assert rest["outcome"] == "cancelled" and rest["schedule"]["cancelled"] == [chinese["schedule"]["id"]]
        assert (await api.get("/api/schedule"))[1] == []
        assert peer.payloads(LAMP) == [] and peer.payloads("zigbee2mqtt/Kettle/set") == []


async def test_a_run_is_checked_against_the_home_as_it_is_then(mosquitto: MosquittoProcess, tmp_path: Path,
                                                              peer: Peer) -> None:
    async with timed_hub(mosquitto, tmp_path / "data") as (hub, api):
        await asyncio.sleep(1.0)  # the devices' second announcement (the hub's birth message) is in
        body = await say(api, "turn on the floor lamp in 2 seconds")
        assert body["outcome"] == "scheduled"
        lamp = hub.registry.snapshot().get("light.floor_lamp")
        assert lamp is not None
        await asyncio.to_thread(peer.publish, lamp.discovery_topic, b"", 1, True)  # the lamp is removed
        await wait_for(lambda: hub.registry.snapshot().get("light.floor_lamp") is None, what="lamp removed")

        async def finished() -> Any:
            job = await hub.schedule.get(body["schedule"]["id"])
            return job if job is not None and job.status != "pending" else None

        deadline = time.monotonic() + 6
        while (job := await finished()) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert job is not None and (job.status, job.last_outcome) == ("failed", "rejected")
        assert job.last_error is not None and "light.floor_lamp no longer exists" in job.last_error
        assert peer.payloads(LAMP) == []


async def test_dry_run_schedules_and_publishes_nothing(mosquitto: MosquittoProcess, tmp_path: Path,
                                                       peer: Peer) -> None:
    async with timed_hub(mosquitto, tmp_path / "data") as (hub, api):
        body = await say(api, "turn on the floor lamp in 1 second", execute=False)
        assert body["outcome"] == "dry_run" and body["schedule"]["id"] is None
        assert body["schedule"]["kind"] == "delay" and body["actions"][0]["service"] == "light.turn_on"
        plain = await say(api, "turn on the floor lamp", execute=False)
        assert "schedule" not in plain  # a sentence without a time: the object is as before
        await asyncio.sleep(1.5)
        assert peer.payloads(LAMP) == [] and await hub.schedule.jobs() == []


async def test_a_restart_between_ask_and_run_runs_it_once(mosquitto: MosquittoProcess, tmp_path: Path,
                                                          peer: Peer) -> None:
    data = tmp_path / "data"
    async with timed_hub(mosquitto, data) as (_hub, api):
        body = await say(api, "turn on the floor lamp in 2 seconds")
        assert body["outcome"] == "scheduled"
    assert peer.payloads(LAMP) == []
    await asyncio.sleep(2.5)  # its moment passes while no hub runs
    async with timed_hub(mosquitto, data) as (hub, _api):
        await wait_for(lambda: peer.payloads(LAMP), timeout=8, what="the late run")
        await asyncio.sleep(0.5)
        jobs = await hub.schedule.jobs()
        assert [(j.status, j.runs) for j in jobs] == [("done", 1)]
    async with timed_hub(mosquitto, data) as (_hub, _api):  # a third lifetime runs nothing again
        await asyncio.sleep(1.0)
    assert len(peer.payloads(LAMP)) == 1


async def test_a_job_missed_beyond_the_grace_is_reported_not_run(mosquitto: MosquittoProcess, tmp_path: Path,
                                                                 peer: Peer) -> None:
    data = tmp_path / "data"
    async with timed_hub(mosquitto, data, schedule_grace=1.0) as (_hub, api):
        once = await say(api, "turn on the floor lamp in 1 second")
        every = await say(api, "turn on the kettle every 2 seconds")
        assert once["outcome"] == every["outcome"] == "scheduled"
    await asyncio.sleep(4.0)
    async with timed_hub(mosquitto, data, schedule_grace=1.0) as (hub, api):
        await asyncio.sleep(0.5)
        status, jobs = await api.get("/api/schedule?all=true")
        assert status == 200
        by_id = {j["id"]: j for j in jobs}
        assert by_id[once["schedule"]["id"]]["status"] == "missed"
        repeat = by_id[every["schedule"]["id"]]
        assert repeat["status"] == "pending" and repeat["last_outcome"] in ("missed", "executed")
        assert datetime.fromisoformat(repeat["next_run"]) > datetime.now(UTC) - timedelta(seconds=1)
        assert hub.scheduler.missed == 2  # the one-off, and the repetition moved on once
        await say(api, "cancel all timers")
    assert peer.payloads(LAMP) == []


async def test_a_scheduled_unlock_is_confirmed_when_asked_and_runs_without_asking_again(
    mosquitto: MosquittoProcess, tmp_path: Path, peer: Peer
) -> None:
    async with timed_hub(mosquitto, tmp_path / "data") as (hub, api):
        held = await say(api, "unlock the front door in 2 seconds", conversation_id="c1")
        assert held["outcome"] == "needs_confirmation" and held["schedule"]["kind"] == "delay"
        assert await hub.schedule.jobs() == []
        kept = await say(api, "yes", conversation_id="c1")
        assert kept["outcome"] == "scheduled" and kept["schedule"]["id"] >= 1
        jobs = await hub.schedule.jobs()
        assert jobs[0].confirmed and jobs[0].confirmed_by == "api:token"
        assert peer.payloads(LOCK) == []
        await wait_for(lambda: peer.payloads(LOCK) == ["UNLOCK"], timeout=6, what="the confirmed unlock")


async def test_two_instances_on_postgresql_never_both_run_a_job(mosquitto: MosquittoProcess, tmp_path: Path,
                                                                pg_url: str, peer: Peer) -> None:
    async with private_database(pg_url) as db_url, \
            timed_hub(mosquitto, tmp_path / "a", db_url=db_url, client_id="hub-a") as (a, _api_a), \
            timed_hub(mosquitto, tmp_path / "b", db_url=db_url, client_id="hub-b") as (b, _api_b):
        when = When("delay", "in 1 second", datetime.now(UTC) + timedelta(seconds=1), delay=1.0)
        action = {"service": "light.turn_on", "entity_id": ["light.floor_lamp"], "data": {}, "confirm": False}
        ids = [await a.schedule.add(NewJob(f"turn on the floor lamp in 1 second #{i}", "en", (action,), when,
                                           "api", "token")) for i in range(20)]
        a.scheduler.poll = b.scheduler.poll = 0.05  # both look all the time: they race for every job
        await asyncio.sleep(1.2)
        await asyncio.gather(a.scheduler.run_due(), b.scheduler.run_due())
        await wait_for(lambda: len(peer.payloads(LAMP)) >= 20, timeout=10, what="20 runs")
        await asyncio.sleep(1.0)
        assert len(peer.payloads(LAMP)) == 20
        assert a.scheduler.runs + b.scheduler.runs == 20
        jobs = await b.schedule.jobs()
        assert sorted(j.id for j in jobs) == sorted(ids) and {(j.status, j.runs) for j in jobs} == {("done", 1)}


def test_the_runner_claim_is_compare_and_set_on_sqlite(tmp_path: Path) -> None:
    """Two claims of one due run on SQLite: exactly one wins."""
    from hub.store import Store
    from hub.store.schedule import ScheduleStore

    async def main() -> list[bool]:
        async with Store(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}") as store:
            book = ScheduleStore(store.engine)
            when = When("repeat", "every 1 second", datetime.now(UTC), rrule="FREQ=SECONDLY;INTERVAL=1")
            await book.add(NewJob("x", "en", (), when, "api"))
            job = (await book.due(datetime.now(UTC) + timedelta(seconds=1)))[0]
            later = when.first + timedelta(seconds=1)
            return list(await asyncio.gather(*(book.claim(job, later, datetime.now(UTC)) for _ in range(5))))

    started = time.monotonic()
    assert sorted(asyncio.run(main())) == [False, False, False, False, True]
    assert time.monotonic() - started < 30


def test_hub_ask_dry_run_says_what_it_would_schedule(tiny_model: Path, tmp_path: Path) -> None:
    """`hub ask --home`: the time is taken out before the model; `schedule` (id null) says when; a
    sentence without a time prints exactly the keys it did."""
    import json
    import os
    import subprocess
    import sys

    from tests.test_textcmd import data_dir_with_model

    data = data_dir_with_model(tmp_path, tiny_model)
    home = Path(__file__).resolve().parents[1] / "config" / "demo-home.json"
    lines = "turn on the floor lamp in 10 minutes\n每天早上七点打开落地灯\nturn on the floor lamp\n"
    run = subprocess.run([sys.executable, "-m", "hub.cli", "ask", "--home", str(home), "--data-dir", str(data)],
                         input=lines, capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "HUB_TIME_ZONE": "Asia/Shanghai"})
    timed, daily, plain = (json.loads(line) for line in run.stdout.splitlines())
    assert timed["text"] == "turn on the floor lamp in 10 minutes" and timed["slots"]["time"] == "in 10 minutes"
    assert daily["slots"]["time"] == "每天早上七点"
    for obj in (timed, daily):
        if obj["actions"]:  # the tiny model may misread the rest; the time is found either way
            assert obj["schedule"]["id"] is None
    if timed["actions"]:
        assert timed["schedule"]["kind"] == "delay" and timed["schedule"]["next_run"].endswith("+08:00")
    if daily["actions"]:
        assert daily["schedule"]["repeat"] == "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0"
    assert set(plain) == {"text", "lang", "intent", "confidence", "slots", "actions", "query", "answer", "mqtt",
                          "error"}


def test_a_run_cut_by_a_stop_is_marked_failed_not_run_again(tmp_path: Path) -> None:
    from hub.store import Store
    from hub.store.schedule import ScheduleStore

    async def main() -> tuple[int, str, int]:
        async with Store(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}") as store:
            book = ScheduleStore(store.engine)
            when = When("delay", "in 1 second", datetime.now(UTC), delay=1.0)
            job_id = await book.add(NewJob("x", "en", (), when, "api"))
            job = (await book.due(datetime.now(UTC) + timedelta(seconds=1)))[0]
            assert await book.claim(job, None, datetime.now(UTC) - timedelta(hours=1))  # started, then a stop
            marked = await book.interrupted(datetime.now(UTC) - timedelta(minutes=5))
            after = await book.get(job_id)
            assert after is not None
            return marked, after.status, len(await book.due(datetime.now(UTC) + timedelta(days=1)))

    assert asyncio.run(main()) == (1, "failed", 0)


async def test_wyoming_and_hermes_schedule_rather_than_run_now(mosquitto: MosquittoProcess, tmp_path: Path,
                                                               peer: Peer) -> None:
    """Assist gets `handled` for a scheduled command (else HA falls back and runs it at once), and
    Hermes in execute mode schedules it too; neither publishes before it is due."""
    import json
    import uuid

    from wyoming.asr import Transcript
    from wyoming.client import AsyncTcpClient
    from wyoming.handle import Handled

    from hub.broker import free_port
    from hub.wyoming import WyomingServer
    from tests.test_textcmd import listening

    async with timed_hub(mosquitto, tmp_path / "data") as (hub, _api):
        commands = hub.wyoming_commands()
        async with WyomingServer(commands, commands, "127.0.0.1", port := free_port()), \
                AsyncTcpClient("127.0.0.1", port, connect_timeout=5, read_timeout=30) as client:
            context = {"conversation_id": uuid.uuid4().hex}
            await client.write_event(Transcript("turn on the floor lamp in 1 hour", context=context,
                                                language="en").event())
            answer = await client.read_event()
        assert answer is not None and Handled.is_type(answer.type), answer
        assert "Scheduled" in (Handled.from_event(answer).text or "")
        async with hub.hermes(execute=True):
            await listening(peer, "hermes/nlu/query", "hermes/error/nlu", b"probe")
            peer.publish("hermes/nlu/query", json.dumps({"input": "turn on the kettle in 1 hour", "id": "q1",
                                                         "sessionId": "s1"}))
            deadline = time.monotonic() + 10
            while len(await hub.schedule.open_jobs()) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        texts = sorted(j.text for j in await hub.schedule.open_jobs())
        assert texts == ["turn on the floor lamp in 1 hour", "turn on the kettle in 1 hour"]
        assert peer.payloads(LAMP) == [] and peer.payloads("zigbee2mqtt/Kettle/set") == []

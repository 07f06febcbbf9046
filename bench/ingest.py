"""Ingest benchmark: state messages for N entities into the live hub (SQLite by default).

Measured in one run, side by side: `mosquitto_sub` (a C subscriber on the same broker: the
ceiling) and the hub (MQTT → decode → batched commit). Flat out: sustained msg/s until the
last message is committed. Paced at each --rates value: publish→commit lag p50/p99.

    .venv/bin/python bench/ingest.py                      # 1,000 entities, 100k messages flat out
    .venv/bin/python bench/ingest.py --db postgresql+asyncpg://postgres@127.0.0.1/test

The publisher is a separate process (QoS 0; by default pre-encoded packets written to a socket,
so that the load generator does not take a core from the hub; `--publisher paho` for a Python
client); payloads are zigbee2mqtt-style JSON read through a `value_template`, so template
rendering is part of the cost. `--protocol 5` runs the hub on MQTT 5 instead of 3.1.1.
`--smoke` (CI): 50 entities, 2,000 messages flat out and one second at 1,000/s, one run each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.app import Hub  # noqa: E402
from hub.broker import MosquittoProcess  # noqa: E402
from hub.config import MQTT_VERSIONS, load_settings  # noqa: E402
from hub.domain import State  # noqa: E402
from hub.mqtt import Received  # noqa: E402


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        n, digit = divmod(n, 128)
        out.append(digit | 0x80 if n else digit)
        if not n:
            return bytes(out)


def _mqtt_str(text: str) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(2, "big") + raw


def _packet(first_byte: int, body: bytes) -> bytes:
    return bytes([first_byte]) + _varint(len(body)) + body


def raw_publisher(port: int, entities: int, count: int, rate: float, out: str) -> None:
    """Run in a child process: a load generator that costs the machine almost nothing.

    MQTT 3.1.1 QoS 0 PUBLISH packets are encoded before the clock starts and written with
    `sendall` in chunks (100 flat out; paced, as many as are due every millisecond), so the
    2 cores go to the broker and the hub, not to a Python MQTT client's per-message work. A
    bridge such as zigbee2mqtt publishes from its own process or machine; the publisher's cost
    is not the hub's.
    """
    import socket

    sock = socket.create_connection(("127.0.0.1", port))
    connect = _mqtt_str("MQTT") + bytes([4, 2]) + (60).to_bytes(2, "big") + _mqtt_str(f"bench-pub-{os.getpid()}")
    sock.sendall(_packet(0x10, connect))
    connack = sock.recv(4)
    if len(connack) < 4 or connack[0] != 0x20 or connack[3] != 0:
        raise SystemExit(f"publisher: broker refused the connection: {connack!r}")
    packets = [
        _packet(0x30, _mqtt_str(f"bench/sensor{seq % entities}") + f'{{"temperature": {seq}, "battery": 90}}'.encode())
        for seq in range(count)
    ]
    sent = [0.0] * count
    seq = 0
    start = time.time()
    while seq < count:
        if rate > 0:
            now = time.time()
            due = min(count, int((now - start) * rate) + 1)
            if due <= seq:
                time.sleep(max(0.0, start + seq / rate - now))
                continue
            end = due
        else:
            end = min(count, seq + 100)
        now = time.time()
        for i in range(seq, end):
            sent[i] = now
        sock.sendall(b"".join(packets[seq:end]))
        seq = end
    time.sleep(0.5)
    sock.sendall(b"\xe0\x00")  # DISCONNECT
    sock.close()
    Path(out).write_text(json.dumps(sent))


def paho_publisher(port: int, entities: int, count: int, rate: float, out: str) -> None:
    """Run in a child process: the same load through paho (about a core of Python at full speed)."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    sent = [0.0] * count
    start = time.time()
    for seq in range(count):
        if rate > 0:
            due = start + seq / rate
            delay = due - time.time()
            if delay > 0.0005:
                time.sleep(delay)
        sent[seq] = time.time()
        client.publish(f"bench/sensor{seq % entities}", f'{{"temperature": {seq}, "battery": 90}}', qos=0)
    time.sleep(0.5)
    client.loop_stop()
    client.disconnect()
    Path(out).write_text(json.dumps(sent))


PUBLISHERS = {"raw": raw_publisher, "paho": paho_publisher}


def discovery(entities: int) -> dict[str, str]:
    return {
        f"homeassistant/sensor/bench{i}/temperature/config": json.dumps({
            "name": "Temperature", "object_id": f"bench_{i}_temperature", "unique_id": f"bench{i}_t",
            "device_class": "temperature", "unit_of_measurement": "°C",
            "state_topic": f"bench/sensor{i}", "value_template": "{{ value_json.temperature }}",
            "device": {"identifiers": [f"bench{i}"], "name": f"Bench {i}", "suggested_area": f"Room {i % 40}"},
        })
        for i in range(entities)
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_phase(
    hub: Hub, port: int, entities: int, count: int, rate: float, kind: str
) -> dict[str, float]:
    """Publish `count` messages at `rate` (0 = flat out); return hub and mosquitto_sub figures."""
    committed: dict[int, float] = {}

    def on_commit(states: list[State]) -> None:
        now = time.time()
        for s in states:
            with contextlib.suppress(ValueError):
                committed.setdefault(int(float(s.state)), now)

    hub.store.on_commit = on_commit
    received: dict[int, float] = {}

    def on_batch(batch: list[Received]) -> None:  # when the hub's loop gets each message
        now = time.time()
        for m in batch:
            if m.topic.startswith("bench/"):
                received.setdefault(int(m.payload[16:].split(b",", 1)[0]), now)

    assert hub.mqtt is not None
    hub.mqtt.add_handler(on_batch)  # type: ignore[arg-type]
    sub = subprocess.Popen(
        ["mosquitto_sub", "-p", str(port), "-t", "bench/#", "-C", str(count), "-q", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    await asyncio.sleep(0.3)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    t0 = time.time()
    pub = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child-publisher", kind, str(port), str(entities), str(count), str(rate), out
    )
    sub_done: float | None = None
    deadline = time.time() + max(60.0, count / max(rate, 1) * 3 if rate else 120)
    while time.time() < deadline:
        if sub_done is None and sub.poll() is not None:
            sub_done = time.time()
        if len(committed) >= count and sub_done is not None:
            break
        await asyncio.sleep(0.01)
    await pub.wait()
    if sub.poll() is None:
        sub.kill()
    sent = json.loads(Path(out).read_text())
    os.unlink(out)
    hub.store.on_commit = None
    hub.mqtt.remove_handler(on_batch)  # type: ignore[arg-type]
    lags = [(committed[i] - sent[i]) * 1000 for i in range(count) if i in committed]
    arrive = [(received[i] - sent[i]) * 1000 for i in range(count) if i in received]
    store_lag = [(committed[i] - received[i]) * 1000 for i in range(count) if i in committed and i in received]
    last = max(committed.values()) if committed else t0
    return {
        "sent": count,
        "committed": len(committed),
        "hub_msg_s": len(committed) / (last - sent[0]) if committed else 0.0,
        "sub_msg_s": count / (sub_done - sent[0]) if sub_done else 0.0,
        "lag_p50_ms": pct(lags, 0.50),
        "lag_p99_ms": pct(lags, 0.99),
        "arrive_p99_ms": pct(arrive, 0.99),
        "store_p99_ms": pct(store_lag, 0.99),
        "publish_s": sent[-1] - sent[0],
    }


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    broker = MosquittoProcess(workdir=work)
    await broker.start()
    try:
        settings = load_settings(None, environ={}, data_dir=work / "data", mqtt_url=broker.url,
                                 db_url=args.db, removal_grace=3600.0, train_on_start=False,
                                 mqtt_protocol=MQTT_VERSIONS[args.protocol])
        hub = Hub(settings)
        await hub.start()
        import paho.mqtt.publish as publish

        msgs = [{"topic": t, "payload": p, "qos": 1, "retain": True} for t, p in discovery(args.entities).items()]
        await asyncio.to_thread(publish.multiple, msgs, hostname="127.0.0.1", port=broker.port)
        while len(hub.registry) < args.entities:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # subscriptions settle
        db = "PostgreSQL" if args.db and args.db.startswith("postgres") else "SQLite"
        print(f"ingest: {args.entities} entities, {db}, publisher={args.publisher}, "
              f"MQTT {args.protocol}, nproc={os.cpu_count()}, "
              f"load={os.getloadavg()[0]:.2f}")
        print(f"{'phase':<12}{'sent':>8}{'stored':>8}{'hub msg/s':>11}{'mosq_sub msg/s':>16}"
              f"{'hub/sub':>9}{'lag p50 ms':>12}{'lag p99 ms':>12}{'arrive p99':>12}{'commit p99':>12}")
        phases = [("flat out", args.count, 0.0)] + [
            (f"{int(r)}/s", int(r * args.seconds), r) for r in args.rates
        ]
        for name, count, rate in phases:
            runs = [await run_phase(hub, broker.port, args.entities, count, rate, args.publisher) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            ratio = med["hub_msg_s"] / med["sub_msg_s"] if med["sub_msg_s"] else float("nan")
            print(f"{name:<12}{int(med['sent']):>8}{int(med['committed']):>8}{med['hub_msg_s']:>11.0f}"
                  f"{med['sub_msg_s']:>16.0f}{ratio:>9.2f}{med['lag_p50_ms']:>12.1f}{med['lag_p99_ms']:>12.1f}"
                  f"{med['arrive_p99_ms']:>12.1f}{med['store_p99_ms']:>12.1f}")
        await hub.stop()
    finally:
        await broker.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-publisher":
        PUBLISHERS[sys.argv[2]](int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), sys.argv[7])
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--count", type=int, default=100_000, help="messages in the flat-out phase")
    parser.add_argument("--rates", type=float, nargs="*", default=[2000.0, 10000.0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each paced phase")
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; medians are printed")
    parser.add_argument("--publisher", choices=sorted(PUBLISHERS), default="raw",
                        help="load generator: pre-encoded packets on a socket (default) or paho")
    parser.add_argument("--protocol", choices=sorted(MQTT_VERSIONS), default="3.1.1", help="the hub's MQTT version")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: SQLite in a temp dir)")
    parser.add_argument("--smoke", action="store_true", help="CI: tiny sizes, end to end in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.entities, args.count, args.rates, args.seconds, args.repeat = 50, 2000, [1000.0], 1.0, 1
    asyncio.run(main(args))

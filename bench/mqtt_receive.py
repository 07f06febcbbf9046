"""paho-mqtt's receive rate by MQTT version, beside `mosquitto_sub`, with nothing else in the way.

    .venv/bin/python bench/mqtt_receive.py [--count 200000] [--repeat 3]

A private Mosquitto (config/mosquitto.conf); the load generator of bench/ingest.py (pre-encoded
QoS 0 packets written to a socket) sends `--count` messages to 1,000 topics; a subscriber
counts them: paho 2.x on its own network thread (`loop_start`, an `on_message` that counts), as
MQTT 5 and as 3.1.1; aiomqtt (paho driven from the event loop, `async for` over messages; in the
`bench` extra), as MQTT 5 and 3.1.1; and `mosquitto_sub` (C) as the ceiling. Messages per second
from the first to the last message received; medians of `--repeat` runs, interleaved. This is
the measurement behind `hub/mqtt.py`'s choice of paho's own thread. `--smoke` (CI): 2,000
messages, one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.broker import MosquittoProcess  # noqa: E402

INGEST = ROOT / "bench" / "ingest.py"


def _publish(port: int, count: int) -> None:
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name  # noqa: SIM115
    subprocess.run([sys.executable, str(INGEST), "--child-publisher", "raw", str(port), "1000", str(count), "0", out],
                   check=True)
    os.unlink(out)


def paho_rate(port: int, count: int, protocol: int) -> float:
    done = threading.Event()
    first = [0.0]
    seen = [0]

    def on_message(client: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        if seen[0] == 0:
            first[0] = time.perf_counter()
        seen[0] += 1
        if seen[0] >= count:
            done.set()

    version = paho.MQTTv5 if protocol == 5 else paho.MQTTv311
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"recv-{protocol}", protocol=version)
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe("bench/#", 1)
    client.loop_start()
    time.sleep(0.5)
    _publish(port, count)
    done.wait(120)
    rate = seen[0] / (time.perf_counter() - first[0])
    client.disconnect()
    client.loop_stop()
    return rate if seen[0] >= count else float("nan")


async def aiomqtt_rate(port: int, count: int, protocol: int) -> float:
    import aiomqtt

    version = aiomqtt.ProtocolVersion.V5 if protocol == 5 else aiomqtt.ProtocolVersion.V311
    seen = 0
    first = 0.0
    async with aiomqtt.Client("127.0.0.1", port, identifier=f"aio-{protocol}", protocol=version,
                              max_queued_incoming_messages=0) as client:
        await client.subscribe("bench/#", qos=1)
        await asyncio.sleep(0.5)
        publisher = asyncio.create_task(asyncio.to_thread(_publish, port, count))
        async with asyncio.timeout(120):
            async for _ in client.messages:
                if seen == 0:
                    first = time.perf_counter()
                seen += 1
                if seen >= count:
                    break
        rate = seen / (time.perf_counter() - first)
        await publisher
    return rate


def mosquitto_sub_rate(port: int, count: int) -> float:
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(port), "-t", "bench/#", "-C", str(count), "-q", "1"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    assert sub.stdout is not None
    thread = threading.Thread(target=_publish, args=(port, count))
    thread.start()
    sub.stdout.readline()
    started = time.perf_counter()
    for _ in sub.stdout:
        pass
    sub.wait()
    thread.join()
    return (count - 1) / (time.perf_counter() - started)


async def main(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="hub-recv-"))
    broker = MosquittoProcess(workdir=work)
    await broker.start()
    try:
        print(f"receive: {args.count} messages to 1,000 topics, nproc={os.cpu_count()}, "
              f"load={os.getloadavg()[0]:.2f}; msg/s, median of {args.repeat}")
        names = ["mosquitto_sub", "paho MQTT 5", "paho MQTT 3.1.1", "aiomqtt MQTT 5", "aiomqtt MQTT 3.1.1"]
        results: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.repeat):
            results["mosquitto_sub"].append(await asyncio.to_thread(mosquitto_sub_rate, broker.port, args.count))
            results["paho MQTT 5"].append(await asyncio.to_thread(paho_rate, broker.port, args.count, 5))
            results["paho MQTT 3.1.1"].append(await asyncio.to_thread(paho_rate, broker.port, args.count, 4))
            results["aiomqtt MQTT 5"].append(await aiomqtt_rate(broker.port, args.count, 5))
            results["aiomqtt MQTT 3.1.1"].append(await aiomqtt_rate(broker.port, args.count, 4))
        v5 = statistics.median(results["paho MQTT 5"])
        for name, runs in results.items():
            med = statistics.median(runs)
            print(f"  {name:19s} {med:>9,.0f}   ×{med / v5:4.2f} of MQTT 5   (runs: {', '.join(f'{r:,.0f}' for r in runs)})")
    finally:
        await broker.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="CI: 2,000 messages, one run")
    args = parser.parse_args()
    if args.smoke:
        args.count, args.repeat = 2000, 1
    asyncio.run(main(args))

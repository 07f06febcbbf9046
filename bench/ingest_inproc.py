"""In-process ingest probe: state messages through `Hub._on_messages` with a real SQLite store.

    .venv/bin/python bench/ingest_inproc.py [--profile] [--smoke]

No broker and no publisher: 1,000 zigbee2mqtt-style sensors, 50,000 messages in batches of 500
as the MQTT client would hand them to the loop, then a flush (`--smoke`: 100 sensors, 2,000
messages, for CI). Separates the hub's own cost
(decode, state tracking, batched writes) from the network and the machine's other load, which
dominate bench/ingest.py's run-to-run variance.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.app import Hub  # noqa: E402
from hub.config import load_settings  # noqa: E402
from hub.discovery import parse_discovery  # noqa: E402
from hub.mqtt import Received  # noqa: E402


async def main(profile: bool, entities: int, messages: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="hub-inproc-"))
    settings = load_settings(None, environ={}, data_dir=work, mqtt_url="mqtt://127.0.0.1:1", zeroconf=False,
                             train_on_start=False)
    hub = Hub(settings)
    await hub.store.start()
    for i in range(entities):
        config = json.dumps({
            "name": "T", "object_id": f"b{i}", "unique_id": f"b{i}", "device_class": "temperature",
            "state_topic": f"bench/sensor{i}", "value_template": "{{ value_json.temperature }}",
            "device": {"identifiers": [f"b{i}"], "name": f"B {i}"},
        })
        for update in parse_discovery(f"homeassistant/sensor/b{i}/config", config):
            hub.registry.apply([update])
            hub.tracker.track(update)  # type: ignore[arg-type]
    batch = [Received(f"bench/sensor{n % entities}", f'{{"temperature": {n}, "battery": 90}}'.encode(), False, 0, 0.0)
             for n in range(messages)]
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(0, len(batch), 500):
        hub.ingest.on_messages(batch[i : i + 500])
    if profiler:
        profiler.disable()
    t1 = time.perf_counter()
    await hub.store.flush()
    t2 = time.perf_counter()
    stored = await hub.store.count("state_history")
    if stored != messages:
        raise SystemExit(f"stored {stored} of {messages} messages")
    print(f"{entities} entities, {messages} messages, all stored; ", end="")
    print(f"handled {len(batch) / (t1 - t0):,.0f} msg/s; flush {t2 - t1:.2f} s; "
          f"end to end {len(batch) / (t2 - t0):,.0f} msg/s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
    await hub.store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 20 (cumulative)")
    parser.add_argument("--smoke", action="store_true", help="CI: 100 sensors, 2,000 messages")
    args = parser.parse_args()
    asyncio.run(main(args.profile, 100 if args.smoke else 1000, 2000 if args.smoke else 50_000))

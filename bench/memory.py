"""Resident memory of `hub run`, as a user runs it: without a model, and with the model loaded.

    .venv/bin/python bench/memory.py                      # model from data/models/default
    .venv/bin/python bench/memory.py --model /tmp/m --commands 50

Each case starts `python -m hub.cli run` in a child process (embedded broker, no zeroconf), waits
for `/health` to report the model loaded, sends `--commands` sentences through `POST /api/command`
(dry runs), then reads the child's `VmRSS` (now) and `VmHWM` (its peak) from /proc. The hub
without a model is the peer: the difference is what the model costs. The issue's target is RSS
≤ 500 MB with the model loaded.

`--smoke` (CI): the model named by `HUB_BENCH_MODEL` (a tiny one), 3 commands.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ["turn on the kitchen light", "把卧室空调调到26度", "is the front door locked",
             "dim the living room lamp", "打開客廳燈"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def get(url: str, token: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {token}",
                                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as err:  # /health answers 503 while degraded: still a body
        return dict(json.loads(err.read()))


def measure(model: Path | None, commands: int, timeout: float) -> tuple[int, int]:
    """(VmRSS, VmHWM) in MiB of a `hub run` with `model` (None: no model) after `commands` commands."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        (data / "models").mkdir(parents=True)
        if model is not None:
            os.symlink(model, data / "models" / "default")
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HUB_DATA_DIR": str(data), "HUB_HTTP": f"127.0.0.1:{port}",
               "HUB_TOKEN": "bench", "HUB_ZEROCONF": "false", "HUB_TRAIN_ON_START": "false",
               "HUB_LOG_LEVEL": "warning"}
        proc = subprocess.Popen([sys.executable, "-m", "hub.cli", "run"], env=env, cwd=tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"hub run exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
                try:
                    health = get(base + "/health", "bench")
                    nlu = health.get("nlu")
                    ready = isinstance(nlu, dict) and nlu.get("state") == "ready"
                    if health.get("state") == "running" and (model is None or ready):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("hub run did not become ready in time")
                time.sleep(0.2)
            for i in range(commands):
                get(base + "/api/command", "bench", {"text": SENTENCES[i % len(SENTENCES)], "execute": False})
            return status_kb(proc.pid, "VmRSS") // 1024, status_kb(proc.pid, "VmHWM") // 1024
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="model artifact (default: data/models/default)")
    ap.add_argument("--commands", type=int, default=20, help="sentences sent before reading the RSS")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the hub to be ready")
    ap.add_argument("--smoke", action="store_true", help="CI: HUB_BENCH_MODEL, 3 commands")
    args = ap.parse_args()
    if args.smoke:
        args.model, args.commands = Path(os.environ["HUB_BENCH_MODEL"]), 3
    model = (args.model or ROOT / "data" / "models" / "default").resolve()
    if not (model / "model.safetensors").exists():
        print(f"no model in {model}", file=sys.stderr)
        return 2
    print(f"{'hub run':<22} {'RSS MiB':>8} {'peak MiB':>9}")
    for name, path in (("without a model", None), (f"with {model.name}", model)):
        rss, peak = measure(path, args.commands if path else 0, args.timeout)
        print(f"{name:<22} {rss:>8} {peak:>9}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

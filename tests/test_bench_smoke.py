"""Every benchmark in bench/ runs end to end in its `--smoke` mode, so none can rot unnoticed.

Each script is found by glob (a new one without a smoke mode fails here) and run as a user
would, `python bench/X.py --smoke`, in a child process: against a private Mosquitto, SQLite or
PostgreSQL as the script itself starts them, with tiny sizes. Scripts that need a trained model
read `HUB_BENCH_MODEL` (the tiny model here). `make bench-smoke` runs only this file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "bench").glob("*.py"))
TIMEOUT = 240

SCORER = ROOT.parent / "shared" / "contract" / "score.py"
"""The contract's scorer that bench/ask_cases.py judges with (CI lays shared/ beside the clone)."""
NEEDS_PG = {"scale.py", "store_write.py"}
"""Scripts whose smoke mode measures PostgreSQL too (HUB_TEST_PG_URL)."""
EXPECT = {
    "ask_cases.py": [r"^en: \d+/\d+ right", r"^zh: \d+/\d+ right", r"out-of-scope cases that produced actions"],
    "encoders.py": [r"^\| en/sentences \| [\d.]+ / [\d.]+ \| [\d.]+ / [\d.]+ \|", r"^\| parse p50 / p99 ms \|"],
    "command_latency.py": [r"handle_text\s+executed", r"POST /api/command\s+executed", r"hub ask --home: \d+ sentences"],
    "ingest.py": [r"^flat out\s+\d+\s+\d+", r"^1000/s\s+\d+"],
    "ingest_inproc.py": [r"handled [\d,]+ msg/s"],
    "memory.py": [r"^without a model\s+\d+\s+\d+", r"^with \S+\s+\d+\s+\d+"],
    "mqtt_receive.py": [r"mosquitto_sub\s+[\d,]+", r"paho MQTT 3\.1\.1\s+[\d,]+", r"aiomqtt MQTT 5\s+[\d,]+"],
    "nlu.py": [r"^fp32\s+en/sentences", r"^int8\s", r"^hassil\s+en/sentences\s+\d", r"^time slot\s"],
    "time_slots.py": [r"^\s+en\s+\d+\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+", r"zh, with a time\s+[\d.]+"],
    "scale.py": [r"in the registry after", r"^\s+\d+ +[\d.]+ / +[\d.]+", r"2 instances, PostgreSQL\s+(\d+)/\1\s"],
    "store_write.py": [r"^sqlite\s+upsert only", r"^postgresql\s+upsert \+ history", r"busy thread\s+json_each"],
}
"""What each script must print (regexes, multiline); a script not listed must print something."""


def test_every_script_is_found() -> None:
    """The glob sees bench/ (a moved folder would make every smoke test vanish silently)."""
    assert {"ingest.py", "scale.py", "nlu.py"} <= {s.name for s in SCRIPTS}


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bench_script_runs_in_smoke_mode(script: Path, tiny_model: Path, request: pytest.FixtureRequest) -> None:
    """`python bench/<script> --smoke` exits 0 within the timeout and prints its figures."""
    assert "--smoke" in script.read_text("utf-8"), f"{script.name} has no --smoke mode (every bench script needs one)"
    if script.name == "ask_cases.py" and not SCORER.exists():
        pytest.skip("shared/contract is not beside the checkout (bench/ask_cases.py judges with its scorer)")
    env = {**os.environ, "HUB_BENCH_MODEL": str(tiny_model), "PYTHONPATH": str(ROOT)}
    if script.name in NEEDS_PG:
        env["HUB_TEST_PG_URL"] = request.getfixturevalue("pg_url")
    proc = subprocess.run([sys.executable, str(script), "--smoke"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)  # fmt: skip
    shown = f"exit {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
    assert proc.returncode == 0, shown
    assert proc.stdout.strip(), shown
    for pattern in EXPECT.get(script.name, []):
        assert re.search(pattern, proc.stdout, re.M), f"{pattern!r} not in the output\n{shown}"

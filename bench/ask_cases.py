"""End-to-end accuracy of `hub ask --home` on the project's held-out cases, and its throughput.

For each `tests/cases/cases_<set>.yaml` (en, zh, zh-Hant: the Chinese cases in Traditional
characters, en-families, zh-families, zh-Hant-families: issue 13's phrasing families) it pipes
every case's text into `hub ask --home tests/cases/home_<set>.json` (zh-Hant* use the Simplified
set's home; the default model from the data dir), judges each
answer with the contract's scorer (`../shared/contract/score.py`, the rules outside checks use)
and prints per-language accuracy, how many out-of-scope cases produced actions, and lines/s.

    .venv/bin/python bench/ask_cases.py [--data-dir DIR] [--show] [--scorer PATH]

`--smoke` (CI): the first 8 cases per language, the model named by `HUB_BENCH_MODEL` (a tiny
one), and exit 0 whatever that model gets wrong: it checks that the benchmark runs, not the model.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"


def load_scorer(path: Path) -> ModuleType:
    """Import the contract's score.py as a module (its `judge` is the rule book)."""
    spec = importlib.util.spec_from_file_location("contract_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def home_for(home: Path) -> Path:
    """`home_<set>.json`, or the home it shares: cases_zh-Hant*.yaml are the Traditional versions
    of other cases, run against the same (Simplified-named) home."""
    lang = home.stem.removeprefix("home_")
    names = (home.name, f"home_{lang.replace('-Hant', '')}.json", f"home_{lang.split('-')[0]}.json")
    return next((home.with_name(n) for n in names if home.with_name(n).exists()), home)


def run_ask(home: Path, texts: list[str], data_dir: Path | None) -> tuple[list[dict[str, Any]], float, int]:
    """Answers of `hub ask --home` for `texts`, the wall time and the exit status."""
    cmd = [sys.executable, "-m", "hub.cli", "ask", "--home", str(home_for(home))]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, input="".join(t + "\n" for t in texts), capture_output=True, text=True,
                          cwd=ROOT, timeout=1800)  # fmt: skip
    wall = time.perf_counter() - started
    if proc.returncode:
        print(proc.stderr[-2000:], file=sys.stderr)
    outs = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return outs, wall, proc.returncode


def main(argv: list[str] | None = None) -> int:
    """Score every case file; exit 1 when an out-of-scope case produced actions."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, help="data dir holding models/default (default: hub's)")
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "contract" / "score.py")
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--smoke", action="store_true", help="CI: 8 cases per language, model from HUB_BENCH_MODEL")
    args = ap.parse_args(argv)
    if args.smoke and os.environ.get("HUB_BENCH_MODEL"):
        args.data_dir = Path(tempfile.mkdtemp(prefix="ask-cases-"))
        (args.data_dir / "models").mkdir()
        (args.data_dir / "models" / "default").symlink_to(Path(os.environ["HUB_BENCH_MODEL"]).resolve())
    scorer = load_scorer(args.scorer)
    leaks = 0
    wrong = 0  # cases that acted, but not as expected (a confident wrong action)
    for cases_path in sorted(CASES.glob("cases_*.yaml")):
        lang = cases_path.stem.split("_", 1)[1]
        cases = yaml.safe_load(cases_path.read_text("utf-8"))[: 8 if args.smoke else None]
        outs, wall, status = run_ask(CASES / f"home_{lang}.json", [c["text"] for c in cases], args.data_dir)
        by_text = {o.get("text"): o for o in outs}
        good = 0
        for case in cases:
            out = by_text.get(case["text"])
            ok, why = scorer.judge(case, out)
            good += ok
            if "expect" in case and not case["expect"] and out and out.get("actions"):
                leaks += 1
            elif out and out.get("actions") and not ok:
                wrong += 1
                print(f"WRONG ACTION [{lang}] {case['text']!r}: {why}")
            if args.show and not ok:
                got = out and {k: out.get(k) for k in ("intent", "slots", "error")}
                print(f"MISS [{lang}] {case['text']!r}: {why} | {json.dumps(got, ensure_ascii=False)}")
        print(f"{lang}: {good}/{len(cases)} right ({good / len(cases):.1%}); {len(outs)} answers, "
              f"exit {status}, {wall:.1f}s wall, {len(cases) / wall:.1f} lines/s (model load included)")  # fmt: skip
    print(f"cases that acted wrongly (actions, but not the expected ones): {wrong}")
    print(f"out-of-scope cases that produced actions: {leaks}")
    return 1 if leaks and not args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())

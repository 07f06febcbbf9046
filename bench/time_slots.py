"""The time slot (issue 15): held-out sentences with times, scored; and what finding a time costs.

    .venv/bin/python bench/time_slots.py                 # extractor only, plus its cost per sentence
    .venv/bin/python bench/time_slots.py --model DIR     # also the intent of the rest, by the model
    .venv/bin/python bench/time_slots.py --smoke         # CI: model from HUB_BENCH_MODEL, few timings

`intents/heldout/time/{en,zh}.yaml` are hand-written (never trained on, not the unit tests'
sentences); each names the time text to find and its normalised value at a fixed `now`.
Reported per language: time text exact match, value exact match (kind, first run, RRULE), no
false times, and (with a model) intent accuracy on the sentence without its time words.
`bench/nlu.py` prints the same table after its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout

from hub.text.when import extract  # noqa: E402

HELDOUT = ROOT / "intents" / "heldout" / "time"


def load(lang: str, root: Path = HELDOUT) -> tuple[datetime, list[dict[str, Any]]]:
    data = yaml.safe_load((root / f"{lang}.yaml").read_text("utf-8"))
    zone = ZoneInfo(data["zone"])
    return datetime.fromisoformat(data["now"]).astimezone(zone), list(data["sentences"])


def score(lang: str, parser: Any = None, root: Path = HELDOUT) -> dict[str, Any]:
    """Counts for one language's held-out time sentences."""
    now, cases = load(lang, root)
    timed = [c for c in cases if c.get("time")]
    text_ok = value_ok = false_times = intent_ok = 0
    misses: list[str] = []
    for case in cases:
        found = extract(case["text"], lang, now)
        if not case.get("time"):
            false_times += found is not None
            rest = case["text"]
        else:
            got_text = found.when.text if found else None
            text_ok += got_text == case["time"]
            value = (found.when.kind, found.when.first.isoformat(), found.when.rrule) if found else None
            want = (case["kind"], case["at"], case.get("repeat"))
            value_ok += value == want
            if got_text != case["time"] or value != want:
                misses.append(f"{case['text']!r}: got {got_text!r} {value}, want {case['time']!r} {want}")
            rest = found.rest if found else case["text"]
        if parser is not None:
            intent_ok += parser.parse(rest, lang).intent == case["intent"]
    return {"sentences": len(cases), "timed": len(timed), "text": text_ok, "value": value_ok,
            "false": false_times, "intent": intent_ok if parser is not None else None, "misses": misses}


def time_report(parser: Any = None, root: Path = HELDOUT, show: bool = False) -> str:
    """The table `bench/nlu.py` prints: per language, the time slot's exact match."""
    lines = [f"{'time slot':<10}{'set':<6}{'timed':>6}{'text EM':>9}{'value EM':>10}{'false':>7}{'intent':>8}"]
    for lang in ("en", "zh"):
        s = score(lang, parser, root)
        intent = f"{s['intent'] / s['sentences']:.3f}" if s["intent"] is not None else "-"
        lines.append(f"{'':<10}{lang:<6}{s['timed']:>6}{s['text'] / s['timed']:>9.3f}"
                     f"{s['value'] / s['timed']:>10.3f}{s['false']:>7}{intent:>8}")
        if show:
            lines += [f"  MISS {m}" for m in s["misses"]]
    return "\n".join(lines)


def cost(repeats: int) -> str:
    """Microseconds per `extract` call: median of `repeats` rounds over each sentence set."""
    now = datetime(2026, 12, 5, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    sets = {
        "en, no time word": ["turn on the kitchen lights", "set the bedroom light to 30 percent",
                             "close the living room blinds", "what's the temperature in the kitchen"],
        "en, with a time": ["turn off the bedroom light at nine thirty pm", "open the curtains every weekday at 7",
                            "turn the heating down in an hour", "turn on the coffee maker tomorrow at 6:45"],
        "zh, no time word": ["打开客厅的灯", "把空调调到二十六度", "关掉卧室的灯", "把灯调暗一点"],
        "zh, with a time": ["十分钟后关掉客厅的灯", "每天早上七点打开窗帘", "明天早上六点半打开咖啡机", "晚上十点关掉所有的灯"],
    }
    lines = [f"extract() cost, median of {repeats} rounds (µs per sentence):"]
    for name, sentences in sets.items():
        rounds = []
        for _ in range(repeats):
            start = time.perf_counter()
            for sentence in sentences:
                extract(sentence, "auto", now)
            rounds.append((time.perf_counter() - start) / len(sentences) * 1e6)
        lines.append(f"  {name:<18}{statistics.median(rounds):>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="artifact dir: also score the intent of the rest")
    ap.add_argument("--repeats", type=int, default=2000, help="timing rounds")
    ap.add_argument("--show", action="store_true", help="print the misses")
    ap.add_argument("--smoke", action="store_true", help="CI: model from HUB_BENCH_MODEL, 50 timing rounds")
    args = ap.parse_args(argv)
    if args.smoke:
        args.repeats = 50
        args.model = args.model or (Path(os.environ["HUB_BENCH_MODEL"]) if os.environ.get("HUB_BENCH_MODEL")
                                    else None)
    parser = None
    if args.model is not None:
        from hub.nlu.infer import Parser

        parser = Parser.load(args.model)
    print(time_report(parser, show=args.show))
    print(cost(args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""NLU benchmark: parse latency (fp32 vs int8, one thread) and held-out accuracy, side by side
with hassil + home-assistant-intents (Home Assistant's template matcher) on the same sentences.

    .venv/bin/python bench/nlu.py                      # data/models/default
    .venv/bin/python bench/nlu.py --model /tmp/m --no-hassil

Sets: en/zh templates and hand-written sentences, */families (issue 13's phrasing families,
hand-written), zh-Hant/* (the Chinese sentences in Traditional characters; hassil reads them with
HA's zh-TW templates); with `--ha-tests` also */ha-tests: a subset of Home Assistant's own test
sentences (intents/heldout/ha/, CC BY 4.0), scored on intent only (their slots are HA's entity
ids, not surface text); hassil passes most of them by construction.

hassil gets generous help: the held-out sentences' own names and areas as its entity lists,
and unmatched entities allowed. Its HA intents are mapped onto ours (`HA_TO_OURS`); those with
no counterpart (timers, media, weather…) count as "none".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from hub.nlu.artifact import model_dir
from hub.nlu.commands import default_data_dir
from hub.nlu.data import Example, bio_entities, intents_root, load_ha_tests_file, make_example
from hub.nlu.evaluate import evaluate_parser, heldout_sets
from hub.nlu.infer import Parser

HA_TO_OURS = {
    "HassTurnOn": "turn_on", "HassTurnOff": "turn_off", "HassToggle": "toggle",
    "HassClimateSetTemperature": "set_temperature", "HassGetState": "get_state",
    "HassClimateGetTemperature": "get_state", "HassSetPosition": "set_position",
    "HassFanSetSpeed": "set_fan_speed", "HassVacuumStart": "vacuum_start",
    "HassVacuumReturnToBase": "vacuum_return", "HassStopMoving": "stop",
}  # fmt: skip
HA_LANG = {"en": "en", "zh": "zh-CN", "zh-Hant": "zh-TW"}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def time_calls(fn: Callable[[Example], Any], examples: Sequence[Example]) -> list[float]:
    """Milliseconds per call, one sentence at a time."""
    for ex in examples[:5]:
        fn(ex)
    out = []
    for ex in examples:
        start = time.perf_counter()
        fn(ex)
        out.append((time.perf_counter() - start) * 1000)
    return out


def map_ha(result: Any) -> str:
    """Our intent for a hassil result (HassTurnOn on a cover is `open`, on a lock `lock`…)."""
    if result is None:
        return "none"
    name = result.intent.name
    slots = {k: str(v.value) for k, v in result.entities.items()}
    domain = slots.get("domain", "")
    if name == "HassLightSet":
        if "brightness" in slots:
            return "set_brightness"
        return "set_color" if "color" in slots else "set_color_temp"
    if name in ("HassTurnOn", "HassTurnOff") and domain in ("cover", "lock"):
        on = name == "HassTurnOn"
        return {"cover": ("open", "close"), "lock": ("lock", "unlock")}[domain][0 if on else 1]
    return HA_TO_OURS.get(name, "none")


def hassil_runner(lang: str, examples: Sequence[Example]) -> Callable[[Example], str]:
    from hassil import Intents, SlotList, TextSlotList, recognize_best
    from home_assistant_intents import get_intents

    intents = Intents.from_dict(get_intents(HA_LANG[lang]) or {})
    names: set[str] = set()
    areas: set[str] = set()
    for ex in examples:
        for slot, a, b in bio_entities(ex.tags):
            text = ex.text[ex.words[a][1] : ex.words[b][2]]
            (names if slot == "name" else areas if slot == "area" else set()).add(text)
    lists: dict[str, SlotList] = {
        "name": TextSlotList.from_strings(sorted(names) or ["-"]),
        "area": TextSlotList.from_strings(sorted(areas) or ["-"]),
        "floor": TextSlotList.from_strings(["-"]),
    }

    def run(ex: Example) -> str:
        try:
            found = recognize_best(ex.text, intents, slot_lists=lists, allow_unmatched_entities=True)
        except Exception:  # a list HA's templates need and we do not have: no match
            return "none"
        return map_ha(found)

    return run


def cjk_ablation(intents: Path | None, per_intent: int) -> int:
    """Train two short zh-only runs, with and without the CJK vocabulary, and score zh held-out."""
    import tempfile

    from hub.nlu.train import load_recipe, train

    sets = heldout_sets(intents, per_intent=per_intent, langs=["zh"])
    print(f"{'cjk_vocab':<10}{'set':<16}{'intent':>8}{'slot F1':>9}{'exact':>8}{'train s':>9}")
    for cjk in (False, True):
        recipe = load_recipe("default")
        recipe.langs, recipe.n_per_intent, recipe.epochs = ["zh"], {"zh": 60}, 2
        recipe.cjk_vocab = cjk
        with tempfile.TemporaryDirectory() as tmp:
            metrics = train(recipe, Path(tmp) / "m", intents_root=intents, progress=False,
                            evaluate=False, log=lambda _: None)  # fmt: skip
            scores = evaluate_parser(Parser.load(Path(tmp) / "m"), sets)
        for name, r in scores.items():
            print(f"{cjk!s:<10}{name:<16}{r['intent_acc']:>8.3f}{r['slot_f1']:>9.3f}"
                  f"{r['exact_match']:>8.3f}{metrics['train_seconds']:>9.0f}")  # fmt: skip
    return 0


def ha_test_sets(intents: Path | None) -> dict[str, list[Example]]:
    """Home Assistant's own test sentences (intents/heldout/ha/<lang>/), intent only."""
    sets: dict[str, list[Example]] = {}
    for lang in ("en", "zh"):
        pairs = [p for path in sorted((intents_root(intents) / "heldout" / "ha" / lang).glob("*.yaml"))
                 for p in load_ha_tests_file(path)]  # fmt: skip
        if pairs:
            sets[f"{lang}/ha-tests"] = [make_example(text, lang, intent, ()) for text, intent in pairs]
    return sets


def _parse(parser: Parser, ex: Example) -> Any:
    return parser.parse(ex.text, ex.lang)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="artifact dir (default: <data dir>/models/default)")
    ap.add_argument("--no-hassil", action="store_true")
    ap.add_argument("--no-convert", action="store_true",
                    help="ablation: feed Traditional Chinese to the model as it is (no OpenCC t2s)")  # fmt: skip
    ap.add_argument("--per-intent", type=int, default=30, help="held-out template examples per intent")
    ap.add_argument("--intents", type=Path, help="intents/ folder (default: the shipped one)")
    ap.add_argument("--cjk-ablation", action="store_true",
                    help="instead: zh held-out with and without the CJK vocabulary (2 short runs)")  # fmt: skip
    ap.add_argument("--ha-tests", action="store_true",
                    help="also score Home Assistant's own test sentences (intents/heldout/ha/, intent only)")
    ap.add_argument("--smoke", action="store_true", help="CI: 20 sentences per set, model from HUB_BENCH_MODEL")
    args = ap.parse_args(argv)
    if args.smoke:
        args.per_intent, args.model = 2, args.model or (Path(os.environ["HUB_BENCH_MODEL"]) if os.environ.get("HUB_BENCH_MODEL") else None)
    if args.cjk_ablation:
        return cjk_ablation(args.intents, args.per_intent)
    path = args.model or model_dir(default_data_dir())
    torch.set_num_threads(1)
    if args.no_convert:
        import hub.nlu.infer

        setattr(hub.nlu.infer, "to_simplified", lambda text: text)  # noqa: B010
    sets = heldout_sets(args.intents, per_intent=args.per_intent)
    if not sets:
        print("no held-out data under intents/heldout", file=sys.stderr)
        return 1
    if args.ha_tests:
        sets.update(ha_test_sets(args.intents))
    if args.smoke:
        sets = {name: examples[:20] for name, examples in sets.items()}
    rows: list[tuple[str, str, float, float, float, float]] = []
    for label, quantize in (("fp32", False), ("int8", True)):
        parser = Parser.load(path, quantize=quantize)
        scores = evaluate_parser(parser, sets)
        for name, examples in sets.items():
            ms = time_calls(partial(_parse, parser), examples)
            s = scores[name]
            f1 = float("nan") if name.endswith("/ha-tests") else s["slot_f1"]
            rows.append((label, name, s["intent_acc"], f1, percentile(ms, 50), percentile(ms, 99)))
    if not args.no_hassil:
        for name, examples in sets.items():
            run = hassil_runner(name.split("/")[0] if "-Hant" in name else examples[0].lang, examples)
            ms = time_calls(run, examples)
            preds = [run(ex) for ex in examples]
            acc = sum(p == ex.intent for p, ex in zip(preds, examples, strict=True)) / len(examples)
            rows.append(("hassil", name, acc, float("nan"), percentile(ms, 50), percentile(ms, 99)))
    print(f"model: {path}   torch threads: 1   sets: " + ", ".join(f"{k}={len(v)}" for k, v in sets.items()))
    print(f"{'engine':<8}{'set':<16}{'intent':>8}{'slot F1':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for engine, name, acc, f1, p50, p99 in rows:
        print(f"{engine:<8}{name:<16}{acc:>8.3f}{f1:>9.3f}{p50:>9.2f}{p99:>9.2f}")
    from time_slots import time_report  # bench/time_slots.py: the time slot (issue 15)

    print(time_report(Parser.load(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

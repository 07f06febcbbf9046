"""CLI handlers: `hub train`, `hub eval`, `hub parse`.

`register(subparsers)` adds the three subcommands to the hub's argparse parser; each sets
`handler` (a function `(args) -> int`, the exit status) with `set_defaults`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hub.errors import ModelNotFoundError

ExtraValues = Callable[[Path], Mapping[str, Sequence[str]]]


def default_data_dir() -> Path:
    """The data dir from the settings (`HUB_DATA_DIR`, hub.yaml), else ./data."""
    from hub.config import load_settings

    return load_settings().data_dir


def home_slot_values(path: Path) -> dict[str, list[str]]:
    """Friendly names and areas of a home file (discovery topic → payload JSON), for per-home training.

    Read through the discovery parser, so abbreviations, device-based discovery and HA's naming
    rules apply exactly as in the running hub.

    Raises:
        ValueError: The file cannot be read or is not a JSON object.
    """
    from hub.ask import load_home

    entities = load_home(path).entities.values()
    return {"name": sorted({e.name for e in entities}), "area": sorted({e.area for e in entities if e.area})}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=None,
        help="data dir holding models/<name>/ (default: $HUB_DATA_DIR or ./data)",
    )  # fmt: skip
    parser.add_argument("--model", default="default", help="artifact name (default: default)")


def register(subparsers: Any, extra_slot_values: ExtraValues = home_slot_values) -> None:
    """Add `train`, `eval` and `parse` to an argparse subparsers object.

    Args:
        subparsers: What `ArgumentParser.add_subparsers()` returned.
        extra_slot_values: Reads a `--home FILE` into slot values ("name", "area" lists).
    """
    fmt = argparse.RawDescriptionHelpFormatter
    train = subparsers.add_parser(
        "train", help="train the NLU model (about 5 minutes on 2 cores)", formatter_class=fmt,
        description="Fine-tune the intent+slot model on intents/ and write it to the data dir.",
        epilog="examples:\n  hub train\n  hub train --recipe tiny --data-dir /tmp/hub\n"
        "  hub train --home home.json     # mix this home's device names and areas in",
    )  # fmt: skip
    _common(train)
    train.add_argument("--recipe", default="default", help="default, tiny or a YAML file path")
    train.add_argument("--home", type=Path, help="home file whose names/areas the model sees")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.set_defaults(handler=lambda a: cmd_train(a, extra_slot_values))

    ev = subparsers.add_parser(
        "eval", help="score the trained model on the held-out data", formatter_class=fmt,
        description="Intent accuracy, slot F1 (entity level) and exact match, per language, on "
        "intents/heldout (templates and hand-written sentences).",
        epilog="examples:\n  hub eval\n  hub eval --json --fp32",
    )  # fmt: skip
    _common(ev)
    ev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ev.add_argument("--fp32", action="store_true", help="force fp32 (default: what the recipe says)")
    ev.set_defaults(handler=cmd_eval)

    parse = subparsers.add_parser(
        "parse", help="show how the model reads a sentence", formatter_class=fmt,
        description="Parse TEXT into intent, confidence and slots (no devices are touched).",
        epilog='examples:\n  hub parse "turn on the kitchen lights"\n'
        '  hub parse "把卧室空调调到二十六度" --json',
    )  # fmt: skip
    _common(parse)
    parse.add_argument("text", help="the sentence")
    parse.add_argument("--lang", default="auto", choices=["auto", "en", "zh"])
    parse.add_argument("--json", action="store_true", help="print one JSON object")
    parse.set_defaults(handler=cmd_parse)


def _model_path(args: argparse.Namespace) -> Path:
    from hub.nlu.artifact import model_dir

    return model_dir(args.data_dir or default_data_dir(), args.model)


def cmd_train(args: argparse.Namespace, extra_slot_values: ExtraValues = home_slot_values) -> int:
    """`hub train`."""
    from hub.nlu.evaluate import format_table
    from hub.nlu.train import load_recipe, train

    extra = extra_slot_values(args.home) if args.home else None
    metrics = train(load_recipe(args.recipe), _model_path(args), extra_slot_values=extra,
                    progress=not args.no_progress)  # fmt: skip
    if metrics.get("heldout"):
        print(format_table(metrics["heldout"]))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """`hub eval`."""
    from hub.nlu.artifact import read_metrics
    from hub.nlu.evaluate import evaluate_artifact, format_table

    path = _model_path(args)
    try:
        per_intent = int(read_metrics(path).get("heldout_per_intent", 30))
        results = evaluate_artifact(path, per_intent=per_intent, quantize=False if args.fp32 else None)
    except ModelNotFoundError as err:
        print(err, file=sys.stderr)
        return 1
    print(json.dumps(results, ensure_ascii=False) if args.json else format_table(results))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    """`hub parse TEXT`."""
    from hub.nlu.infer import Parser

    try:
        parser = Parser.load(_model_path(args))
    except ModelNotFoundError as err:
        print(err, file=sys.stderr)
        return 1
    result = parser.parse(args.text, args.lang)
    slots = [
        {"name": s.name, "text": s.text, "value": s.value, "start": s.start, "end": s.end}
        for s in result.slots
    ]
    if args.json:
        out = {"text": result.text, "lang": result.lang, "intent": result.intent,
               "confidence": result.confidence, "slots": slots}  # fmt: skip
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"{result.intent} ({result.confidence:.2f}, {result.lang})")
        for s in slots:
            print(f"  {s['name']}: {s['text']!r} → {s['value']!r}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the NLU subcommands alone: `python -m hub.nlu.commands parse "…"`."""
    parser = argparse.ArgumentParser(prog="hub")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())

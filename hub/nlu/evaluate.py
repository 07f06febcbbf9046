"""Metrics: intent accuracy, entity-level slot F1 (seqeval-style), exact match, confusions.

Entities are compared as (slot, start char, end char): gold ones come from the example's BIO
tags, predicted ones from `Parse.slots`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hub.domain import Parse
from hub.nlu.data import (
    Example,
    bio_entities,
    heldout_dir,
    load_heldout_sentences,
    load_heldout_templates,
)
from hub.nlu.lang import LANGS

Entity = tuple[str, int, int]


@dataclass
class Scores:
    """Scores of one set of examples."""

    n: int = 0
    intent_acc: float = 0.0
    slot_precision: float = 0.0
    slot_recall: float = 0.0
    slot_f1: float = 0.0
    exact_match: float = 0.0
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    """Top (gold, predicted, count) intent confusions."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gold_entities(example: Example) -> set[Entity]:
    """The example's slots as character spans (from its BIO tags, so word-aligned)."""
    words = example.words
    return {(s, words[a][1], words[b][2]) for s, a, b in bio_entities(example.tags)}


def predicted_entities(parse: Parse) -> set[Entity]:
    """A parse's slots as character spans."""
    return {(s.name, s.start, s.end) for s in parse.slots}


def score(examples: Sequence[Example], parses: Sequence[Parse], top: int = 5) -> Scores:
    """Score parses against gold examples (same order)."""
    if not examples:
        return Scores()
    right = exact = tp = n_pred = n_gold = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for ex, parse in zip(examples, parses, strict=True):
        gold, pred = gold_entities(ex), predicted_entities(parse)
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
        if parse.intent == ex.intent:
            right += 1
            exact += gold == pred
        else:
            confusions[(ex.intent, parse.intent)] += 1
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        n=len(examples),
        intent_acc=round(right / len(examples), 4),
        slot_precision=round(precision, 4),
        slot_recall=round(recall, 4),
        slot_f1=round(f1, 4),
        exact_match=round(exact / len(examples), 4),
        confusions=[(g, p, c) for (g, p), c in confusions.most_common(top)],
    )


def heldout_sets(
    root: Path | None = None, per_intent: int = 30, langs: Sequence[str] = LANGS
) -> dict[str, list[Example]]:
    """Held-out sets by name ("en/templates", "en/sentences", …); empty ones left out."""
    sets: dict[str, list[Example]] = {}
    for lang in langs:
        for kind, examples in (
            ("templates", load_heldout_templates(lang, per_intent, root=root)),
            ("sentences", load_heldout_sentences(lang, root=root)),
        ):
            if examples:
                sets[f"{lang}/{kind}"] = examples
        # Other hand-written files: sentences.families.yaml (issue 13's phrasing families), and
        # the Chinese ones in Traditional characters (*.hant.yaml, intents/tools/make_hant.py).
        for path in sorted(heldout_dir(lang, root).glob("sentences.*.yaml")):
            kind = path.name.removeprefix("sentences.").removesuffix(".yaml")
            script = kind.endswith("hant")
            kind = kind.removesuffix("hant").rstrip(".") or "sentences"
            examples = load_heldout_sentences(lang, root=root, file=path.name)
            if examples:
                sets[f"{lang}{'-Hant' if script else ''}/{kind}"] = examples
    return sets


def evaluate_parser(
    parser: Any, sets: dict[str, list[Example]], batch_size: int = 64
) -> dict[str, dict[str, Any]]:
    """Score a `Parser` on each set; the language is given, not detected."""
    results: dict[str, dict[str, Any]] = {}
    for name, examples in sets.items():
        parses: list[Parse] = []
        for i in range(0, len(examples), batch_size):
            chunk = examples[i : i + batch_size]
            parses.extend(parser.parse_many([e.text for e in chunk], lang=chunk[0].lang))
        results[name] = score(examples, parses).as_dict()
    return results


def evaluate_artifact(
    path: Path, root: Path | None = None, per_intent: int = 30, quantize: bool | None = None
) -> dict[str, dict[str, Any]]:
    """Load the artifact at `path` and score it on every held-out set there is."""
    from hub.nlu.infer import Parser

    return evaluate_parser(Parser.load(path, quantize=quantize), heldout_sets(root, per_intent))


def format_table(results: dict[str, dict[str, Any]]) -> str:
    """A plain-text table of `evaluate_parser` results."""
    lines = [f"{'set':<16}{'n':>6}{'intent':>9}{'slot F1':>9}{'exact':>8}"]
    for name, r in results.items():
        lines.append(
            f"{name:<16}{r['n']:>6}{r['intent_acc']:>9.3f}{r['slot_f1']:>9.3f}{r['exact_match']:>8.3f}"
        )
    return "\n".join(lines)

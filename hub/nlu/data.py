"""Training and held-out data: intents/ expanded into labelled examples, BIO tags.

The templates are read by `hub.nlu.template` (parse, sample, join into a sentence with slot
spans); `tag` splits the sentence into words (`hub.nlu.lang.split_words`) and labels each word
B-slot / I-slot / O.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hub.nlu.lang import split_words
from hub.nlu.template import Seq, Span, join_pieces, parse_template, sample
from hub.resources import data_path


@dataclass(frozen=True)
class Example:
    """One labelled sentence."""

    text: str
    lang: str
    intent: str
    spans: tuple[Span, ...]
    words: tuple[tuple[str, int, int], ...]
    tags: tuple[str, ...]
    """One BIO tag per word."""


def tag(text: str, spans: Sequence[Span]) -> tuple[tuple[tuple[str, int, int], ...], tuple[str, ...]]:
    """Split `text` into words and give each a BIO tag from the slot spans."""
    words = tuple(split_words(text))
    tags = ["O"] * len(words)
    for slot, start, end in spans:
        inside = [i for i, (_, ws, we) in enumerate(words) if ws >= start and we <= end]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + slot
    return words, tuple(tags)


def make_example(text: str, lang: str, intent: str, spans: Sequence[Span]) -> Example:
    """Build an `Example`, computing words and tags."""
    words, tags = tag(text, spans)
    return Example(text, lang, intent, tuple(spans), words, tags)


# --- reading intents/ -------------------------------------------------------------------------


def intents_root(root: Path | None = None) -> Path:
    """The intents/ folder: `root` if given, else the shipped one."""
    return root if root is not None else data_path("intents")


def load_inventory(root: Path | None = None) -> tuple[list[str], list[str]]:
    """Intent names and slot names from intents.yaml, in file order (shipped one as fallback)."""
    path = intents_root(root) / "intents.yaml"
    if not path.exists():
        path = data_path("intents") / "intents.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(doc["intents"]), list(doc["slots"])


def load_slot_lists(folder: Path) -> dict[str, list[str]]:
    """Slot value lists of a `slots/` folder; `{slot}` also covers its variants if it has no list."""
    lists: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
        lists[path.stem] = [line for line in lines if line]
    for key in list(lists):
        base = key.split("@", 1)[0]
        if base != key and base not in lists:
            lists[base] = [v for k, vs in lists.items() if k.split("@", 1)[0] == base for v in vs]
    return lists


def _load_templates(folder: Path) -> dict[str, list[Seq]]:
    templates: dict[str, list[Seq]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem in ("wrappers", "sentences"):
            continue
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        intent = str(doc.get("intent", path.stem))
        templates.setdefault(intent, []).extend(parse_template(str(t)) for t in doc["templates"])
    return templates


def load_template_strings(folder: Path) -> dict[str, list[str]]:
    """The raw template strings of each intent file in `folder` (for the overlap rule)."""
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem not in ("wrappers", "sentences"):
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            out.setdefault(str(doc.get("intent", path.stem)), []).extend(map(str, doc["templates"]))
    return out


CONTEXT_RATE = {"en": 0.15, "zh": 0.25}
"""How often an example gets a reason clause (`contexts`), else half as often a lead-in:
spoken Chinese adds one more often (a third of the hand-written held-out sentences have one)."""


NONE_FACTOR = 2
"""`none` gets this many times the examples of an intent: everything that is not a command is
one class, from weather questions to a sentence about the neighbour's garage door."""
TYPO_RATE = 0.05
"""How often an English example gets one typing slip in a word outside its slots ("tunr on")."""


def _typo(pieces: list[tuple[str, str | None]], rng: random.Random) -> list[tuple[str, str | None]]:
    """One slip (two letters swapped, one dropped or doubled) in a random unslotted word."""
    spots = [(i, m) for i, (text, slot) in enumerate(pieces) if slot is None
             for m in re.finditer(r"[a-z]{3,}", text)]
    if not spots:
        return pieces
    i, match = rng.choice(spots)
    word, at = match.group(), rng.randrange(len(match.group()) - 1)
    slip = rng.choice((word[:at] + word[at + 1] + word[at] + word[at + 2:],  # swap
                       word[:at] + word[at + 1:],  # drop
                       word[:at + 1] + word[at:]))  # double
    text = pieces[i][0]
    out = list(pieces)
    out[i] = (text[:match.start()] + slip + text[match.end():], None)
    return out


def _expand(
    templates: Mapping[str, Sequence[Seq]],
    lists: Mapping[str, Sequence[str]],
    lang: str,
    n_per_intent: int,
    seed: int,
    wrappers: Mapping[str, Sequence[str]] | None = None,
    augment: bool = True,
) -> list[Example]:
    rng = random.Random(f"{seed}-{lang}")
    prefixes = [parse_template(w) for w in (wrappers or {}).get("prefixes", [])]
    suffixes = [parse_template(w) for w in (wrappers or {}).get("suffixes", [])]
    contexts = [parse_template(w) for w in (wrappers or {}).get("contexts", [])] if augment else []
    lead_ins = [parse_template(w) for w in (wrappers or {}).get("lead_ins", [])] if augment else []
    none_factor = NONE_FACTOR if augment else 1
    sep = "" if lang == "zh" else " "
    # Chinese writes a full-width comma between clauses; English speech-to-text often none.
    commas = ["，", "，", ""] if lang == "zh" else [", ", " "]
    examples: list[Example] = []
    for intent in sorted(templates):
        seen: set[str] = set()
        wanted = n_per_intent * none_factor if intent == "none" else n_per_intent
        for attempt in range(wanted * 3):
            if len(seen) >= wanted:
                break
            pieces = sample(rng.choice(templates[intent]), lists, rng)
            if prefixes and rng.random() < 0.25:
                pieces = [*sample(rng.choice(prefixes), lists, rng), (sep, None), *pieces]
            if suffixes and rng.random() < 0.2:
                pieces = [*pieces, (sep, None), *sample(rng.choice(suffixes), lists, rng)]
            if contexts and rng.random() < CONTEXT_RATE.get(lang, 0.15):
                pieces = [*pieces, (rng.choice(commas), None), *sample(rng.choice(contexts), lists, rng)]
            elif lead_ins and rng.random() < CONTEXT_RATE.get(lang, 0.15) / 2:
                pieces = [*sample(rng.choice(lead_ins), lists, rng), (rng.choice(commas), None), *pieces]
            if augment and lang == "en" and rng.random() < TYPO_RATE:
                pieces = _typo(pieces, rng)
            text, spans = join_pieces(pieces)
            if text in seen and attempt < wanted * 2:
                continue
            seen.add(text)
            examples.append(make_example(text, lang, intent, spans))
    return examples


def build_dataset(
    lang: str,
    n_per_intent: int,
    seed: int,
    extra_slot_values: Mapping[str, Sequence[str]] | None = None,
    root: Path | None = None,
    ha_per_intent: int = 0,
    augment: bool = True,
) -> list[Example]:
    """Expand the training templates of `lang`: about `n_per_intent` examples for each intent.

    Args:
        lang: "en" or "zh".
        n_per_intent: Examples per intent (balanced; duplicates are avoided where possible).
        seed: RNG seed; the same seed gives the same dataset.
        extra_slot_values: Per-home adaptation: the home's own values (device names under
            "name", areas under "area"), mixed into the generic lists of those slots and
            their variants (drawn about a third of the time).
        root: The intents/ folder (tests pass fixtures); default the shipped one.
        ha_per_intent: Also this many examples per intent from Home Assistant's sentence
            templates (`hub.nlu.ha_data`, CC BY 4.0), filled with the same lists.
        augment: Reasons and lead-ins around examples, English typing slips, `NONE_FACTOR`
            times the `none` examples; off, the plain templates (the tests' tiny recipe).

    No example is a held-out sentence (`heldout_texts`): a sampled phrasing that happens to
    spell one is dropped.
    """
    folder = intents_root(root) / lang
    lists: dict[str, list[str]] = load_slot_lists(folder / "slots")
    for slot, extra in (extra_slot_values or {}).items():
        extra = [v for v in extra if v.strip()]
        for key in [k for k in lists if k.split("@", 1)[0] == slot] or [slot]:
            base = lists.get(key, [])
            # Repeat the home's values so they make up about a third of the draws.
            repeat = max(1, len(base) // (2 * max(1, len(extra))))
            lists[key] = base + extra * repeat
    wrappers_path = folder / "wrappers.yaml"
    wrappers = yaml.safe_load(wrappers_path.read_text("utf-8")) if wrappers_path.exists() else {}
    examples = _expand(_load_templates(folder), lists, lang, n_per_intent, seed, wrappers, augment)
    exclude = heldout_texts(lang, root)
    if ha_per_intent > 0:
        from hub.nlu.ha_data import build_ha_dataset

        examples += build_ha_dataset(lang, ha_per_intent, seed, lists, exclude)
    return [ex for ex in examples if ex.text.casefold() not in exclude]


def heldout_texts(lang: str, root: Path | None = None) -> frozenset[str]:
    """Case-folded texts of every held-out sentence of `lang`: the hand-written sets and Home
    Assistant's own test sentences (`heldout/ha/<lang>/`), which training never produces."""
    texts: set[str] = set()
    for path in sorted(heldout_dir(lang, root).glob("sentences*.yaml")):
        texts.update(str(item["text"]).casefold() for item in yaml.safe_load(path.read_text("utf-8")) or [])
    for path in sorted((intents_root(root) / "heldout" / "ha" / lang).glob("*.yaml")):
        texts.update(t.casefold() for t, _ in load_ha_tests_file(path))
    return frozenset(texts)


def load_ha_tests_file(path: Path) -> list[tuple[str, str]]:
    """(sentence, our intent) pairs of one `heldout/ha/<lang>/*.yaml` file (HA's test format,
    each block carrying our intent under `ours`)."""
    doc = yaml.safe_load(path.read_text("utf-8")) or {}
    blocks = doc.get("tests") or []
    return [(str(s), str(block["ours"])) for block in blocks for s in block.get("sentences") or []]


def heldout_dir(lang: str, root: Path | None = None) -> Path:
    """intents/heldout/<lang>/."""
    return intents_root(root) / "heldout" / lang


def load_heldout_templates(
    lang: str, n_per_intent: int = 30, seed: int = 1, root: Path | None = None
) -> list[Example]:
    """Expand the held-out templates with the held-out slot lists (training lists fill gaps)."""
    folder = heldout_dir(lang, root)
    if not (folder / "templates").is_dir():
        return []
    lists = load_slot_lists(intents_root(root) / lang / "slots")
    lists.update(load_slot_lists(folder / "slots"))
    return _expand(_load_templates(folder / "templates"), lists, lang, n_per_intent, seed)


def load_heldout_sentences(
    lang: str, root: Path | None = None, file: str = "sentences.yaml"
) -> list[Example]:
    """The hand-written held-out sentences, their slot strings aligned to character spans.

    `file` picks another sentence file of the language ("sentences.hant.yaml": the Chinese
    sentences in Traditional characters).
    """
    path = heldout_dir(lang, root) / file
    if not path.exists():
        return []
    examples = []
    for item in yaml.safe_load(path.read_text("utf-8")) or []:
        text = str(item["text"])
        spans = align_slots(text, item.get("slots") or {})
        examples.append(make_example(text, lang, str(item["intent"]), spans))
    return examples


def align_slots(text: str, slots: Mapping[str, str | Sequence[str]]) -> tuple[Span, ...]:
    """Find each slot's surface string in `text` (left to right, no overlaps, words preferred).

    Raises:
        ValueError: A surface string does not occur in the text.
    """
    taken: list[tuple[int, int]] = []
    spans: list[Span] = []
    wanted = [(s, v) for s, vs in slots.items() for v in ([vs] if isinstance(vs, str) else vs)]
    for slot, surface in sorted(wanted, key=lambda sv: -len(str(sv[1]))):
        surface = str(surface)
        starts = [m.start() for m in re.finditer(re.escape(surface), text)]
        free = [s for s in starts if all(s >= e or s + len(surface) <= b for b, e in taken)]
        if not free:
            raise ValueError(f"slot {slot}={surface!r} not found in {text!r}")
        word_starts = {ws for _, ws, _ in split_words(text)}
        start = next((s for s in free if s in word_starts), free[0])
        taken.append((start, start + len(surface)))
        spans.append((slot, start, start + len(surface)))
    return tuple(sorted(spans, key=lambda s: s[1]))


def bio_entities(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entities of a BIO sequence as (slot, first word, last word), seqeval's lenient rule.

    An `I-x` that does not continue an `x` entity starts a new one.
    """
    entities: list[tuple[str, int, int]] = []
    current: tuple[str, int] | None = None
    for i, tag in enumerate([*tags, "O"]):
        kind, _, slot = tag.partition("-")
        if current and (kind != "I" or slot != current[0]):
            entities.append((current[0], current[1], i - 1))
            current = None
        if kind == "B" or (kind == "I" and current is None):
            current = (slot, i)
    return entities

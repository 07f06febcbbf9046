"""Validate the NLU data under intents/ (stdlib + PyYAML). Exits non-zero on any problem.

    python intents/tools/check.py [--quick]

Checks
- every intent of intents.yaml has a training and a held-out template file per language, and no
  file names an unknown intent;
- every template parses (FORMAT.md syntax: balanced {} () [], no empty alternative), uses only
  slots from intents.yaml and only the slots its intent allows, and every `{slot}` /
  `{slot@variant}` has its list file (training lists for training templates, held-out lists for
  held-out ones); English slots stand as words (no letter glued to a brace); Chinese templates
  have no spaces;
- slot lists: no syntax characters, no empty lists, English names/areas without a leading "the";
- wrappers.yaml: prefixes/suffixes are plain text;
- held-out vs training: no template string in both; held-out templates say something the training
  templates cannot (their phrasing skeletons, slots as placeholders, are sampled and matched
  against every training template: a held-out template whose every sample is a training phrasing
  is an error); no name/area value of a held-out list is in any training name/area list;
- sentences.yaml: enough sentences (en >= 170, zh >= 100), known intents, allowed slots, each slot
  surface text occurs in the sentence, no duplicates, out-of-scope share reported; no sentence
  occurs in a sample expansion of the training data, and no sentence is one the training
  templates produce with closed-class fillers only (class words, numbers, colours, modes: an
  exact match over templates x those lists x wrappers), since such a sentence can be sampled as a
  training example. A sentence that reuses a training phrasing around a specific room or device
  name is allowed (real users do that) and its share is reported.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grammar import (INTENTS_DIR, LANGS, Lists, Matcher, TemplateError, load_inventory,  # noqa: E402
                     load_templates, load_wrappers, parse, read_list, sample, slot_dir, slots_in,
                     template_dir, tokens)

MIN_SENTENCES = {"en": 170, "zh": 100}
PROBLEMS: list[str] = []
NOTES: list[str] = []


def problem(msg: str) -> None:
    PROBLEMS.append(msg)


def check_template_text(t: str, lang: str, where: str) -> None:
    if lang == "zh" and " " in t:
        problem(f"{where}: Chinese template has a space: {t!r}")
    if lang == "en":
        for i, c in enumerate(t):
            if c == "{" and i > 0 and t[i - 1] not in " ([|":
                problem(f"{where}: slot glued to the word before it: {t!r}")
            if c == "}" and i + 1 < len(t) and t[i + 1] not in " )]|":
                problem(f"{where}: slot glued to the word after it: {t!r}")
    for bad in (")?", "]?", ")*", ")+"):
        if bad in t:
            problem(f"{where}: regex-like '{bad}' is not template syntax: {t!r}")
    if t != t.strip():
        problem(f"{where}: leading/trailing whitespace: {t!r}")


def check_lists(lang: str, heldout: bool, slot_names: set[str]) -> None:
    d = slot_dir(lang, heldout)
    for p in sorted(d.glob("*.txt")):
        base = p.stem.split("@", 1)[0]
        if base not in slot_names:
            problem(f"{p}: list for unknown slot {base!r}")
        vals = read_list(p)
        if not vals:
            problem(f"{p}: empty list")
        dup = [v for v, n in Counter(vals).items() if n > 1]
        if dup:
            problem(f"{p}: duplicate values {dup[:5]}")
        for v in vals:
            if any(c in v for c in "{}()[]|"):
                problem(f"{p}: syntax character in value {v!r}")
            if lang == "en" and base in ("name", "area") and v.split()[0] == "the":
                problem(f"{p}: value starts with an article: {v!r}")


def check_templates(lang: str, heldout: bool, inv: dict) -> dict[str, list]:
    parsed: dict[str, list] = {}
    tdir = template_dir(lang, heldout)
    sdir = slot_dir(lang, heldout)
    slot_names = set(inv["slots"])
    temps = load_templates(lang, heldout)
    for intent in inv["intents"]:
        if intent not in temps:
            problem(f"{tdir}: no template file for intent {intent!r}")
    for path in sorted(tdir.glob("*.yaml")):
        if path.name == "wrappers.yaml":
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or set(doc) - {"intent", "templates"} or "intent" not in doc:
            problem(f"{path}: expected {{intent: ..., templates: [...]}}")
            continue
        if doc["intent"] not in inv["intents"]:
            problem(f"{path}: unknown intent {doc['intent']!r}")
            continue
        if path.stem != doc["intent"]:
            problem(f"{path}: file name and intent {doc['intent']!r} differ")
    for intent, ts in temps.items():
        if intent not in inv["intents"]:
            continue
        allowed = set(inv["intents"][intent].get("slots") or [])
        if not ts:
            problem(f"{tdir}/{intent}.yaml: no templates")
        dups = [t for t, n in Counter(ts).items() if n > 1]
        if dups:
            problem(f"{tdir}/{intent}.yaml: duplicate templates {dups[:3]}")
        out = []
        for t in ts:
            where = f"{tdir.relative_to(INTENTS_DIR)}/{intent}.yaml"
            if not isinstance(t, str):
                problem(f"{where}: template is not a string: {t!r}")
                continue
            check_template_text(t, lang, where)
            try:
                root = parse(t)
            except TemplateError as e:
                problem(f"{where}: {e}: {t!r}")
                continue
            for s in slots_in(root):
                if s.name not in slot_names:
                    problem(f"{where}: unknown slot {s.name!r} in {t!r}")
                elif s.name not in allowed:
                    problem(f"{where}: slot {s.name!r} not allowed for {intent} in {t!r}")
                if s.literal is None and not (sdir / f"{s.list_name}.txt").exists():
                    problem(f"{where}: no list {sdir.relative_to(INTENTS_DIR)}/{s.list_name}.txt for {t!r}")
            out.append((t, root))
        parsed[intent] = out
    return parsed


def check_wrappers(lang: str) -> None:
    path = INTENTS_DIR / lang / "wrappers.yaml"
    if not path.exists():
        problem(f"{path}: missing")
        return
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if set(doc) - {"prefixes", "suffixes"}:
        problem(f"{path}: only prefixes and suffixes")
    for key in ("prefixes", "suffixes"):
        for w in doc.get(key) or []:
            if not isinstance(w, str) or any(c in w for c in "{}()[]|"):
                problem(f"{path}: {key} must be plain text: {w!r}")


def all_values(lang: str, heldout: bool, bases=("name", "area")) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in slot_dir(lang, heldout).glob("*.txt"):
        base = p.stem.split("@", 1)[0]
        if base in bases:
            out.setdefault(base, set()).update(v.lower() for v in read_list(p))
    return out


def produced_by_training(toks, train_parsed, matcher, wrappers, lang, intent_hint=None) -> str | None:
    pre = [()] + [tokens(w, lang) for w in wrappers["prefixes"]]
    suf = [()] + [tokens(w, lang) for w in wrappers["suffixes"]]
    spans = []
    for p in pre:
        if toks[:len(p)] != p:
            continue
        for s in suf:
            if len(p) + len(s) > len(toks) or (s and toks[len(toks) - len(s):] != s):
                continue
            spans.append((len(p), len(toks) - len(s)))
    order = sorted(train_parsed, key=lambda i: i != intent_hint)
    for intent in order:
        for t, root in train_parsed[intent]:
            for a, b in spans:
                if matcher.match(root, toks, a, b):
                    return f"{intent}: {t}"
    return None


def check_sentences(lang: str, inv: dict, train_parsed, quick: bool, name: str = "sentences.yaml") -> None:
    path = INTENTS_DIR / "heldout" / lang / name
    if not path.exists():
        problem(f"{path}: missing")
        return
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if name == "sentences.yaml" and len(items) < MIN_SENTENCES[lang]:
        problem(f"{path}: {len(items)} sentences, want at least {MIN_SENTENCES[lang]}")
    texts = Counter()
    n_none = 0
    lists = Lists(lang, [slot_dir(lang, False)])
    matcher = Matcher(lists)
    closed = Matcher(Lists(lang, [slot_dir(lang, False)], exclude=("name", "area")))
    n_phrasing = 0
    wrappers = load_wrappers(lang)
    # a quick sample expansion of the training data, as the expander would see it
    rng = random.Random(7)
    sampled = set()
    for intent, ts in train_parsed.items():
        for _, root in ts:
            for _ in range(3 if quick else 20):
                sampled.add(tokens(sample(root, lists, rng, lang), lang))
    for k, it in enumerate(items):
        where = f"{path.relative_to(INTENTS_DIR)}[{k}]"
        if not isinstance(it, dict) or set(it) - {"text", "intent", "slots"} or "text" not in it or "intent" not in it:
            problem(f"{where}: expected text, intent, slots")
            continue
        text, intent, slots = it["text"], it["intent"], it.get("slots") or {}
        texts[text.strip().lower()] += 1
        if intent not in inv["intents"]:
            problem(f"{where}: unknown intent {intent!r}")
            continue
        n_none += intent == "none"
        allowed = set(inv["intents"][intent].get("slots") or [])
        if not isinstance(slots, dict):
            problem(f"{where}: slots must be a mapping")
            continue
        for name, val in slots.items():
            if name not in allowed:
                problem(f"{where}: slot {name!r} not allowed for {intent}: {text!r}")
            vals = val if isinstance(val, list) else [val]
            rest = text
            for v in vals:
                if not isinstance(v, str) or not v:
                    problem(f"{where}: slot {name!r} value must be text: {v!r}")
                elif v not in rest:
                    problem(f"{where}: slot {name}={v!r} is not in the text {text!r}")
                else:
                    rest = rest.replace(v, "\0" * len(v), 1)
        toks = tokens(text, lang)
        if toks in sampled:
            problem(f"{where}: sentence occurs in a sample expansion of the training data: {text!r}")
        hit = produced_by_training(toks, train_parsed, closed, wrappers, lang, intent)
        if hit:
            problem(f"{where}: training templates produce this sentence without any name or room "
                    f"({hit[:120]}...): {text!r}")
        elif not quick and produced_by_training(toks, train_parsed, matcher, wrappers, lang, intent):
            n_phrasing += 1
    for t, n in texts.items():
        if n > 1:
            problem(f"{path}: duplicate sentence {t!r}")
    share = n_none / max(1, len(items))
    NOTES.append(f"{lang}: {len(items)} held-out sentences, {n_none} out of scope ({share:.0%})")
    if not quick:
        NOTES.append(f"{lang}: {n_phrasing} held-out sentences ({n_phrasing / max(1, len(items)):.0%}) are a "
                     f"training phrasing around a training room/device name (allowed; the rest are new)")
    if not 0.08 <= share <= 0.3:
        problem(f"{path}: out-of-scope share {share:.0%} outside 8-30 %")


def check_disjoint(lang: str, train_parsed, held_parsed, quick: bool) -> None:
    # 1. template strings
    train_strings = {t for ts in train_parsed.values() for t, _ in ts}
    for intent, ts in held_parsed.items():
        for t, _ in ts:
            if t in train_strings:
                problem(f"heldout/{lang}/templates/{intent}.yaml: template also in training: {t!r}")
    # 2. names and areas
    tr = all_values(lang, False)
    ho = all_values(lang, True)
    for base in ("name", "area"):
        both = tr.get(base, set()) & ho.get(base, set())
        if both:
            problem(f"heldout/{lang}/slots: {len(both)} {base} values also in training lists, e.g. {sorted(both)[:5]}")
    # 3. phrasing skeletons: a held-out template must not be a training phrasing
    matcher = Matcher(Lists(lang, []), placeholders=True)
    rng = random.Random(11)
    covered_samples = total_samples = 0
    all_train = [(i, t, r) for i, ts in train_parsed.items() for t, r in ts]
    for intent, ts in held_parsed.items():
        same = [(t, r) for i, t, r in all_train if i == intent]
        for t, root in ts:
            n = 4 if quick else 12
            seen = {tokens(sample(root, None, rng, lang, placeholders=True), lang) for _ in range(n)}
            hits = sum(any(matcher.match(r, s) for _, r in same) for s in seen)
            covered_samples += hits
            total_samples += len(seen)
            if hits == len(seen):
                problem(f"heldout/{lang}/templates/{intent}.yaml: every sampled phrasing is a training "
                        f"phrasing, write it differently: {t!r}")
    if total_samples:
        NOTES.append(f"{lang}: {covered_samples}/{total_samples} sampled held-out phrasings are also "
                     f"training phrasings ({covered_samples / total_samples:.0%})")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    inv = load_inventory()
    slot_names = set(inv["slots"])
    for lang in LANGS:
        check_wrappers(lang)
        for heldout in (False, True):
            check_lists(lang, heldout, slot_names)
        train = check_templates(lang, False, inv)
        held = check_templates(lang, True, inv)
        check_disjoint(lang, train, held, quick)
        check_sentences(lang, inv, train, quick)
        # other hand-written files (sentences.families.yaml); the generated .hant ones are
        # Traditional copies of these, which no Simplified template produces
        for extra in sorted((INTENTS_DIR / "heldout" / lang).glob("sentences.*.yaml")):
            if not extra.name.endswith(".hant.yaml"):
                check_sentences(lang, inv, train, quick, extra.name)
    for n in NOTES:
        print("note:", n)
    if PROBLEMS:
        for p in PROBLEMS:
            print("PROBLEM:", p)
        print(f"{len(PROBLEMS)} problem(s)")
        return 1
    print("ok: intents/ data is valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

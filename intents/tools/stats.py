"""Count the NLU data: templates and phrasings per intent and language, list sizes, sentences.

    python intents/tools/stats.py            # markdown tables on stdout (pasted into intents/README.md)

"phrasings" = slot skeletons a template spells out (alternatives x optionals, slots count once;
not deduplicated), a rough measure of how much language one template line covers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grammar import (INTENTS_DIR, LANGS, count_phrasings, load_inventory, load_templates,  # noqa: E402
                     parse, read_list, slot_dir)


def human(n: int) -> str:
    return f"{n:,}" if n < 10**6 else f"{n / 1e6:.1f}M"


def main() -> None:
    inv = load_inventory()
    data = {(lang, h): load_templates(lang, h) for lang in LANGS for h in (False, True)}
    print("| intent | en templates | en phrasings | zh templates | zh phrasings | held-out en / zh templates |")
    print("|---|---:|---:|---:|---:|---:|")
    tot = {k: [0, 0] for k in data}
    for intent in inv["intents"]:
        row = [intent]
        for lang in LANGS:
            ts = data[(lang, False)].get(intent, [])
            ph = sum(count_phrasings(parse(t)) for t in ts)
            tot[(lang, False)][0] += len(ts)
            tot[(lang, False)][1] += ph
            row += [str(len(ts)), human(ph)]
        ho = [len(data[(lang, True)].get(intent, [])) for lang in LANGS]
        for lang, n in zip(LANGS, ho):
            tot[(lang, True)][0] += n
        row.append(f"{ho[0]} / {ho[1]}")
        print("| " + " | ".join(row) + " |")
    print(f"| **total** | {tot[('en', False)][0]} | {human(tot[('en', False)][1])} | {tot[('zh', False)][0]} | "
          f"{human(tot[('zh', False)][1])} | {tot[('en', True)][0]} / {tot[('zh', True)][0]} |")
    print()
    print("| list | en | zh | held-out en | held-out zh |")
    print("|---|---:|---:|---:|---:|")
    names = sorted({p.name for lang in LANGS for h in (False, True) for p in slot_dir(lang, h).glob("*.txt")})
    for name in names:
        cells = []
        for h in (False, True):
            for lang in LANGS:
                p = slot_dir(lang, h) / name
                cells.append(str(len(read_list(p))) if p.exists() else "-")
        print(f"| {name[:-4]} | {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} |")
    print()
    for lang in LANGS:
        p = INTENTS_DIR / "heldout" / lang / "sentences.yaml"
        items = yaml.safe_load(p.read_text(encoding="utf-8")) or []
        n_none = sum(1 for it in items if it["intent"] == "none")
        per = {}
        for it in items:
            per[it["intent"]] = per.get(it["intent"], 0) + 1
        print(f"- held-out sentences {lang}: {len(items)} ({n_none} out of scope); per intent: "
              + ", ".join(f"{k} {v}" for k, v in per.items()))
    w = {lang: yaml.safe_load((INTENTS_DIR / lang / "wrappers.yaml").read_text(encoding="utf-8")) for lang in LANGS}
    print("- wrappers: " + "; ".join(f"{lang} {len(w[lang]['prefixes'])} prefixes, {len(w[lang]['suffixes'])} suffixes"
                                     for lang in LANGS))


if __name__ == "__main__":
    main()

"""Issue 13's phrasing families: training templates, separate held-out sentences, normalisers.

The held-out sentences of each family (intents/heldout/<lang>/sentences.families.yaml) are never
produced by the training data; bench/nlu.py scores them ("en/families", "zh/families") and
bench/ask_cases.py runs them end to end (tests/cases/cases_*-families.yaml). The resolver's side
of each family is tested with hand-built parses in tests/test_resolver.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

from hub.nlu import data
from hub.nlu.lang import split_words
from hub.resources import data_path
from hub.text.values import normalize

FAMILIES = {
    "en": {
        "verbs": ("activate", "deactivate", "light up", "power down"),
        "questions": ("how many", "which", "any", "is there"),
        "extremes": ("lowest", "maximum", "half", "halfway"),
        "watering": ("watering",),
    },
    "zh": {
        "verbs": ("激活", "停用", "点亮", "断电"),
        "questions": ("几个", "哪些", "有没有"),
        "extremes": ("最暗", "最亮", "一半"),
        "watering": ("浇水",),
        "here": ("这(里",),  # the template spells 这(里|儿|边|屋)
    },
}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_family_sentences_are_held_out(lang: str) -> None:
    root = data_path("intents")
    held = data.load_heldout_sentences(lang, root, file="sentences.families.yaml")
    assert len(held) >= 25
    generated = {_norm(e.text) for e in data.build_dataset(lang, 200, 0, root=root)}
    assert not {_norm(e.text) for e in held} & generated
    assert not {_norm(e.text) for e in held} & {_norm(e.text) for e in data.load_heldout_sentences(lang, root)}
    kinds = Counter(e.intent for e in held)
    assert kinds["get_state"] >= 5 and kinds["none"] >= 3  # questions, and near misses that must stay none


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_templates_speak_every_family(lang: str) -> None:
    templates = [t for ts in data.load_template_strings(data_path("intents") / lang).values() for t in ts]
    for family, words in FAMILIES[lang].items():
        for word in words:
            assert any(word in t for t in templates), f"{lang}: no training template says {word!r} ({family})"


@pytest.mark.parametrize(
    ("slot", "text", "lang", "value"),
    [
        ("brightness", "lowest", "en", 1), ("brightness", "maximum", "en", 100), ("brightness", "half", "en", 50),
        ("brightness", "full", "en", 100), ("position", "halfway", "en", 50), ("position", "half way", "en", 50),
        ("position", "a third", "en", 33), ("brightness", "最暗", "zh", 1), ("brightness", "最亮", "zh", 100),
        ("position", "一半", "zh", 50), ("position", "半", "zh", 50), ("position", "三分之一", "zh", 33),
    ],
)  # fmt: skip
def test_extremes_and_halves_normalise(slot: str, text: str, lang: str, value: int) -> None:
    assert normalize(slot, text, lang) == value


def test_hyphenated_name_is_one_word() -> None:
    words = [w for w, _, _ in split_words("turn on the under-cabinet lights")]
    assert words == ["turn", "on", "the", "under-cabinet", "lights"]
    assert [w for w, _, _ in split_words("lights - kitchen")] == ["lights", "-", "kitchen"]
    spans = data.align_slots("turn on the under-cabinet lights", {"name": "under-cabinet lights"})
    ex = data.make_example("turn on the under-cabinet lights", "en", "turn_on", spans)
    assert ex.tags == ("O", "O", "O", "B-name", "I-name")

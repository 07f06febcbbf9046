"""Traditional Chinese at the edge (hub/text/script.py): same understanding, the user's script back."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from hub.nlu.data import load_heldout_sentences
from hub.resources import data_path
from hub.text.script import in_script, script_of, to_simplified, to_traditional

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "simplified"),
    [
        ("打開客廳燈", "打开客厅灯"),
        ("把臥室空調調到26度", "把卧室空调调到26度"),
        ("關掉記憶體", "关掉记忆体"),  # a phrase rule would change the length: converted per character
        ("turn on the 客廳 lamp", "turn on the 客厅 lamp"),
        ("plain English", "plain English"),
    ],
)
def test_to_simplified_converts_and_keeps_offsets(text: str, simplified: str) -> None:
    assert to_simplified(text) == simplified
    assert len(to_simplified(text)) == len(text)


def test_script_of() -> None:
    assert script_of("打開客廳燈") == "hant"
    assert script_of("打开客厅灯") == "hans"
    assert script_of("开灯") == "hans" and script_of("開燈") == "hant"
    assert script_of("turn on the lamp") == "hans"
    assert in_script("已打开客厅灯。", "hant") == "已打開客廳燈。"
    assert in_script("已打開客廳燈。", "hans") == "已打开客厅灯。"
    assert in_script(None, "hant") is None
    assert to_traditional("ok") == "ok"


def test_traditional_parses_exactly_like_simplified(tiny_model: Path) -> None:
    """The model reads Traditional text as Simplified: same intent, confidence and spans;
    the slots keep the user's characters."""
    from hub.nlu.infer import Parser

    parser = Parser.load(tiny_model, quantize=False)  # int8 scales depend on the batch: one at a time anyway
    texts = [e.text for e in load_heldout_sentences("zh")]
    texts = [t for t in texts if to_simplified(to_traditional(t)) == t]  # round trips (nearly all)
    hant = [to_traditional(t) for t in texts]
    assert len(texts) > 120 and sum(h != t for h, t in zip(hant, texts, strict=True)) > len(texts) // 2
    pairs = [(parser.parse(t, "zh"), parser.parse(h)) for t, h in zip(texts, hant, strict=True)]
    for simple, trad in pairs:
        assert trad.lang == "zh" and trad.text != "" and trad.intent == simple.intent
        assert trad.confidence == pytest.approx(simple.confidence, abs=1e-4)
        assert [(s.name, s.start, s.end, s.value) for s in trad.slots] == [
            (s.name, s.start, s.end, s.value) for s in simple.slots
        ]
        assert all(s.text == trad.text[s.start : s.end] for s in trad.slots)


def _make_hant() -> object:
    spec = importlib.util.spec_from_file_location("make_hant", ROOT / "intents" / "tools" / "make_hant.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ("intents/heldout/zh/sentences.yaml", "intents/heldout/zh/sentences.hant.yaml"),
        ("intents/heldout/zh/sentences.families.yaml", "intents/heldout/zh/sentences.families.hant.yaml"),
    ],
)
def test_traditional_heldout_files_are_generated_from_the_simplified_ones(
    tmp_path: Path, src: str, dst: str
) -> None:
    module = _make_hant()
    out = tmp_path / "out.yaml"
    module.convert_sentences(ROOT / src, out)  # type: ignore[attr-defined]
    assert out.read_text("utf-8") == (ROOT / dst).read_text("utf-8"), "rerun intents/tools/make_hant.py"
    simplified = yaml.safe_load((ROOT / src).read_text("utf-8"))
    traditional = yaml.safe_load((ROOT / dst).read_text("utf-8"))
    assert [i["intent"] for i in simplified] == [i["intent"] for i in traditional]
    assert sum(script_of(i["text"]) == "hant" for i in traditional) > len(traditional) * 0.8


def test_traditional_sets_are_scored() -> None:
    from hub.nlu.evaluate import heldout_sets

    sets = heldout_sets(data_path("intents"), per_intent=1, langs=["zh"])
    assert len(sets["zh-Hant/sentences"]) == len(sets["zh/sentences"])
    assert all(e.lang == "zh" for e in sets["zh-Hant/sentences"])

"""Template parser and expander, BIO tags, held-out loading, and the no-overlap rule."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hub.nlu import data, template
from hub.resources import data_path

FIXTURES = Path(__file__).parent / "fixtures" / "nlu" / "intents"


def _words_tags(ex: data.Example) -> list[tuple[str, str]]:
    return [(w, t) for (w, _, _), t in zip(ex.words, ex.tags, strict=True)]


def test_parse_template_tree() -> None:
    tree = template.parse_template("(turn|switch) on [the] {area} {device_class@light}")
    kinds = [type(i).__name__ for i in tree.items]
    assert kinds == ["Choice", "Text", "Choice", "Text", "SlotRef", "Text", "SlotRef"]
    assert tree.items[6] == template.SlotRef("device_class", "device_class@light")
    assert template.parse_template("{device_class:the lights}").items[0] == template.SlotRef(
        "device_class", "", "the lights"
    )


def test_nested_groups_and_optionals() -> None:
    tree = template.parse_template("a ((b|c [d])|{x}) e")
    rng = random.Random(0)
    seen = {template.join_pieces(template.sample(tree, {"x": ["X"]}, rng))[0] for _ in range(200)}
    assert seen == {"a b e", "a c e", "a c d e", "a X e"}


@pytest.mark.parametrize("bad", ["(a|b", "[a", "{slot", "a)b"])
def test_syntax_errors(bad: str) -> None:
    with pytest.raises(template.TemplateSyntaxError):
        template.parse_template(bad)


def test_english_bio_alignment() -> None:
    tree = template.parse_template("set the {area} {device_class@light} to {brightness}")
    lists = {"area": ["living room"], "device_class@light": ["lights"], "brightness": ["50%"]}
    text, spans = template.join_pieces(template.sample(tree, lists, random.Random(0)))
    ex = data.make_example(text, "en", "set_brightness", spans)
    assert ex.text == "set the living room lights to 50%"
    assert _words_tags(ex) == [
        ("set", "O"), ("the", "O"), ("living", "B-area"), ("room", "I-area"),
        ("lights", "B-device_class"), ("to", "O"), ("50%", "B-brightness"),
    ]  # fmt: skip


def test_chinese_bio_alignment() -> None:
    tree = template.parse_template("把{area}的{name}调到{temperature}")
    lists = {"area": ["客厅"], "name": ["Hue灯"], "temperature": ["26度"]}
    text, spans = template.join_pieces(template.sample(tree, lists, random.Random(0)))
    ex = data.make_example(text, "zh", "set_temperature", spans)
    assert ex.text == "把客厅的Hue灯调到26度"
    assert _words_tags(ex) == [
        ("把", "O"), ("客", "B-area"), ("厅", "I-area"), ("的", "O"), ("Hue", "B-name"),
        ("灯", "I-name"), ("调", "O"), ("到", "O"), ("26", "B-temperature"),
        ("度", "I-temperature"),
    ]  # fmt: skip


def test_build_dataset_is_balanced_seeded_and_adapts_to_a_home() -> None:
    a = data.build_dataset("en", 10, 0, root=FIXTURES)
    assert a == data.build_dataset("en", 10, 0, root=FIXTURES)
    counts = {i: sum(e.intent == i for e in a) for i in {e.intent for e in a}}
    assert counts.pop("none") == 10 * data.NONE_FACTOR  # everything that is not a command: one class
    assert set(counts.values()) == {10}
    home = data.build_dataset("en", 40, 0, {"name": ["Zebra Lamp"]}, root=FIXTURES)
    assert any("Zebra Lamp" in e.text for e in home)
    for ex in home:
        for _slot, start, end in ex.spans:
            assert ex.text[start:end] == ex.text[start:end].strip() != ""


def test_reasons_and_slips_keep_the_slot_spans() -> None:
    """Contexts, lead-ins and typing slips change the text around the slots, never inside them."""
    wrappers = {"contexts": ["we're heading out"], "lead_ins": ["it's late"]}
    templates = {"turn_on": [template.parse_template("turn on the {area} lights")]}
    examples = data._expand(templates, {"area": ["kitchen", "den"]}, "en", 200, 0, wrappers)
    texts = [e.text for e in examples]
    assert any(t.endswith("we're heading out") for t in texts)
    assert any(t.startswith("it's late") for t in texts)
    assert any("lihgts" in t or "tunr" in t or "ligts" in t or "lightts" in t or "trn" in t for t in texts)
    for ex in examples:
        assert [ex.text[a:b] for _, a, b in ex.spans] in (["kitchen"], ["den"])


def test_heldout_sentences_align() -> None:
    en = data.load_heldout_sentences("en", root=FIXTURES)
    assert _words_tags(en[0])[-1] == ("den", "B-area")
    zh = data.load_heldout_sentences("zh", root=FIXTURES)
    assert zh[0].tags[-4:] == ("B-temperature", "I-temperature", "I-temperature", "I-temperature")
    with pytest.raises(ValueError, match="not found"):
        data.align_slots("turn on the lights", {"area": "den"})


def test_bio_entities_lenient() -> None:
    tags = ["O", "B-area", "I-area", "I-name", "O", "I-color", "B-x", "B-x"]
    assert data.bio_entities(tags) == [
        ("area", 1, 2), ("name", 3, 3), ("color", 5, 5), ("x", 6, 6), ("x", 7, 7),
    ]  # fmt: skip


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_overlap_between_training_and_heldout(lang: str) -> None:
    root = data_path("intents")
    heldout = data.heldout_dir(lang, root)
    train_templates = data.load_template_strings(root / lang)
    if not (heldout / "templates").is_dir() or not train_templates:
        pytest.skip(f"intents/{lang} or intents/heldout/{lang} is not written yet")
    train = {_norm(t) for ts in train_templates.values() for t in ts}
    held = {_norm(t) for ts in data.load_template_strings(heldout / "templates").values() for t in ts}
    assert not train & held, f"templates in both training and held-out: {sorted(train & held)[:5]}"
    sentences = {_norm(e.text) for e in data.load_heldout_sentences(lang, root)}
    generated = {_norm(e.text) for e in data.build_dataset(lang, 200, 0, root=root)}
    assert not sentences & generated, (
        f"held-out sentences generated by training templates: {sorted(sentences & generated)[:5]}"
    )

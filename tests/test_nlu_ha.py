"""Home Assistant's sentence templates as training data (hub/nlu/ha_data.py) and HA's own test
sentences as a held-out parity set (intents/heldout/ha/): real hassil, real home-assistant-intents."""

from __future__ import annotations

import pytest

from hub.nlu import data
from hub.nlu.ha_data import _MOWERS, build_ha_dataset, our_intent
from hub.nlu.train import load_recipe

pytest.importorskip("hassil")
pytest.importorskip("home_assistant_intents")


def _lists(lang: str) -> dict[str, list[str]]:
    return data.load_slot_lists(data.intents_root() / lang / "slots")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ha_examples_are_tagged_in_our_labels(lang: str) -> None:
    examples = build_ha_dataset(lang, 12, 0, _lists(lang))
    intents = {e.intent for e in examples}
    assert {"turn_on", "turn_off", "set_brightness", "get_state", "none"} <= intents
    labels = set(data.load_inventory()[1])
    for ex in examples:
        assert all(tag == "O" or tag[2:] in labels for tag in ex.tags), ex
        assert len(ex.tags) == len(ex.words)
        if ex.intent == "none":
            assert set(ex.tags) == {"O"}, ex
    # numbers keep their unit inside the slot, as our lists do ("50%", "百分之50")
    after = [ex.text[e:].lstrip()[:7] for ex in examples for slot, _, e in ex.spans if slot == "brightness"]
    assert after and not [a for a in after if a.startswith(("%", "percent"))]
    # the class words HA writes as plain text are tagged ("turn on the kitchen lights" → lights)
    assert any(slot == "device_class" for ex in examples for slot, _, _ in ex.spans)


def test_ha_names_and_areas_come_from_our_vocabulary() -> None:
    lists = _lists("en")
    vocab = {v for key, values in lists.items() if key.split("@")[0] in ("name", "area") for v in values}
    vocab |= set(_MOWERS["en"])  # ours have no mower list: the few names HA's mower intents get
    examples = build_ha_dataset("en", 10, 0, lists)
    found = [ex.text[s:e] for ex in examples for slot, s, e in ex.spans if slot in ("name", "area")]
    assert found and all(text in vocab for text in found)


def test_ha_dataset_is_deterministic_and_bounded() -> None:
    a = build_ha_dataset("en", 5, 3, _lists("en"))
    b = build_ha_dataset("en", 5, 3, _lists("en"))
    assert [e.text for e in a] == [e.text for e in b]
    counts: dict[str, int] = {}
    for e in a:
        counts[e.intent] = counts.get(e.intent, 0) + 1
    assert max(counts.values()) <= 5


def test_ha_intents_map_by_domain() -> None:
    assert our_intent("HassTurnOn", {}, "cover") == "open"
    assert our_intent("HassTurnOff", {}, "lock") == "unlock"
    assert our_intent("HassLightSet", {"color": "red"}, None) == "set_color"
    assert our_intent("HassStartTimer", {}, None) == "none"
    assert our_intent("HassTurnOn", {}, "media_player") is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_ha_test_sentence_is_training_data(lang: str) -> None:
    """HA's own test sentences (and ours) never reach the default recipe's training set."""
    recipe = load_recipe("default")
    parity = {t.casefold() for path in (data.intents_root() / "heldout" / "ha" / lang).glob("*.yaml")
              for t, _ in data.load_ha_tests_file(path)}  # fmt: skip
    assert len(parity) > 10
    assert parity <= data.heldout_texts(lang)
    training = data.build_dataset(lang, recipe.n_per_intent[lang], recipe.seed,
                                  ha_per_intent=recipe.ha_per_intent[lang])  # fmt: skip
    from_ha = {x.text for x in build_ha_dataset(lang, recipe.ha_per_intent[lang], recipe.seed, _lists(lang))}
    assert len(from_ha & {e.text for e in training}) > 100  # the recipe does use HA's templates
    texts = {e.text.casefold() for e in training}
    assert not texts & parity
    assert not texts & data.heldout_texts(lang)


def test_ha_test_files_name_our_intents() -> None:
    intents = set(data.load_inventory()[0])
    for lang in ("en", "zh"):
        for path in (data.intents_root() / "heldout" / "ha" / lang).glob("*.yaml"):
            assert {ours for _, ours in data.load_ha_tests_file(path)} <= intents, path

"""The resolver's index gives exactly the answers of the walks it replaces (hub/resolver/index.py).

Each lookup is checked against the definition it stands in for, on generated homes: the word
index against rapidfuzz's `token_set_ratio == 100`, the substring search against `k in name`,
the scan-word lookup against checking every word of the home.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from hub.domain import Entity
from hub.registry import Registry
from hub.resolver.index import index_of
from hub.resolver.lexicon import Home, home_of, key
from hub.resolver.mention import contains

WORDS = ["kitchen", "lamp", "ceiling", "light", "study", "blind", "2", "5", "plug", "灯", "客厅", "台灯", "书房"]
AREAS = ["Kitchen", "Study", "Living Room", "客厅", None]


def _home(names: list[tuple[str, str | None]]) -> Home:
    registry = Registry()
    registry.apply([
        Entity(entity_id=f"light.e{i}", component="light", name=name, discovery_topic=f"homeassistant/light/e{i}/config",
               config={}, unique_id=f"e{i}", area=area)
        for i, (name, area) in enumerate(names)
    ])
    return home_of(registry.snapshot())


names_st = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join), st.sampled_from(AREAS)),
    min_size=1, max_size=25,
)  # fmt: skip
mention_st = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(names=names_st, mention=mention_st, in_area=st.booleans())
def test_name_lookups_match_the_definitions(names: list[tuple[str, str | None]], mention: str, in_area: bool) -> None:
    home = _home(names)
    pool = [e for e in home.entities if int(e.entity_id[7:]) % 3] if in_area else home.entities
    table = index_of(home).table(pool, in_area)
    flat = [(n, e) for e in pool for n in home.names_of(e, in_area)]
    k = key(mention)
    assert table.names == [n for n, _ in flat]
    assert table.exact(k) == [e for e in pool if k in home.names_of(e, in_area)]
    held = [e for n, e in flat if fuzz.token_set_ratio(k, n) == 100]
    assert table.holding(k) == list({id(e): e for e in held}.values())
    inside = [e for n, e in flat if k in n]
    assert table.containing(k) == list({id(e): e for e in inside}.values())


@settings(max_examples=150, deadline=None)
@given(names=names_st, text=st.lists(st.sampled_from([*WORDS, "turn", "on", "the", "打开"]), max_size=7).map(" ".join))
def test_scan_words_are_those_in_the_sentence(names: list[tuple[str, str | None]], text: str) -> None:
    home = _home(names)
    k = key(text)
    leads = set(k.split()) | set(k.replace(" ", ""))

    def lead(word: str) -> str:
        return word[0] if "\u3400" <= word[0] <= "\u9fff" else word.split()[0]

    expected = [w for w in home.words if lead(w[0]) in leads and contains(k, w[0])]
    assert index_of(home).words_in(k) == expected


def test_areas_by_key_concept_containment_and_score() -> None:
    home = _home([("Lamp", "Living Room"), ("Lamp 2", "Kitchen"), ("灯", "客厅"), ("Blind", "Study")])
    index = index_of(home)
    assert index.areas_keyed("living room") == ["Living Room"]
    assert index.areas_keyed("lounge") == []
    assert sorted(index.areas_sharing({"living_room"})) == ["Living Room", "客厅"]
    assert index.areas_containing("living") == ["Living Room"]
    assert index.areas_near("kitchn", 90) == ["Kitchen"]
    assert index_of(home) is index  # built once per home

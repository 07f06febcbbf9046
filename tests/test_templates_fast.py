"""The direct path for `{{ value_json.a.b }}` templates renders exactly what Jinja renders."""

from __future__ import annotations

import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.templates import _simple_path, render, render_value

keys = st.sampled_from(["temperature", "state", "a", "b", "0", "items", "POWER", "contact"])
leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
tree = st.recursive(leaf, lambda c: st.lists(c, max_size=3) | st.dictionaries(keys, c, max_size=4), max_leaves=8)
segment = st.one_of(keys.map(lambda k: f".{k}" if k.isidentifier() else f"['{k}']"),
                    st.integers(0, 3).map(lambda i: f"[{i}]"), keys.map(lambda k: f'["{k}"]'))


@settings(max_examples=500, deadline=None)
@given(payload=st.one_of(tree.map(json.dumps), st.text(max_size=20)), segments=st.lists(segment, min_size=1, max_size=3),
       spaces=st.booleans())
def test_fast_path_matches_jinja(payload: str, segments: list[str], spaces: bool) -> None:
    pad = " " if spaces else ""
    template = "{{" + pad + "value_json" + "".join(segments) + pad + "}}"
    try:
        value_json = orjson.loads(payload)  # as the hub (and HA) parse: big ints become floats
    except ValueError:
        import jinja2

        value_json = jinja2.ChainableUndefined(name="value_json")
    expected = render(template, value=payload, value_json=value_json)
    if "built-in method" not in expected:  # a method repr differs by address between renders
        assert render_value(template, payload) == expected


def test_simple_templates_take_the_fast_path() -> None:
    assert _simple_path("{{ value_json.temperature }}") == ("temperature",)
    assert _simple_path("{{value_json['a'][0].b}}") == ("a", 0, "b")
    assert _simple_path("{{ value_json.items }}") is None  # the dict method in Jinja
    assert _simple_path("{{ value_json.t | float }}") is None
    assert render_value("{{ value_json.t }}", '{"t": 21.5}') == "21.5"
    assert render_value("{{ value_json.contact }}", '{"contact": false}') == "False"
    assert render_value("{{ value_json.missing }}", '{"t": 1}') == ""

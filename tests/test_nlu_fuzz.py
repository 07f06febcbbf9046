"""Hostile text through the NLU input path and the resolver: no crash, always a Parse, no action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.ask import registry_from, understand
from hub.demo import load_home
from hub.domain import Parse
from hub.nlu.infer import Parser

hostile = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=50),
    st.text(alphabet="打开关闭灯空调的吗 turnoflightsAC0123456789%℃°", max_size=80),
    st.builds(lambda a, n: a * n, st.sampled_from(["turn on ", "灯", "{{ 7*7 }}", "\x00", "🙂", "a"]),
              st.integers(1, 3000)),
    st.sampled_from(["", " ", "\n", "\u202e", "\ufeffturn on", "turn on the " + "very " * 400 + "lamp",
                     "{{ ''.__class__.__mro__ }}", "'; DROP TABLE states; --", "<script>alert(1)</script>"]),
)


@pytest.fixture(scope="module")
def parser(tiny_model: Path) -> Parser:
    return Parser.load(tiny_model)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(text=hostile, lang=st.sampled_from(["auto", "en", "zh"]))
def test_any_text_parses_and_resolves_without_crashing(parser: Parser, text: str, lang: str) -> None:
    parse = parser.parse(text, lang)
    assert isinstance(parse, Parse) and parse.lang in ("en", "zh") and 0.0 <= parse.confidence <= 1.0
    for slot in parse.slots:
        assert 0 <= slot.start <= slot.end
    home = registry_from(((t, json.dumps(p)) for t, p in load_home().items()), pytest.fail).snapshot()
    result = understand(parse, home, {})
    json.dumps(result, ensure_ascii=False)  # always serialisable: the contract's one line
    assert set(result) >= {"text", "lang", "intent", "confidence", "slots", "actions", "query", "error"}

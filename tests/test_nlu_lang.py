"""Language detection by script and the shared word splitter."""

from __future__ import annotations

import pytest

from hub.nlu.lang import detect_lang, split_words


@pytest.mark.parametrize(
    ("text", "lang"),
    [("turn on the lights", "en"), ("把卧室空调调到二十六度", "zh"), ("打开 Hue 灯", "zh"),
     ("turn on the 客厅 lamp please", "en"), ("", "en"), ("42", "en"), ("开灯", "zh")],
)  # fmt: skip
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_split_english_keeps_numbers_and_splits_punctuation() -> None:
    words = [w for w, _, _ in split_words("set it to 22.5, don't wait! 50% now")]
    assert words == ["set", "it", "to", "22.5", ",", "don't", "wait", "!", "50%", "now"]


def test_split_chinese_per_character_with_latin_runs() -> None:
    text = "把Hue灯调到26度，谢谢"
    words = split_words(text)
    assert [w for w, _, _ in words] == ["把", "Hue", "灯", "调", "到", "26", "度", "，", "谢", "谢"]
    assert all(text[s:e] == w for w, s, e in words)

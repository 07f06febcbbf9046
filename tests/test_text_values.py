"""Slot normalisers: numbers, percentages, temperatures, colours, kelvin, HVAC modes, fan speed."""

from __future__ import annotations

from typing import Any

import pytest

from hub.text.values import en_number, normalize, zh_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("twenty two", 22), ("a hundred", 100), ("22.5", 22.5), ("one hundred and five", 105),
     ("twenty point five", 20.5), ("seven", 7), ("3,000", 3000), ("banana", None), ("", None)],
)  # fmt: skip
def test_en_numbers(text: str, value: float | None) -> None:
    assert en_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("二十四", 24), ("二十五点五", 25.5), ("两", 2), ("十五", 15), ("一百零五", 105),
     ("26", 26), ("三千", 3000), ("你好", None)],
)  # fmt: skip
def test_zh_numbers(text: str, value: float | None) -> None:
    assert zh_number(text) == value


@pytest.mark.parametrize(
    ("slot", "text", "lang", "value"),
    [
        ("brightness", "half", "en", 50), ("brightness", "full", "en", 100),
        ("brightness", "max", "en", 100), ("brightness", "maximum", "en", 100),
        ("brightness", "a quarter", "en", 25), ("brightness", "minimum", "en", 1),
        ("brightness", "lowest", "en", 1), ("brightness", "50%", "en", 50),
        ("brightness", "50 percent", "en", 50), ("brightness", "fifty per cent", "en", 50),
        ("brightness", "twenty two", "en", 22), ("position", "a hundred", "en", 100),
        ("brightness", "百分之五十", "zh", 50), ("brightness", "一半", "zh", 50),
        ("brightness", "最亮", "zh", 100), ("brightness", "最大", "zh", 100),
        ("brightness", "30%", "zh", 30), ("position", "两", "zh", 2),
    ],
)  # fmt: skip
def test_percentages(slot: str, text: str, lang: str, value: Any) -> None:
    assert normalize(slot, text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("22", "en", 22.0), ("22.5 degrees", "en", 22.5), ("72 fahrenheit", "en", 22.0),
     ("72°F", "en", 22.0), ("seventy two degrees fahrenheit", "en", 22.0),
     ("twenty one celsius", "en", 21.0), ("二十四", "zh", 24.0), ("26度", "zh", 26.0),
     ("二十五点五度", "zh", 25.5), ("华氏72度", "zh", 22.0)],
)  # fmt: skip
def test_temperature(text: str, lang: str, value: float) -> None:
    assert normalize("temperature", text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("red", "en", (255, 0, 0)), ("Light Blue", "en", (173, 216, 230)),
     ("红色", "zh", (255, 0, 0)), ("蓝", "zh", (0, 0, 255)), ("plaid", "en", None)],
)  # fmt: skip
def test_color(text: str, lang: str, value: Any) -> None:
    assert normalize("color", text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("warm white", "en", 2700), ("soft white", "en", 3000), ("neutral", "en", 4000),
     ("cool white", "en", 5000), ("daylight", "en", 6500), ("candle light", "en", 2000),
     ("4000K", "en", 4000), ("4000 kelvin", "en", 4000), ("暖光", "zh", 2700),
     ("暖白", "zh", 2700), ("自然光", "zh", 4000), ("冷光", "zh", 6000), ("冷白", "zh", 6000),
     ("白光", "zh", 5000)],
)  # fmt: skip
def test_color_temp(text: str, lang: str, value: int) -> None:
    assert normalize("color_temp", text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("heat", "en", "heat"), ("heating", "en", "heat"), ("warm", "en", "heat"),
     ("cool", "en", "cool"), ("cooling mode", "en", "cool"), ("AC", "en", "cool"),
     ("auto", "en", "auto"), ("dry", "en", "dry"), ("dehumidify", "en", "dry"),
     ("fan only", "en", "fan_only"), ("制热", "zh", "heat"), ("制冷模式", "zh", "cool"),
     ("自动", "zh", "auto"), ("除湿", "zh", "dry"), ("送风", "zh", "fan_only"),
     ("关", "zh", "off")],
)  # fmt: skip
def test_hvac_mode(text: str, lang: str, value: str) -> None:
    assert normalize("hvac_mode", text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("low", "en", 33), ("medium", "en", 66), ("high", "en", 100), ("high speed", "en", 100),
     ("50%", "en", 50), ("一档", "zh", 33), ("二档", "zh", 66), ("三档", "zh", 100),
     ("高速", "zh", 100)],
)  # fmt: skip
def test_fan_speed(text: str, lang: str, value: int) -> None:
    assert normalize("percentage", text, lang) == value


@pytest.mark.parametrize("slot", ["area", "name", "device_class", "unknown"])
def test_target_slots_have_no_value(slot: str) -> None:
    assert normalize(slot, "kitchen", "en") is None

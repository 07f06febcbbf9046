"""Slot normalisers: surface text → value. Pure functions, no model, no I/O.

One entry point, `normalize(slot_name, text, lang)`, returns the value a resolver can use, or
None when the text has no normal form (names, areas and device classes never have one):

| slot | value |
|---|---|
| brightness, position, percentage | int or float percent ("half" → 50, "二档" → 66) |
| temperature | °C as float ("72°F" → 22.0) |
| color | `(r, g, b)` tuple |
| color_temp | kelvin as int |
| hvac_mode | "heat", "cool", "auto", "dry", "fan_only" or "off" |
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hub.codecs.colors import name_to_rgb

_EN_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_PERCENT_WORDS = {
    "half": 50, "a half": 50, "quarter": 25, "a quarter": 25, "three quarters": 75,
    "full": 100, "max": 100, "maximum": 100, "fully": 100, "all the way": 100, "100": 100,
    "min": 1, "minimum": 1, "lowest": 1, "highest": 100, "brightest": 100, "dimmest": 1,
    "halfway": 50, "half way": 50, "to half": 50, "half open": 50, "half closed": 50, "third": 33,
    "a third": 33, "one third": 33, "two thirds": 67, "one quarter": 25, "top": 100, "bottom": 1,
}  # fmt: skip
_ZH_PERCENT_WORDS = {
    "一半": 50, "半": 50, "最亮": 100, "最大": 100, "最高": 100, "全开": 100, "满": 100,
    "最暗": 1, "最小": 1, "最低": 1, "四分之一": 25, "四分之三": 75, "三分之一": 33, "三分之二": 67,
}  # fmt: skip
_FAN_WORDS = {
    "low": 33, "slow": 33, "medium": 66, "mid": 66, "middle": 66, "high": 100, "fast": 100,
    "max": 100, "maximum": 100, "full": 100, "lowest": 33, "highest": 100,
    "一档": 33, "1档": 33, "二档": 66, "两档": 66, "2档": 66, "三档": 100, "3档": 100,
    "低": 33, "低速": 33, "低档": 33, "中": 66, "中速": 66, "中档": 66, "高": 100, "高速": 100,
    "高档": 100, "最大": 100, "最高": 100, "最低": 33,
}  # fmt: skip
_KELVIN_WORDS = {
    "candle": 2000, "candlelight": 2000, "warm": 2700, "warm white": 2700, "warmest": 2000,
    "soft": 3000, "soft white": 3000, "neutral": 4000, "neutral white": 4000, "natural": 4000,
    "natural white": 4000, "cool": 5000, "cool white": 5000, "cold": 6000, "cold white": 6000,
    "white": 5000, "bright white": 5000, "daylight": 6500, "day light": 6500, "coolest": 6500,
    "暖光": 2700, "暖白": 2700, "暖白光": 2700, "暖色": 2700, "暖黄": 2500, "烛光": 2000,
    "自然光": 4000, "自然白": 4000, "中性光": 4000, "冷光": 6000, "冷白": 6000, "冷白光": 6000,
    "冷色": 6000, "白光": 5000, "日光": 6500,
}  # fmt: skip
_HVAC_WORDS = {
    "heat": "heat", "heating": "heat", "warm": "heat", "heater": "heat", "cool": "cool",
    "cooling": "cool", "ac": "cool", "a/c": "cool", "air conditioning": "cool", "cold": "cool",
    "auto": "auto", "automatic": "auto", "heat cool": "auto", "dry": "dry", "dehumidify": "dry",
    "dehumidifying": "dry", "dehumidifier": "dry", "fan": "fan_only", "fan only": "fan_only",
    "fan_only": "fan_only", "ventilation": "fan_only", "off": "off",
    "制热": "heat", "加热": "heat", "暖风": "heat", "制冷": "cool", "冷风": "cool", "自动": "auto",
    "除湿": "dry", "抽湿": "dry", "送风": "fan_only", "通风": "fan_only", "关": "off", "关闭": "off",
}  # fmt: skip
_EN_FILLER = {"a", "an", "and", "the", "to", "at", "by", "of", "about", "around", "setting",
              "mode", "percent", "per", "cent", "pct", "%", "degrees", "degree", "°", "level"}  # fmt: skip
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_NUMBER = re.compile("[零〇一二两三四五六七八九十百千万点]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")

# Extra spellings on top of hub/codecs/colors.py (CSS names and Chinese colour words), for the
# shortened forms people say ("浅蓝", "米", "咖啡").
_COLORS: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
    "orange": (255, 165, 0), "purple": (128, 0, 128), "pink": (255, 192, 203),
    "white": (255, 255, 255), "black": (0, 0, 0), "cyan": (0, 255, 255), "aqua": (0, 255, 255),
    "magenta": (255, 0, 255), "violet": (238, 130, 238), "indigo": (75, 0, 130),
    "lime": (0, 255, 0), "teal": (0, 128, 128), "navy": (0, 0, 128), "gold": (255, 215, 0),
    "brown": (165, 42, 42), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "turquoise": (64, 224, 208), "lavender": (230, 230, 250), "crimson": (220, 20, 60),
    "coral": (255, 127, 80), "salmon": (250, 128, 114), "lightblue": (173, 216, 230),
    "skyblue": (135, 206, 235), "lightgreen": (144, 238, 144), "darkblue": (0, 0, 139),
    "darkgreen": (0, 100, 0), "darkred": (139, 0, 0), "hotpink": (255, 105, 180),
    "beige": (245, 245, 220), "maroon": (128, 0, 0), "olive": (128, 128, 0),
    "红": (255, 0, 0), "绿": (0, 128, 0), "蓝": (0, 0, 255), "黄": (255, 255, 0),
    "橙": (255, 165, 0), "橘": (255, 165, 0), "紫": (128, 0, 128), "粉": (255, 192, 203),
    "粉红": (255, 192, 203), "白": (255, 255, 255), "黑": (0, 0, 0), "青": (0, 255, 255),
    "金": (255, 215, 0), "金黄": (255, 215, 0), "棕": (165, 42, 42), "咖啡": (165, 42, 42),
    "灰": (128, 128, 128), "浅蓝": (173, 216, 230), "天蓝": (135, 206, 235),
    "浅绿": (144, 238, 144), "深蓝": (0, 0, 139), "深绿": (0, 100, 0), "深红": (139, 0, 0),
    "玫红": (255, 0, 255), "品红": (255, 0, 255), "洋红": (255, 0, 255), "米": (245, 245, 220),
    "薰衣草": (230, 230, 250), "湖蓝": (0, 128, 128), "青绿": (64, 224, 208),
}  # fmt: skip


def color_rgb(name: str) -> tuple[int, int, int] | None:
    """RGB of a CSS colour name ("light blue" too) or a Chinese colour word ("红色", "浅蓝")."""
    known = name_to_rgb(name) or name_to_rgb(name.strip().removesuffix("的"))
    if known is not None:
        return known
    key = name.lower().replace(" ", "").removesuffix("colour").removesuffix("color")
    key = key.removesuffix("色的").removesuffix("色").removesuffix("的")
    return _COLORS.get(key) or name_to_rgb(key)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().strip()
    return re.sub(r"\s+", " ", text.replace("-", " "))


def _tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def en_number(text: str) -> float | None:
    """Parse an English number in digits or words ("22.5", "twenty two", "a hundred and five")."""
    text = _clean(text).replace(",", "")
    words = [w for w in re.findall(r"[a-z]+|\d+(?:\.\d+)?", text) if w not in _EN_FILLER]
    if not words:
        return None
    if len(words) == 1 and _DIGITS.fullmatch(words[0]):
        return float(words[0])
    total, current, seen = 0.0, 0.0, False
    for i, word in enumerate(words):
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif word in _EN_TENS:
            current += _EN_TENS[word]
        elif _DIGITS.fullmatch(word):
            current += float(word)
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        elif word == "point" and seen:
            decimals = [_EN_UNITS.get(w) for w in words[i + 1 :]]
            if not decimals or any(d is None or d > 9 for d in decimals):
                return None
            return total + current + float("0." + "".join(str(d) for d in decimals))
        else:
            return None
        seen = True
    return total + current if seen else None


def zh_number(text: str) -> float | None:
    """Parse a Chinese number in digits or numerals ("二十四", "二十五点五", "两", "26")."""
    text = unicodedata.normalize("NFKC", text).strip()
    if _DIGITS.fullmatch(text):
        return float(text)
    if not text or not _ZH_NUMBER.fullmatch(text):
        return None
    whole, _, frac = text.partition("点")
    total, section, num = 0, 0, 0
    for ch in whole:
        if ch in _ZH_DIGITS:
            num = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (num or 1) * _ZH_UNITS[ch]
            num = 0
        elif ch == "万":
            total += (section + num) * 10000
            section = num = 0
    value = float(total + section + num)
    if frac:
        if any(ch not in _ZH_DIGITS for ch in frac):
            return None
        value += float("0." + "".join(str(_ZH_DIGITS[ch]) for ch in frac))
    return value


def _zh_value(text: str) -> float | None:
    """A number inside Chinese text: digits anywhere, or the first run of numerals."""
    text = unicodedata.normalize("NFKC", text)
    match = _DIGITS.search(text)
    if match:
        return float(match.group())
    match = _ZH_NUMBER.search(text)
    return zh_number(match.group()) if match else None


def percent(text: str, lang: str) -> int | float | None:
    """A percentage: "50%", "fifty per cent", "half", "full", "百分之五十", "一半", "最亮"."""
    clean = _clean(text)
    if lang == "zh" or "百分之" in clean:
        clean = clean.replace("百分之", "")
        for word, value in _ZH_PERCENT_WORDS.items():
            if word in clean:
                return value
        number = _zh_value(clean)
    else:
        core = " ".join(w for w in re.findall(r"[a-z]+|\d+(?:\.\d+)?", clean) if w not in _EN_FILLER)
        if core in _EN_PERCENT_WORDS:
            return _EN_PERCENT_WORDS[core]
        number = en_number(clean)
    return None if number is None else _tidy(number)


def fan_speed(text: str, lang: str) -> int | float | None:
    """Fan speed percent: "low" 33, "medium" 66, "high" 100, "二档" 66, or a percentage."""
    clean = _clean(text).replace(" speed", "").replace("速度", "").strip()
    if clean in _FAN_WORDS:
        return _FAN_WORDS[clean]
    for word, value in _FAN_WORDS.items():
        if lang == "zh" and len(word) > 1 and word in clean:
            return value
    return percent(text, lang)


def temperature(text: str, lang: str) -> float | None:
    """A temperature in °C; Fahrenheit ("72 fahrenheit", "72°F", "华氏72度") is converted."""
    clean = _clean(text)
    fahrenheit = bool(re.search(r"°f|\bf\b|fahrenheit|华氏", clean)) or bool(re.search(r"\d\s*f\b", clean))
    clean = re.sub(r"°[cf]?|fahrenheit|celsius|centigrade|摄氏|华氏|\b[cf]\b", " ", clean)
    clean = re.sub(r"(?<=\d)[cf]\b", " ", clean)
    number = _zh_value(clean) if lang == "zh" else en_number(clean)
    if number is None:
        return None
    if fahrenheit:
        return round((number - 32) * 5 / 9 * 2) / 2
    return float(number)


def color_temp(text: str, lang: str) -> int | None:
    """Colour temperature in kelvin: "warm white" 2700, "daylight" 6500, "4000K", "冷光" 6000."""
    clean = _clean(text)
    match = re.search(r"(\d{4,5})\s*(?:k|kelvin)?\b", clean)
    if match:
        return int(match.group(1))
    clean = re.sub(r"\b(light|lights|color|colour|temperature|tone|mode)\b", "", clean).strip()
    clean = re.sub(r"\s+", " ", clean)
    if clean in _KELVIN_WORDS:
        return _KELVIN_WORDS[clean]
    for word in sorted(_KELVIN_WORDS, key=len, reverse=True):
        if word in clean:
            return _KELVIN_WORDS[word]
    return None


def hvac_mode(text: str, lang: str) -> str | None:
    """HVAC mode: heat, cool, auto, dry, fan_only or off ("heating", "AC", "制冷", "除湿")."""
    clean = _clean(text)
    clean = re.sub(r"\b(mode|setting|the)\b|模式", "", clean).strip()
    clean = re.sub(r"\s+", " ", clean)
    if clean in _HVAC_WORDS:
        return _HVAC_WORDS[clean]
    for word in sorted(_HVAC_WORDS, key=len, reverse=True):
        if len(word) > 1 and word in clean:
            return _HVAC_WORDS[word]
    return None


def color(text: str, lang: str) -> tuple[int, int, int] | None:
    """An RGB triple for a CSS colour name or a Chinese colour word ("red", "浅蓝色")."""
    return color_rgb(_clean(text))


def normalize(slot_name: str, text: str, lang: str) -> Any:
    """Normalise the surface text of one slot; None when there is no normal form.

    Args:
        slot_name: A slot from the intent inventory ("brightness", "temperature", …).
        text: The slot's surface text, as it appeared in the sentence.
        lang: "en" or "zh".

    Returns:
        The value (see the module docstring), or None.
    """
    if slot_name in ("brightness", "position"):
        return percent(text, lang)
    if slot_name == "percentage":
        return fan_speed(text, lang)
    if slot_name == "temperature":
        return temperature(text, lang)
    if slot_name == "color_temp":
        return color_temp(text, lang)
    if slot_name == "hvac_mode":
        return hvac_mode(text, lang)
    if slot_name == "color":
        return color(text, lang)
    return None

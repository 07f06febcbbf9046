"""The time words of a command, English and Chinese: regexes → typed pieces (pure, no clock).

`pieces(text, lang)` finds every time expression it knows and returns `Piece`s (a span and what
it says: a delay, a repetition, a day, a part of the day, a clock time). `hub.text.when` joins the
adjacent pieces into one `When`. The grammar is closed and small on purpose (Duckling's and Rasa's
way with times): what it does not know stays in the sentence for the model, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.text.values import en_number, zh_number

# -- English ----------------------------------------------------------------------------------

_UNITS = ("zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
          "fifteen|sixteen|seventeen|eighteen|nineteen")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONE_NINE = "one|two|three|four|five|six|seven|eight|nine"
_EN_NUM = rf"(?:\d+(?:\.\d+)?|(?:{_TENS})(?:[\s-](?:{_ONE_NINE}))?|{_UNITS}|an?)"
_EN_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)"
_HOUR_WORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_MIN_WORD = rf"(?:(?:{_TENS})(?:[\s-](?:{_ONE_NINE}))?|oh[\s-](?:{_ONE_NINE})|ten|eleven|twelve|thirteen|" \
            rf"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_RE = "|".join(_DAYS)
_PARTS = "morning|afternoon|evening|night|noon|midday|midnight"

_EN_DELAY = re.compile(
    rf"\b(?P<pre>in|after|within)?\s*"
    rf"(?:(?P<n>{_EN_NUM})(?P<half1>\s+and\s+a\s+half)?\s+(?P<u>{_EN_UNIT})(?P<half2>\s+and\s+a\s+half)?"
    rf"|half\s+an?\s+(?P<hu>hour|minute)|(?:a\s+)?quarter\s+of\s+an\s+(?P<qu>hour))"
    rf"(?P<post>\s+(?:from\s+now|later))?\b", re.I)
_EN_EVERY = re.compile(
    rf"\b(?:(?:every|each)\s+(?:(?P<n>{_EN_NUM})\s+(?P<u>{_EN_UNIT}|days?)|other\s+(?P<other>day)"
    rf"|(?P<one>second|minute|hour|day|week\s*day|weekend|(?:{_PARTS})|{_DAY_RE})s?)"
    rf"|(?P<adv>daily|hourly|nightly)|(?:on\s+)?(?P<plural>weekdays|weekends|(?:{_DAY_RE})s)"
    rf"|(?:from\s+)?(?P<range>monday)\s+(?:to|through|till|until)\s+friday)\b", re.I)
_EN_DAY = re.compile(
    rf"\b(?:(?P<rel>today|tonight|tomorrow|the\s+day\s+after\s+tomorrow)|(?:on\s+|next\s+|this\s+)?"
    rf"(?P<wd>{_DAY_RE}))\b", re.I)
_AFTER_A_DAY = re.compile(r"\b(?:today|tomorrow|yesterday|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+$",
                          re.I)
"""What a bare part of the day must follow to be a time ("tomorrow morning", "friday night")."""
_EN_PART = re.compile(rf"\b(?:this\s+|in\s+the\s+|at\s+)?(?P<part>{_PARTS})\b", re.I)
_EN_CLOCK = re.compile(
    rf"\b(?P<at>at|by|around|about)?\s*(?:"
    rf"(?P<h>[01]?\d|2[0-3])(?!\d)(?:[:.](?P<m>[0-5]\d)(?!\d))?"
    rf"|(?P<hw>{_HOUR_WORD})(?:\s+(?P<mw>{_MIN_WORD}))?"
    rf"|(?P<frac>half|(?:a\s+)?quarter|{_MIN_WORD}(?:\s+minutes?)?)\s+(?P<rel>past|after|to|before)\s+"
    rf"(?P<h2>[01]?\d|2[0-3]|{_HOUR_WORD})"
    rf"|(?P<named>noon|midday|midnight))"
    rf"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?(?P<oclock>\s+o'?clock)?", re.I)
_EN_WINDOW = re.compile(
    rf"\bbetween\s+(?P<first>(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?(?:\s*[ap]\.?m\.?)?|(?:{_HOUR_WORD})"
    rf"(?:\s+(?:{_MIN_WORD}))?(?:\s*[ap]\.?m\.?)?)\s+and\s+(?:(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?|{_HOUR_WORD})"
    rf"(?:\s+(?:{_MIN_WORD}))?(?:\s*(?P<ap>[ap])\.?m\b\.?)?", re.I)
_UNIT_AFTER = re.compile(r"\s*(?:%|°|percent|per\s*cent|degrees?|kelvin|k\b)", re.I)


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as said: hour, minute, am/pm if said, and whether it stands as written."""

    hour: int
    minute: int = 0
    meridiem: str | None = None
    """"am", "pm", or None when not said."""
    exact: bool = False
    """True when the hour cannot be the other half of the day (13:00, 07:30 written with a zero,
    noon, midnight)."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One time expression found in a sentence.

    Exactly one of the payload fields is set.
    """

    start: int
    end: int
    delay: float | None = None
    """Seconds from now."""
    interval: tuple[str, int] | None = None
    """A fixed repetition: (`SECONDLY`|`MINUTELY`|`HOURLY`|`DAILY`, n)."""
    days: tuple[str, ...] | None = None
    """Repeat on these weekdays (`MO`…`SU`); all seven for "every day"."""
    day: int | str | None = None
    """A day: days from today (0, 1, 2) or a weekday code (the next one)."""
    part: str | None = None
    """morning, noon, afternoon, evening, night, midnight."""
    clock: Clock | None = None
    marked: bool = True
    """False for a bare clock that counts only beside another time piece ("tomorrow 8")."""


def _en_seconds(match: re.Match[str]) -> float | None:
    if match["hu"]:
        return 1800.0 if match["hu"].lower() == "hour" else 30.0
    if match["qu"]:
        return 900.0
    n = match["n"].lower()
    value = 1.0 if n in ("a", "an") else en_number(n)
    if value is None:
        return None
    if match["half1"] or match["half2"]:
        value += 0.5
    unit = match["u"].lower()
    scale = 1.0 if unit.startswith("s") else 60.0 if unit.startswith("m") else 3600.0
    return value * scale


_FREQ = {"s": "SECONDLY", "m": "MINUTELY", "h": "HOURLY", "d": "DAILY"}
_PART_NAMES = {"midday": "noon", "tonight": "night"}


def _en_every(match: re.Match[str], start: int, end: int) -> Piece | None:
    if match["n"]:
        n = match["n"].lower()
        value = 1.0 if n in ("a", "an") else en_number(n)
        if value is None or value < 1 or not value.is_integer():
            return None
        return Piece(start, end, interval=(_FREQ[match["u"][0].lower()], int(value)))
    if match["other"]:
        return Piece(start, end, interval=("DAILY", 2))
    word = (match["one"] or match["adv"] or match["plural"] or match["range"] or "").lower()
    word = re.sub(r"\s+", "", word).removesuffix("s") if word not in _DAYS else word
    if word in ("second", "minute", "hour", "hourly"):
        return Piece(start, end, interval=(_FREQ[word[0]], 1))
    if word in ("weekday", "monday") and (match["range"] or word == "weekday"):
        return Piece(start, end, days=DAY_CODES[:5])
    if word == "weekend":
        return Piece(start, end, days=DAY_CODES[5:])
    if word.rstrip("s") in _DAYS:
        return Piece(start, end, days=(DAY_CODES[_DAYS.index(word.rstrip("s"))],))
    if word in ("day", "daily"):
        return Piece(start, end, days=DAY_CODES)
    if word in ("nightly",):
        return Piece(start, end, days=DAY_CODES, part="night")
    if word in ("morning", "afternoon", "evening", "night", "noon", "midday", "midnight"):
        return Piece(start, end, days=DAY_CODES, part=_PART_NAMES.get(word, word))
    return None


def _en_word_number(text: str) -> int | None:
    text = re.sub(r"^oh[\s-]", "", text.lower().strip())
    value = en_number(text)
    return int(value) if value is not None and value.is_integer() else None


def en_clock(match: re.Match[str]) -> Clock | None:
    """The `Clock` of an `_EN_CLOCK` match, or None when it is not a time of day."""
    meridiem = match["ap"].lower() + "m" if match["ap"] else None
    if match["named"]:
        named = match["named"].lower()
        return Clock(0 if named == "midnight" else 12, 0, None, exact=True)
    if match["frac"]:
        frac = match["frac"].lower()
        minutes = 30 if frac == "half" else 15 if "quarter" in frac else _en_word_number(
            re.sub(r"\s+minutes?$", "", frac))
        h2 = match["h2"]
        hour = int(h2) if h2.isdigit() else _en_word_number(h2)
        if minutes is None or hour is None or not 0 < minutes < 60:
            return None
        if match["rel"].lower() in ("to", "before"):
            hour, minutes = (hour - 1) % 24, 60 - minutes
        return Clock(hour, minutes, meridiem)
    if match["h"] is not None:
        hour, minute = int(match["h"]), int(match["m"] or 0)
        exact = hour > 12 or hour == 0 or (match["h"].startswith("0") and len(match["h"]) == 2)
    else:
        hour_word = _en_word_number(match["hw"])
        if hour_word is None:
            return None
        hour, minute = hour_word, 0
        if match["mw"]:
            word_minute = _en_word_number(match["mw"])
            if word_minute is None or not 0 <= word_minute < 60:
                return None
            minute = word_minute
        exact = False
    if meridiem and not 1 <= hour <= 12:
        return None
    return Clock(hour, minute, meridiem, exact=exact)


def _en_clock_piece(match: re.Match[str], text: str) -> Piece | None:
    clock = en_clock(match)
    if clock is None:
        return None
    if _UNIT_AFTER.match(text, match.end()):
        return None  # "at 20 degrees", "at 50%"
    strong = bool(match["m"] or match["ap"] or match["oclock"] or match["named"] or match["frac"]
                  or (match["mw"] and match["at"]))
    at = bool(match["at"])
    if not strong and not (at and clock.hour <= 12):
        # A bare number: a time only next to another time word ("tomorrow 8", "every day 7").
        if match["at"] or not (match["h"] or match["hw"]):
            return None
        return Piece(match.start("h") if match["h"] else match.start("hw"), match.end(), clock=clock,
                     marked=False)
    start = match.start("at") if at else match.start("h") if match["h"] is not None else \
        match.start("hw") if match["hw"] else match.start("frac") if match["frac"] else match.start("named")
    return Piece(start, match.end(), clock=clock)


def en_pieces(text: str) -> list[Piece]:
    """Every English time piece in `text`, earliest first, none overlapping."""
    found: list[Piece] = []
    for match in _EN_DELAY.finditer(text):
        if (match["pre"] or match["post"]) and (seconds := _en_seconds(match)) is not None:
            lead = len(match[0]) - len(match[0].lstrip())
            start = match.start("pre") if match["pre"] else match.start() + lead
            found.append(Piece(start, match.end(), delay=seconds))
    for match in _EN_EVERY.finditer(text):
        if (piece := _en_every(match, match.start(), match.end())) is not None:
            found.append(piece)
    for match in _EN_WINDOW.finditer(text):
        inner = _EN_CLOCK.fullmatch(match["first"])
        clock = en_clock(inner) if inner else None
        if clock is not None:
            if clock.meridiem is None and match["ap"]:
                clock = Clock(clock.hour, clock.minute, match["ap"].lower() + "m", clock.exact)
            found.append(Piece(match.start(), match.end(), clock=clock))
    for match in _EN_DAY.finditer(text):
        rel = (match["rel"] or "").lower()
        if rel == "tonight":
            found.append(Piece(match.start(), match.end(), day=0, part="night"))
        elif rel:
            day = 2 if "after" in rel else int(rel == "tomorrow")
            found.append(Piece(match.start(), match.end(), day=day))
        else:
            found.append(Piece(match.start(), match.end(), day=DAY_CODES[_DAYS.index(match["wd"].lower())]))
    for match in _EN_PART.finditer(text):
        part = match["part"].lower()
        if part in ("noon", "midday", "midnight") and not match[0].lower().startswith(("at", "in", "this")):
            continue  # left to the clock ("at noon") unless it stands alone with a preposition
        if match[0].lower() == part and not _AFTER_A_DAY.search(text, 0, match.start()):
            continue  # a bare "night" is a name's word ("the night lamp") unless it follows a day
        found.append(Piece(match.start(), match.end(), part=_PART_NAMES.get(part, part)))
    for match in _EN_CLOCK.finditer(text):
        if (piece := _en_clock_piece(match, text)) is not None:
            found.append(piece)
    return _non_overlapping(found)


# -- Chinese (Simplified; convert Traditional first) ------------------------------------------

_ZN = "零〇一二两三四五六七八九十百"
_ZH_NUM = rf"(?:\d+(?:\.\d+)?|[{_ZN}]+)"
_ZH_DAY_CHAR = {"一": "MO", "二": "TU", "三": "WE", "四": "TH", "五": "FR", "六": "SA", "日": "SU",
                "天": "SU"}
_ZH_PARTS = {"早上": "morning", "早晨": "morning", "清晨": "morning", "上午": "morning", "中午": "noon",
             "下午": "afternoon", "傍晚": "evening", "晚上": "night", "晚间": "night", "夜里": "night",
             "夜间": "night", "凌晨": "early", "半夜": "midnight", "午夜": "midnight"}
_ZH_DELAY = re.compile(
    rf"(?P<pre>再过|过|等)?(?P<n>{_ZH_NUM}|半)(?P<ge>个)?(?P<half>半)?个?(?P<u>秒钟|秒|分钟|分|小时|钟头|钟)"
    rf"(?P<half2>半)?(?P<post>以后|之后|过后|后)?")
_ZH_EVERY = re.compile(
    rf"(?P<interval>每隔?(?P<n>{_ZH_NUM})?个?(?P<u>秒钟|秒|分钟|小时|钟头|天))"
    rf"|(?P<daily>每天|每日|(?<![今明昨后前每])天天(?!气)|每晚|每早)"
    rf"|(?P<weekdays>(?:每个?)?(?:工作日|周一到周五|星期一到星期五))"
    rf"|(?P<weekend>(?:每个?)?周末)"
    rf"|每个?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])")
_ZH_DAY = re.compile(r"(?P<rel>今天|今日|明天|明日|后天|今晚|明晚|今早|明早)"
                     r"|(?P<next>下个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])")
_ZH_PART = re.compile("|".join(_ZH_PARTS))
_ZH_CLOCK = re.compile(
    rf"(?P<hh>\d{{1,2}})[:：](?P<mm>[0-5]\d)"
    rf"|(?P<h>\d{{1,2}}|[{_ZN}]{{1,3}})(?:点|时)(?:(?P<half>半)|(?P<q>一刻|三刻)|(?P<m>\d{{1,2}}|[{_ZN}]{{1,3}})(?P<fen>分)?"
    rf"|(?P<zheng>钟|整))?")
_ZH_NOT_AFTER = re.compile(r"[度%％档级倍]|摄氏|华氏")
_ZH_SOFT_BEFORE = "亮暗高低大小快慢多少热冷暖凉些"
_ZH_SET_BEFORE = "到为成在"


def _zh_int(text: str) -> int | None:
    value = zh_number(text)
    return int(value) if value is not None and value.is_integer() else None


def _zh_delay(match: re.Match[str]) -> float | None:
    if not (match["pre"] or match["post"]):
        return None
    unit = match["u"]
    if unit == "分" and not match["post"]:
        return None
    n = match["n"]
    value = 0.5 if n == "半" else zh_number(n)
    if value is None or value <= 0:
        return None
    if match["half"] or match["half2"]:
        value += 0.5
    scale = 1.0 if unit.startswith("秒") else 60.0 if unit.startswith("分") else 3600.0
    return value * scale


def _zh_every(match: re.Match[str]) -> Piece | None:
    start, end = match.start(), match.end()
    if match["interval"]:
        n = _zh_int(match["n"]) if match["n"] else 1
        if not n:
            return None
        unit = match["u"]
        freq = "SECONDLY" if unit.startswith("秒") else "MINUTELY" if unit == "分钟" else \
            "DAILY" if unit == "天" else "HOURLY"
        if freq == "DAILY" and n == 1:
            return Piece(start, end, days=DAY_CODES)
        return Piece(start, end, interval=(freq, n))
    if match["daily"]:
        word = match["daily"]
        part = "night" if word == "每晚" else "morning" if word == "每早" else None
        return Piece(start, end, days=DAY_CODES, part=part)
    if match["weekdays"]:
        return Piece(start, end, days=DAY_CODES[:5])
    if match["weekend"]:
        return Piece(start, end, days=DAY_CODES[5:])
    return Piece(start, end, days=(_ZH_DAY_CHAR[match["wd"]],))


def _zh_clock_piece(match: re.Match[str], text: str) -> Piece | None:
    if match["hh"]:
        hh, mm = int(match["hh"]), int(match["mm"])
        if hh > 23:
            return None
        return Piece(match.start(), match.end(), clock=Clock(hh, mm, None, exact=hh > 12))
    hour = _zh_int(match["h"])
    if hour is None or hour > 24:
        return None
    minute = 0
    if match["half"]:
        minute = 30
    elif match["q"]:
        minute = 15 if match["q"] == "一刻" else 45
    elif match["m"]:
        m = _zh_int(match["m"])
        if m is None or m >= 60 or (not match["fen"] and m < 10):
            return None  # "二十点五" is a decimal, not 20:05
        minute = m
    if _ZH_NOT_AFTER.match(text, match.end()):
        return None
    before = text[match.start() - 1] if match.start() else ""
    if before and (before.isdigit() or before in _ZN):
        return None
    strong = bool(match["half"] or match["q"] or match["m"] or match["zheng"])
    soft = hour <= 2 or before in _ZH_SOFT_BEFORE or before in _ZH_SET_BEFORE
    return Piece(match.start(), match.end(), clock=Clock(hour % 24, minute, None, exact=hour > 12),
                 marked=strong or not soft)


def zh_pieces(text: str) -> list[Piece]:
    """Every Chinese time piece in `text` (Simplified), earliest first, none overlapping."""
    found: list[Piece] = []
    for match in _ZH_DELAY.finditer(text):
        if (seconds := _zh_delay(match)) is not None:
            found.append(Piece(match.start(), match.end(), delay=seconds))
    for match in _ZH_EVERY.finditer(text):
        if (piece := _zh_every(match)) is not None:
            found.append(piece)
    for match in _ZH_DAY.finditer(text):
        rel = match["rel"]
        if rel:
            day = 0 if rel[0] == "今" else 2 if rel[0] == "后" else 1
            part = "night" if rel.endswith("晚") else "morning" if rel.endswith("早") else None
            found.append(Piece(match.start(), match.end(), day=day, part=part))
        else:
            found.append(Piece(match.start(), match.end(), day=_ZH_DAY_CHAR[match["wd"]]))
    for match in _ZH_PART.finditer(text):
        found.append(Piece(match.start(), match.end(), part=_ZH_PARTS[match[0]]))
    for match in _ZH_CLOCK.finditer(text):
        if (piece := _zh_clock_piece(match, text)) is not None:
            found.append(piece)
    return _non_overlapping(found)


def _non_overlapping(found: list[Piece]) -> list[Piece]:
    """The pieces in the order given (first kinds win), minus any overlapping one kept earlier."""
    kept: list[Piece] = []
    for piece in found:
        if piece.end <= piece.start:
            continue
        if all(piece.end <= other.start or piece.start >= other.end for other in kept):
            kept.append(piece)
    return sorted(kept, key=lambda p: p.start)


def pieces(text: str, lang: str) -> list[Piece]:
    """The time pieces of `text` in `lang` (`zh` text must be Simplified already)."""
    return zh_pieces(text) if lang == "zh" else en_pieces(text)


__all__ = ["DAY_CODES", "Clock", "Piece", "en_clock", "pieces"]

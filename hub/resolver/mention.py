"""The target words of a parse: name, area and device-class slots, or known words found in the text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hub.domain import Parse
from hub.resolver.lexicon import Home, area_lexicon, class_targets, has_cjk, key, name_lexicon, squash
from hub.text.script import to_simplified

_ALL = re.compile(r"\b(all|every|each|both|everything)\b|所有|全部|全都|都")


@dataclass
class Mention:
    """The target words of a parse (slots, or found by scanning the text)."""

    names: list[str]
    area: str | None
    device_class: str | None
    all_words: bool


def contains(haystack: str, needle: str) -> bool:
    if not needle:
        return False
    if has_cjk(needle) or has_cjk(haystack):
        return needle.replace(" ", "") in haystack.replace(" ", "")
    return f" {needle} " in f" {haystack} "


def _names(parse: Parse) -> list[str]:
    """The name slots; two Chinese ones that touch are one name the tagger split in two
    ("打开厨房音箱": "厨房" + "音箱" is one device, not the kitchen light and a speaker)."""
    names: list[str] = []
    end = -1
    for slot in parse.slots_named("name"):
        if names and slot.start == end and has_cjk(slot.text) and has_cjk(names[-1]):
            names[-1] += slot.text
        else:
            names.append(slot.text)
        end = slot.end
    return names


def _covering_area(text: str, start: int, end: int, home: Home) -> str | None:
    """A home area written around a Chinese area slot the tagger cut short: "书房" for "房" in
    "书房湿度是多少" (the slot alone names no room, or the wrong one)."""
    best: str | None = None
    for area in home.area_concepts:
        written = to_simplified(area)
        if not has_cjk(written) or len(written) <= end - start:
            continue
        at = text.find(written)
        while at >= 0:
            if at <= start and end <= at + len(written) and (best is None or len(written) > len(best)):
                best = area
            at = text.find(written, at + 1)
    return best


def mention_of(parse: Parse, home: Home) -> Mention:
    """Target words from the slots; when the NLU tagged none, scan the text for known words."""
    names = _names(parse)
    area_slot = parse.slot("area")
    class_slot = parse.slot("device_class")
    all_words = bool(_ALL.search(parse.text.casefold()))
    area = area_slot.text if area_slot else None
    if area_slot is not None and has_cjk(area_slot.text):
        area = _covering_area(parse.text, area_slot.start, area_slot.end, home) or area
    device_class = class_slot.text if class_slot else None
    if (
        device_class
        and has_cjk(device_class)
        and len(squash(device_class)) < 2
        and not class_targets(device_class, "zh")
    ):
        device_class = None  # a stray character ("扫地" → "地") is tagging noise, not a device kind
    text = key(parse.text)
    if names or area or device_class:
        covering = _covering_name(text, home, [t for t in (*names, device_class) if t], area)
        if covering is not None:
            return Mention(
                [covering], area if area and not contains(covering, key(area)) else None, None, all_words
            )
        return Mention(names, area, device_class, all_words)
    for word, kind, value in home.words_in(text):
        if contains(text, word):
            if kind == "name" and not names:
                names.append(word)
            elif kind == "area" and area is None:
                area = value
    if area is None:
        lexicon = area_lexicon()
        found = [w for w in lexicon if len(w) > 1 and contains(text, w)]
        if found:
            area = max(found, key=len)
    if not names:
        # A device noun from the bilingual name lexicon ("水壶"), matched by translation later.
        nouns = [w for words in name_lexicon().values() for ws in words.values() for w in ws
                 if len(w) > 1 and contains(text, w)]
        if nouns:
            names.append(max(nouns, key=len))
    return Mention(names, area, None, all_words)


def _covering_name(text: str, home: Home, words: Sequence[str], area: str | None) -> str | None:
    """The longest known name in the text that holds every slot word ("night light" ⊇ "light")."""
    if not words:
        return None
    for word, kind, _ in home.words_in(text):
        if kind != "name" or not contains(text, word):
            continue
        if all(contains(word, key(w)) for w in words) and (area is None or len(word) > len(key(area))):
            return word
    return None

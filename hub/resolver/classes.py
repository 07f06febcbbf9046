"""Device-class words: the lights of an area, "everything", one of several devices of a kind, and
the class or unknown device words the NLU left untagged beside an area."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hub import answers
from hub.domain import Entity
from hub.resolver.lexicon import EVERYTHING_WORDS, Home, class_targets, has_cjk, key, norm, squash
from hub.resolver.mention import Mention, contains
from hub.resolver.names import closest, in_area, match_areas, match_name
from hub.resolver.question import state_test
from hub.resolver.selection import (
    EVERYTHING_COMPONENTS,
    Request,
    Selection,
    label,
    one_or_all,
    prefer,
    primary,
    question_filter,
)


def select_class(
    word: str,
    pool: Sequence[Entity],
    m: Mention,
    req: Request,
    areas: list[str] | None,
    area_name: str | None,
    home: Home,
) -> Selection:
    lang = req.parse.lang
    if key(word) in {key(w) for w in EVERYTHING_WORDS} or squash(word) in EVERYTHING_WORDS:
        members = [e for e in pool if e.component in req.everything and e.component in req.comps]
        if req.parse.intent == "get_state":
            members = [e for e in pool if e.component in EVERYTHING_COMPONENTS]
        if not members:
            return Selection(error=answers.no_class_here(word, area_name, lang))
        return Selection(tuple(members), group=True, area=area_name)
    targets = class_targets(word, lang)
    if not targets:
        found = match_name(word, pool, home, areas is not None)
        if found:
            return one_or_all(prefer(found, req.comps, req.parse.text), m, req, area_name)
        return Selection(error=answers.not_found(word, closest(word, home), lang))
    fitting = [t for t in targets if t[0] in req.comps]
    if req.parse.intent == "get_state":
        members = question_filter(req, _by_class(targets, pool))
        test = state_test(req.parse.text)
        if test is not None and not any(test.applies(e) for e in members):
            # "are any doors unlocked?": the state word says locks; the locks are named "… door".
            members = [e for e in _named_like(word, pool, home) if test.applies(e)] or members
    elif fitting:
        members = _by_class(fitting, pool)
    else:
        # "lock the door": the word names another kind of device; the verb decides the kind.
        members = [e for e in pool if e.component in req.comps]
        named = _named_like(word, members, home)
        members = named or (members if len(members) == 1 else [])  # one device the verb can drive
        if not members:
            kinds = [e for e in pool if e.component == targets[0][0]]
            if kinds and len(kinds) == 1:
                return Selection((kinds[0],), area=area_name)
            return Selection(error=answers.no_class_here(word, area_name, lang))
    if not members:
        return Selection(error=answers.no_class_here(word, area_name, lang))
    if len(members) == 1 or areas is not None or m.all_words or _plural(word, lang):
        return Selection(tuple(members), group=len(members) > 1, area=area_name)
    if req.parse.intent == "get_state":
        return Selection(tuple(members), group=True, area=area_name)
    narrowed = _narrow_singular(word, members, req.parse.text, home, areas is None)
    if narrowed is not None:
        return Selection((narrowed,), area=narrowed.area)
    return Selection(error=answers.ambiguous(word, [label(e) for e in members[:8]], lang))


def _by_class(targets: Sequence[tuple[str, str | None]], pool: Sequence[Entity]) -> list[Entity]:
    comps = {c for c, _ in targets}
    out = []
    for comp in comps:
        classes = {d for c, d in targets if c == comp and d}
        members = [e for e in pool if e.component == comp]
        specific = [e for e in members if e.device_class in classes]
        if None in {d for c, d in targets if c == comp}:
            out += specific if specific and classes else members
        else:
            out += specific
    return out


def _named_like(word: str, members: Sequence[Entity], home: Home) -> list[Entity]:
    """Members whose names hold the class word, singular or plural ("doors" → "Front door")."""
    k = key(word)
    forms = {k, k.removesuffix("s"), k[:-3] + "y" if k.endswith("ies") else k, k.removesuffix("们")} - {""}
    return [e for e in members if any(contains(n, f) for n in home.names_of(e) for f in forms)]


def _plural(text: str, lang: str) -> bool:
    n = norm(text)
    if lang == "zh" or has_cjk(n):
        return "们" in n
    return n.endswith("s") and not n.endswith("ss") and bool(class_targets(n[:-1], lang))


_SPELLED_OUT = {
    "ac": ("air conditioner", "air conditioning", "aircon", "air con"),
    "tv": ("television",), "telly": ("television", "tv"),
}
"""Abbreviations people use for a device whose name spells them out."""


def _narrow_singular(word: str, members: list[Entity], text: str, home: Home, no_area: bool) -> Entity | None:
    """One of several devices of a kind, when the sentence says which.

    An area the NLU did not tag ("the thermostat in the bedroom"), or the kind word itself in one
    device's name ("the ac" → "Air conditioner", not "Bedroom thermostat").
    """
    if no_area:
        said = key(text)
        spotted = {value for w, kind, value in home.words_in(said) if kind == "area" and contains(said, w)}
        for area in sorted(spotted, key=len, reverse=True):
            inside = [e for e in members if in_area(e, match_areas(area, home) or [area], area)]
            if len(inside) == 1:
                return inside[0]
    k = key(word)
    spellings = (k, *_SPELLED_OUT.get(k, ()))
    named = [e for e in members if any(contains(n, sp) for n in home.names_of(e) for sp in spellings)]
    return named[0] if len(named) == 1 else None


_AFTER_AREA_OK = frozenset({
    "", "please", "now", "too", "again", "and", "as", "for", "right", "then", "thanks", "thank", "on", "off",
    "up", "down", "to", "at", "in", "into", "by", "from", "with", "area", "room", "a", "bit", "little",
    "is", "are", "it", "warmer", "cooler", "brighter", "dimmer", "darker", "temperature", "temp", "humidity",
    "hot", "cold", "warm", "cool", "degrees", "so", "quickly", "immediately", "completely", "fully",
})
"""Words that may follow an area mentioned alone ("turn off the kitchen please")."""


def leftover_class(text: str, area: str, lang: str) -> str | None:
    """A device-class word the NLU left untagged beside an area ("儿童房插座断电" → 插座)."""
    rest = key(text).replace(key(area), " ", 1)
    if has_cjk(rest):
        squashed = rest.replace(" ", "")
        for size in (4, 3, 2):
            for i in range(len(squashed) - size + 1):
                word = squashed[i : i + size]
                if class_targets(word, "zh"):
                    return word
        return None
    words = rest.split()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            word = " ".join(words[i : i + size])
            if word not in _AFTER_AREA_OK and class_targets(word, "en"):
                return word
    return None


def unknown_after(text: str, area: str) -> str | None:
    """The unknown device in "turn on the kitchen speaker": the area followed by another noun."""
    words, target = norm(text).split(), norm(area).split()
    if not target or has_cjk(text):
        return None
    for i in range(len(words) - len(target) + 1):
        if words[i : i + len(target)] == target:
            following = words[i + len(target)] if i + len(target) < len(words) else ""
            if following not in _AFTER_AREA_OK and not following.isdigit():
                return f"{area} {following}"
            return None
    return None


_ZH_COMMAND_WORDS = re.compile(
    r"请|麻烦|帮我|帮忙|给我|你|把|将|的|里|一下|吧|了|啊|呀|呢|哦|都|全部|所有|全|打开|开启|启动|开开|开|"
    r"关闭|关掉|关上|关|停掉|停|掉|点亮|照亮|亮|东西|设备|电器|装置|一切|家里|谢谢|[，。！？,.!?\s]"
)


def zh_unknown_beside(text: str, area: str) -> str | None:
    """The unknown device in "打开厨房音箱": Chinese words beside the area that are no command word."""
    if not has_cjk(text):
        return None
    rest = _ZH_COMMAND_WORDS.sub("", key(text).replace(key(area), "", 1))
    return f"{area}{rest}" if len(rest) >= 2 else None


_LIGHT_VERB = re.compile(r"\b(light up|illuminate|brighten up)\b|点亮|照亮|亮起")
"""Verbs that say "the lights" of an area on their own ("light up the living room")."""


def area_components(req: Request) -> tuple[str, ...]:
    if req.parse.intent == "get_state":
        return ("sensor", "climate")
    if req.parse.intent == "turn_on" and _LIGHT_VERB.search(req.parse.text.casefold()):
        return ("light",)
    return primary(req)

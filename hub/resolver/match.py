"""Target selection: which entities a parse's name, area and device-class words mean.

Order (ARCHITECTURE.md "Resolution"): a name that matches an entity's friendly name or alias
(the whole mention first, so "kitchen light" finds an entity called "Kitchen light" before the
kitchen's lights), then area + device class, then "everything" in an area, then a device class
alone. A name that matches nothing is an error, never a fallback to the whole area.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from hub import answers
from hub.domain import Entity
from hub.resolver.classes import (
    area_components,
    leftover_class,
    select_class,
    unknown_after,
    zh_unknown_beside,
)
from hub.resolver.lexicon import Home, has_cjk, key, translations
from hub.resolver.mention import Mention, mention_of
from hub.resolver.names import area_pool, closest, decompose, in_area, match_areas, match_name
from hub.resolver.selection import (
    EVERYTHING_COMPONENTS,
    TEMPERATURE,
    Request,
    Selection,
    label,
    one_or_all,
    prefer,
    question_filter,
    what,
)

HERE = re.compile(r"\b(?:in here|here|this room)\b|这里|这儿|这边|这屋|这个房间|本房间")
"""Words for the room the request comes from (the satellite's area; Traditional text is compared
in Simplified)."""


SURE = 0.85
"""Without any target word, act on the only fitting device only above this intent confidence."""


def select(req: Request, home: Home) -> Selection:
    """Choose the targets of a parse."""
    lang = req.parse.lang
    m = mention_of(req.parse, home)
    if _only_here(m, req.parse.text):
        return Selection(error=answers.which_room(lang))
    if req.parse.intent == "get_state" and not (m.names or m.area or m.device_class):
        # "which windows are open?" with nothing tagged: a class word in the question is its target
        m.device_class = leftover_class(req.parse.text, "", lang)
    lone = key(m.names[0]) if len(m.names) == 1 and m.area is None else None
    if lone and not home.by_key.get(lone) and lone in {key(a) for a in home.area_concepts}:
        # "kitchen" tagged as a name is the kitchen; so is "bathroom" in "bathroom light on"
        # (as a name it would find "Bathroom fan" and ignore the light)
        m.area, m.names = m.names[0], []
    areas: list[str] | None = None
    if m.area:
        areas = match_areas(m.area, home)
        if not areas and _area_as_name(m, home):
            areas = None  # "close the study blind": no area "study", but a device "Study blind"
        elif not areas:
            close = process.extract(key(m.area), list(home.area_concepts), scorer=fuzz.WRatio, limit=3)
            return Selection(error=answers.not_found(m.area, [a for a, s, _ in close if s >= 50], lang))
    area_name = areas[0] if areas and len(areas) == 1 else (m.area if areas else None)
    pool: Sequence[Entity] = home.entities if areas is None else area_pool(home, areas, m.area)
    # 1. the whole mention as a name ("kitchen light" is an entity called "Kitchen light")
    phrases = [*(f"{m.area or ''} {n}" for n in m.names), *m.names]
    if m.device_class:
        phrases += [f"{m.area or ''} {m.device_class}", f"{m.device_class} {m.area or ''}"]
    for phrase in phrases:
        exact = list(home.by_key.get(key(phrase), ()))
        exact = [e for e in exact if areas is None or in_area(e, areas, m.area)] or (
            exact if m.area and key(phrase).find(key(m.area)) >= 0 else []
        )
        if exact:
            return one_or_all(prefer(exact, req.comps, req.parse.text), m, req, area_name)
    # 2. a name
    if m.names:
        for name in m.names:
            found = match_name(name, pool, home, areas is not None)
            for other in translations(name) if not found else ():
                found = match_name(other, pool, home, areas is not None)
                if found:
                    break
            if found:
                return one_or_all(prefer(found, req.comps, req.parse.text), m, req, area_name)
        parts = decompose(m.names[0], lang)
        if parts is None:
            where = f"{m.names[0]}" if not m.area else f"{m.names[0]} ({m.area})"
            return Selection(error=answers.not_found(where, closest(m.names[0], home), lang))
        m.area, m.device_class = m.area or parts[0], m.device_class or parts[1]
        if parts[0] and not areas:
            areas = match_areas(parts[0], home)
            if not areas:
                return Selection(error=answers.not_found(parts[0], [], lang))
            area_name = areas[0]
            pool = area_pool(home, areas, parts[0])
    # 3. a device class (or "everything")
    if m.device_class:
        return select_class(m.device_class, pool, m, req, areas, area_name, home)
    # 4. an area alone: everything that fits the intent there, unless other words name a device
    if areas is not None and m.area:
        leftover = leftover_class(req.parse.text, m.area, lang)
        if leftover is not None:
            return select_class(leftover, pool, m, req, areas, area_name, home)
        unknown = None if m.all_words else unknown_after(req.parse.text, m.area)
        if unknown is None and req.parse.intent in ("turn_on", "turn_off", "toggle"):
            unknown = zh_unknown_beside(req.parse.text, m.area)
        if unknown is not None:
            return Selection(error=answers.not_found(unknown, closest(unknown, home), lang))
    if areas is not None:
        members = [e for e in pool if e.component in area_components(req)]
        members = question_filter(req, members)
        if not members:
            return Selection(error=answers.no_class_here(what(req, lang), area_name, lang))
        return Selection(tuple(members), group=True, area=area_name)
    # 5. nothing named: the only device that can do it, when the model is sure of the verb
    if req.parse.confidence < SURE:
        return Selection(error=answers.no_target(req.parse.intent, lang))
    fit = question_filter(req, [e for e in home.entities if e.component in req.comps])
    if len(fit) == 1 or (fit and req.comps != EVERYTHING_COMPONENTS and m.all_words):
        return Selection(tuple(fit), group=len(fit) > 1)
    if fit and req.parse.intent == "get_state" and TEMPERATURE.search(req.parse.text.casefold()):
        return Selection(tuple(fit), group=True)
    if len(fit) > 1:
        return Selection(error=answers.ambiguous(what(req, lang), [label(e) for e in fit[:8]], lang))
    return Selection(error=answers.no_target(req.parse.intent, lang))


def _only_here(m: Mention, text: str) -> bool:
    """Whether "here" / 这里 is the only room said: the request's own room was not known
    (`hub.commands.plan.place` puts it in the area slot when it is), so the hub asks rather
    than guess (the whole home's lights are not "the lights in here")."""
    if m.area is not None:
        return bool(HERE.fullmatch(m.area.casefold().strip()))
    return bool(HERE.search(text.casefold()))


def _begins(name: str, word: str) -> bool:
    """Whether the name key `name` starts with `word`: whole words, or for Chinese two or more
    characters (one character, "房" of a mis-tagged "桑拿房", begins too many names)."""
    if has_cjk(word):
        return len(word.replace(" ", "")) >= 2 and name.replace(" ", "").startswith(word.replace(" ", ""))
    return f"{name} ".startswith(f"{word} ")


def _area_as_name(m: Mention, home: Home) -> bool:
    """An area word that names no area but begins a device's name: make the mention a name.

    "close the study blind" on a home with a cover "Study blind" and no area "study" (HA
    matches the name). True when some device name begins with the area word.
    """
    area = key(m.area or "")
    if not area or not any(_begins(n, area) for ns in home.names.values() for n in ns):
        return False
    rest = [*m.names] or ([m.device_class] if m.device_class else [])
    m.names = [f"{m.area} {n}" for n in rest] or [m.area or ""]
    m.area, m.device_class = None, None
    return True

"""Target selection: which entities a parse's name, area and device-class words mean.

Order (ARCHITECTURE.md "Resolution"): a name that matches an entity's friendly name or alias
(the whole mention first, so "kitchen light" finds an entity called "Kitchen light" before the
kitchen's lights), then area + device class, then "everything" in an area, then a device class
alone. A name that matches nothing is an error, never a fallback to the whole area.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from hub import answers
from hub.domain import Entity, Parse
from hub.resolver.index import index_of
from hub.resolver.lexicon import (
    EVERYTHING_WORDS,
    Home,
    area_lexicon,
    class_targets,
    concepts_of,
    has_cjk,
    key,
    name_lexicon,
    norm,
    squash,
    translations,
)
from hub.resolver.question import state_test

EVERYTHING_COMPONENTS = ("light", "switch", "fan")
"""What "everything" in an area means: never locks, covers, climate or vacuums."""
_ALL = re.compile(r"\b(all|every|each|both|everything)\b|所有|全部|全都|都")
_TEMPERATURE = re.compile(
    r"\b(warm|hot|cold|cool|chilly|temperature|temp|degrees)\b|温度|几度|多少度|冷|热|室温"
)
_HUMIDITY = re.compile(r"\b(humid|humidity|damp)\b|湿度|潮湿|干燥")
HERE = re.compile(r"\b(?:in here|here|this room)\b|这里|这儿|这边|这屋|这个房间|本房间")
"""Words for the room the request comes from (the satellite's area; Traditional text is compared
in Simplified)."""


SURE = 0.85
"""Without any target word, act on the only fitting device only above this intent confidence."""


@dataclass(frozen=True)
class Selection:
    """The chosen targets, or why there are none."""

    entities: tuple[Entity, ...] = ()
    group: bool = False
    """Chosen as a group (class or area): members that cannot do the action are skipped."""
    area: str | None = None
    """The home area the command was narrowed to, for answers."""
    error: str | None = None


@dataclass
class Mention:
    """The target words of a parse (slots, or found by scanning the text)."""

    names: list[str]
    area: str | None
    device_class: str | None
    all_words: bool


def _contains(haystack: str, needle: str) -> bool:
    if not needle:
        return False
    if has_cjk(needle) or has_cjk(haystack):
        return needle.replace(" ", "") in haystack.replace(" ", "")
    return f" {needle} " in f" {haystack} "


def mention_of(parse: Parse, home: Home) -> Mention:
    """Target words from the slots; when the NLU tagged none, scan the text for known words."""
    names = [s.text for s in parse.slots_named("name")]
    area_slot = parse.slot("area")
    class_slot = parse.slot("device_class")
    all_words = bool(_ALL.search(parse.text.casefold()))
    area = area_slot.text if area_slot else None
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
                [covering], area if area and not _contains(covering, key(area)) else None, None, all_words
            )
        return Mention(names, area, device_class, all_words)
    for word, kind, value in home.words_in(text):
        if _contains(text, word):
            if kind == "name" and not names:
                names.append(word)
            elif kind == "area" and area is None:
                area = value
    if area is None:
        lexicon = area_lexicon()
        found = [w for w in lexicon if len(w) > 1 and _contains(text, w)]
        if found:
            area = max(found, key=len)
    if not names:
        # A device noun from the bilingual name lexicon ("水壶"), matched by translation later.
        nouns = [w for words in name_lexicon().values() for ws in words.values() for w in ws
                 if len(w) > 1 and _contains(text, w)]
        if nouns:
            names.append(max(nouns, key=len))
    return Mention(names, area, None, all_words)


def _covering_name(text: str, home: Home, words: Sequence[str], area: str | None) -> str | None:
    """The longest known name in the text that holds every slot word ("night light" ⊇ "light")."""
    if not words:
        return None
    for word, kind, _ in home.words_in(text):
        if kind != "name" or not _contains(text, word):
            continue
        if all(_contains(word, key(w)) for w in words) and (area is None or len(word) > len(key(area))):
            return word
    return None


def match_areas(text: str, home: Home) -> list[str]:
    """Home areas an area phrase means: same name, a shared concept, then a fuzzy/partial match."""
    k = key(text)
    index = index_of(home)
    exact = index.areas_keyed(k)
    if exact:
        return exact
    concepts = concepts_of(text)
    shared = index.areas_sharing(concepts)
    if shared:
        return shared
    partial = index.areas_containing(k) if len(k) > 1 else []
    if partial:
        return partial
    scored = index.areas_near(k, 90) if not has_cjk(k) else []
    return scored


def _area_pool(home: Home, areas: Collection[str], phrase: str | None) -> list[Entity]:
    """The entities in `areas` (index lookups), plus area-less ones whose name says the area."""
    pool = [e for a in areas for e in home.by_area.get(a, ())]
    return pool + [e for e in home.no_area if in_area(e, areas, phrase)]


def in_area(entity: Entity, areas: Collection[str], phrase: str | None) -> bool:
    """Whether an entity is in one of `areas`; an entity without area counts when its name says so."""
    if entity.area is not None:
        return entity.area in areas
    return any(_contains(key(entity.name), key(a)) for a in (*areas, *([phrase] if phrase else [])))


def _label(entity: Entity) -> str:
    return f"{entity.name} ({entity.area})" if entity.area else entity.name


def closest(text: str, home: Home, limit: int = 3) -> list[str]:
    """The known friendly names closest to `text`."""
    found = process.extract(key(text), index_of(home).spoken_keys, scorer=fuzz.WRatio, limit=limit)
    return [home.spoken[i][0] for _, score, i in found if score >= 40]


def match_name(text: str, pool: Sequence[Entity], home: Home, in_area: bool = False) -> list[Entity]:
    """Entities whose names match `text`: exact, then contained word-wise, then fuzzy (typos).

    Args:
        text: The name as said.
        pool: The entities to consider.
        home: The home's indexes.
        in_area: The pool is narrowed to a named area: names without the area's words count too.
    """
    k = key(text)
    if not k:
        return []
    index = index_of(home)
    if in_area:
        exact = index.table(pool, in_area).exact(k)
    else:
        members = {e.entity_id for e in pool} if len(pool) != len(home.entities) else None
        exact = [e for e in home.by_key.get(k, ()) if members is None or e.entity_id in members]
    if exact:
        return exact
    cjk = has_cjk(k)
    if cjk and len(k) < 2:
        return []
    table = index.table(pool, in_area)
    names, owners = table.names, table.owners
    subset = table.containing(k) if cjk else table.holding(k)  # `k in name` / token_set_ratio 100
    if subset:
        return subset
    cutoff = 75 if cjk else 86
    scorer = fuzz.ratio if cjk else fuzz.WRatio
    scored = process.extract(k, names, scorer=scorer, score_cutoff=cutoff, limit=None)
    if not scored:
        return []
    best = max(score for _, score, _ in scored)
    return list({id(owners[i]): owners[i] for _, score, i in scored if score == best}.values())


def _prefer(found: list[Entity], comps: Sequence[str], hint: str) -> list[Entity]:
    fit = [e for e in found if e.component in comps]
    found = fit or found
    if len({e.component for e in found}) > 1 and re.search(r"lock|锁", hint):
        found = [e for e in found if e.component == "lock"] or found
    return found


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


@dataclass(frozen=True)
class Request:
    """What the intent needs: the components that can do it, and the parse."""

    parse: Parse
    comps: tuple[str, ...]
    """Components that can carry out the intent (all of them for a question)."""
    everything: tuple[str, ...] = EVERYTHING_COMPONENTS
    """What an area alone or "everything" means for this intent."""


def select(req: Request, home: Home) -> Selection:
    """Choose the targets of a parse."""
    lang = req.parse.lang
    m = mention_of(req.parse, home)
    if _only_here(m, req.parse.text):
        return Selection(error=answers.which_room(lang))
    if req.parse.intent == "get_state" and not (m.names or m.area or m.device_class):
        # "which windows are open?" with nothing tagged: a class word in the question is its target
        m.device_class = _leftover_class(req.parse.text, "", lang)
    lone = key(m.names[0]) if len(m.names) == 1 and m.area is None and not m.device_class else None
    if lone and not home.by_key.get(lone) and lone in {key(a) for a in home.area_concepts}:
        m.area, m.names = m.names[0], []  # "kitchen" tagged as a name is the kitchen
    areas: list[str] | None = None
    if m.area:
        areas = match_areas(m.area, home)
        if not areas and _area_as_name(m, home):
            areas = None  # "close the study blind": no area "study", but a device "Study blind"
        elif not areas:
            close = process.extract(key(m.area), list(home.area_concepts), scorer=fuzz.WRatio, limit=3)
            return Selection(error=answers.not_found(m.area, [a for a, s, _ in close if s >= 50], lang))
    area_name = areas[0] if areas and len(areas) == 1 else (m.area if areas else None)
    pool: Sequence[Entity] = home.entities if areas is None else _area_pool(home, areas, m.area)
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
            return _one_or_all(_prefer(exact, req.comps, req.parse.text), m, req, area_name)
    # 2. a name
    if m.names:
        for name in m.names:
            found = match_name(name, pool, home, areas is not None)
            for other in translations(name) if not found else ():
                found = match_name(other, pool, home, areas is not None)
                if found:
                    break
            if found:
                return _one_or_all(_prefer(found, req.comps, req.parse.text), m, req, area_name)
        parts = _decompose(m.names[0], lang)
        if parts is None:
            where = f"{m.names[0]}" if not m.area else f"{m.names[0]} ({m.area})"
            return Selection(error=answers.not_found(where, closest(m.names[0], home), lang))
        m.area, m.device_class = m.area or parts[0], m.device_class or parts[1]
        if parts[0] and not areas:
            areas = match_areas(parts[0], home)
            if not areas:
                return Selection(error=answers.not_found(parts[0], [], lang))
            area_name = areas[0]
            pool = _area_pool(home, areas, parts[0])
    # 3. a device class (or "everything")
    if m.device_class:
        return _class_select(m.device_class, pool, m, req, areas, area_name, home)
    # 4. an area alone: everything that fits the intent there, unless other words name a device
    if areas is not None and m.area:
        leftover = _leftover_class(req.parse.text, m.area, lang)
        if leftover is not None:
            return _class_select(leftover, pool, m, req, areas, area_name, home)
        unknown = None if m.all_words else _unknown_after(req.parse.text, m.area)
        if unknown is None and req.parse.intent in ("turn_on", "turn_off", "toggle"):
            unknown = _zh_unknown_beside(req.parse.text, m.area)
        if unknown is not None:
            return Selection(error=answers.not_found(unknown, closest(unknown, home), lang))
    if areas is not None:
        members = [e for e in pool if e.component in _area_comps(req)]
        members = _question_filter(req, members)
        if not members:
            return Selection(error=answers.no_class_here(_what(req, lang), area_name, lang))
        return Selection(tuple(members), group=True, area=area_name)
    # 5. nothing named: the only device that can do it, when the model is sure of the verb
    if req.parse.confidence < SURE:
        return Selection(error=answers.no_target(req.parse.intent, lang))
    fit = _question_filter(req, [e for e in home.entities if e.component in req.comps])
    if len(fit) == 1 or (fit and req.comps != EVERYTHING_COMPONENTS and m.all_words):
        return Selection(tuple(fit), group=len(fit) > 1)
    if fit and req.parse.intent == "get_state" and _TEMPERATURE.search(req.parse.text.casefold()):
        return Selection(tuple(fit), group=True)
    if len(fit) > 1:
        return Selection(error=answers.ambiguous(_what(req, lang), [_label(e) for e in fit[:8]], lang))
    return Selection(error=answers.no_target(req.parse.intent, lang))


def _only_here(m: Mention, text: str) -> bool:
    """Whether "here" / 这里 is the only room said: the request's own room was not known
    (`hub.commands.plan.place` puts it in the area slot when it is), so the hub asks rather
    than guess (the whole home's lights are not "the lights in here")."""
    if m.area is not None:
        return bool(HERE.fullmatch(m.area.casefold().strip()))
    return bool(HERE.search(text.casefold()))


def _area_as_name(m: Mention, home: Home) -> bool:
    """An area word that names no area but begins a device's name: make the mention a name.

    "close the study blind" on a home with a cover "Study blind" and no area "study" (HA
    matches the name). True when some device name holds the area word.
    """
    area = key(m.area or "")
    if not area or not any(_contains(n, area) for ns in home.names.values() for n in ns):
        return False
    rest = [*m.names] or ([m.device_class] if m.device_class else [])
    m.names = [f"{m.area} {n}" for n in rest] or [m.area or ""]
    m.area, m.device_class = None, None
    return True


_AFTER_AREA_OK = frozenset({
    "", "please", "now", "too", "again", "and", "as", "for", "right", "then", "thanks", "thank", "on", "off",
    "up", "down", "to", "at", "in", "into", "by", "from", "with", "area", "room", "a", "bit", "little",
    "is", "are", "it", "warmer", "cooler", "brighter", "dimmer", "darker", "temperature", "temp", "humidity",
    "hot", "cold", "warm", "cool", "degrees", "so", "quickly", "immediately", "completely", "fully",
})
"""Words that may follow an area mentioned alone ("turn off the kitchen please")."""


def _leftover_class(text: str, area: str, lang: str) -> str | None:
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


def _unknown_after(text: str, area: str) -> str | None:
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


def _zh_unknown_beside(text: str, area: str) -> str | None:
    """The unknown device in "打开厨房音箱": Chinese words beside the area that are no command word."""
    if not has_cjk(text):
        return None
    rest = _ZH_COMMAND_WORDS.sub("", key(text).replace(key(area), "", 1))
    return f"{area}{rest}" if len(rest) >= 2 else None


def _what(req: Request, lang: str) -> str:
    if lang == "zh":
        return "设备"
    kinds = _primary(req)
    return "devices" if len(kinds) > 1 else f"{kinds[0]}s"


_LIGHT_VERB = re.compile(r"\b(light up|illuminate|brighten up)\b|点亮|照亮|亮起")
"""Verbs that say "the lights" of an area on their own ("light up the living room")."""


def _area_comps(req: Request) -> tuple[str, ...]:
    if req.parse.intent == "get_state":
        return ("sensor", "climate")
    if req.parse.intent == "turn_on" and _LIGHT_VERB.search(req.parse.text.casefold()):
        return ("light",)
    return _primary(req)


def _primary(req: Request) -> tuple[str, ...]:
    """The kinds an area alone means for this intent: "everything" (lights, switches, fans) for
    on/off; else the intent's first kind (the kitchen's temperature is its climate, not its water
    heater; "open the garden" opens covers, never valves)."""
    if len(req.comps) == 1:
        return req.comps
    shared = tuple(c for c in req.everything if c in req.comps)
    return shared or req.comps[:1]


def _question_filter(req: Request, members: list[Entity]) -> list[Entity]:
    """A question about temperature or humidity reads matching sensors, else climate entities."""
    if req.parse.intent != "get_state":
        return members
    text = req.parse.text.casefold()
    wanted = "humidity" if _HUMIDITY.search(text) else "temperature" if _TEMPERATURE.search(text) else None
    if wanted is None:
        return members
    sensors = [e for e in members if e.component == "sensor" and e.device_class == wanted]
    if sensors:
        return sensors
    return [e for e in members if e.component == "climate"] if wanted == "temperature" else []


def _one_or_all(found: list[Entity], m: Mention, req: Request, area: str | None) -> Selection:
    if len(found) == 1 or m.all_words or req.parse.intent == "get_state":
        return Selection(tuple(found), group=len(found) > 1, area=area)
    what = m.names[0] if m.names else (m.device_class or "")
    return Selection(error=answers.ambiguous(what, [_label(e) for e in found[:8]], req.parse.lang))


def _named_like(word: str, members: Sequence[Entity], home: Home) -> list[Entity]:
    """Members whose names hold the class word, singular or plural ("doors" → "Front door")."""
    k = key(word)
    forms = {k, k.removesuffix("s"), k[:-3] + "y" if k.endswith("ies") else k, k.removesuffix("们")} - {""}
    return [e for e in members if any(_contains(n, f) for n in home.names_of(e) for f in forms)]


def _plural(text: str, lang: str) -> bool:
    n = norm(text)
    if lang == "zh" or has_cjk(n):
        return "们" in n
    return n.endswith("s") and not n.endswith("ss") and bool(class_targets(n[:-1], lang))


def _class_select(
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
            return _one_or_all(_prefer(found, req.comps, req.parse.text), m, req, area_name)
        return Selection(error=answers.not_found(word, closest(word, home), lang))
    fitting = [t for t in targets if t[0] in req.comps]
    if req.parse.intent == "get_state":
        members = _question_filter(req, _by_class(targets, pool))
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
    return Selection(error=answers.ambiguous(word, [_label(e) for e in members[:8]], lang))


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
        spotted = {value for w, kind, value in home.words_in(said) if kind == "area" and _contains(said, w)}
        for area in sorted(spotted, key=len, reverse=True):
            inside = [e for e in members if in_area(e, match_areas(area, home) or [area], area)]
            if len(inside) == 1:
                return inside[0]
    k = key(word)
    spellings = (k, *_SPELLED_OUT.get(k, ()))
    named = [e for e in members if any(_contains(n, sp) for n in home.names_of(e) for sp in spellings)]
    return named[0] if len(named) == 1 else None


def _decompose(text: str, lang: str) -> tuple[str | None, str | None] | None:
    """Split a name that matched nothing into area words + a device-class word ("书房灯").

    None when anything else is left over ("kitchen speaker" is not the kitchen's devices).
    """
    k = key(text)
    lexicon = area_lexicon()
    areas = sorted((w for w in lexicon if w and _contains(k, w)), key=len, reverse=True)
    area = areas[0] if areas else None
    rest = k
    if area:
        rest = (
            rest.replace(area, " ", 1) if has_cjk(area) else f" {rest} ".replace(f" {area} ", " ", 1)
        ).strip()
    if not rest:
        return (area, None) if area else None
    if class_targets(rest, lang) or rest in {key(w) for w in EVERYTHING_WORDS}:
        return area, rest
    return None

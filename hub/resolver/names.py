"""Name and area matching: which entities a name means (exact, word-wise, fuzzy), which areas an
area phrase means, and a name split into area + device-class words."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rapidfuzz import fuzz, process

from hub.domain import Entity
from hub.resolver.index import index_of
from hub.resolver.lexicon import (
    EVERYTHING_WORDS,
    Home,
    area_lexicon,
    class_targets,
    concepts_of,
    has_cjk,
    key,
)
from hub.resolver.mention import contains


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


def area_pool(home: Home, areas: Collection[str], phrase: str | None) -> list[Entity]:
    """The entities in `areas` (index lookups), plus area-less ones whose name says the area."""
    pool = [e for a in areas for e in home.by_area.get(a, ())]
    return pool + [e for e in home.no_area if in_area(e, areas, phrase)]


def in_area(entity: Entity, areas: Collection[str], phrase: str | None) -> bool:
    """Whether an entity is in one of `areas`; an entity without area counts when its name says so."""
    if entity.area is not None:
        return entity.area in areas
    return any(contains(key(entity.name), key(a)) for a in (*areas, *([phrase] if phrase else [])))


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


def decompose(text: str, lang: str) -> tuple[str | None, str | None] | None:
    """Split a name that matched nothing into area words + a device-class word ("书房灯").

    None when anything else is left over ("kitchen speaker" is not the kitchen's devices).
    """
    k = key(text)
    lexicon = area_lexicon()
    areas = sorted((w for w in lexicon if w and contains(k, w)), key=len, reverse=True)
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

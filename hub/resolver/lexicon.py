"""Name and area lexicon of one home: normalised names, area concepts, device-class words.

Built once per registry snapshot (`index`), then read by the matcher. The area lexicon in
`devices/areas.yaml` maps words of both languages to canonical concepts, so "书房" finds an area
called "Study" and "lounge" one called "Living Room".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from hub.devices import word_targets
from hub.domain import Entity
from hub.registry import Snapshot
from hub.resources import data_path
from hub.text.script import to_simplified

_FILLER = frozenset({"the", "a", "an", "my", "our", "your", "this", "that", "these", "those", "please"})
_PUNCT = re.compile(r"[^\w\s]|_")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ZH_FILLER = re.compile(r"[的个把将请帮我]")

EVERYTHING_WORDS = frozenset({
    "everything", "all", "all devices", "every device", "all appliances", "all electronics",
    "every single device", "all the things", "anything", "stuff", "all of it", "devices",
    "所有设备", "全部设备", "全部", "所有东西", "一切", "所有电器", "全部电器", "家里所有设备", "所有",
    "全部的设备", "所有的设备", "都", "设备", "电器", "东西", "所有的东西",
    "所有装置", "全部装置", "装置", "所有的装置",  # Taiwan's word for 设备
})  # fmt: skip
"""Device-class slot texts that mean "everything" (lights, switches and fans)."""


def norm(text: str) -> str:
    """Matching form: NFKC, case-folded, Simplified Chinese, no punctuation, articles, possessives or 的."""
    t = to_simplified(unicodedata.normalize("NFKC", text).casefold())
    t = _POSSESSIVE.sub("", t).replace("的", " ")
    t = _PUNCT.sub(" ", t)
    return " ".join(w for w in t.split() if w not in _FILLER)


def squash(text: str) -> str:
    """`norm` without spaces: the form Chinese names are compared in."""
    return norm(text).replace(" ", "")


def has_cjk(text: str) -> bool:
    """Whether the text holds a Chinese character."""
    return bool(_CJK.search(text))


def key(text: str) -> str:
    """Exact-match key: spaced for latin text, spaceless when Chinese is involved."""
    n = norm(text)
    return n.replace(" ", "") if has_cjk(n) else n


def load_word_lists() -> None:
    """Read every word list the resolver uses (YAML under `devices/`) into its cache.

    The hub calls this in a thread at start so the first sentence does not read files on the loop.
    """
    from hub.devices import class_words, load_schema

    load_schema()
    area_lexicon()
    name_lexicon()
    for lang in ("en", "zh"):
        class_words(lang)


@functools.cache
def area_lexicon() -> Mapping[str, frozenset[str]]:
    """Area word (matching key) → the concepts it can mean, from devices/areas.yaml."""
    raw = yaml.safe_load((data_path("devices") / "areas.yaml").read_text("utf-8")) or {}
    out: dict[str, set[str]] = {}
    for concept, words in (raw.get("areas") or {}).items():
        for items in (words or {}).values():
            for word in items or ():
                out.setdefault(key(str(word)), set()).add(str(concept))
    return {w: frozenset(c) for w, c in out.items()}


@functools.cache
def name_lexicon() -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    """Device-name concept → language → matching keys, from devices/names.yaml."""
    raw = yaml.safe_load((data_path("devices") / "names.yaml").read_text("utf-8")) or {}
    return {
        str(concept): {lang: tuple(key(str(w)) for w in items or ()) for lang, items in (words or {}).items()}
        for concept, words in (raw.get("names") or {}).items()
    }


def translations(text: str) -> list[str]:
    """Other words for the same device: the other language's ("咖啡机" → "coffee machine", …),
    then the same language's ("印表机", Taiwan's word → "打印机").

    The whole mention must be a lexicon word ("厨房咖啡机" → "厨房 coffee machine" is not
    attempted: only whole words translate).
    """
    k = key(text)
    out: list[str] = []
    same: list[str] = []
    for words in name_lexicon().values():
        for lang, keys in words.items():
            if k in keys:
                out += [w for other, ws in words.items() if other != lang for w in ws]
                same += [w for w in keys if w != k]
    return list(dict.fromkeys(out + same))


def concepts_of(text: str) -> frozenset[str]:
    """Concepts an area phrase names: exact lexicon word first, else the longest word inside it."""
    k = key(text)
    lex = area_lexicon()
    if k in lex:
        return lex[k]
    spaced = f" {k} "
    inside = [w for w in lex if w and ((has_cjk(w) and w in k) or f" {w} " in spaced)]
    if not inside:
        return frozenset()
    longest = max(len(w) for w in inside)
    return frozenset(c for w in inside if len(w) == longest for c in lex[w])


def class_targets(text: str, lang: str) -> list[tuple[str, str | None]]:
    """(component, device class) pairs a device-class phrase can mean, in either language."""
    n = norm(text)
    other = "en" if lang == "zh" else "zh"
    singular = n[:-3] + "y" if n.endswith("ies") else n.removesuffix("s")
    for candidate in (text, n, singular, squash(text)):
        for lg in (lang, other):
            found = word_targets(candidate, lg)
            if found:
                return found
    return []


@dataclass(frozen=True)
class Home:
    """Derived indexes of one snapshot."""

    entities: tuple[Entity, ...]
    names: Mapping[str, tuple[str, ...]]
    """entity_id → matching keys of its friendly name, aliases and object id."""
    short: Mapping[str, tuple[str, ...]]
    """entity_id → its names without the area's words ("ceiling" for "Living Room Ceiling")."""
    area_concepts: Mapping[str, frozenset[str]]
    """Home area name → concepts."""
    words: tuple[tuple[str, str, str], ...] = field(default=())
    """(key, kind, value) for scanning text: kind is "name" (value entity_id) or "area"."""
    by_key: Mapping[str, tuple[Entity, ...]] = field(default_factory=dict)
    """Name key → the entities called that (exact lookups without scanning the home)."""
    by_area: Mapping[str, tuple[Entity, ...]] = field(default_factory=dict)
    """Home area name → its entities."""
    no_area: tuple[Entity, ...] = ()
    """Entities without an area."""
    spoken: tuple[tuple[str, str], ...] = ()
    """(friendly name, its key) of devices people command (no sensors), for "did you mean"."""
    by_lead: Mapping[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    """First word (latin) or first character (Chinese) of each scan word → its `words` entries."""

    def words_in(self, text: str) -> list[tuple[str, str, str]]:
        """The scan words that occur in `text` (a `key`), longest first (looked up: `index.py`)."""
        from hub.resolver.index import index_of  # index.py builds on this module

        return index_of(self).words_in(text)

    def names_of(self, entity: Entity, in_area: bool = False) -> tuple[str, ...]:
        """Matching keys of an entity's names; with `in_area` also the area-less short names."""
        found = self.names.get(entity.entity_id, ())
        return found + self.short.get(entity.entity_id, ()) if in_area else found


def _variants(entity: Entity) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(friendly name and aliases, the same with the entity's area words cut out)."""
    full = tuple(dict.fromkeys(k for k in (key(entity.name), *(key(a) for a in entity.aliases)) if k))
    short: list[str] = []
    if entity.area:
        area = key(entity.area)
        for name in full:
            sep = "" if has_cjk(name) else " "
            padded = f"{sep}{name}{sep}"
            for cut in (area + sep, sep + area):
                if area and name != area and cut in padded:
                    stripped = padded.replace(cut, sep, 1).strip()
                    if stripped:
                        short.append(stripped)
    return full, tuple(dict.fromkeys(k for k in short if k not in full))


def build_home(snapshot: Snapshot) -> Home:
    """Index a snapshot (use `home_of`, which caches)."""
    entities = tuple(snapshot.entities.values())
    variants = {e.entity_id: _variants(e) for e in entities}
    spoken = {i: v[0] for i, v in variants.items()}
    names = {
        i: tuple(dict.fromkeys((*v, key(i.split(".", 1)[1].replace("_", " "))))) for i, v in spoken.items()
    }
    short = {i: v[1] for i, v in variants.items()}
    areas = {a: concepts_of(a) for a in snapshot.areas()}
    words: list[tuple[str, str, str]] = []
    for e in entities:
        words += [(k, "name", e.entity_id) for k in spoken[e.entity_id] if len(k) > 1]
    for a in areas:
        words.append((key(a), "area", a))
    words.sort(key=lambda w: -len(w[0]))
    by_key: dict[str, list[Entity]] = {}
    for e in entities:
        for k in names[e.entity_id]:
            by_key.setdefault(k, []).append(e)
    by_area: dict[str, list[Entity]] = {}
    for e in entities:
        if e.area is not None:
            by_area.setdefault(e.area, []).append(e)
    by_lead: dict[str, list[tuple[str, str, str]]] = {}
    for w in words:
        lead = w[0][0] if has_cjk(w[0][:1]) else w[0].split()[0]
        by_lead.setdefault(lead, []).append(w)
    return Home(
        entities, names, short, areas, tuple(words),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_area={a: tuple(v) for a, v in by_area.items()},
        no_area=tuple(e for e in entities if e.area is None),
        spoken=tuple((n, key(n)) for n in dict.fromkeys(
            e.name for e in entities if e.component not in ("sensor", "binary_sensor")
        )) or tuple((n, key(n)) for n in dict.fromkeys(e.name for e in entities)),
        by_lead={k: tuple(v) for k, v in by_lead.items()},
    )


_CACHE: dict[int, tuple[Snapshot, Home]] = {}


def home_of(snapshot: Snapshot) -> Home:
    """The cached `Home` of a snapshot (one entry: snapshots are replaced, not edited)."""
    hit = _CACHE.get(snapshot.version)
    if hit is not None and hit[0] is snapshot:
        return hit[1]
    home = build_home(snapshot)
    _CACHE.clear()
    _CACHE[snapshot.version] = (snapshot, home)
    return home


def zh_strip(text: str) -> str:
    """Chinese filler characters removed (for lenient comparison of Chinese names)."""
    return _ZH_FILLER.sub("", squash(text))

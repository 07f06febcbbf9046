"""Lookup tables over one home's names, scan words and areas, built once per registry change.

The matcher asks the same few questions of every sentence: which of the home's words occur in
it, which entities are called this or hold these words, which areas a phrase names. Walking the
home for each answer costs time in proportion to its size (tens of milliseconds at 10,000
entities); these tables answer them by lookup, so a large home resolves about as fast as a small
one. Every answer is the one the walk gave, in the same order: the rules stay in `match.py`.

`index_of(home)` caches one `HomeIndex` per `Home` (itself cached per registry snapshot); the
per-pool `NameTable`s inside it are built on first use and kept for that home.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from hub.domain import Entity
from hub.resolver.lexicon import Home, has_cjk, key
from hub.resolver.mention import contains

_MAX_SUBSET_WORDS = 10
"""Above this many words in a name as said, subsets are not enumerated (2^n lookups)."""
_MAX_TABLES = 64
"""Name tables kept per home (one per distinct pool: the whole home, an area, …)."""


class NameTable:
    """The names of one pool of entities, flat and in pool order, with lookups by name and word."""

    def __init__(self, pool: Sequence[Entity], home: Home, in_area: bool) -> None:
        self.names: list[str] = []
        """Every matching key of every pool member, in pool order (rapidfuzz scans this list)."""
        self.owners: list[Entity] = []
        """The entity each name belongs to."""
        self._positions: list[int] = []
        self._by_name: dict[str, list[int]] = {}
        self._postings: dict[str, set[int]] | None = None
        self._by_words: dict[frozenset[str], list[int]] = {}
        self._joined: str | None = None
        self._starts: list[int] = []
        for position, entity in enumerate(pool):
            for name in home.names_of(entity, in_area):
                self._by_name.setdefault(name, []).append(len(self.names))
                self.names.append(name)
                self.owners.append(entity)
                self._positions.append(position)

    def _unique(self, indexes: Iterable[int]) -> list[Entity]:
        """The owners of `indexes` (ascending), each entity once, first occurrence first."""
        return list({id(self.owners[i]): self.owners[i] for i in indexes}.values())

    def exact(self, k: str) -> list[Entity]:
        """Pool members with a name equal to `k`, in pool order (once per pool position)."""
        hits = self._by_name.get(k, ())
        positions = dict.fromkeys(self._positions[i] for i in hits)
        first = {self._positions[i]: self.owners[i] for i in hits}
        return [first[p] for p in positions]

    def _index_words(self) -> dict[str, set[int]]:
        if self._postings is None:
            self._postings = {}
            for i, name in enumerate(self.names):
                words = frozenset(name.split())
                if words:
                    self._by_words.setdefault(words, []).append(i)
                for word in words:
                    self._postings.setdefault(word, set()).add(i)
        return self._postings

    def holding(self, k: str) -> list[Entity]:
        """Entities with a name whose word set holds, or lies within, the words of `k`.

        The same set as `fuzz.token_set_ratio(k, name) == 100` over every name, found through a
        word index: names holding every word (postings intersected), and names made only of the
        words said (each subset of those words looked up).
        """
        words = frozenset(k.split())
        if not words:
            return []
        if len(words) > _MAX_SUBSET_WORDS:
            hits = process.extract(k, self.names, scorer=fuzz.token_set_ratio, score_cutoff=100, limit=None)
            return self._unique(sorted(i for _, _, i in hits))
        postings = self._index_words()
        found: set[int] = set()
        lists = [postings.get(w) for w in words]
        if all(p is not None for p in lists):
            found = set.intersection(*sorted((p for p in lists if p is not None), key=len))
        ordered = sorted(words)
        for size in range(1, len(ordered) + 1):
            for subset in itertools.combinations(ordered, size):
                found.update(self._by_words.get(frozenset(subset), ()))
        return self._unique(sorted(found))

    def containing(self, k: str) -> list[Entity]:
        """Entities with a name that contains `k` as a substring (Chinese names)."""
        if not k:
            return self._unique(range(len(self.names)))
        if self._joined is None:
            self._joined = "\n".join(self.names)
            start = 0
            for name in self.names:
                self._starts.append(start)
                start += len(name) + 1
        hits: list[int] = []
        at = self._joined.find(k)
        while at >= 0:  # `k` holds no newline: every hit lies inside one name
            i = bisect.bisect_right(self._starts, at) - 1
            hits.append(i)
            at = self._joined.find(k, self._starts[i] + len(self.names[i]) + 1)
        return self._unique(hits)


class HomeIndex:
    """Lookups over one `Home`: scan words in a sentence, name tables per pool, areas by key."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self._tables: dict[tuple[bool, tuple[str, ...]], NameTable] = {}
        self.spoken_keys: list[str] = [k for _, k in home.spoken]
        """Keys of `home.spoken`, in order (the "did you mean" candidates)."""
        # scan words: a sentence's n-grams (latin) or substrings (Chinese) looked up
        self._spaced: dict[str, list[int]] = {}
        self._squashed: dict[str, list[int]] = {}
        self._leads: list[str] = []
        most_words = most_chars = 1
        for i, (word, _, _) in enumerate(home.words):
            squashed = word.replace(" ", "")
            self._squashed.setdefault(squashed, []).append(i)
            if not has_cjk(word):
                self._spaced.setdefault(word, []).append(i)
                most_words = max(most_words, len(word.split()))
            most_chars = max(most_chars, len(squashed))
            self._leads.append(word[0] if has_cjk(word[:1]) else (word.split() or [""])[0])
        self._most_words, self._most_chars = most_words, most_chars
        # areas
        self._area_keys = [(a, key(a)) for a in home.area_concepts]
        self._areas_by_key: dict[str, list[str]] = {}
        self._areas_by_concept: dict[str, set[int]] = {}
        for i, (area, k) in enumerate(self._area_keys):
            self._areas_by_key.setdefault(k, []).append(area)
            for concept in home.area_concepts[area]:
                self._areas_by_concept.setdefault(concept, set()).add(i)

    def words_in(self, text: str) -> list[tuple[str, str, str]]:
        """`Home.words_in`: the scan words in `text` (a `key`) under the same lead-word rule.

        Longest first, then in `home.words` order; only words that occur in the text.
        """
        found: set[int] = set()
        if has_cjk(text):
            chars = text.replace(" ", "")
            for start in range(len(chars)):
                for end in range(start + 1, min(len(chars), start + self._most_chars) + 1):
                    found.update(self._squashed.get(chars[start:end], ()))
        else:
            words = text.split()
            for start in range(len(words)):
                for end in range(start + 1, min(len(words), start + self._most_words) + 1):
                    found.update(self._spaced.get(" ".join(words[start:end]), ()))
        leads = set(text.split()) | set(text.replace(" ", ""))
        return [self.home.words[i] for i in sorted(found) if self._leads[i] in leads]

    def table(self, pool: Sequence[Entity], in_area: bool) -> NameTable:
        """The name table of a pool (built once per distinct pool and home)."""
        whole = pool is self.home.entities  # the usual pool: no need to spell out 10,000 ids
        ids = ("*",) if whole else tuple(map(operator.attrgetter("entity_id"), pool))
        found = self._tables.get((in_area, ids))
        if found is None:
            if len(self._tables) >= _MAX_TABLES:
                self._tables.pop(next(iter(self._tables)))
            found = self._tables[(in_area, ids)] = NameTable(pool, self.home, in_area)
        return found

    def areas_keyed(self, k: str) -> list[str]:
        """Home areas whose key is `k`."""
        return list(self._areas_by_key.get(k, ()))

    def areas_sharing(self, concepts: Iterable[str]) -> list[str]:
        """Home areas that share a concept with `concepts`, in home order."""
        hits: set[int] = set()
        for concept in concepts:
            hits |= self._areas_by_concept.get(concept, set())
        return [self._area_keys[i][0] for i in sorted(hits)]

    def areas_containing(self, k: str) -> list[str]:
        """Home areas whose key contains `k` (word-wise, or character-wise for Chinese)."""
        return [a for a, ak in self._area_keys if contains(ak, k)]

    def areas_near(self, k: str, cutoff: float) -> list[str]:
        """Home areas whose key scores at least `cutoff` against `k` (`fuzz.WRatio`), in home order."""
        hits = process.extract(k, [ak for _, ak in self._area_keys], scorer=fuzz.WRatio, score_cutoff=cutoff,
                               limit=None)  # fmt: skip
        return [self._area_keys[i][0] for i in sorted(i for _, _, i in hits)]


_CACHE: list[tuple[Home, HomeIndex]] = []


def index_of(home: Home) -> HomeIndex:
    """The index of a home, built on first use (one entry: a new snapshot brings a new `Home`)."""
    if _CACHE and _CACHE[0][0] is home:
        return _CACHE[0][1]
    index = HomeIndex(home)
    _CACHE[:] = [(home, index)]
    return index

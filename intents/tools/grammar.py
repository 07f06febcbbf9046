"""The template syntax of intents/FORMAT.md, for the tools in this folder (stdlib + PyYAML).

Not the runtime expander (that is `hub/nlu/template.py` and `data.py`); this is a second, independent reading of the
same spec, used to validate the data, to count it, and to test whether a sentence is one the
training templates can produce.

    {slot}  {slot@variant}  {slot:literal}  (a|b|c)  [optional]
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

INTENTS_DIR = Path(__file__).resolve().parents[1]
LANGS = ("en", "zh")
SYNTAX = set("{}()[]|")


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Tok:
    text: str


@dataclass(frozen=True)
class Slot:
    name: str
    variant: str | None = None
    literal: str | None = None

    @property
    def list_name(self) -> str:
        return self.name if self.variant is None else f"{self.name}@{self.variant}"


@dataclass
class Seq:
    items: list = field(default_factory=list)


@dataclass
class Alt:
    options: list  # of Seq


@dataclass
class Opt:
    body: Seq


# ---------------------------------------------------------------------------------------------
# parsing

def _lex(template: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i, buf = 0, []
    while i < len(template):
        c = template[i]
        if c == "{":
            j = template.find("}", i)
            if j < 0:
                raise TemplateError(f"unclosed '{{' at {i}")
            if buf:
                out.append(("text", "".join(buf)))
                buf = []
            inner = template[i + 1:j]
            if any(ch in inner for ch in "{[]()|"):
                raise TemplateError(f"syntax character inside slot {{{inner}}}")
            out.append(("slot", inner))
            i = j + 1
            continue
        if c in "()[]|":
            if buf:
                out.append(("text", "".join(buf)))
                buf = []
            out.append((c, c))
        elif c == "}":
            raise TemplateError(f"stray '}}' at {i}")
        else:
            buf.append(c)
        i += 1
    if buf:
        out.append(("text", "".join(buf)))
    return out


def parse_slot(inner: str) -> Slot:
    if ":" in inner:
        name, literal = inner.split(":", 1)
        if not literal.strip():
            raise TemplateError(f"empty literal in {{{inner}}}")
        return Slot(name.strip(), None, literal.strip())
    if "@" in inner:
        name, variant = inner.split("@", 1)
        if not variant:
            raise TemplateError(f"empty variant in {{{inner}}}")
        return Slot(name.strip(), variant.strip())
    if not inner.strip():
        raise TemplateError("empty slot {}")
    return Slot(inner.strip())


def parse(template: str) -> Seq:
    toks = _lex(template)
    pos = 0

    def seq(stop: set[str]) -> Seq:
        nonlocal pos
        s = Seq()
        while pos < len(toks) and toks[pos][0] not in stop:
            kind, val = toks[pos]
            pos += 1
            if kind == "text":
                s.items.append(("text", val))
            elif kind == "slot":
                s.items.append(parse_slot(val))
            elif kind == "(":
                opts = [seq({"|", ")"})]
                while pos < len(toks) and toks[pos][0] == "|":
                    pos += 1
                    opts.append(seq({"|", ")"}))
                if pos >= len(toks) or toks[pos][0] != ")":
                    raise TemplateError("unclosed '('")
                pos += 1
                if len(opts) < 2:
                    raise TemplateError("a group needs at least two alternatives; use [x] for optional")
                for o in opts:
                    if not o.items or all(isinstance(x, tuple) and not x[1].strip() for x in o.items):
                        raise TemplateError("empty alternative in a group; use [x] for optional")
                s.items.append(Alt(opts))
            elif kind == "[":
                body = seq({"]"})
                if pos >= len(toks) or toks[pos][0] != "]":
                    raise TemplateError("unclosed '['")
                pos += 1
                if not body.items:
                    raise TemplateError("empty optional []")
                s.items.append(Opt(body))
            else:
                raise TemplateError(f"unexpected '{val}'")
        return s

    root = seq(set())
    if pos != len(toks):
        raise TemplateError(f"unexpected '{toks[pos][1]}'")
    return root


def slots_in(node) -> list[Slot]:
    if isinstance(node, Slot):
        return [node]
    if isinstance(node, Seq):
        return [s for it in node.items for s in slots_in(it)]
    if isinstance(node, Alt):
        return [s for o in node.options for s in slots_in(o)]
    if isinstance(node, Opt):
        return slots_in(node.body)
    return []


def count_phrasings(node) -> int:
    """Number of slot skeletons a template spells (slots count 1; duplicates not removed)."""
    if isinstance(node, Seq):
        n = 1
        for it in node.items:
            n *= count_phrasings(it)
        return n
    if isinstance(node, Alt):
        return sum(count_phrasings(o) for o in node.options)
    if isinstance(node, Opt):
        return 1 + count_phrasings(node.body)
    return 1


# ---------------------------------------------------------------------------------------------
# tokens: English by words, Chinese by characters (ASCII runs stay one token)

_PUNCT = re.compile(r"[?!.,;:\"“”‘’（）()，。！？；：、…~～]")
_ZH_TOKEN = re.compile(r"<[a-z_]+>|[A-Za-z0-9][A-Za-z0-9'%°.\-/+]*|\S")


def tokens(text: str, lang: str) -> tuple[str, ...]:
    text = _PUNCT.sub(" ", text.lower().replace("’", "'"))
    if lang == "zh":
        return tuple(_ZH_TOKEN.findall(text.replace(" ", "")))
    return tuple(text.split())


# ---------------------------------------------------------------------------------------------
# loading

def load_inventory() -> dict:
    return yaml.safe_load((INTENTS_DIR / "intents.yaml").read_text(encoding="utf-8"))


def read_list(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def template_dir(lang: str, heldout: bool) -> Path:
    return INTENTS_DIR / "heldout" / lang / "templates" if heldout else INTENTS_DIR / lang


def slot_dir(lang: str, heldout: bool) -> Path:
    return INTENTS_DIR / "heldout" / lang / "slots" if heldout else INTENTS_DIR / lang / "slots"


def load_templates(lang: str, heldout: bool) -> dict[str, list[str]]:
    out = {}
    for path in sorted(template_dir(lang, heldout).glob("*.yaml")):
        if path.name == "wrappers.yaml":
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[doc["intent"]] = list(doc.get("templates") or [])
    return out


def load_wrappers(lang: str) -> dict[str, list[str]]:
    path = INTENTS_DIR / lang / "wrappers.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"prefixes": list(doc.get("prefixes") or []), "suffixes": list(doc.get("suffixes") or [])}


# ---------------------------------------------------------------------------------------------
# matching and sampling

class Lists:
    """Slot values by list name, tokenised, for matching."""

    def __init__(self, lang: str, dirs: list[Path], exclude: tuple[str, ...] = ()):
        self.lang = lang
        self.dirs = dirs
        self.exclude = exclude  # slot names whose lists count as empty (e.g. name, area)
        self._cache: dict[str, tuple[set, list[int], list[str]]] = {}

    def get(self, list_name: str):
        if list_name not in self._cache:
            values: list[str] = []
            for d in ([] if list_name.split("@", 1)[0] in self.exclude else self.dirs):
                p = d / f"{list_name}.txt"
                if p.exists():
                    values += read_list(p)
            toks = {tokens(v, self.lang) for v in values}
            self._cache[list_name] = (toks, sorted({len(t) for t in toks}), values)
        return self._cache[list_name]


class Matcher:
    """Can a template produce exactly this token sequence? Slots match their list values, or a
    placeholder token `<slot>` when `placeholders` is set."""

    def __init__(self, lists: Lists, placeholders: bool = False):
        self.lists = lists
        self.placeholders = placeholders

    def match(self, root: Seq, toks: tuple[str, ...], start: int = 0, end: int | None = None) -> bool:
        end = len(toks) if end is None else end
        memo: dict = {}
        lang = self.lists.lang

        def ends(node, pos: int) -> frozenset:
            key = (id(node), pos)
            if key in memo:
                return memo[key]
            if isinstance(node, tuple):  # ("text", str)
                tt = tokens(node[1], lang)
                r = frozenset([pos + len(tt)]) if toks[pos:pos + len(tt)] == tt else frozenset()
            elif isinstance(node, Slot):
                if self.placeholders:
                    r = frozenset([pos + 1]) if pos < end and toks[pos] == f"<{node.name}>" else frozenset()
                elif node.literal is not None:
                    tt = tokens(node.literal, lang)
                    r = frozenset([pos + len(tt)]) if toks[pos:pos + len(tt)] == tt else frozenset()
                else:
                    vals, lengths, _ = self.lists.get(node.list_name)
                    r = frozenset(pos + n for n in lengths if pos + n <= end and toks[pos:pos + n] in vals)
            elif isinstance(node, Seq):
                cur = frozenset([pos])
                for it in node.items:
                    nxt: set[int] = set()
                    for p in cur:
                        nxt |= ends(it, p)
                    cur = frozenset(x for x in nxt if x <= end)
                    if not cur:
                        break
                r = cur
            elif isinstance(node, Alt):
                acc: set[int] = set()
                for o in node.options:
                    acc |= ends(o, pos)
                r = frozenset(acc)
            elif isinstance(node, Opt):
                r = frozenset({pos}) | ends(node.body, pos)
            else:
                raise TypeError(node)
            memo[key] = r
            return r

        return end in ends(root, start)


def sample(root: Seq, lists: Lists | None, rng: random.Random, lang: str, placeholders: bool = False) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, tuple):
            parts.append(node[1])
        elif isinstance(node, Slot):
            if placeholders:
                parts.append(f" <{node.name}> " if lang == "en" else f"<{node.name}>")
            elif node.literal is not None:
                parts.append(node.literal)
            else:
                parts.append(rng.choice(lists.get(node.list_name)[2]))
        elif isinstance(node, Seq):
            for it in node.items:
                walk(it)
        elif isinstance(node, Alt):
            walk(rng.choice(node.options))
        elif isinstance(node, Opt):
            if rng.random() < 0.5:
                walk(node.body)

    walk(root)
    text = "".join(parts)
    return " ".join(text.split()) if lang == "en" else text.replace(" ", "") if not placeholders else text

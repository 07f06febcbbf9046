"""The template language of intents/FORMAT.md: parse a template into a tree, sample it.

`parse_template` turns a template into a small tree (`Seq` of `Text`, `SlotRef`, `Choice`);
`sample` walks it with a seeded RNG into (text, slot) pieces, and `join_pieces` joins them into a
sentence with character spans for its slots. `hub.nlu.data` expands intents/ with it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hub.errors import HubError

Span = tuple[str, int, int]
"""(slot name, start, end): a slot's character span in a sentence."""


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class SlotRef:
    slot: str
    """The tag the value gets ("name" for `{name@lock}`)."""
    key: str
    """Which list to draw from ("name@lock"); empty for a literal."""
    literal: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    options: tuple[Seq, ...]
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Text | SlotRef | Choice, ...]


class TemplateSyntaxError(HubError, ValueError):
    """A template does not follow intents/FORMAT.md."""


def parse_template(template: str) -> Seq:
    """Parse one template into a tree of `Seq`, `Choice`, `SlotRef` and `Text` nodes."""
    seq, pos = _parse_seq(template, 0)
    if pos != len(template):
        raise TemplateSyntaxError(f"unexpected {template[pos]!r} at {pos} in {template!r}")
    return seq


def _parse_seq(s: str, pos: int) -> tuple[Seq, int]:
    items: list[Text | SlotRef | Choice] = []
    buf: list[str] = []
    while pos < len(s) and s[pos] not in ")]|":
        ch = s[pos]
        if ch in "([{":
            if buf:
                items.append(Text("".join(buf)))
                buf = []
            if ch == "{":
                end = s.find("}", pos)
                if end < 0:
                    raise TemplateSyntaxError(f"unclosed {{ at {pos} in {s!r}")
                items.append(_slot_ref(s[pos + 1 : end]))
                pos = end + 1
            else:
                choice, pos = _parse_choice(s, pos + 1, ")" if ch == "(" else "]")
                items.append(choice)
        else:
            buf.append(ch)
            pos += 1
    if buf:
        items.append(Text("".join(buf)))
    return Seq(tuple(items)), pos


def _parse_choice(s: str, pos: int, close: str) -> tuple[Choice, int]:
    options: list[Seq] = []
    while True:
        seq, pos = _parse_seq(s, pos)
        options.append(seq)
        if pos >= len(s):
            raise TemplateSyntaxError(f"missing {close!r} in {s!r}")
        if s[pos] == "|":
            pos += 1
            continue
        if s[pos] != close:
            raise TemplateSyntaxError(f"expected {close!r} at {pos} in {s!r}")
        return Choice(tuple(options), optional=close == "]"), pos + 1


def _slot_ref(body: str) -> SlotRef:
    name, sep, literal = body.partition(":")
    if sep:
        return SlotRef(name.strip(), "", literal.strip())
    return SlotRef(name.strip().split("@", 1)[0], name.strip())


def sample(node: Seq, lists: Mapping[str, Sequence[str]], rng: random.Random) -> list[tuple[str, str | None]]:
    """Walk a template tree once: a list of (text, slot or None) pieces."""
    pieces: list[tuple[str, str | None]] = []
    for item in node.items:
        if isinstance(item, Text):
            pieces.append((item.text, None))
        elif isinstance(item, SlotRef):
            if item.literal is not None:
                pieces.append((item.literal, item.slot))
            else:
                values = lists.get(item.key)
                if not values:
                    raise TemplateSyntaxError(f"no values for {{{item.key}}}")
                pieces.append((rng.choice(values), item.slot))
        elif not item.optional or rng.random() < 0.5:
            pieces.extend(sample(rng.choice(item.options), lists, rng))
    return pieces


def join_pieces(pieces: Sequence[tuple[str, str | None]]) -> tuple[str, tuple[Span, ...]]:
    """Concatenate pieces with single spaces where they had any; return text and slot spans."""
    out = ""
    spans: list[Span] = []
    for text, slot in pieces:
        text = re.sub(r"\s+", " ", text)
        if slot is not None:
            text = text.strip()
            if not text:
                continue
            if out and not out.endswith(" ") and _needs_space(out[-1], text[0]):
                out += " "
        if not out or out.endswith(" "):
            text = text.lstrip()
        start = len(out)
        out += text
        if slot is not None:
            spans.append((slot, start, len(out)))
    return out.rstrip(), tuple(spans)


def _needs_space(left: str, right: str) -> bool:
    """Latin words glued to a slot value need a space; Chinese characters never do."""
    return left.isascii() and left.isalnum() and right.isascii() and right.isalnum()

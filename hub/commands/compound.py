"""Compound sentences: "turn off the desk lamp and turn on the night light", "关灯然后锁门" (pure).

A sentence is split at a connector ("and", "then", "然后", "并且", "再", a comma) only where the
part after it starts with a command verb, so "turn on the kitchen and living room lights" stays
whole. The parts are understood one by one and carried out together, or not at all: one part that
the hub cannot do refuses the whole sentence, so nothing happens half-way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from hub.commands.result import CommandResult, Outcome
from hub.text.script import to_simplified

_EN_VERBS = (
    "turn", "switch", "set", "make", "open", "close", "shut", "lock", "unlock", "start", "stop", "pause",
    "dim", "brighten", "raise", "lower", "increase", "decrease", "put", "activate", "deactivate", "power",
    "light up", "run", "boil", "heat", "cool", "change", "send", "return", "dock", "toggle", "press",
    "arm", "disarm", "kill", "enable", "disable", "fire up",
)
_EN_SPLIT = re.compile(
    r"\s*(?:,\s*(?:and\s+)?(?:then\s+)?|\s+and\s+(?:then\s+)?(?:also\s+)?|\s+then\s+|;\s*)"
    r"(?=(?:please\s+)?(?:" + "|".join(re.escape(v) for v in _EN_VERBS) + r")\b)",
    re.IGNORECASE,
)
_ZH_VERBS = ("打开", "开", "关", "关闭", "关掉", "调", "把", "将", "锁", "解锁", "设置", "设", "启动", "停",
             "暂停", "拉", "升", "降", "让", "帮我", "请", "开启", "点亮", "熄", "播放", "扫")
_ZH_SPLIT = re.compile(
    r"\s*(?:，|,|；|;)?\s*(?:然后|接着|之后|并且|同时|再|还要|并|顺便)\s*"
    r"(?=" + "|".join(_ZH_VERBS) + r"|[\u4e00-\u9fff]{1,6}(?:打开|关|调|锁))"
    r"|\s*(?:，|,|；|;)\s*(?=" + "|".join(_ZH_VERBS) + r")",
)


def split_compound(text: str) -> list[str]:
    """The command parts of `text`: one item when it is a single command.

    Chinese is matched in Simplified (Traditional "然後", "關" too) and cut in the user's script.
    """
    chinese = re.search(r"[\u4e00-\u9fff]", text) is not None
    pattern = _ZH_SPLIT if chinese else _EN_SPLIT
    probe = to_simplified(text) if chinese else text  # same length: offsets hold on `text`
    cuts = [(m.start(), m.end()) for m in pattern.finditer(probe)]
    starts = [0, *(end for _, end in cuts)]
    ends = [*(start for start, _ in cuts), len(text)]
    parts = [text[a:b].strip(" ,，;；。.") for a, b in zip(starts, ends, strict=True)]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else [text]


def merge(text: str, parts: Sequence[CommandResult]) -> CommandResult:
    """One result for a compound sentence: every part's actions and messages, in order.

    The first part that could not be carried out (not understood, nothing matched, refused)
    refuses the whole: its error, no actions, nothing to publish.
    """
    first = parts[0]
    for part in parts:
        if part.outcome in (Outcome.REJECTED, Outcome.REFUSED, Outcome.NOT_READY, Outcome.INVALID):
            error = part.error or "not understood"
            return replace(first, text=text, outcome=part.outcome, actions=(), mqtt=(), query=None,
                           answer=None, error=f"{part.text}: {error}" if part.text else error)
    actions = tuple(a for p in parts for a in p.actions)
    mqtt = tuple(m for p in parts for m in p.mqtt)
    answers = [p.answer for p in parts if p.answer]
    queries = [q for p in parts if p.query is not None for q in p.query]
    only_questions = all(p.outcome is Outcome.ANSWERED for p in parts)
    return replace(
        first, text=text, actions=actions, mqtt=mqtt, answer=" ".join(answers) or None,
        query=tuple(queries) if only_questions else None,
        outcome=Outcome.ANSWERED if only_questions else Outcome.DRY_RUN,
    )


__all__ = ["merge", "split_compound"]

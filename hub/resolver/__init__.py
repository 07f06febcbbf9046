"""Resolution: a `Parse` plus a registry snapshot (plus current states) → actions, a query or an error.

Pure: no I/O. `resolve` implements ARCHITECTURE.md "Resolution": names before classes, area +
class, "everything" meaning lights/switches/fans, singular requests that match several devices
refused with the candidates, unsupported actions refused with what the target can do, questions
answered from states, and sensitive actions marked for confirmation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hub import answers
from hub.codecs import encode, services
from hub.devices import needs_confirm
from hub.domain import Action, Entity, Parse, Slot, State
from hub.errors import CodecError
from hub.registry import Snapshot
from hub.resolver.lexicon import Home, home_of, key
from hub.resolver.match import select
from hub.resolver.plan import INTENT_COMPONENTS, plan
from hub.resolver.question import implied_test, quantifier, state_test
from hub.resolver.selection import Request, Selection
from hub.text.script import script_of, to_simplified

__all__ = ["INTENT_COMPONENTS", "Resolution", "looks_like_question", "resolve"]

_EN_QUESTION = re.compile(
    r"^\s*(is|are|was|were|did|does|has|have|what|what's|whats|how|which|who|where)\b", re.I
)
_ZH_QUESTION = re.compile(
    r"(吗|么|没|没有|了没|呢|是否|是不是|有没有|多少|几度)[？?。!！\s]*$|多少|几度|是否|是不是|有没有"
)
_ZH_REQUEST = re.compile(r"(好吗|可以吗|行吗|好不好|可不可以|能不能|能否)[？?。!！\s]*$")


def looks_like_question(text: str, lang: str) -> bool:
    """Whether a sentence asks about state rather than commanding ("is the door locked?", "锁了吗")."""
    if lang == "zh":
        return bool(_ZH_QUESTION.search(text)) and not _ZH_REQUEST.search(text)
    return bool(_EN_QUESTION.match(text))


@dataclass(frozen=True)
class Resolution:
    """What a parse means in this home."""

    actions: tuple[Action, ...] = ()
    """Service calls to make (empty for questions and refusals)."""
    query: tuple[str, ...] | None = None
    """Entity ids a question read; None when it was not a question."""
    answer: str | None = None
    """A sentence in the parse's language: what was done, or the answer to the question."""
    error: str | None = None
    """Why nothing was done (names what was not found and the closest names)."""


def resolve(parse: Parse, snapshot: Snapshot, states: Mapping[str, State] | None = None) -> Resolution:
    """Resolve one parse against a home.

    "in here" / 这里 must have been read as the request's room before (`hub.commands.plan.place`);
    a parse that still says only "here" is refused with a question for the room.

    Args:
        parse: What the NLU understood.
        snapshot: The registry's entities.
        states: Current states by entity id (relative changes, toggles and questions read them).

    Returns:
        The resolution; `error` is set exactly when nothing is done and it is not a question.
    """
    result = _resolve(_simplified(parse), snapshot, states or {})
    if parse.lang != "zh":
        return result
    return replace(
        result,
        answer=answers.in_users_script(result.answer, parse.text, parse.lang),
        error=answers.in_users_script(result.error, parse.text, parse.lang),
    )


def _simplified(parse: Parse) -> Parse:
    """The parse with its text and slot texts in Simplified Chinese (what the rules compare)."""
    if parse.lang != "zh" or script_of(parse.text) == "hans":
        return parse
    slots = tuple(replace(s, text=to_simplified(s.text)) for s in parse.slots)
    return replace(parse, text=to_simplified(parse.text), slots=slots)


def _resolve(parse: Parse, snapshot: Snapshot, states: Mapping[str, State]) -> Resolution:
    lang = parse.lang
    if parse.intent not in ("none", "get_state") and looks_like_question(parse.text, lang):
        # A question never moves a device, whatever the model read into it.
        parse = replace(parse, intent="get_state")
    home = home_of(snapshot)
    if parse.intent not in ("turn_on", "turn_off", "toggle", "get_state"):
        parse = _rescue(parse, home)
    parse = _verb_check(parse)
    parse = _halfway(parse)
    comps = INTENT_COMPONENTS.get(parse.intent)
    if comps is None:
        return Resolution(error=answers.not_command(lang))
    selection = select(Request(parse, comps), home)
    if selection.error is not None:
        return Resolution(error=selection.error)
    if parse.intent == "get_state":
        return _question(parse, selection, states)
    return _act(parse, selection, states)


# fmt: off
_EN_ON_OFF = re.compile(
    r"^(?:(?:please|hey|ok|okay|can you|could you|would you)\s+)*"
    r"(?P<verb>turn on|switch on|power on|start|activate|press|push|ring"
    r"|turn off|switch off|power off|shut off|shut down|deactivate)\b"
)
_ZH_ON_OFF = re.compile(
    r"^(?:请|麻烦|帮我|给我|帮忙)*(?P<verb>打开|开启|启动|开一下|激活|启用|按一下|按下|关闭|关掉|关上|关一下|停掉|停用)"
)
_UPDATE_WORDS = re.compile(r"\b(?:updates?|firmware|upgrades?)\b|更新|固件|升级", re.I)
_OFF_VERBS = frozenset({
    "turn off", "switch off", "power off", "shut off", "shut down", "deactivate",
    "关闭", "关掉", "关上", "关一下", "停掉", "停用",
})
# fmt: on


# fmt: off
_VERB_FLIPS: tuple[tuple[str, str, re.Pattern[str], re.Pattern[str]], ...] = (
    # (intent the model said, the intent the words say, words for the latter, words for the former)
    ("turn_off", "turn_on",
     re.compile(r"\b(?:activate|turn on|switch on|power on|power up|light up)\b|打开|开启|激活|启用|点亮|启动"),  # noqa: E501
     re.compile(r"\b(?:off|deactivate|disable|down|stop|kill|cut)\b|关|停|断|熄|灭")),
    ("turn_on", "turn_off",
     re.compile(r"\b(?:deactivate|turn off|switch off|power off|power down"
         r"|shut off|shut down)\b|关闭|关掉|关上|停用|断电|熄灭"),
     re.compile(r"\b(?:on|activate|enable|up|start)\b|开|启|亮")),
    ("brightness_up", "brightness_down",
     re.compile(r"\b(?:too bright|so bright|blinding)\b|太亮|太刺眼|刺眼|晃眼"), re.compile(r"\b(?:dark|dim)\b|暗")),  # noqa: E501
    ("brightness_down", "brightness_up",
     re.compile(r"\b(?:too dark|so dark|too dim)\b|太暗|好暗|看不清"), re.compile(r"\b(?:bright)\b|亮|刺眼")),
    ("brightness_up", "turn_on", re.compile(r"\blight up\b|点亮|照亮"), re.compile(r"\d|%|brighter|更亮|亮一|调亮|百分")),  # noqa: E501
    ("open", "close",  # "draw the curtains" shuts them; "draw them back / open" does not
     re.compile(r"\bdraw (?:the |my |all the )?(?:\w+ )?(?:curtains?|drapes?|blinds?)\b|拉上|合上"),
     re.compile(r"\b(?:open|back|apart|up)\b|拉开|打开")),
    ("unlock", "lock",  # HA's zh: "关闭厨房的门锁" locks it
     re.compile(r"\block (?:up|the|all|my)\b|锁上|锁好|上锁|反锁|关闭.{0,6}锁|关上.{0,6}锁"),
     re.compile(r"\bunlock\b|解锁|开锁|打开|开启|开门")),
    ("lock", "unlock",
     re.compile(r"\bunlock\b|解锁|开锁|打开|开启|开门"), re.compile(r"\block (?:up|the|all)\b|锁上|锁好|锁门|上锁|反锁|锁了")),  # noqa: E501
)
# fmt: on


def _verb_check(parse: Parse) -> Parse:
    """A command whose own verb says the opposite of the intent the model read is read by its verb.

    "activate the kitchen lights" read as turn_off, "餐厅吊灯太亮了" as brightness_up, "开启大门锁"
    as lock: acting on the model's guess would do the opposite of what was asked. Only an explicit
    verb of the other kind, with no word of the model's kind beside it, changes the intent.
    """
    said = parse.text.casefold()
    for wrong, right, says_right, says_wrong in _VERB_FLIPS:
        if parse.intent == wrong and says_right.search(said) and not says_wrong.search(
            says_right.sub(" ", said)
        ):
            return replace(parse, intent=right)
    return parse


_HALFWAY = re.compile(r"\bhalf(?:[ -]?way)?\b|一半|半开|开一半|拉一半")


def _halfway(parse: Parse) -> Parse:
    """"open the curtains halfway" read as a plain open would open them fully: a half word
    beside open/close is a position of 50 %."""
    if parse.intent not in ("open", "close") or parse.slot("position") is not None:
        return parse
    match = _HALFWAY.search(parse.text.casefold())
    if match is None:
        return parse
    half = Slot("position", parse.text[match.start():match.end()], 50, match.start(), match.end())
    return replace(parse, intent="set_position", slots=(*parse.slots, half))


def _rescue(parse: Parse, home: Home) -> Parse:
    """An on/off command the model misread because the device's name was new to it.

    Only a sentence that is a plain on/off verb and one of this home's device names, word for
    word, is rescued: from `none`, or from an intent that device cannot take ("打开打印机" read as
    vacuum_start on a switch). Anything else stays as the model read it.
    """
    text = parse.text.strip().casefold()
    match = (_ZH_ON_OFF if parse.lang == "zh" else _EN_ON_OFF).match(text)
    if match is None:
        return parse
    rest = key(text[match.end():])
    named = [(w, ids) for w, kind, ids in home.words if kind == "name" and w and rest == w]
    if not named:
        return parse
    names = [w for w, _ in named]
    if parse.intent != "none":
        fits = INTENT_COMPONENTS.get(parse.intent, ())
        targets = {e.entity_id: e.component for e in home.entities}
        if any(targets.get(ids) in fits for _, ids in named):
            return parse  # the device can do what the model read: not a misreading
    intent = "turn_off" if match.group("verb") in _OFF_VERBS else "turn_on"
    return replace(parse, intent=intent, slots=(*parse.slots, Slot("name", names[0])))


def _act(parse: Parse, selection: Selection, states: Mapping[str, State]) -> Resolution:
    lang = parse.lang
    grouped: dict[tuple[str, str, bool], list[str]] = {}
    data_of: dict[tuple[str, str, bool], dict[str, Any]] = {}
    refusals: list[str] = []
    entities = {e.entity_id: e for e in selection.entities}
    for entity in selection.entities:
        state = states.get(entity.entity_id)
        call = plan(parse, entity, state)
        if call.problem == "value":
            slot = {"set_brightness": "brightness", "set_position": "position", "set_fan_speed": "speed",
                    "set_color": "colour", "set_color_temp": "colour temperature",
                    "set_hvac_mode": "mode", "set_value": "value",
                    "select_option": "option"}.get(parse.intent, "temperature")  # fmt: skip
            return Resolution(error=answers.missing_value(slot, lang))
        if call.service is None:
            refusals.append(answers.need_state(entity.name, lang))
            continue
        can = services(entity)
        if call.service not in can:
            refusals.append(answers.unsupported(entity.name, call.service, can, lang))
            continue
        try:
            encode(entity, call.service, call.data, current_state=state)
        except CodecError as err:
            refusals.append(answers.invalid(str(err), lang))
            continue
        confirm = needs_confirm(call.service, entity.device_class)
        k = (call.service, json.dumps(call.data, sort_keys=True), confirm)
        grouped.setdefault(k, []).append(entity.entity_id)
        data_of[k] = dict(call.data)
    if refusals and (not selection.group or not grouped):
        return Resolution(error=" ".join(dict.fromkeys(refusals)))
    actions = tuple(Action(s, tuple(ids), data_of[(s, d, c)], c) for (s, d, c), ids in grouped.items())
    return Resolution(actions=actions, answer=answers.done(actions, entities, lang))


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _question(parse: Parse, selection: Selection, states: Mapping[str, State]) -> Resolution:
    lang = parse.lang
    updates = tuple(e for e in selection.entities if e.component == "update")
    if updates and len(updates) < len(selection.entities) and _UPDATE_WORDS.search(parse.text):
        # "is there an update for the kitchen plug?": the plug's firmware entity, not the plug
        selection = replace(selection, entities=updates)
    ids = tuple(e.entity_id for e in selection.entities)
    temps = [_temperature(e, states.get(e.entity_id)) for e in selection.entities]
    known = [t for t in temps if t is not None]
    is_temp = all(
        e.component == "climate" or (e.component == "sensor" and e.device_class == "temperature")
        for e in selection.entities
    )
    if is_temp and known:
        value = round(sum(known) / len(known), 1)
        return Resolution(query=ids, answer=answers.temperature(selection.area, value, lang))
    kind = quantifier(parse.text)
    if kind is not None:
        return _several(kind, parse, selection, states)
    sentences = [answers.describe_state(e, states.get(e.entity_id), lang) for e in selection.entities]
    return Resolution(query=ids, answer=("" if lang == "zh" else " ").join(sentences))


def _several(kind: str, parse: Parse, selection: Selection, states: Mapping[str, State]) -> Resolution:
    """Count, list or check devices in a state: "how many lights are on?", "are any doors unlocked?"."""
    test = state_test(parse.text) or implied_test(selection.entities)
    read = [e for e in selection.entities if test is None or test.applies(e)] or list(selection.entities)
    ids = tuple(e.entity_id for e in read)
    cls = parse.slot("device_class")
    what = cls.text if cls else ("设备" if parse.lang == "zh" else "devices")
    if test is None:
        return Resolution(query=ids, answer=answers.several(kind, what, [], len(read), None, parse.lang))
    known = [(e, states[e.entity_id]) for e in read if e.entity_id in states]
    hits = [e.name for e, s in known if test.test(e, s) != (kind == "all")]
    return Resolution(query=ids, answer=answers.several(kind, what, hits, len(read), test.label, parse.lang))


def _temperature(entity: Entity, state: State | None) -> float | None:
    if state is None:
        return None
    if entity.component == "climate":
        return _number(state.attributes.get("current_temperature"))
    return _number(state.state) if entity.device_class == "temperature" else None

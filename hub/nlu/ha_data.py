"""Home Assistant's sentence templates as extra training examples (issue 13 item 1).

The templates come from the `home-assistant-intents` package (the Home Assistant intents project,
https://github.com/home-assistant/intents, CC BY 4.0; see models/MODEL_CARD.md) and are parsed by
`hassil`. Each template is walked at random (seeded, bounded: `n_per_intent` examples per intent
of ours), the HA intent is mapped onto ours (`our_intent`), and the lists become our slots:
`{name}` and `{area}` are filled from our own training vocabulary (`intents/<lang>/slots/`),
numbers from the ranges with their unit kept inside the slot ("50%", "百分之50", "21 degrees"),
and class words HA spells as plain text ("turn on the kitchen <light>") are tagged `device_class`
the way intents/README.md's tagging rules say. Sentences whose lists we cannot fill (floors,
free text in commands) are skipped.

Training only: the hub never imports this at start. Without hassil installed it yields nothing.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from hub.nlu.data import Example, make_example
from hub.nlu.lang import split_words
from hub.nlu.template import Span, join_pieces

_LOGGER = logging.getLogger(__name__)

HA_LANGS = {"en": "en", "zh": "zh-CN"}
"""Our language → the home-assistant-intents language whose templates are used."""

SLOT_OF = {
    "name": "name", "area": "area", "device_class": "device_class", "brightness": "brightness",
    "color": "color", "color_temp": "color_temp", "temperature": "temperature", "position": "position",
    "percentage": "percentage", "fan_speed": "percentage",
}  # fmt: skip
"""HA slot name → ours; other HA slots (state, domain, floor, volume, timers…) stay untagged."""

_NUMERIC = {"brightness", "position", "percentage", "temperature", "color_temp"}
_UNIT_AFTER = re.compile(
    r"\s?(?:%|percent\b|per cent\b|degrees?(?: (?:celsius|fahrenheit))?\b|°[cf]?|kelvin\b|k\b|度|℃)", re.I
)
_NONE = {
    "HassBroadcast", "HassCancelAllTimers", "HassCancelTimer", "HassDecreaseTimer", "HassGetCurrentDate",
    "HassGetCurrentTime", "HassGetWeather", "HassIncreaseTimer", "HassListAddItem", "HassListCompleteItem",
    "HassListRemoveItem", "HassMediaNext", "HassMediaPause", "HassMediaPlayerMute", "HassMediaPlayerUnmute",
    "HassMediaPrevious", "HassMediaSearchAndPlay", "HassMediaUnpause", "HassNevermind", "HassPauseTimer",
    "HassRespond", "HassSetVolume", "HassSetVolumeRelative", "HassShoppingListAddItem",
    "HassShoppingListCompleteItem", "HassStartTimer", "HassTimerStatus", "HassUnpauseTimer",
}  # fmt: skip
"""HA intents the hub does not serve: their sentences are out-of-scope (`none`) examples."""

_DIRECT = {
    "HassToggle": "toggle", "HassClimateSetTemperature": "set_temperature", "HassGetState": "get_state",
    "HassClimateGetTemperature": "get_state", "HassSetPosition": "set_position",
    "HassFanSetSpeed": "set_fan_speed", "HassVacuumStart": "vacuum_start",
    "HassVacuumCleanArea": "vacuum_start",
    "HassVacuumReturnToBase": "vacuum_return", "HassLawnMowerStartMowing": "vacuum_start",
    "HassLawnMowerDock": "vacuum_return",
}  # fmt: skip

_CLASS_LISTS = {
    "light": ("light",), "switch": ("switch",), "fan": ("fan",), "climate": ("climate",), "cover": ("cover",),
    "lock": ("lock",), "vacuum": ("vacuum",), "sensor": ("sensor",), "binary_sensor": ("sensor",),
}  # fmt: skip
"""HA domain → our device_class@<family> lists whose words are tagged where HA wrote them as text."""

_INTENT_CLASSES = {
    "turn_on": ("light", "switch", "fan", "everything"), "turn_off": ("light", "switch", "fan", "everything"),
    "toggle": ("light", "switch", "fan"), "set_brightness": ("light",), "set_color": ("light",),
    "set_color_temp": ("light",), "set_temperature": ("climate",), "open": ("cover",), "close": ("cover",),
    "set_position": ("cover",), "lock": ("lock",), "unlock": ("lock",), "set_fan_speed": ("fan",),
    "vacuum_start": ("vacuum",), "vacuum_return": ("vacuum",),
    "get_state": ("light", "switch", "fan", "climate", "cover", "lock", "vacuum", "sensor"),
}  # fmt: skip

_FAMILY_OF_INTENT = {
    "HassVacuumStart": "vacuum", "HassVacuumReturnToBase": "vacuum", "HassVacuumCleanArea": "vacuum",
    "HassLawnMowerStartMowing": "lawn_mower", "HassLawnMowerDock": "lawn_mower", "HassLightSet": "light",
    "HassClimateSetTemperature": "climate", "HassClimateGetTemperature": "climate", "HassFanSetSpeed": "fan",
    "HassSetPosition": "cover",
}  # fmt: skip
"""The name list an HA intent's `{name}` draws from when its block names no domain."""

_MOWERS = {
    "en": ("mower", "lawn mower", "robot mower", "lawnmower", "automower", "front lawn mower",
           "back lawn mower", "husqvarna", "worx landroid", "grass cutter"),
    "zh": ("割草机", "割草机器人", "剪草机", "前院割草机", "后院割草机", "除草机"),
}  # fmt: skip

_VERB_CLASS_WORDS = frozenset({"lock", "unlock", "vacuum", "hoover", "mop", "heat", "cool", "shade"})
"""Class words that are verbs when they start a sentence ("lock sofa side door", "vacuum the den")."""

_ZH_TYPED_LAMPS = ("吸顶灯", "筒灯", "射灯", "台灯", "床头灯", "吊灯", "落地灯")
"""Typed lamps are names in our tagging rules (intents/README.md), not class words."""


class _Skip(Exception):
    """This walk used a list we cannot fill."""


def our_intent(ha_intent: str, slots: Mapping[str, Any], domain: str | None) -> str | None:
    """Our intent for an HA intent with the slots a walk filled (None: not used)."""
    if ha_intent in _NONE:
        return "none"
    if ha_intent in ("HassTurnOn", "HassTurnOff"):
        on = ha_intent == "HassTurnOn"
        pairs = {"cover": ("open", "close"), "valve": ("open", "close"), "lock": ("lock", "unlock")}
        if domain in pairs:
            return pairs[domain][0 if on else 1]
        if domain in ("media_player", "script", "automation"):
            return None
        return "turn_on" if on else "turn_off"
    if ha_intent == "HassLightSet":
        for slot, intent in (("brightness", "set_brightness"), ("color", "set_color"),
                             ("color_temp", "set_color_temp")):  # fmt: skip
            if slot in slots:
                return intent
        return None
    return _DIRECT.get(ha_intent)


def build_ha_dataset(
    lang: str, n_per_intent: int, seed: int, lists: Mapping[str, Sequence[str]],
    exclude: frozenset[str] = frozenset(),
) -> list[Example]:  # fmt: skip
    """About `n_per_intent` examples per intent of ours from HA's templates of `lang`.

    Args:
        lang: "en" or "zh".
        n_per_intent: Examples per intent of ours (fewer where HA has few phrasings).
        seed: RNG seed; the same seed and package version give the same examples.
        lists: Our training slot lists (`data.load_slot_lists`): names, areas, class words.
        exclude: Case-folded sentences never to produce (held-out and parity sentences).
    """
    try:
        from hassil import Intents
        from home_assistant_intents import get_intents
    except ImportError:  # pragma: no cover - hassil is a dependency; tolerate a stripped install
        _LOGGER.warning("hassil / home-assistant-intents not installed: no HA training examples")
        return []
    raw = get_intents(HA_LANGS[lang]) if lang in HA_LANGS else None
    if not raw or n_per_intent <= 0:
        return []
    intents = Intents.from_dict(raw)
    rng = random.Random(f"{seed}-ha-{lang}")
    blocks: list[tuple[str, Any, Any]] = []
    for name in sorted(intents.intents):
        for data in intents.intents[name].data:
            for sentence in data.sentences:
                blocks.append((name, data, sentence))
    walker = _Walker(intents, lists, lang, rng)
    by_intent: dict[str, list[Example]] = {}
    seen: set[str] = set(exclude)
    tries = max(1, len(blocks)) * 3 + n_per_intent * 60
    wanted = n_per_intent
    for _ in range(tries):
        name, data, sentence = rng.choice(blocks)
        example = walker.example(name, data, sentence)
        if example is None or example.text.casefold() in seen:
            continue
        bucket = by_intent.setdefault(example.intent, [])
        if len(bucket) >= wanted:
            continue
        seen.add(example.text.casefold())
        bucket.append(example)
    return [ex for intent in sorted(by_intent) for ex in by_intent[intent]]


class _Walker:
    """One random walk through a hassil template → an `Example` in our labels."""

    def __init__(self, intents: Any, lists: Mapping[str, Sequence[str]], lang: str, rng: random.Random):
        self.intents, self.lists, self.lang, self.rng = intents, lists, lang, rng

    def example(self, ha_intent: str, data: Any, sentence: Any) -> Example | None:
        domain = (data.slots or {}).get("domain") or _context_domain(data.requires_context)
        if isinstance(domain, list):
            domain = domain[0] if domain else None
        self.family = _FAMILY_OF_INTENT.get(ha_intent)
        self.data, self.domain = data, domain
        self.filled: dict[str, str] = {}
        try:
            pieces = self._walk(sentence.expression)
        except _Skip:
            return None
        intent = our_intent(ha_intent, self.filled, domain)
        if intent is None:
            return None
        if intent == "none":
            pieces = [(text, None) for text, _ in pieces]
        text, spans = join_pieces(pieces)
        if self.lang == "zh":
            text, spans = _squeeze_cjk(text, spans)
        if not text or len(text) > 120:
            return None
        spans = _with_units(text, spans)
        if intent != "none":
            spans = self._class_words(text, spans, intent)
        # HA values we do not tag (states, modes…) were kept as "~" spans so that no class word
        # is found inside them ("没锁"); they are untagged text now.
        spans = tuple(s for s in spans if not s[0].startswith("~"))
        return make_example(text, self.lang, intent, spans)

    def _walk(self, node: Any) -> list[tuple[str, str | None]]:
        from hassil.expression import (
            Alternative,
            ListReference,
            Permutation,
            RuleReference,
            Sequence,
            TextChunk,
        )

        if isinstance(node, TextChunk):
            return [(node.original_text, None)]
        if isinstance(node, Alternative):
            return self._walk(self.rng.choice(node.items)) if node.items else []
        if isinstance(node, Permutation):
            items = list(node.items)
            self.rng.shuffle(items)
            out: list[tuple[str, str | None]] = []
            for item in items:
                out += [*self._walk(item), (" " if self.lang != "zh" else "", None)]
            return out
        if isinstance(node, Sequence):
            return [p for item in node.items for p in self._walk(item)]
        if isinstance(node, RuleReference):
            rule = self.data.expansion_rules.get(node.rule_name) or self.intents.expansion_rules.get(
                node.rule_name
            )
            if rule is None:
                raise _Skip
            return self._walk(rule.expression)
        if isinstance(node, ListReference):
            return self._list(node)
        raise _Skip

    def _list(self, ref: Any) -> list[tuple[str, str | None]]:
        from hassil.intents import RangeSlotList, TextSlotList, WildcardSlotList

        slot = SLOT_OF.get(ref.slot_name, f"~{ref.slot_name}")
        if ref.list_name in ("name", "area"):
            values = self._our_values(ref.list_name)
            value = self.rng.choice(values)
            self.filled[ref.list_name] = value
            return [(value, slot)]
        found = self.data.slot_lists.get(ref.list_name) or self.intents.slot_lists.get(ref.list_name)
        if found is None or isinstance(found, WildcardSlotList):
            raise _Skip
        if isinstance(found, RangeSlotList):
            value = self._number(ref.slot_name, found)
            self.filled[slot] = value
            return [(value, slot)]
        if isinstance(found, TextSlotList) and found.values:
            choice = self.rng.choice(found.values)
            text, _ = join_pieces(self._walk(choice.text_in))
            self.filled[slot] = text
            return [(text, slot)]
        raise _Skip

    def _our_values(self, which: str) -> Sequence[str]:
        if which == "area":
            values = self.lists.get("area")
        else:
            family = self.domain or self.family or ""
            family = {"binary_sensor": "sensor"}.get(family, family)
            if family in ("valve", "media_player", "script", "automation", "person", "todo"):
                raise _Skip  # no list of ours for these names
            if family == "lawn_mower":
                return self.lists.get("name@lawn_mower") or _MOWERS.get(self.lang, ())
            values = self.lists.get(f"name@{family}") or self.lists.get("name")
        if not values:
            raise _Skip
        return values

    def _number(self, slot: str, found: Any) -> str:
        if slot == "temperature":
            return str(self.rng.choice([*range(16, 31), 18.5, 21.5, 22.5]))
        if slot in ("color_temp", "color_temperature"):
            return str(self.rng.randrange(2000, 6600, 100))
        step = max(1, int(found.step or 1))
        return str(self.rng.randrange(int(found.start), int(found.stop) + 1, step))

    def _class_words(self, text: str, spans: tuple[Span, ...], intent: str) -> tuple[Span, ...]:
        """Tag untagged class words ("lights", "fans", 灯) of the block's domain, longest first."""
        families = _CLASS_LISTS.get(self.domain or "") or _INTENT_CLASSES.get(intent, ())
        words: dict[str, str] = {}
        for family in families:
            for w in self.lists.get(f"device_class@{family}", ()):
                if self.lang != "zh" or len(w) > 1 or w == "灯":  # 锁 in 解锁 is a verb
                    words[w.casefold()] = "device_class"
        if self.lang == "zh":
            words.update({w: "name" for w in _ZH_TYPED_LAMPS})
        if not words:
            return spans
        taken = [(s, e) for _, s, e in spans]
        tokens = split_words(text)
        out = list(spans)
        i = 0
        while i < len(tokens):
            hit = None
            for n in range(min(6 if self.lang == "zh" else 4, len(tokens) - i), 0, -1):
                start, end = tokens[i][1], tokens[i + n - 1][2]
                if any(not (end <= s or start >= e) for s, e in taken):
                    continue
                if i == 0 and n == 1 and text[start:end].casefold() in _VERB_CLASS_WORDS:
                    continue
                if text[start:end].casefold() in words:
                    hit = (words[text[start:end].casefold()], start, end, n)
                    break
            if hit:
                out.append(hit[:3])
                taken.append((hit[1], hit[2]))
                i += hit[3]
            else:
                i += 1
        return tuple(sorted(out, key=lambda s: s[1]))


def _context_domain(context: Mapping[str, Any] | None) -> str | None:
    value = (context or {}).get("domain")
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value else None


def _squeeze_cjk(text: str, spans: tuple[Span, ...]) -> tuple[str, tuple[Span, ...]]:
    """Drop spaces next to a Chinese character (HA's zh templates have some), keeping spans right."""
    keep = [
        not (ch == " " and (_cjk(text[i - 1 : i]) or _cjk(text[i + 1 : i + 2]))) for i, ch in enumerate(text)
    ]
    new_index = [0] * (len(text) + 1)
    n = 0
    for i, k in enumerate(keep):
        new_index[i] = n
        n += k
    new_index[len(text)] = n
    squeezed = "".join(ch for ch, k in zip(text, keep, strict=True) if k)
    return squeezed, tuple((s, new_index[a], new_index[b]) for s, a, b in spans)


def _cjk(ch: str) -> bool:
    return bool(ch) and "\u3400" <= ch <= "\u9fff"


def _with_units(text: str, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """A number slot takes its unit ("50" + "%" → "50%") and a leading 百分之, as our lists do."""
    out = []
    for slot, start, end in spans:
        if slot in _NUMERIC:
            unit = _UNIT_AFTER.match(text, end)
            if unit:
                end = unit.end()
            if text[max(0, start - 3) : start] == "百分之":
                start -= 3
        out.append((slot, start, end))
    return tuple(out)

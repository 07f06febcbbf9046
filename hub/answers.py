"""Answer sentences in English and Chinese: what the hub did, what it read, why it refused.

Pure: strings in, strings out. The resolver picks the facts; this module only words them, so
every interface (CLI, REST, MQTT text topic, Hermes) says the same thing in the asker's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hub.domain import Action, Entity, State
from hub.text.script import in_script, script_of

_VERBS: dict[str, tuple[str, str]] = {
    "turn_on": ("Turned on", "已打开"),
    "turn_off": ("Turned off", "已关闭"),
    "toggle": ("Toggled", "已切换"),
    "set_temperature": ("Set the temperature of", "已设置温度："),
    "set_hvac_mode": ("Changed the mode of", "已切换模式："),
    "open_cover": ("Opening", "正在打开"),
    "close_cover": ("Closing", "正在关闭"),
    "stop_cover": ("Stopped", "已停止"),
    "set_cover_position": ("Moving", "正在调整"),
    "lock": ("Locked", "已锁上"),
    "unlock": ("Unlocked", "已解锁"),
    "open": ("Opened", "已打开"),
    "set_percentage": ("Set the speed of", "已调节风速："),
    "start": ("Started", "已启动"),
    "return_to_base": ("Sent home", "已让它回充："),
}
"""Service name (without domain) → (English verb phrase, Chinese verb phrase)."""

_STATE_ZH = {
    "on": "开着", "off": "关着", "locked": "已锁上", "unlocked": "没有锁", "open": "开着",
    "closed": "关着", "opening": "正在打开", "closing": "正在关闭", "heat": "制热模式",
    "cool": "制冷模式", "auto": "自动模式", "dry": "除湿模式", "fan_only": "送风模式",
    "cleaning": "正在清扫", "docked": "在充电座上", "returning": "正在回充", "idle": "空闲",
    "unavailable": "离线", "unknown": "状态未知", "locking": "正在上锁", "unlocking": "正在解锁",
    "jammed": "卡住了", "paused": "暂停中", "error": "出错了",
}  # fmt: skip
_STATE_EN = {
    "fan_only": "in fan-only mode",
    "heat": "heating",
    "cool": "cooling",
    "auto": "in auto mode",
    "dry": "in dry mode",
    "docked": "docked",
    "unavailable": "unavailable",
}


def join_names(names: Sequence[str], lang: str) -> str:
    """ "a, b and c" / "a、b和c"; more than four become a count."""
    if lang == "zh":
        if len(names) > 4:
            return f"{'、'.join(names[:3])}等{len(names)}个设备"
        return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]
    if len(names) > 4:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _detail(action: Action, lang: str) -> str:
    data: Mapping[str, Any] = action.data
    zh = lang == "zh"
    if "brightness_pct" in data:
        return f"亮度{data['brightness_pct']}%" if zh else f" to {data['brightness_pct']}%"
    if "brightness_step_pct" in data:
        step = data["brightness_step_pct"]
        if zh:
            return f"调{'亮' if step > 0 else '暗'}{abs(step)}%"
        return f" ({'brighter' if step > 0 else 'dimmer'} by {abs(step)}%)"
    if "temperature" in data:
        return f"{data['temperature']}°C" if zh else f" to {data['temperature']} °C"
    if "hvac_mode" in data:
        return f"{data['hvac_mode']}" if zh else f" to {data['hvac_mode']}"
    if "position" in data:
        return f"到{data['position']}%" if zh else f" to {data['position']}%"
    if "percentage" in data:
        return f"{data['percentage']}%" if zh else f" to {data['percentage']}%"
    if "color_temp_kelvin" in data:
        return f"色温{data['color_temp_kelvin']}K" if zh else f" to {data['color_temp_kelvin']} K"
    if "color_name" in data or "rgb_color" in data:
        colour = data.get("color_name") or data.get("rgb_color")
        return f"颜色{colour}" if zh else f" to colour {colour}"
    return ""


def done(actions: Sequence[Action], entities: Mapping[str, Entity], lang: str) -> str:
    """What the hub did (or would do), one sentence per action."""
    parts = []
    for action in actions:
        name = action.service.split(".", 1)[1]
        verb_en, verb_zh = _VERBS.get(name, (f"Called {action.service} on", f"已执行{action.service}："))
        names = [entities[e].name if e in entities else e for e in action.entity_ids]
        joined = join_names(names, lang)
        detail = _detail(action, lang)
        confirm = action.confirm
        if lang == "zh":
            text = f"{verb_zh}{joined}{('，' + detail) if detail else ''}。"
            parts.append(text + ("（需要确认）" if confirm else ""))
        else:
            text = f"{verb_en} {joined}{detail}."
            parts.append(text + (" (needs confirmation)" if confirm else ""))
    return ("" if lang == "zh" else " ").join(parts)


def describe_state(entity: Entity, state: State | None, lang: str) -> str:
    """One entity's state as a sentence ("The front door is locked." / "前门已锁上。")."""
    zh = lang == "zh"
    if state is None or state.state in ("unknown", ""):
        return f"我还不知道{entity.name}的状态。" if zh else f"I don't know the state of {entity.name} yet."
    value = state.state
    unit = state.attributes.get("unit_of_measurement")
    if entity.component == "sensor":
        shown = f"{value} {unit}" if unit else value
        return f"{entity.name}是{shown}。" if zh else f"{entity.name} reads {shown}."
    if entity.component == "climate":
        current = state.attributes.get("current_temperature")
        target = state.attributes.get("temperature")
        if zh:
            extra = f"，当前{current}°C" if current is not None else ""
            extra += f"，目标{target}°C" if target is not None else ""
            return f"{entity.name}{_STATE_ZH.get(value, value)}{extra}。"
        extra = f", it is {current} °C" if current is not None else ""
        extra += f", set to {target} °C" if target is not None else ""
        return f"{entity.name} is {_STATE_EN.get(value, value)}{extra}."
    if zh:
        return f"{entity.name}{_STATE_ZH.get(value, value)}。"
    return f"The {entity.name} is {_STATE_EN.get(value, value)}."


def temperature(area: str | None, value: float, lang: str) -> str:
    """ "It is 21.5 °C in the study." / "书房现在21.5°C。"."""
    if lang == "zh":
        return f"{area or '现在'}{'现在' if area else ''}{value:g}°C。"
    return f"It is {value:g} °C in the {area}." if area else f"It is {value:g} °C."


def not_command(lang: str) -> str:
    """The text is not a home command."""
    if lang == "zh":
        return "这不是我能执行的家居指令，所以我什么也没做。"
    return "That doesn't sound like a home command I can carry out, so I did nothing."


def not_found(what: str, closest: Sequence[str], lang: str) -> str:
    """Nothing matched `what`; suggest the closest known names."""
    if lang == "zh":
        hint = f"最接近的有：{'、'.join(closest)}。" if closest else ""
        return f"找不到“{what}”。{hint}"
    hint = f" Closest names: {', '.join(closest)}." if closest else ""
    return f"I couldn't find anything called '{what}'.{hint}"


def no_class_here(what: str, area: str | None, lang: str) -> str:
    """No device of a kind (in an area)."""
    if lang == "zh":
        return f"{area or '家里'}没有{what}。"
    return f"There is no {what} in the {area}." if area else f"There is no {what} in this home."


def ambiguous(what: str, candidates: Sequence[str], lang: str) -> str:
    """Several devices match a singular request."""
    if lang == "zh":
        return f"“{what}”有好几个：{'、'.join(candidates)}。请说明是哪一个。"
    return f"There are several {what}: {', '.join(candidates)}. Which one do you mean?"


def unsupported(name: str, service: str, can: Sequence[str], lang: str) -> str:
    """The target cannot do what was asked; say what it can do."""
    if lang == "zh":
        return f"{name}不支持{service}；它支持：{'、'.join(can) or '无'}。"
    return f"{name} can't do {service}; it supports: {', '.join(can) or 'nothing'}."


def no_target(intent: str, lang: str) -> str:
    """The command named no device and none could be guessed."""
    if lang == "zh":
        return f"我听懂了（{intent}），但不知道要控制哪个设备。"
    return f"I understood '{intent}' but not which device you mean."


def need_state(name: str, lang: str) -> str:
    """A relative change without a known current value."""
    if lang == "zh":
        return f"不知道{name}现在的目标温度，无法相对调节；请直接说一个温度。"
    return f"I don't know the current target of {name}, so I can't change it relatively; say a temperature."


def missing_value(slot: str, lang: str) -> str:
    """The command needs a value that was not understood."""
    if lang == "zh":
        return f"没听懂要设置的{slot}数值。"
    return f"I didn't catch the {slot} value to set."


def invalid(message: str, lang: str) -> str:
    """A codec refused the call (out of range, unknown mode)."""
    return f"无法执行：{message}" if lang == "zh" else f"I can't do that: {message}"


def in_users_script(sentence: str | None, said: str, lang: str) -> str | None:
    """A Chinese answer in the script the user wrote `said` in (Traditional or Simplified)."""
    if lang != "zh" or sentence is None:
        return sentence
    return in_script(sentence, script_of(said))


def several(
    kind: str, what: str, hits: Sequence[str], total: int, label: tuple[str, str] | None, lang: str
) -> str:
    """The answer to a question about several devices ("how many lights are on?").

    Args:
        kind: "count", "which", "any" or "all" (`hub.resolver.question.quantifier`).
        what: The devices as the user named them ("lights", "窗户").
        hits: Names of the devices in the state asked about (for "all": those that are not).
        total: How many devices were read.
        label: The state as (English, Chinese) words, None when no state was asked.
        lang: "en" or "zh".
    """
    names = join_names(list(hits), lang) if hits else ""
    n = len(hits)
    if lang == "zh":
        state = label[1] if label else ""
        if label is None:
            return f"一共有{total}个{what}。"
        if kind == "all":
            return f"是的，{total}个{what}都{state}。" if not hits else f"不是，{names}不是{state}。"
        if not hits:
            return f"没有，{total}个{what}都不是{state}。" if kind == "any" else f"没有{state}的{what}。"
        prefix = "有，" if kind == "any" else f"{total}个{what}中有{n}个{state}："
        return f"{prefix}{names}{state if kind == 'any' else ''}。"
    state = label[0] if label else ""
    verb = "is" if n == 1 else "are"
    if label is None:
        return f"There {'is' if total == 1 else 'are'} {total} {what}."
    if kind == "all":
        if not hits:
            return f"Yes, all {total} {what} are {state}."
        return f"No: {names} {verb} not {state}."
    if not hits:
        return f"No, none of the {total} {what} {'is' if total == 1 else 'are'} {state}."
    if kind == "count":
        return f"{n} of {total} {what} {verb} {state}: {names}."
    return f"{'Yes: ' if kind == 'any' else ''}{names} {verb} {state}."


def which_room(lang: str) -> str:
    """ "in here" from a request that comes from no known room."""
    if lang == "zh":
        return "我不知道你在哪个房间，请说出房间名。"
    return "I don't know which room you're in; please name the room."

"""The time in a command (hub/text/when.py): found, taken out, normalised; pure, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.text.when import When, extract, may_have_time

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 5, 8, 0, tzinfo=ZONE)  # a Saturday, 08:00


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> str:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=ZONE).isoformat()


# (sentence, rest, time text, kind, first run, rrule)
CASES = [
    ("turn off the bedroom light at nine thirty pm", "turn off the bedroom light", "at nine thirty pm", "at",
     at(5, 21, 30), None),
    ("turn the heating down in an hour", "turn the heating down", "in an hour", "delay", at(5, 9), None),
    ("turn off the lights in half an hour", "turn off the lights", "in half an hour", "delay", at(5, 8, 30), None),
    ("turn on the fan in ten minutes", "turn on the fan", "in ten minutes", "delay", at(5, 8, 10), None),
    ("turn on the kettle in 2 seconds", "turn on the kettle", "in 2 seconds", "delay", at(5, 8, 0, 2), None),
    ("turn off the tv after 5 minutes", "turn off the tv", "after 5 minutes", "delay", at(5, 8, 5), None),
    ("turn on the light 10 minutes from now", "turn on the light", "10 minutes from now", "delay",
     at(5, 8, 10), None),
    ("turn on the porch light at 9:30 pm", "turn on the porch light", "at 9:30 pm", "at", at(5, 21, 30), None),
    ("turn on the porch light at 7", "turn on the porch light", "at 7", "at", at(5, 19), None),
    ("lock the door at noon", "lock the door", "at noon", "at", at(5, 12), None),
    ("close the garage at half past nine", "close the garage", "at half past nine", "at", at(5, 9, 30), None),
    ("turn on the heating tonight", "turn on the heating", "tonight", "at", at(5, 21), None),
    ("open the blinds tomorrow morning", "open the blinds", "tomorrow morning", "at", at(6, 7), None),
    ("turn on the coffee machine tomorrow at 8", "turn on the coffee machine", "tomorrow at 8", "at",
     at(6, 8), None),
    ("open the curtains every day at 7", "open the curtains", "every day at 7", "repeat", at(6, 7),
     "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0"),
    ("open the curtains every weekday at 7", "open the curtains", "every weekday at 7", "repeat", at(7, 7),
     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0;BYSECOND=0"),
    ("turn on the heating on weekdays at 6:30", "turn on the heating", "on weekdays at 6:30", "repeat",
     at(7, 6, 30), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=6;BYMINUTE=30;BYSECOND=0"),
    ("start the vacuum every monday", "start the vacuum", "every monday", "repeat", at(7, 8),
     "FREQ=WEEKLY;BYDAY=MO;BYHOUR=8;BYMINUTE=0;BYSECOND=0"),
    ("start the vacuum between ten and eleven every day", "start the vacuum",
     "between ten and eleven every day", "repeat", at(5, 10), "FREQ=DAILY;BYHOUR=10;BYMINUTE=0;BYSECOND=0"),
    ("toggle the fan every 2 seconds", "toggle the fan", "every 2 seconds", "repeat", at(5, 8, 0, 2),
     "FREQ=SECONDLY;INTERVAL=2"),
    ("turn on the lights every 10 minutes", "turn on the lights", "every 10 minutes", "repeat", at(5, 8, 10),
     "FREQ=MINUTELY;INTERVAL=10"),
    ("十分钟后关掉客厅的灯", "关掉客厅的灯", "十分钟后", "delay", at(5, 8, 10), None),
    ("两小时后关空调", "关空调", "两小时后", "delay", at(5, 10), None),
    ("半小时后关灯", "关灯", "半小时后", "delay", at(5, 8, 30), None),
    ("一个半小时后关热水器", "关热水器", "一个半小时后", "delay", at(5, 9, 30), None),
    ("5秒后打开灯", "打开灯", "5秒后", "delay", at(5, 8, 0, 5), None),
    ("晚上九点半关灯", "关灯", "晚上九点半", "at", at(5, 21, 30), None),
    ("在晚上八点关闭客厅灯", "关闭客厅灯", "在晚上八点", "at", at(5, 20), None),
    ("明天早上七点打开窗帘", "打开窗帘", "明天早上七点", "at", at(6, 7), None),
    ("今晚关灯", "关灯", "今晚", "at", at(5, 21), None),
    ("每天早上七点打开窗帘", "打开窗帘", "每天早上七点", "repeat", at(6, 7),
     "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0"),
    ("工作日早上七点打开卧室的灯", "打开卧室的灯", "工作日早上七点", "repeat", at(7, 7),
     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0;BYSECOND=0"),
    ("每周一启动扫地机", "启动扫地机", "每周一", "repeat", at(7, 8), "FREQ=WEEKLY;BYDAY=MO;BYHOUR=8;BYMINUTE=0;BYSECOND=0"),
    ("每隔2秒切换风扇", "切换风扇", "每隔2秒", "repeat", at(5, 8, 0, 2), "FREQ=SECONDLY;INTERVAL=2"),
    # Traditional Chinese: read as Simplified, the rest keeps its script
    ("十分鐘後關掉客廳的燈", "關掉客廳的燈", "十分鐘後", "delay", at(5, 8, 10), None),
    ("每天早上七點打開窗簾", "打開窗簾", "每天早上七點", "repeat", at(6, 7), "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0"),
]


@pytest.mark.parametrize(("text", "rest", "said", "kind", "first", "rrule"), CASES, ids=[c[0] for c in CASES])
def test_time_is_found_taken_out_and_normalised(text: str, rest: str, said: str, kind: str, first: str,
                                                rrule: str | None) -> None:
    found = extract(text, "auto", NOW)
    assert found is not None
    assert (found.rest, found.when.text, found.when.kind) == (rest, said, kind)
    assert found.when.first.isoformat() == first
    assert found.when.rrule == rrule


@pytest.mark.parametrize("text", [
    "set the kitchen light to 50 percent", "turn on the lights in the living room", "set the thermostat to 21 degrees",
    "set the thermostat at 21", "turn on the light", "dim the lights",
    "把灯调亮一点", "把空调调到二十六点五度", "把温度调到二十点五", "打开客厅的灯", "把风扇调到三档",
])
def test_sentences_without_a_time_are_left_alone(text: str) -> None:
    assert extract(text, "auto", NOW) is None


@pytest.mark.parametrize("text", [
    "turn on the night lamp", "turn on the evening lights", "play the morning news", "今天天气怎么样",
])
def test_a_bare_part_of_the_day_is_a_word_of_a_name(text: str) -> None:
    """"the night lamp" runs now: a part of the day alone is a time only after a day ("friday night")."""
    assert extract(text, "auto", NOW) is None


@pytest.mark.parametrize(("text", "names"), [
    ("activate the good morning scene", ["Good morning"]),
    ("turn on the lights in the morning room", ["Morning room"]),  # "in the morning" without the area
    ("turn on the noon light", ["Noon light"]),
    ("打开晚安模式", ["晚安模式"]),
    ("打开每日新闻", ["每日新闻"]),
    ("打開每日新聞", ["每日新闻"]),
])
def test_time_words_inside_a_name_of_the_home_are_the_name(text: str, names: list[str]) -> None:
    assert extract(text, "auto", NOW, names) is None


def test_a_name_elsewhere_in_the_sentence_keeps_the_time() -> None:
    found = extract("turn on the night lamp at 9 pm", "en", NOW, ["Night lamp"])
    assert found is not None and found.rest == "turn on the night lamp" and found.when.text == "at 9 pm"


def test_the_precheck_passes_plain_commands_without_the_grammar() -> None:
    assert not may_have_time("turn on the kitchen lights")
    assert not may_have_time("打开客厅的灯")
    assert may_have_time("turn on the kitchen lights at 7")
    assert may_have_time("十分钟后打开客厅的灯")


def test_a_daily_repetition_keeps_the_wall_clock_across_a_dst_change() -> None:
    march = datetime(2027, 3, 27, 6, 0, tzinfo=ZONE)  # CET; the clocks go forward on the 28th
    found = extract("open the curtains every day at 7", "en", march)
    assert found is not None
    when = found.when
    nxt = when.next_after(when.first, when.first, ZONE)
    assert nxt is not None
    assert (when.first.hour, when.first.day, nxt.astimezone(ZONE).hour, nxt.astimezone(ZONE).day) == (7, 27, 7, 28)
    assert nxt.astimezone(UTC) - when.first.astimezone(UTC) == timedelta(hours=23)  # one real hour less


def test_a_fixed_interval_is_computed_not_iterated() -> None:
    when = When("repeat", "every 1 second", NOW, rrule="FREQ=SECONDLY;INTERVAL=1")
    week_later = NOW + timedelta(days=7, seconds=0.5)
    assert when.next_after(NOW, week_later, ZONE) == NOW + timedelta(days=7, seconds=1)


def test_a_delay_is_real_time_across_a_dst_change() -> None:
    before = datetime(2027, 3, 28, 1, 30, tzinfo=ZONE)
    found = extract("turn off the light in an hour", "en", before)
    assert found is not None
    assert found.when.first.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=1)
    assert found.when.first.hour == 3  # 02:30 does not exist that night


def test_when_round_trips_through_its_dict() -> None:
    found = extract("每天早上七点打开窗帘", "zh", NOW)
    assert found is not None
    assert When.from_dict(found.when.as_dict()) == found.when


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        extract("turn on the light in 5 minutes", "en", datetime(2026, 12, 5, 8, 0))


# -- the sentences that manage the schedule (hub/commands/schedules.py, pure) -------------------

@pytest.mark.parametrize(("text", "kind", "everything"), [
    ("what's scheduled?", "list", False), ("what timers are set", "list", False), ("有哪些定时", "list", False),
    ("定时任务", "list", False), ("查看定時任務", "list", False), ("cancel all timers", "cancel", True),
    ("取消所有定时", "cancel", True), ("cancel the bedroom light at 9:30", "cancel", False),
    ("取消卧室灯的定时", "cancel", False), ("取消臥室燈的定時", "cancel", False),
])
def test_schedule_sentences_are_recognised(text: str, kind: str, everything: bool) -> None:
    from hub.commands.schedules import management

    found = management(text, NOW)
    assert found is not None and (found.kind, found.everything) == (kind, everything)


@pytest.mark.parametrize("text", ["turn on the kitchen lights", "stop the vacuum", "取消静音", "clear the table",
                                  "打开客厅的灯", "remove the cover", "set a timer for the oven to 200 degrees"])
def test_other_sentences_do_not_manage_the_schedule(text: str) -> None:
    from hub.commands.schedules import management

    assert management(text, NOW) is None


def test_a_cancel_request_names_jobs_by_entity_and_time() -> None:
    from hub.commands.schedules import ScheduledJob, management, matching

    def job(job_id: int, text: str, entity: str, hour: int) -> ScheduledJob:
        when = When("at", "x", datetime(2026, 12, 5, hour, 30, tzinfo=ZONE))
        return ScheduledJob(job_id, text, "en", ({"entity_id": [entity]},), when, when.first, "api")

    jobs = [job(1, "turn off the light at 9:30 pm", "light.bedroom_ceiling", 21),
            job(2, "turn off the kettle at 9:30 pm", "switch.kettle", 21),
            job(3, "turn off the light at 10:30 pm", "light.bedroom_ceiling", 22)]
    names = {"light.bedroom_ceiling": "Ceiling Bedroom", "switch.kettle": "Kettle Kitchen"}
    by_words = management("cancel the bedroom light at 9:30", NOW)
    chinese = management("取消卧室灯的定时", NOW)
    assert by_words is not None and chinese is not None
    assert [j.id for j in matching(by_words, jobs, names, ZONE)] == [1]
    names_zh = {"light.bedroom_ceiling": "卧室 吊灯", "switch.kettle": "厨房 水壶"}
    assert [j.id for j in matching(chinese, jobs, names_zh, ZONE)] == [1, 3]
    alone = management("cancel the timer", NOW)
    assert alone is not None and matching(alone, jobs, names, ZONE) == []  # three open: which one?
    assert [j.id for j in matching(alone, jobs[:1], names, ZONE)] == [1]  # the only one

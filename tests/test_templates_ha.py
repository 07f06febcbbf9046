"""HA's template functions and filters, against the results HA documents and tests.

Expected values are those of Home Assistant's template docs and `tests/helpers/template`
(`regex`, `math`, `datetime` extensions); rendering goes through the same public API the codecs use.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from hub.errors import TemplateError
from hub.templates import TemplateBudgetError, render, render_value


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (r"{{ '123-456-7890' | regex_match('(\\d{3})-(\\d{3})-(\\d{4})') }}", "True"),
        ("{{ 'Home Assistant test' | regex_match('home', True) }}", "True"),
        ("{{ 'Another Home Assistant test' | regex_match('Home') }}", "False"),
        ("{{ ['Home Assistant test'] | regex_match('.*Assist') }}", "True"),
        (r"{{ '123-456-7890' | regex_search('(\\d{3})-(\\d{3})-(\\d{4})') }}", "True"),
        ("{{ 'Home Assistant test' | regex_search('home', True) }}", "True"),
        ("{{ 'Another Home Assistant test' | regex_search('Home') }}", "True"),
        ("{{ ['Home Assistant test'] | regex_search('Assist') }}", "True"),
        (r"{{ 'Hello World' | regex_replace('(Hello\\s)',) }}", "World"),
        ("{{ ['Home hinderant test'] | regex_replace('hinder', 'Assist') }}", "['Home Assistant test']"),
        (r"{{ 'abc' | regex_replace('(b)', '[\\1\\1]') }}", "a[bb]c"),
        ("{{ 'Flight from JFK to LHR' | regex_findall('([A-Z]{3})') }}", "['JFK', 'LHR']"),
        ("{{ 'Flight from JFK to LHR' | regex_findall_index('([A-Z]{3})', 0) }}", "JFK"),
        ("{{ 'Flight from JFK to LHR' | regex_findall_index('([A-Z]{3})', 1) }}", "LHR"),
        ("{{ ['JFK', 'LHR'] | regex_findall_index('([A-Z]{3})', 1) }}", "LHR"),
        ("{{ 'Home Assistant' is match('home', True) }}", "True"),
        ("{{ 'Home Assistant' is search('assist') }}", "False"),
    ],
)
def test_regex_functions(template: str, expected: str) -> None:
    assert render(template) == expected


def test_regex_findall_index_out_of_range_is_an_error() -> None:
    with pytest.raises(TemplateError):
        render("{{ 'no match' | regex_findall_index('([A-Z]{3})', 0) }}")


def test_catastrophic_backtracking_is_stopped_within_the_budget() -> None:
    """`^(a|a)*$` on 60 a's and a b is 2^60 steps for a backtracking engine."""
    began = time.thread_time()
    with pytest.raises(TemplateBudgetError, match="regular expression"):
        render("{{ ('a' * 60 ~ 'b') | regex_search('^(a|a)*$') }}")
    assert time.thread_time() - began < 0.5


def test_overlong_patterns_are_refused() -> None:
    with pytest.raises(TemplateError):
        render("{{ value | regex_match(p) }}", value="x", p="a" * 1000)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 8 | bitwise_and(8) }}", "8"),
        ("{{ 10 | bitwise_and(2) }}", "2"),
        ("{{ 8 | bitwise_and(2) }}", "0"),
        ("{{ 8 | bitwise_or(2) }}", "10"),
        ("{{ bitwise_and(255, 15) }}", "15"),
        ("{{ bitwise_or(1, 4) }}", "5"),
        ("{{ 6 | bitwise_xor(3) }}", "5"),
        ("{{ value_json.flags | bitwise_and(4) > 0 }}", "True"),
    ],
)
def test_bitwise(template: str, expected: str) -> None:
    assert render_value(template, '{"flags": 5}') == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ '0x1F' | int(base=16) }}", "31"),
        ("{{ '1F' | int(base=16) }}", "31"),
        ("{{ 'ff' | int(0, 16) }}", "255"),
        ("{{ '0b101' | int(base=2) }}", "5"),
        ("{{ int('0x10', base=16) }}", "16"),
        ("{{ '42.7' | int }}", "42"),
        ("{{ 'zz' | int(-1, 16) }}", "-1"),
    ],
)
def test_int_with_a_base(template: str, expected: str) -> None:
    assert render(template) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 12.78 | round }}", "13"),  # HA: an int at precision 0
        ("{{ 12.78 | round(1) }}", "12.8"),
        ("{{ 12.78 | round(1, 'floor') }}", "12.7"),
        ("{{ 12.72 | round(1, 'ceil') }}", "12.8"),
        ("{{ 12.78 | round(1, 'half') }}", "13.0"),
        ("{{ 12.34 | round(0, 'half') }}", "12"),
        ("{{ 12.25 | round(0, 'half') }}", "12"),
        ("{{ 12.3 | round(0, 'floor') }}", "12"),
        ("{{ 12.3 | round(0, 'ceil') }}", "13"),
        ("{{ 'x' | round(1, default='n/a') }}", "n/a"),
    ],
)
def test_round_modes(template: str, expected: str) -> None:
    assert render(template) == expected


def test_round_without_a_default_fails_on_text() -> None:
    with pytest.raises(TemplateError, match="round"):
        render("{{ 'x' | round(1) }}")


def test_is_defined() -> None:
    assert render_value("{{ value_json.val | is_defined }}", '{"val": 3}') == "3"
    with pytest.raises(TemplateError):
        render_value("{{ value_json.val | is_defined }}", '{"other": 3}')
    with pytest.raises(TemplateError):
        render_value("{{ value_json.val | is_defined }}", "not json")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ as_datetime('2021-06-21T17:57:00+00:00') }}", "2021-06-21 17:57:00+00:00"),
        ("{{ '2021-06-21T17:57:00+00:00' | as_datetime }}", "2021-06-21 17:57:00+00:00"),
        ("{{ as_datetime(1469119144) }}", "2016-07-21 16:39:04+00:00"),
        ("{{ as_datetime('1469119144') }}", "2016-07-21 16:39:04+00:00"),
        ("{{ as_datetime(as_datetime('2021-06-21T17:57:00+00:00').date()) }}", "2021-06-21 00:00:00"),
        ("{{ as_datetime('not a date') }}", "None"),  # HA: None for text, for compatibility
        ("{{ as_datetime('not a date', 'fallback') }}", "fallback"),
        ("{{ as_timestamp('2024-02-03T09:10:24+00:00') }}", "1706951424.0"),
        ("{{ as_timestamp(as_datetime(1469119144)) }}", "1469119144.0"),
        ("{{ as_timestamp('nope', 0) }}", "0"),
        ("{{ 1469119144 | timestamp_utc }}", "2016-07-21T16:39:04+00:00"),
        ("{{ 1469119144 | timestamp_custom('%Y-%m-%d %H:%M', false) }}", "2016-07-21 16:39"),
        ("{{ strptime('2016-10-19 15:22:05', '%Y-%m-%d %H:%M:%S') }}", "2016-10-19 15:22:05"),
        ("{{ strptime('not a date', '%Y', 'fallback') }}", "fallback"),
        ("{{ as_datetime('2021-06-21T17:57:00+00:00') + timedelta(hours=1, minutes=3) }}",
         "2021-06-21 19:00:00+00:00"),
        ("{{ as_local(as_datetime(1469119144)) == as_datetime(1469119144) }}", "True"),
        ("{{ as_local(as_datetime(1469119144)).tzinfo is not none }}", "True"),
    ],
)
def test_dates(template: str, expected: str) -> None:
    assert render(template) == expected


def test_as_timestamp_without_a_default_fails_on_text() -> None:
    with pytest.raises(TemplateError, match="as_timestamp"):
        render("{{ as_timestamp('nope') }}")


def test_as_datetime_without_a_default_fails_on_other_values() -> None:
    with pytest.raises(TemplateError, match="as_datetime"):
        render("{{ as_datetime([1]) }}")


def test_now_and_utcnow_are_aware_and_current() -> None:
    assert render("{{ now() is datetime and utcnow() is datetime }}") == "True"
    assert render("{{ now().tzinfo is not none and utcnow().tzinfo is not none }}") == "True"
    assert render("{{ utcnow().utcoffset().total_seconds() }}") == "0.0"
    stamp = float(render("{{ as_timestamp(now()) }}"))
    assert abs(stamp - datetime.now(UTC).timestamp()) < 5
    assert render("{{ (as_timestamp(now()) - as_timestamp(utcnow())) | abs < 2 }}") == "True"
    assert render("{{ now().year }}") == str(datetime.now().year)

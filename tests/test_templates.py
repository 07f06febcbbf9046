"""Tests of hub.templates: HA-style value/command templates in jinja2's sandbox."""

from __future__ import annotations

import pytest

from hub.errors import TemplateError
from hub.templates import render, render_command, render_value


@pytest.mark.parametrize(
    ("template", "payload", "expected"),
    [
        ("{{ value_json.state }}", '{"state": "online"}', "online"),
        ('{{ value_json["state_right"] }}', '{"state_right": "ON"}', "ON"),
        ("{{ value_json['SENSOR']['Temperature'] }}", '{"SENSOR": {"Temperature": 21.5}}', "21.5"),
        ("{{ value | upper }}", "on", "ON"),
        ("{{ value_json.missing }}", "{}", ""),
        ("{{ value_json.a.b.c }}", "{}", ""),
        ("{{ value_json.state }}", "not json", ""),
        ("{{ value_json.brightness | float * 2 }}", '{"brightness": "50"}', "100.0"),
        ("{{ value | int }}", "12.7", "12"),
        ("{{ value | int(-1) }}", "abc", "-1"),
        ("{{ value | float }}", "x", "0.0"),
        ("{{ value | round(1) }}", "21.46", "21.5"),
        ("{{ iif(value_json.on, 'ON', 'OFF') }}", '{"on": true}', "ON"),
        ("{{ value_json | to_json }}", '{"a": 1}', '{"a": 1}'),
        ("{{ (value | from_json).a }}", '{"a": 3}', "3"),
        ("{{ max(1, 5) }}", "", "5"),
        ("  {{ value }}  ", "x", "x"),
    ],
)
def test_render_value(template: str, payload: str, expected: str) -> None:
    assert render_value(template, payload) == expected


def test_no_template_passes_payload_through() -> None:
    assert render_value(None, " raw ") == " raw "
    assert render_value("", "raw") == "raw"
    assert render_command(None, 42) == "42"


def test_render_command_variables() -> None:
    assert render_command("{{ value * 2 }}", 21) == "42"
    assert render_command("{{ red }},{{ green }},{{ blue }}", None, red=1, green=2, blue=3) == "1,2,3"
    assert render_command('{"state": "{{ value }}"}', "ON") == '{"state": "ON"}'


def test_zigbee2mqtt_fan_templates() -> None:
    to_pct = (
        "{{ {'off':0, 'low':1, 'medium':2, 'high':3, 'on':4}[value_json[\"fan_mode\"]]"
        " | default('None') }}"
    )
    assert render_value(to_pct, '{"fan_mode": "medium"}') == "2"
    to_mode = "{{ {0:'off', 1:'low', 2:'medium', 3:'high', 4:'on'}[value] | default('') }}"
    assert render_command(to_mode, 3) == "high"


# --- the sandbox -----------------------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ value.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ request.application.__globals__ }}",
    "{{ config.items() }}",
    "{{ '{0.__class__.__mro__}'.format(value) }}",
    "{{ value.format_map({}) }}",
    "{{ float.__globals__ }}",
    "{{ iif.__code__ }}",
    "{{ max.__self__ }}",
    "{{ [].pop.__self__ }}",
]
"""Classic Jinja SSTI payloads; none may yield a Python object's internals."""


@pytest.mark.parametrize("template", ESCAPES)
def test_sandbox_refuses_escapes(template: str) -> None:
    try:
        out = render_value(template, "payload")
    except TemplateError:
        return
    # The sandbox may instead render the unsafe access as undefined (empty).
    for leak in ("class", "module", "function", "built-in", "globals", "uid=", "<"):
        assert leak not in out, out


@pytest.mark.parametrize(
    "template",
    [
        "{% set d = {} %}{{ d.update({'a': 1}) }}",
        "{% set l = [] %}{{ l.append(1) }}",
        "{{ value_json.clear() }}",
    ],
)
def test_sandbox_is_immutable(template: str) -> None:
    with pytest.raises(TemplateError, match="sandbox"):
        render_value(template, '{"a": 1}')


@pytest.mark.parametrize(
    "template",
    [
        "{{ range(10**9) | list }}",
        "{% if %}",
        "{{ value_json.a + }}",
        "{{ 1 / 0 }}",
        "{{ undefined_function() }}",
        "{{ 'x' | no_such_filter }}",
        "{{ '" + "a" * 5000 + "' }}",
    ],
)
def test_failures_are_template_errors(template: str) -> None:
    with pytest.raises(TemplateError):
        render_value(template, "1")


def test_render_errors_are_template_errors() -> None:
    with pytest.raises(TemplateError):
        render("{{ x.y() }}", x=None)


def test_deeply_nested_payload_is_not_json() -> None:
    """A payload nested too deeply to parse is treated as not-JSON, never a RecursionError."""
    assert render_value("{{ value_json.a | default('none') }}", "[" * 100_000) == "none"


def test_deeply_nested_template_is_a_template_error() -> None:
    with pytest.raises(TemplateError):
        render_value("{{ " + "(" * 1500 + "1" + ")" * 1500 + " }}", "x")


@pytest.mark.parametrize("template", ["{{ 10**(10**8) }}", "{{ 'a' * 10**10 }}", "{{ [1] * 10**9 }}",
                                      "{{ 9999999**9999 }}"])
def test_resource_exhaustion_is_refused(template: str) -> None:
    with pytest.raises(TemplateError):
        render_value(template, "x")


def test_ordinary_arithmetic_still_works() -> None:
    assert render_value("{{ (value | float * 2) | round(1) }}", "21.25") == "42.5"
    assert render_value("{{ 2 ** 8 }}", "") == "256"

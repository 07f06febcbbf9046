"""One exception tree and one definition of each shared constant (docs/design.md)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import hub
from hub.errors import HubError

NOT_HUB_ERRORS = {
    # Raised by budgeted template filters outside a render so that Jinja skips folding them at
    # compile time; it never leaves the templates package.
    "hub.templates.budget.NoBudgetError",
    # Control flow inside the walk over HA's templates ("this walk used a list we cannot fill");
    # caught where it is raised, never seen outside hub/nlu/ha_data.py.
    "hub.nlu.ha_data._Skip",
}


def _hub_exceptions() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(hub.__path__, "hub."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("hub."):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


def test_every_hub_exception_is_a_hub_error() -> None:
    exceptions = _hub_exceptions()
    assert len(exceptions) > 15  # the walk found the tree, not nothing
    strays = sorted(f"{e.__module__}.{e.__qualname__}" for e in exceptions if not issubclass(e, HubError))
    assert strays == sorted(NOT_HUB_ERRORS)


def test_request_errors_keep_their_status() -> None:
    from hub.errors import CommandError, InvalidText, ServiceError

    held = ServiceError(202, "confirm it", "abc")
    assert (held.status, held.confirm_id, str(held)) == (202, "abc", "confirm it")
    assert CommandError(413, "too long").status == 413
    assert issubclass(InvalidText, ValueError)  # `except ValueError` sites still catch it


def test_service_error_body_names_the_outcome() -> None:
    from hub.api.services import error_body
    from hub.commands import Outcome
    from hub.errors import ServiceError

    assert error_body(ServiceError(404, "no such entity")) == {"message": "no such entity"}
    assert error_body(ServiceError(202, "confirm it", "abc")) == {
        "message": "confirm it", "confirm_id": "abc", "outcome": Outcome.NEEDS_CONFIRMATION.value}


def test_cli_and_ask_exit_with_the_same_status_for_a_bad_config(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from hub.cli import main
    from hub.exitcodes import EXIT_USAGE

    config = tmp_path / "hub.yaml"
    config.write_text("no_such_setting: 1\n", encoding="utf-8")
    ask = main(["ask", "--config", str(config), "--home", str(tmp_path / "home.json"), "hello"])
    devices = main(["devices", "--config", str(config)])
    assert ask == devices == EXIT_USAGE
    assert capsys.readouterr().err.count("no_such_setting") == 2


def test_languages_have_one_definition() -> None:
    from hub import config
    from hub.api.openapi import SCHEMAS
    from hub.commands import LANGS, MAX_TEXT
    from hub.domain import LANGUAGES

    assert ("auto", *LANGUAGES) == LANGS
    request = SCHEMAS["CommandRequest"]["properties"]
    assert request["lang"]["enum"] == list(LANGS)
    assert request["text"]["maxLength"] == MAX_TEXT
    assert config.Settings().confirm_ttl == config.CONFIRM_TTL

"""`hub ask`: a sentence → what the hub understands and would do (the contract in ARCHITECTURE.md).

`understand` is the one pipeline every interface shares (CLI dry run, `POST /api/command`, the
MQTT text topic, Hermes): parse + snapshot + states → the contract object. The CLI part reads a
home file (discovery topic → payload) for a dry run, or asks a running hub.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from hub.commands import LANGS, plan
from hub.commands.compound import merge, split_compound
from hub.commands.conversation import Conversations, plan_in, remember
from hub.commands.plan import place
from hub.commands.schedules import preview
from hub.commands.scheduling import home_names
from hub.domain import Entity, Parse, State
from hub.errors import DiscoveryError, HubError
from hub.exitcodes import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from hub.registry import Registry, Snapshot
from hub.text.when import extract

_LOGGER = logging.getLogger(__name__)


def understand(
    parse: Parse, snapshot: Snapshot, states: Mapping[str, State] | None = None, area: str | None = None
) -> dict[str, Any]:
    """The contract object for one parse: intent, slots, actions, query, answer, mqtt, error.

    Args:
        parse: What the NLU understood.
        snapshot: The home's entities.
        states: Current states (None in a dry run).
        area: The area the request comes from (a satellite's room; Wyoming context, an `area`
            field): "in here" / 这里 means that area. None: the request comes from no room.

    Returns:
        The `hub ask` JSON object (`mqtt` lists the messages the actions would publish).
    """
    return plan(place(parse, area), snapshot, states).contract()


def load_home(path: Path, warn: Callable[[str], None] | None = None) -> Snapshot:
    """A snapshot from a home file: a JSON object mapping discovery topic → payload.

    Bad entries are skipped with a warning.

    Raises:
        ValueError: The file cannot be read or is not a JSON object.
    """
    warn = warn or (lambda msg: print(f"warning: {msg}", file=sys.stderr))
    try:
        home = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(f"cannot read home file {path}: {err}") from None
    if not isinstance(home, dict):
        raise ValueError(f"home file {path} must be a JSON object mapping discovery topic → payload")
    return registry_from(home.items(), warn).snapshot()


def registry_from(items: Iterable[tuple[str, Any]], warn: Callable[[str], None]) -> Registry:
    """A registry filled from (discovery topic, payload) pairs; bad pairs are reported to `warn`."""
    from hub.discovery import parse_discovery

    registry = Registry()
    for topic, payload in items:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        try:
            updates = parse_discovery(str(topic), text)
        except (DiscoveryError, ValueError, TypeError) as err:
            warn(f"skipped {topic}: {err}")
            continue
        registry.apply([u for u in updates if isinstance(u, Entity)])
    return registry


# -- the command line ------------------------------------------------------------------------


def register(subparsers: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `hub ask` to the CLI.

    Args:
        subparsers: What `ArgumentParser.add_subparsers()` returned.
        common: Adds --config and --data-dir.
    """
    p = subparsers.add_parser(
        "ask", help="what the hub understands and would do for a sentence",
        description="Parse and resolve commands. With --home FILE: a dry run against that home "
        "(discovery topic → payload JSON); nothing is published. Without TEXT: one command a line "
        "on standard input. Prints one JSON object a line.",
        epilog='examples:\n  hub ask "turn on the kitchen lights" --home home.json\n'
        "  hub ask --home home.json < commands.txt\n"
        '  hub ask "把卧室空调调到二十六度" --url http://127.0.0.1:8123\n'
        "  printf 'turn on the desk lamp\\nnow dim it\\n' | hub ask --home home.json --conversation c1\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    common(p)
    p.add_argument("text", nargs="?", help="the command (default: read standard input, one a line)")
    p.add_argument("--home", type=Path, help="dry run against this home file")
    p.add_argument("--lang", default="auto", choices=LANGS)
    p.add_argument("--url", help="URL of a running hub (default from HUB_HTTP / hub.yaml)")
    p.add_argument("--json", action="store_true", help="JSON lines (the default; kept for symmetry)")
    p.add_argument("--conversation", metavar="ID",
                   help="one conversation: each line may follow up the one before (\"now turn it off\")")
    p.set_defaults(func=cmd_ask, handler=cmd_ask)


def _lines(args: argparse.Namespace) -> list[str]:
    if args.text is not None:
        return [args.text]
    return [line.rstrip("\r\n") for line in sys.stdin if line.strip()]


def _emit(obj: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_ask(args: argparse.Namespace) -> int:
    """`hub ask`."""
    from hub.config import load_settings

    try:
        settings = load_settings(getattr(args, "config", None), data_dir=getattr(args, "data_dir", None))
    except HubError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.home is None:
        return _ask_remote(args, settings)
    try:
        snapshot = load_home(args.home)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    lines = _lines(args)
    parser = _load_parser(settings.model_dir)
    started = time.perf_counter()
    # A time ("in ten minutes", "每天早上七点") is taken out before the model, as the live hub does;
    # the object then says what would be scheduled (`schedule`); nothing is stored or published.
    now = datetime.now(settings.zone)
    names = home_names(snapshot)
    times = [extract(line, args.lang, now, names) for line in lines]
    heard = [found.rest if found is not None and found.rest else line for found, line in zip(times, lines,
                                                                                              strict=True)]
    parses = parser.parse_many(heard, args.lang) if heard else []
    memory = Conversations()
    for parse, line, said, found in zip(parses, heard, lines, times, strict=True):
        obj = _compound(parser, line, args.lang, snapshot)
        if obj is None:  # one command; with --conversation, lines are follow-ups of each other
            result = plan_in(memory, args.conversation, parse, snapshot, {})
            remember(memory, args.conversation, parse, result, snapshot)
            obj = result.contract()
        if found is not None and found.rest:
            obj["slots"]["time"] = found.when.text
            if obj["actions"] and obj["error"] is None:
                obj["schedule"] = preview(found.when)
        obj["text"] = said
        _emit(obj)
    _LOGGER.debug("%d lines in %.2fs", len(lines), time.perf_counter() - started)
    return EXIT_OK


def _compound(parser: Any, line: str, lang: str, snapshot: Snapshot) -> dict[str, Any] | None:
    """The contract object of a compound sentence ("… and turn on …"), or None for a single one."""
    parts = split_compound(line)
    if len(parts) < 2:
        return None
    parses = parser.parse_many(parts, lang)
    if any(p.intent == "none" for p in parses):
        return None
    return merge(line, [plan(p, snapshot) for p in parses]).contract()


def _load_parser(path: Path) -> Any:
    """The model at `path`; trains the default recipe there first when there is none."""
    from hub.errors import ModelNotFoundError
    from hub.nlu.infer import Parser

    try:
        return Parser.load(path)
    except ModelNotFoundError:
        from hub.nlu.train import load_recipe, train

        print(f"no language model in {path}: training the default recipe (a few minutes)…", file=sys.stderr)
        train(load_recipe("default"), path, progress=sys.stderr.isatty(), evaluate=False,
              log=lambda line: print(line, file=sys.stderr))  # fmt: skip
        return Parser.load(path)


def _ask_remote(args: argparse.Namespace, settings: Any) -> int:
    from hub.client import HubClient

    client = HubClient.from_settings(settings, args.url)
    status = EXIT_OK
    for line in _lines(args):
        try:
            body = {"text": line, "lang": args.lang}
            if args.conversation:
                body["conversation_id"] = args.conversation
            _emit(client.post("/api/command", body))
        except HubError as err:
            print(f"error: {err}", file=sys.stderr)
            status = EXIT_FAIL
            break
    return status

"""The `hub` command line.

Exit status: 0 success; 1 the operation failed (hub unreachable, refused call, no model);
2 bad arguments or configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hub import __version__
from hub.config import Settings, load_settings
from hub.errors import ConfigError, HubError
from hub.exitcodes import EXIT_FAIL, EXIT_OK, EXIT_USAGE

_LOGGER = logging.getLogger("hub")

_EPILOG = """\
examples:
  hub run --demo                          a hub with simulated devices and an embedded broker
  hub devices                             entities of the running hub
  hub state light.living_room_ceiling     one entity's state
  hub call light.turn_on light.floor_lamp brightness_pct=40
  hub ask "turn on the living room lights" --home config/demo-home.json
  hub train                               fine-tune the language model (about 5 minutes)

exit status: 0 ok, 1 failed, 2 bad arguments or configuration.
settings: hub.yaml (see config/hub.example.yaml), overridden by HUB_* variables.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="configuration file (default ./hub.yaml)")
    parser.add_argument("--data-dir", type=Path, help="data dir (HUB_DATA_DIR; default ./data)")


def _remote(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="URL of a running hub (default from HUB_HTTP / hub.yaml)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hub", description="A smart-home hub: MQTT discovery, a state database, and "
        "natural-language commands in English and Chinese.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hub {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_: str, epilog: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, epilog=epilog,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p)
        return p

    run = add("run", "run the hub (MQTT discovery, state database, HTTP API)",
              "examples:\n  hub run\n  hub run --demo\n  HUB_MQTT_URL=mqtt://user:pass@broker:1883 hub run\n")
    run.add_argument("--demo", action="store_true", help="add simulated devices (embedded broker if none)")
    run.add_argument("--http", help="host:port of the API (HUB_HTTP)")
    run.add_argument("--mqtt-url", help="broker URL (HUB_MQTT_URL)")
    run.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    run.add_argument("--debug", action="store_true", help="print the traceback of a start-up failure")

    devices = add("devices", "list the entities of the running hub",
                  "examples:\n  hub devices\n  hub devices --json\n")
    _remote(devices)
    state = add("state", "show one entity's state", "examples:\n  hub state light.floor_lamp\n")
    state.add_argument("entity_id")
    _remote(state)
    call = add("call", "call a Home Assistant service on an entity",
               "examples:\n  hub call light.turn_on light.floor_lamp brightness_pct=40\n"
               "  hub call climate.set_temperature climate.bedroom_ac temperature=22\n"
               "  hub call cover.set_cover_position cover.living_room_blinds position=30\n"
               "values are parsed as JSON when they can be (40 → number, [1,2] → list).\n")
    call.add_argument("service", help="domain.service, e.g. light.turn_on")
    call.add_argument("entity_id", help="entity id, or several separated by commas")
    call.add_argument("data", nargs="*", metavar="key=value", help="service data")
    _remote(call)
    _register_optional(sub, _common)
    return parser


def _register_optional(sub: Any, common: Any) -> None:
    """Subcommands owned by other modules: the language model, and `hub ask`."""
    from hub import ask
    from hub.nlu import commands as nlu_commands

    nlu_commands.register(sub)
    ask.register(sub, common)


def _settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    return load_settings(getattr(args, "config", None), data_dir=getattr(args, "data_dir", None), **overrides)


def _parse_data(pairs: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"expected key=value, got {pair!r}")
        try:
            data[key] = json.loads(value)
        except ValueError:
            data[key] = value
    return data


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()), stream=sys.stderr,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S",
    )
    if level != "debug":  # alembic lists its plugins and migration steps at INFO on every start
        logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    try:
        handler = getattr(args, "func", None) or getattr(args, "handler", None)
        return int(handler(args)) if handler is not None else _dispatch(args)
    except ConfigError as err:
        return _fail(f"configuration error: {err}", EXIT_USAGE, debug)
    except ValueError as err:
        return _fail(str(err), EXIT_USAGE, debug)
    except HubError as err:
        return _fail(str(err), EXIT_FAIL, debug)
    except OSError as err:  # start-up I/O the hub did not name itself
        return _fail(f"{err.strerror or err}{f': {err.filename}' if err.filename else ''}", EXIT_FAIL, debug)
    except KeyboardInterrupt:
        return 130


def _fail(message: str, status: int, debug: bool) -> int:
    """One line on standard error (the traceback too with --debug); returns `status`."""
    if debug:
        traceback.print_exc()
    print(f"hub: {message}", file=sys.stderr)
    return status


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "run":
        return cmd_run(args)
    from hub.client import HubClient

    settings = _settings(args)
    client = HubClient.from_settings(settings, args.url)
    if args.command == "devices":
        states = client.get("/api/states")
        if args.json:
            print(json.dumps(states, ensure_ascii=False, indent=2))
        else:
            for s in sorted(states, key=lambda s: s["entity_id"]):
                attrs = s.get("attributes", {})
                print(f"{s['entity_id']:<40} {s['state']:<12} {attrs.get('friendly_name', '')}")
        return EXIT_OK
    if args.command == "state":
        state = client.get(f"/api/states/{args.entity_id}")
        print(json.dumps(state, ensure_ascii=False, indent=None if args.json else 2))
        return EXIT_OK
    if args.command == "call":
        if "." not in args.service:
            raise ValueError(f"service must be domain.service, got {args.service!r}")
        domain, service = args.service.split(".", 1)
        body = {"entity_id": [e for e in args.entity_id.split(",") if e], **_parse_data(args.data)}
        result = client.post(f"/api/services/{domain}/{service}", body)
        print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
        return EXIT_OK
    raise ValueError(f"unknown command {args.command}")


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args, demo=args.demo or None, http=args.http, mqtt_url=args.mqtt_url,
                         log_level=args.log_level)
    setup_logging(settings.log_level)
    return asyncio.run(_run(settings))


async def _run(settings: Settings) -> int:
    from hub.runtime import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

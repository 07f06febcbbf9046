"""Pure modules (parsers, NLU, resolver, codecs) never import I/O modules (docs/design.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "hub"
PURE = ["domain.py", "errors.py", "templates", "registry.py", "tracker.py", "resolver",
        "discovery", "codecs", "devices.py", "nlu", "text", "answers.py", "commands", "allowlist.py"]
IO_MODULES = ("hub.mqtt", "hub.store", "hub.api", "hub.app", "hub.broker", "hub.demo", "hub.runtime",
              "hub.cli", "hub.client", "hub.hermes", "hub.mdns", "hub.textcmd", "hub.ask",
              "aiohttp", "sqlalchemy", "paho", "zeroconf", "asyncpg", "aiosqlite")
NOT_PURE = {"nlu/commands.py"}  # CLI handlers: allowed to do I/O


def _pure_files() -> list[Path]:
    files: list[Path] = []
    for name in PURE:
        path = ROOT / name
        if path.is_dir():
            files += sorted(path.rglob("*.py"))
        elif path.exists():
            files.append(path)
    return [f for f in files if str(f.relative_to(ROOT)) not in NOT_PURE]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module_imports_no_io(path: Path) -> None:
    bad = sorted(n for n in _imports(path) if n.startswith(IO_MODULES))
    assert not bad, f"{path.relative_to(ROOT)} imports I/O modules: {bad}"


def test_domain_is_standard_library_only() -> None:
    assert all(not n.startswith("hub") or n == "hub" for n in _imports(ROOT / "domain.py") - {"__future__"})


@pytest.mark.slow  # a fresh interpreter per module: not the pure layer's speed
@pytest.mark.parametrize("module", sorted(
    "hub." + str(p.relative_to(ROOT).with_suffix("")).replace("/", ".").removesuffix(".__init__")
    for p in ROOT.rglob("*.py") if "migrations" not in p.parts
))
def test_module_imports_alone(module: str) -> None:
    """Each module imports in a fresh interpreter (no circular imports)."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


_CORE = ("resolver", "commands", "codecs", "discovery", "text")


@pytest.mark.parametrize("path", [*sorted(p for name in _CORE for p in (ROOT / name).rglob("*.py")),
                                  ROOT / "answers.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_core_does_not_reach_into_the_model_package(path: Path) -> None:
    """The resolver, codecs and command path share `hub.text` with the NLU, never `hub.nlu` itself."""
    bad = sorted(n for n in _imports(path) if n == "hub.nlu" or n.startswith("hub.nlu."))
    assert not bad, f"{path.relative_to(ROOT)} imports the model package: {bad}"


_INTERFACES = [ROOT / "textcmd.py", ROOT / "topicservice.py",
               *sorted(p for name in ("api", "hermes", "wyoming") for p in (ROOT / name).rglob("*.py"))]


@pytest.mark.parametrize("path", _INTERFACES, ids=lambda p: str(p.relative_to(ROOT)))
def test_interfaces_get_narrow_objects_not_the_hub(path: Path) -> None:
    """Interfaces receive the command service and a state view from the composition root, never `Hub`."""
    assert "hub.app" not in _imports(path), f"{path.relative_to(ROOT)} imports hub.app"

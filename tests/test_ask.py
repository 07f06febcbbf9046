"""`hub ask --home` end to end with a tiny model: the contract's shape, order, stdin, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hub.nlu.artifact import model_dir
from hub.nlu.train import load_recipe, train

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "nlu" / "intents"
CONTRACT = ROOT.parent / "shared" / "contract"
HOME = ROOT / "tests" / "cases" / "home_en.json"
KEYS = {"text", "lang", "intent", "confidence", "slots", "actions", "query", "answer", "mqtt", "error"}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a model trained by the tiny recipe on the small fixture intents (seconds)."""
    path = tmp_path_factory.mktemp("ask-data")
    train(load_recipe("tiny"), model_dir(path), intents_root=FIXTURES, progress=False, evaluate=False,
          log=lambda _: None)  # fmt: skip
    return path


def ask(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "hub.cli", "ask", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300)


def _check_shape(obj: dict[str, object]) -> None:
    assert set(obj) == KEYS
    assert isinstance(obj["intent"], str) and isinstance(obj["confidence"], float)
    assert (
        isinstance(obj["slots"], dict) and isinstance(obj["actions"], list) and isinstance(obj["mqtt"], list)
    )
    for action in obj["actions"]:
        assert set(action) == {"service", "entity_id", "data", "confirm"}
        assert isinstance(action["entity_id"], list)
    for message in obj["mqtt"]:
        assert set(message) == {"topic", "payload", "qos", "retain"}
    if obj["actions"]:
        assert obj["query"] is None and obj["error"] is None
    else:
        assert obj["query"] is not None or obj["error"]


def test_one_text(data_dir: Path) -> None:
    result = ask(data_dir, "turn on the kitchen lights", "--home", str(HOME))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    _check_shape(obj)
    assert obj["text"] == "turn on the kitchen lights" and obj["lang"] == "en"


def test_stdin_order_and_languages(data_dir: Path) -> None:
    texts = ["turn off the desk lamp", "打开客厅的灯", "tell me a joke", "set the floor lamp to 40%",
             "what's on tv tonight", "把卧室空调调到二十六度"]  # fmt: skip
    result = ask(data_dir, "--home", str(HOME), stdin="\n".join(texts) + "\n")
    assert result.returncode == 0, result.stderr
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in objs] == texts
    assert [o["lang"] for o in objs] == ["en", "zh", "en", "en", "en", "zh"]
    for obj in objs:
        _check_shape(obj)


def test_forced_language(data_dir: Path) -> None:
    result = ask(data_dir, "turn on the lamp", "--home", str(HOME), "--lang", "zh")
    assert result.returncode == 0 and json.loads(result.stdout)["lang"] == "zh"


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]"])
def test_unusable_home_exits_2(data_dir: Path, tmp_path: Path, content: str | None) -> None:
    home = tmp_path / "home.json"
    if content is not None:
        home.write_text(content)
    result = ask(data_dir, "turn on the lamp", "--home", str(home))
    assert result.returncode == 2 and result.stdout == "" and "home" in result.stderr


def test_bad_entries_are_skipped_with_a_warning(data_dir: Path, tmp_path: Path) -> None:
    home = json.loads(HOME.read_text())
    home["homeassistant/light/broken/config"] = "{oops"
    home["homeassistant/teapot/x/config"] = {"name": "Teapot", "command_topic": "t"}
    path = tmp_path / "home.json"
    path.write_text(json.dumps(home))
    result = ask(data_dir, "turn off the desk lamp", "--home", str(path))
    assert result.returncode == 0 and "warning" in result.stderr
    _check_shape(json.loads(result.stdout))


def test_unknown_argument_exits_2(data_dir: Path) -> None:
    assert ask(data_dir, "--lang", "fr", "x").returncode == 2


@pytest.mark.skipif(not (CONTRACT / "score.py").exists(), reason="shared/contract is not beside the checkout")
def test_contract_scorer_runs(data_dir: Path) -> None:
    cmd = [sys.executable, str(CONTRACT / "score.py"), str(CONTRACT / "example_home.json"),
           str(CONTRACT / "example_cases.yaml"), "0", "--", sys.executable, "-m", "hub.cli", "ask",
           "--data-dir", str(data_dir)]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    cases = sum(
        1 for line in (CONTRACT / "example_cases.yaml").read_text().splitlines() if line.startswith("- ")
    )
    assert f"{cases} answers, exit 0" in result.stdout

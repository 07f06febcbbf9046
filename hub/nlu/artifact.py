"""The trained-model artifact: a directory that rebuilds the model from itself alone.

```
<data_dir>/models/<name>/
  model.safetensors   fp32 weights of JointBert
  config.json         JointConfig (BertConfig dict, head sizes, vocabulary size)
  labels.json         {"intents": [...], "slot_labels": ["O", "B-area", ...]}
  recipe.yaml         the recipe it was trained with
  metrics.json        held-out figures and training time
  tokenizer.json, tokenizer_config.json   the tokenizer (CJK extension included)
```
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

from hub.errors import ModelNotFoundError
from hub.nlu.model import JointBert, JointConfig
from hub.nlu.tokens import load_tokenizer

if TYPE_CHECKING:  # training only: the hub reads the tokenizer without transformers
    from transformers import BertTokenizerFast  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Labels:
    """Label maps: index → name."""

    intents: tuple[str, ...]
    slot_labels: tuple[str, ...]


def model_dir(data_dir: Path, name: str = "default") -> Path:
    """Where the artifact called `name` lives in the data dir."""
    return Path(data_dir) / "models" / name


def save_artifact(
    path: Path,
    model: JointBert,
    tokenizer: BertTokenizerFast,
    labels: Labels,
    recipe: Mapping[str, Any],
    metrics: Mapping[str, Any] | None = None,
) -> Path:
    """Write the artifact to `path`, replacing any previous one only once it is complete."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    tokenizer.save_pretrained(str(tmp))
    _write_json(tmp / "config.json", model.config.to_dict())
    _write_json(tmp / "labels.json", {"intents": labels.intents, "slot_labels": labels.slot_labels})
    (tmp / "recipe.yaml").write_text(yaml.safe_dump(dict(recipe), sort_keys=False), "utf-8")
    _write_json(tmp / "metrics.json", dict(metrics or {}))
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)
    return path


def write_metrics(path: Path, metrics: Mapping[str, Any]) -> None:
    """Replace metrics.json of an artifact."""
    _write_json(Path(path) / "metrics.json", dict(metrics))


def read_metrics(path: Path) -> dict[str, Any]:
    """metrics.json of an artifact ({} if absent)."""
    file = Path(path) / "metrics.json"
    return dict(json.loads(file.read_text("utf-8"))) if file.exists() else {}


def load_artifact(path: Path) -> tuple[JointBert, Tokenizer, Labels, dict[str, Any]]:
    """Rebuild model, tokenizer, labels and recipe from the artifact directory alone.

    Raises:
        ModelNotFoundError: `path` holds no complete artifact.
    """
    path = Path(path)
    needed = ("model.safetensors", "config.json", "labels.json", "tokenizer.json")
    if not all((path / name).is_file() for name in needed):
        raise ModelNotFoundError(f"No trained model in {path}; run `hub train` (about 5 minutes)")
    config = JointConfig.from_dict(json.loads((path / "config.json").read_text("utf-8")))
    model = _load_weights(config, path / "model.safetensors")
    tokenizer = load_tokenizer(path)
    raw = json.loads((path / "labels.json").read_text("utf-8"))
    labels = Labels(tuple(raw["intents"]), tuple(raw["slot_labels"]))
    recipe_file = path / "recipe.yaml"
    recipe = yaml.safe_load(recipe_file.read_text("utf-8")) if recipe_file.exists() else {}
    return model, tokenizer, labels, dict(recipe or {})


def _load_weights(config: JointConfig, file: Path) -> JointBert:
    """The model with the file's weights (`assign=True`: the loaded tensors become the
    parameters, no second copy).

    The module is built on the CPU and its random initial weights are dropped by the
    assignment. Building it on the meta device instead runs the initialisers through torch's
    decompositions, which import torch._dynamo and sympy: ~50 MB that stay for the process's life.
    """
    model = JointBert(config)
    model.load_state_dict(load_file(str(file)), assign=True)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)  # inference only: no autograd bookkeeping
    return model


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

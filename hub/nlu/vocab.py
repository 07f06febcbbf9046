"""CJK vocabulary extension and word-level encoding for the BERT tokenizer.

all-MiniLM-L6-v2's WordPiece vocabulary holds about 244 CJK characters, so most Chinese
commands would become `[UNK]`. `extend_vocab` gives tokens to the CJK characters of the Chinese
training data plus the 3,755 level-1 ("most common") characters of GB 2312: the `[unused*]`
slots are reused first, the rest become new embedding rows (`init_new_rows`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch
from transformers import BertTokenizerFast  # type: ignore[attr-defined]

from hub.nlu.lang import is_cjk


def common_cjk() -> list[str]:
    """The 3,755 level-1 characters of GB 2312 (the standard list of common characters).

    They are the code points 0xB0A1–0xD7F9 of the GB 2312 encoding, in its (pinyin) order, so the
    list is derived from Python's codec rather than committed as a data file.
    """
    chars: list[str] = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            if high == 0xD7 and low > 0xF9:
                break
            chars.append(bytes((high, low)).decode("gb2312"))
    return chars


def collect_cjk(texts: Iterable[str]) -> list[str]:
    """The distinct CJK characters of `texts`, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for char in text:
            if is_cjk(char):
                seen.setdefault(char)
    return list(seen)


def data_cjk(folder: Path) -> list[str]:
    """CJK characters of every template, wrapper and slot file under `folder` (intents/zh)."""
    files = sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.txt")) if folder.is_dir() else []
    return collect_cjk(p.read_text("utf-8") for p in files)


def read_vocab(folder: Path) -> list[str]:
    """A base model's WordPiece vocabulary in id order: vocab.txt, else tokenizer.json's."""
    txt = folder / "vocab.txt"
    if txt.is_file():
        return txt.read_text("utf-8").splitlines()
    model = json.loads((folder / "tokenizer.json").read_text("utf-8"))["model"]
    if model.get("type") != "WordPiece":
        raise ValueError(f"{folder}: a BERT base needs a WordPiece vocabulary, not {model.get('type')}")
    by_id = sorted(model["vocab"].items(), key=lambda item: item[1])
    return [token for token, _ in by_id]


def extend_vocab(vocab: Sequence[str], chars: Iterable[str]) -> tuple[list[str], list[int]]:
    """Add `chars` missing from `vocab`: `[unused*]` slots first, then new entries at the end.

    Returns:
        The new vocabulary and the ids whose embeddings need initialising.
    """
    new_vocab = list(vocab)
    known = set(vocab)
    unused = [i for i, tok in enumerate(vocab) if tok.startswith("[unused")]
    changed: list[int] = []
    for char in chars:
        if char in known:
            continue
        known.add(char)
        if unused:
            idx = unused.pop(0)
            new_vocab[idx] = char
        else:
            idx = len(new_vocab)
            new_vocab.append(char)
        changed.append(idx)
    return new_vocab, changed


def make_tokenizer(vocab: Sequence[str]) -> BertTokenizerFast:
    """A lower-casing BERT tokenizer (CJK characters split) over `vocab`."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vocab.txt"
        path.write_text("\n".join(vocab) + "\n", encoding="utf-8")
        # Positional: transformers 4 calls it `vocab_file`, transformers 5 `vocab`.
        tokenizer = BertTokenizerFast(str(path), do_lower_case=True, tokenize_chinese_chars=True)
    if tokenizer.convert_tokens_to_ids("[CLS]") != vocab.index("[CLS]"):
        raise RuntimeError("tokenizer did not take the vocabulary file")
    return tokenizer


@torch.no_grad()
def init_new_rows(weight: torch.Tensor, new_ids: Sequence[int], vocab: Sequence[str]) -> None:
    """Initialise embedding rows of new CJK tokens to the mean CJK embedding, plus small noise.

    Args:
        weight: The word-embedding matrix, (vocab_size, hidden), already resized.
        new_ids: Rows to initialise.
        vocab: The new vocabulary (to find the CJK characters the base model already knew).
    """
    fresh = set(new_ids)
    known = [i for i, tok in enumerate(vocab) if len(tok) == 1 and is_cjk(tok) and i not in fresh]
    source = weight[known] if known else weight[: len(vocab) - len(fresh)]
    mean = source.mean(dim=0)  # (hidden,)
    std = source.std(dim=0).mean().item() * 0.1
    ids = torch.tensor(list(new_ids), dtype=torch.long)
    weight[ids] = mean + torch.randn(len(ids), weight.shape[1]) * std

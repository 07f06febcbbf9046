"""Word-level encoding with the artifact's WordPiece tokenizer, through `tokenizers` alone.

The artifact's tokenizer.json (written by transformers' `BertTokenizerFast` at training time)
is read by the `tokenizers` library directly: the hub needs no transformers import to parse.
Training encodes through the same function, with its tokenizer's `backend_tokenizer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer

PAD = "[PAD]"


def load_tokenizer(folder: Path) -> Tokenizer:
    """The tokenizer of an artifact (or any folder with a tokenizer.json)."""
    return Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))


def encode_words(
    tokenizer: Tokenizer, batch: Sequence[Sequence[str]], max_len: int
) -> tuple[torch.Tensor, torch.Tensor, list[list[int]]]:
    """Tokenise pre-split words, padding to the longest sentence of the batch.

    Not thread-safe: it sets the tokenizer's truncation and padding (callers hold a lock).

    Returns:
        input_ids (B, T), attention_mask (B, T), and for each sentence the position of the first
        sub-token of each word (-1 for a word cut off by `max_len`).
    """
    pad_id = tokenizer.token_to_id(PAD)
    tokenizer.enable_truncation(max_length=max_len)
    tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token=PAD)
    encodings = tokenizer.encode_batch([list(words) for words in batch], is_pretokenized=True)
    firsts: list[list[int]] = []
    for enc, words in zip(encodings, batch, strict=True):
        first = [-1] * len(words)
        for pos, word_id in enumerate(enc.word_ids):
            if word_id is not None and first[word_id] < 0:
                first[word_id] = pos
        firsts.append(first)
    ids = torch.tensor([enc.ids for enc in encodings], dtype=torch.long)
    mask = torch.tensor([enc.attention_mask for enc in encodings], dtype=torch.long)
    return ids, mask, firsts

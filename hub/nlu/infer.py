"""`Parser`: text → `Parse` with a trained JointBERT artifact, on one CPU thread.

The hub calls `parse` through `asyncio.to_thread`, possibly from several threads at once: a lock
serialises the model, and each call pins torch to one intra-op thread (two threads under
contention spin: p99 176 ms against 8 ms with one).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import re
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer
from torch import nn

from hub.domain import Parse, Slot
from hub.nlu.artifact import Labels, load_artifact
from hub.nlu.data import bio_entities
from hub.nlu.lang import detect_lang, split_words
from hub.nlu.model import JointBert
from hub.nlu.tokens import encode_words
from hub.text.script import to_simplified
from hub.text.values import normalize

_LOGGER = logging.getLogger(__name__)
MAX_CHARS = 512
"""Longer input is truncated."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def quantize(model: JointBert) -> nn.Module | None:
    """Dynamic int8 quantisation of the Linear layers; None if this torch build cannot."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantized: nn.Module = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                model, {nn.Linear}, dtype=torch.qint8
            )
            # Run once so an unsupported backend fails here, not on the first command.
            quantized(torch.tensor([[101, 102]]), torch.tensor([[1, 1]]))
        return quantized
    except Exception:  # any failure means: keep fp32
        _LOGGER.warning("int8 quantisation failed; using the fp32 model", exc_info=True)
        return None


def _release_freed_memory() -> None:
    """Hand the heap that loading freed (the fp32 weights, the state dict) back to the system.

    glibc keeps freed heap pages; after a load they are tens of MB of RSS that nothing uses.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def clean_text(text: str) -> str:
    """Input hardening: drop control characters, cap the length, trim."""
    return _CONTROL.sub(" ", text)[:MAX_CHARS].strip()


class Parser:
    """Turns sentences into `Parse` values."""

    def __init__(
        self,
        model: JointBert,
        tokenizer: Tokenizer,
        labels: Labels,
        *,
        threshold: float = 0.5,
        quantize_model: bool = True,
        max_len: int = 128,
    ) -> None:
        """Wrap a model; prefer `Parser.load`.

        Args:
            model: The fp32 model.
            tokenizer: Its tokenizer.
            labels: Its label maps.
            threshold: Below this intent probability the intent is "none".
            quantize_model: Use dynamic int8 Linear layers (fp32 if that fails).
            max_len: Token limit per sentence; words beyond it get no slot.
        """
        model.eval()
        q = quantize(model) if quantize_model else None
        # The int8 copy is self-contained: keeping the fp32 model too cost its whole size in RSS.
        self.model: nn.Module = q if q is not None else model
        self.quantized = q is not None
        self.tokenizer = tokenizer
        self.labels = labels
        self.threshold = threshold
        self.max_len = max_len
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path, quantize: bool | None = None) -> Parser:
        """Load an artifact directory (raises `ModelNotFoundError` if there is none).

        Args:
            path: The artifact directory.
            quantize: Force int8 (True) or fp32 (False); None follows the recipe's `quantize`.
        """
        model, tokenizer, labels, recipe = load_artifact(path)
        parser = cls(
            model,
            tokenizer,
            labels,
            threshold=float(recipe.get("threshold", 0.5)),
            quantize_model=bool(recipe.get("quantize", True)) if quantize is None else quantize,
        )
        del model
        _release_freed_memory()
        return parser

    def parse(self, text: str, lang: str = "auto") -> Parse:
        """Parse one sentence; `lang` is "en", "zh" or "auto" (by script)."""
        return self.parse_many([text], lang)[0]

    def parse_many(self, texts: Sequence[str], lang: str = "auto") -> list[Parse]:
        """Parse a batch of sentences in one forward pass."""
        cleaned = [clean_text(t) for t in texts]
        langs = [detect_lang(t) if lang == "auto" else lang for t in cleaned]
        # Traditional Chinese is read as Simplified (same length: spans hold on the original).
        simple = [to_simplified(t) if lg == "zh" else t for t, lg in zip(cleaned, langs, strict=True)]
        words = [split_words(t) for t in simple]
        todo = [i for i, w in enumerate(words) if w]
        results = [
            Parse(text=t, lang=lg, intent="none", confidence=1.0)
            for t, lg in zip(cleaned, langs, strict=True)
        ]
        if not todo:
            return results
        batch = [[w for w, _, _ in words[i]] for i in todo]
        with self._lock, torch.inference_mode():
            # Encoding sets the tokenizer's padding/truncation state ("Already borrowed" under
            # concurrency), so it runs under the lock too.
            ids, mask, firsts = encode_words(self.tokenizer, batch, self.max_len)
            torch.set_num_threads(1)
            intent_logits, slot_logits, _ = self.model(ids, mask)
        probs = intent_logits.float().softmax(-1)  # (B, n_intents)
        conf, intent_ids = probs.max(-1)  # (B,), (B,)
        slot_ids = slot_logits.argmax(-1)  # (B, T)
        for row, i in enumerate(todo):
            tags = [
                self.labels.slot_labels[int(slot_ids[row, pos])] if pos >= 0 else "O" for pos in firsts[row]
            ]
            intent = self.labels.intents[int(intent_ids[row])]
            if float(conf[row]) < self.threshold:
                intent = "none"
            results[i] = Parse(
                text=cleaned[i],
                lang=langs[i],
                intent=intent,
                confidence=round(float(conf[row]), 4),
                slots=self._slots(cleaned[i], simple[i], langs[i], words[i], tags),
            )
        return results

    @staticmethod
    def _slots(
        text: str, simple: str, lang: str, words: Sequence[tuple[str, int, int]], tags: Sequence[str]
    ) -> tuple[Slot, ...]:
        """Slots with the surface of `text` (the user's script), values read from `simple`."""
        slots = []
        for name, first, last in bio_entities(tags):
            start, end = words[first][1], words[last][2]
            slots.append(Slot(name, text[start:end], normalize(name, simple[start:end], lang), start, end))
        return tuple(slots)

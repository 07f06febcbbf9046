"""The natural-language model: text → `hub.domain.Parse`.

A JointBERT (all-MiniLM-L6-v2 encoder, intent head + BIO slot head) fine-tuned on templates
from intents/, for English and Chinese in one model. Modules follow nanoGPT's split:
`model` (nn.Module, no I/O), `train` (data, optimiser, loop), `infer` (`Parser`), plus
`data` (templates → examples), `vocab` (CJK tokens), `artifact` (save/load), `evaluate`
(metrics), `lang` (en/zh by script) and `commands` (CLI). Slot values are normalised by
`hub.text.values`, which the resolver shares.

Import `Parser` from `hub.nlu.infer`; this package's import pulls in nothing heavy.
"""

from __future__ import annotations

import os

# The base encoder ships in a Python package; nothing may reach the Hugging Face hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

__all__ = ["Parser"]


def __getattr__(name: str) -> object:
    if name == "Parser":
        from hub.nlu.infer import Parser

        return Parser
    raise AttributeError(name)

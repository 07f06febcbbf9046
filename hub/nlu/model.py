"""JointBERT: a BERT encoder with an intent head on [CLS] and a BIO slot head on every token.

No I/O here (nanoGPT's model.py): `JointConfig` holds everything needed to rebuild the module,
and the artifact stores it as config.json. Training passes transformers' pretrained `BertModel`
as the encoder; a model rebuilt from an artifact gets `BertEncoder`, the same layers in plain
torch, so the hub never imports transformers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from hub.nlu.encoder import BertEncoder


@dataclass
class JointConfig:
    """Everything needed to rebuild `JointBert` without the base model's files."""

    bert: dict[str, Any] = field(default_factory=dict)
    """`BertConfig.to_dict()` of the encoder (layers, hidden size, vocab size, …)."""
    n_intents: int = 0
    n_slot_labels: int = 0
    dropout: float = 0.1

    @property
    def vocab_size(self) -> int:
        return int(self.bert["vocab_size"])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JointConfig:
        return cls(**data)


class JointBert(nn.Module):
    """Encoder + dropout + two linear heads; loss = CE(intent) + CE(slots)."""

    def __init__(self, config: JointConfig, encoder: nn.Module | None = None) -> None:
        """Build the model; pass `encoder` (a transformers `BertModel`) to start from pretrained
        weights, or get a plain-torch `BertEncoder` with the same parameter names."""
        super().__init__()
        self.config = config
        self.encoder = encoder if encoder is not None else BertEncoder(config.bert)
        hidden = int(config.bert["hidden_size"])
        self.dropout = nn.Dropout(config.dropout)
        self.intent_head = nn.Linear(hidden, config.n_intents)
        self.slot_head = nn.Linear(hidden, config.n_slot_labels)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        intent_labels: torch.Tensor | None = None,
        slot_labels: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Score a batch.

        Args:
            input_ids: (B, T) token ids.
            attention_mask: (B, T) 1 for tokens, 0 for padding.
            intent_labels: (B,) gold intent ids, for the loss.
            slot_labels: (B, T) gold slot label ids, -100 where not scored.

        Returns:
            intent_logits (B, n_intents), slot_logits (B, T, n_slot_labels), loss or None.
        """
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = out if isinstance(out, torch.Tensor) else out[0]  # (B, T, H); BertModel: a ModelOutput
        hidden = self.dropout(hidden)
        intent_logits = self.intent_head(hidden[:, 0])  # (B, n_intents)
        slot_logits = self.slot_head(hidden)  # (B, T, n_slot_labels)
        loss = None
        if intent_labels is not None and slot_labels is not None:
            loss = F.cross_entropy(intent_logits, intent_labels) + F.cross_entropy(
                slot_logits.reshape(-1, slot_logits.shape[-1]),
                slot_labels.reshape(-1),
                ignore_index=-100,
            )
        return intent_logits, slot_logits, loss

"""A BERT encoder in plain torch, for inference: the trained weights without importing transformers.

Training fine-tunes transformers' `BertModel` (it loads the pretrained base and resizes its
vocabulary). The artifact's state dict uses `BertModel`'s parameter names, and this module has
the same names, so `load_state_dict` takes the file as it is. Importing transformers to run six
encoder layers cost the hub ~115 MB of RSS; this module costs nothing beyond torch.

Same maths as `BertModel` in eval mode (post-LayerNorm blocks, exact GELU, absolute positions,
token type 0): `tests/test_nlu_encoder.py` compares the two on a trained model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F


class _Embeddings(nn.Module):
    def __init__(self, cfg: Mapping[str, Any]) -> None:
        super().__init__()
        hidden = int(cfg["hidden_size"])
        self.word_embeddings = nn.Embedding(int(cfg["vocab_size"]), hidden,
                                            padding_idx=cfg.get("pad_token_id", 0))
        self.position_embeddings = nn.Embedding(int(cfg.get("max_position_embeddings", 512)), hidden)
        self.token_type_embeddings = nn.Embedding(int(cfg.get("type_vocab_size", 2)), hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=float(cfg.get("layer_norm_eps", 1e-12)))

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) \
            + self.token_type_embeddings.weight[0]  # one segment: token type 0 everywhere
        return self.LayerNorm(x)  # type: ignore[no-any-return]


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:  # (B, T, H) → (B, heads, T, H / heads)
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        out = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)),
                                             attn_mask=keep, scale=1 / math.sqrt(h // self.heads))
        return out.transpose(1, 2).reshape(b, t, h)


class _AddNorm(nn.Module):
    """`dense`, then LayerNorm of the residual sum (BERT's post-norm)."""

    def __init__(self, width_in: int, hidden: int, eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(width_in, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)  # type: ignore[no-any-return]


class _Attention(nn.Module):
    def __init__(self, hidden: int, heads: int, eps: float) -> None:
        super().__init__()
        self.self = _SelfAttention(hidden, heads)  # the name BertModel's state dict uses
        self.output = _AddNorm(hidden, hidden, eps)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, keep), x)  # type: ignore[no-any-return]


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, width: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))


class _Layer(nn.Module):
    def __init__(self, cfg: Mapping[str, Any]) -> None:
        super().__init__()
        hidden, width = int(cfg["hidden_size"]), int(cfg["intermediate_size"])
        eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.attention = _Attention(hidden, int(cfg["num_attention_heads"]), eps)
        self.intermediate = _Intermediate(hidden, width)
        self.output = _AddNorm(width, hidden, eps)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        x = self.attention(x, keep)
        return self.output(self.intermediate(x), x)  # type: ignore[no-any-return]


class _Stack(nn.Module):
    def __init__(self, cfg: Mapping[str, Any]) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(cfg) for _ in range(int(cfg["num_hidden_layers"])))


class BertEncoder(nn.Module):
    """Embeddings + `num_hidden_layers` BERT blocks; `forward` gives the last hidden states.

    Args:
        cfg: `BertConfig.to_dict()` as the artifact stores it (config.json's "bert"); absent
            keys take `BertConfig`'s defaults.

    Raises:
        ValueError: a configuration this module does not implement (another activation, relative
            positions, a decoder).
    """

    def __init__(self, cfg: Mapping[str, Any]) -> None:
        super().__init__()
        unsupported = {
            "hidden_act": (cfg.get("hidden_act", "gelu"), "gelu"),
            "position_embedding_type": (cfg.get("position_embedding_type", "absolute"), "absolute"),
            "is_decoder": (bool(cfg.get("is_decoder", False)), False),
        }
        for key, (value, wanted) in unsupported.items():
            if value != wanted:
                raise ValueError(f"BertEncoder implements {key}={wanted!r}, the model has {value!r}")
        self.embeddings = _Embeddings(cfg)
        self.encoder = _Stack(cfg)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(B, T) ids and mask (1 = token, 0 = padding) → (B, T, H) hidden states."""
        keep = attention_mask.bool()[:, None, None, :]  # (B, 1, 1, T): attend to real tokens only
        x: torch.Tensor = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            x = layer(x, keep)
        return x

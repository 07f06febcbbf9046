"""The plain-torch encoder and tokenizer the hub parses with, against transformers' own.

Training uses transformers' `BertModel` and `BertTokenizerFast`; the hub rebuilds the trained
model with `hub.nlu.encoder.BertEncoder` and reads tokenizer.json with `tokenizers` alone, so
that it never imports transformers. These tests hold the two paths to the same numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertModel, BertTokenizerFast  # type: ignore[attr-defined]

from hub.nlu.artifact import load_artifact
from hub.nlu.encoder import BertEncoder
from hub.nlu.model import JointBert
from hub.nlu.tokens import encode_words, load_tokenizer

SENTENCES = [
    ["turn", "on", "the", "kitchen", "lights"],
    ["把", "客", "厅", "的", "灯", "调", "到", "百", "分", "之", "五", "十"],
    ["set", "the", "under-cabinet", "lights", "to", "40", "%"],
    ["ok"],
    ["打", "開", "臥", "室", "空", "調", "😀", "ÉCLAIRAGE"],
    ["please"] + ["very"] * 80 + ["bright"],  # cut off by max_len
]


@pytest.mark.pure
def test_encoder_matches_bert_model_on_padded_batches() -> None:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=40)
    reference = BertModel(config, add_pooling_layer=False).eval()
    ours = BertEncoder(config.to_dict()).eval()
    ours.load_state_dict(reference.state_dict(), strict=False)
    missing = set(reference.state_dict()) - set(ours.state_dict())
    assert missing <= {"embeddings.position_ids", "embeddings.token_type_ids"}  # index buffers only
    ids = torch.randint(1, 120, (3, 11))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0  # padded rows: padding must not leak into the real tokens
    mask[2, 2:] = 0
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask)[0]
        got = ours(ids, mask)
    keep = mask.bool()
    assert torch.allclose(got[keep], expected[keep], atol=1e-5)


@pytest.mark.pure
def test_encoder_refuses_what_it_does_not_implement() -> None:
    with pytest.raises(ValueError, match="hidden_act"):
        BertEncoder({"vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
                     "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "relu"})


def test_trained_model_gives_the_same_logits_both_ways(tiny_model: Path) -> None:
    ours, tokenizer, _, _ = load_artifact(tiny_model)
    reference = JointBert(ours.config, BertModel(BertConfig(**ours.config.bert), add_pooling_layer=False))
    reference.load_state_dict(ours.state_dict(), strict=False)
    reference.eval()
    ids, mask, _ = encode_words(tokenizer, SENTENCES, 48)
    with torch.inference_mode():
        got_intents, got_slots, _ = ours(ids, mask)
        want_intents, want_slots, _ = reference(ids, mask)
    assert torch.allclose(got_intents, want_intents, atol=1e-4)
    keep = mask.bool()
    assert torch.allclose(got_slots[keep], want_slots[keep], atol=1e-4)
    assert got_intents.argmax(-1).tolist() == want_intents.argmax(-1).tolist()


def test_tokenizer_encodes_like_transformers(tiny_model: Path) -> None:
    ours = load_tokenizer(tiny_model)
    reference = BertTokenizerFast.from_pretrained(str(tiny_model), local_files_only=True)
    for max_len in (48, 8):
        ids, mask, firsts = encode_words(ours, SENTENCES, max_len)
        enc = reference(SENTENCES, is_split_into_words=True, truncation=True, max_length=max_len,
                        padding=True, return_tensors="pt")
        assert ids.tolist() == enc["input_ids"].tolist()
        assert mask.tolist() == enc["attention_mask"].tolist()
        for b, words in enumerate(SENTENCES):
            word_ids = enc.word_ids(b)
            want = [word_ids.index(w) if w in word_ids else -1 for w in range(len(words))]
            assert firsts[b] == want
    unk = ours.token_to_id("[UNK]")
    assert unk not in ours.encode(["客", "厅", "卧"], is_pretokenized=True).ids  # the CJK extension


def test_parsing_never_imports_transformers(tiny_model: Path) -> None:
    code = ("import sys; from hub.nlu.infer import Parser; p = Parser.load(sys.argv[1]); "
            "print(p.parse('turn on the kitchen lights').intent); "
            "assert 'transformers' not in sys.modules, 'transformers was imported'")
    done = subprocess.run([sys.executable, "-c", code, str(tiny_model)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "turn_on"

"""The "encoder-seg" language route: the reference's conditioning (visual tokens + expression → the hidden
states of the refer span ending in [SEG] → description projector) on a bidirectional sentence encoder
(all-MiniLM-L6-v2 in the lite preset) instead of a causal LM.

Why it exists: the lite preset had to choose between this route and the sentence-embedding route
(engine/model/sentence.py), and the choice is measured, not argued (docs/MODEL.md, "Language routes"). Here
the words are read together with the tile, so the query can depend on what is in the image; the price is one
encoder pass per prompt AND tile (no per-prompt cache) and a language model that must be trained.

One sequence per prompt, in BERT's sentence-pair layout (segment A = the image, segment B = the text):

    [CLS] T1 tokens T2 tokens [SEP] expression tokens [SEG] [SEP]      token types 0 … 0 | 1 … 1

[SEG] is the encoder's own [MASK] token, so the vocabulary and the pretrained embeddings stay as shipped. The
refer span is the expression tokens + [SEG], as in the reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from engine.errors import InputError, ModelError
from engine.model.config import ModelConfig


@dataclass
class EncoderSegBatch:
    embeds: torch.Tensor  # B×L×h input embeddings (word embeddings; visual tokens in their slots)
    attention_mask: torch.Tensor  # B×L long
    token_type_ids: torch.Tensor  # B×L long
    refer_mask: torch.Tensor  # B×L bool: expression tokens + [SEG]


class EncoderSegPrompts:
    """Prompt checks and sequence assembly for the encoder-seg route."""

    def __init__(self, tokenizer, cfg: ModelConfig):
        self.tokenizer = tokenizer
        self.cfg = cfg
        ids = (
            tokenizer.cls_token_id,
            tokenizer.sep_token_id,
            tokenizer.mask_token_id,
            tokenizer.pad_token_id,
        )
        if any(i is None for i in ids):
            raise ModelError(
                "the sentence encoder's tokenizer lacks [CLS], [SEP], [MASK] or [PAD]",
                hint="the encoder-seg route needs a BERT-style tokenizer",
            )
        self.cls_id, self.sep_id, self.seg_id, self.pad_id = ids

    def _ids(self, expression: str) -> list[int]:
        return self.tokenizer(expression.strip(), add_special_tokens=False)["input_ids"]

    def check(self, expression: str) -> None:
        if not isinstance(expression, str) or not expression.strip():
            raise InputError(
                "the prompt is empty", hint="describe the change to segment, e.g. 'new buildings'"
            )
        n = len(self._ids(expression))
        if n > self.cfg.max_prompt_tokens:
            raise InputError(
                f"the prompt is too long ({n} tokens; this model accepts up to {self.cfg.max_prompt_tokens})",
                hint="shorten the description",
            )

    def build(
        self, embedding: nn.Embedding, visual_tokens: torch.Tensor, expressions: list[str]
    ) -> EncoderSegBatch:
        """visual_tokens: B×2T×h (both dates, from the compression projector)."""
        for e in expressions:
            self.check(e)
        b, n_visual = visual_tokens.shape[:2]
        device = visual_tokens.device
        texts = [[*self._ids(e), self.seg_id, self.sep_id] for e in expressions]
        head = 1 + n_visual + 1  # [CLS] visual [SEP]
        length = head + max(len(t) for t in texts)
        ids = torch.full((b, length), self.pad_id, dtype=torch.long, device=device)
        attention = torch.zeros((b, length), dtype=torch.long, device=device)
        types = torch.zeros((b, length), dtype=torch.long, device=device)
        refer = torch.zeros((b, length), dtype=torch.bool, device=device)
        ids[:, 0], ids[:, head - 1] = self.cls_id, self.sep_id
        for i, text in enumerate(texts):
            end = head + len(text)
            ids[i, head:end] = torch.tensor(text, device=device)
            attention[i, :end] = 1
            types[i, head:end] = 1
            refer[i, head : end - 1] = True  # expression + [SEG], not the closing [SEP]
        embeds = embedding(ids)
        embeds = torch.cat([embeds[:, :1], visual_tokens.to(embeds.dtype), embeds[:, 1 + n_visual :]], dim=1)
        return EncoderSegBatch(embeds, attention, types, refer)


def run_encoder_seg(encoder: nn.Module, batch: EncoderSegBatch) -> torch.Tensor:
    """B×L×h last-layer hidden states (the description projector pools the refer span)."""
    out = encoder(
        inputs_embeds=batch.embeds, attention_mask=batch.attention_mask, token_type_ids=batch.token_type_ids
    )
    return out.last_hidden_state

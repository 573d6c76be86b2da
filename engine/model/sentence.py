"""The "sentence-embedding" language route: a BERT-style sentence encoder (all-MiniLM-L6-v2 in the lite
preset) turns each prompt into ONE mean-pooled, L2-normalised embedding; the description projector turns
it (with the tile's fused res5) into the mask decoder's query.

Why this route exists next to the paper's causal-LM one: the embedding depends on the words alone, so it is
computed once per prompt and reused for every tile of a scene (`PromptEmbeddingCache`), and a sentence encoder
trained for semantic similarity already maps paraphrases close together. all-MiniLM-L6-v2 as loaded here
(the package's weights, `mean_pool`), cosine similarities:

    "flattened homes"                    vs "buildings destroyed by the tornado"   0.432
    "flattened homes"                    vs "new swimming pools"                   0.110
    "buildings destroyed by the tornado" vs "new swimming pools"                   0.122
    "buildings destroyed by the tornado" vs "houses wrecked by the storm"          0.675
    "buildings destroyed by the tornado" vs "roads covered by debris"              0.265
    "new buildings"                      vs "newly built houses"                   0.753
    "A man is eating food."              vs "A man is eating a piece of bread."    0.755

The last pair is the example of the sentence-transformers documentation, which gives 0.7553 for this model:
the loading and pooling reproduce the original.
(tests/engine/test_model_lite.py checks the ordering; the paraphrase is nearer than the unrelated prompt.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.errors import InputError
from engine.model.config import ModelConfig


def build_sentence_encoder(cfg: ModelConfig) -> nn.Module:
    """A randomly initialised BertModel of the configured dims, without the pooler (mean pooling is used).

    Dropout is 0: the encoder is usually frozen and its embeddings cached, and with dropout the cached
    (eval-time) and the training-time embedding of the same prompt would differ."""
    from transformers import BertConfig, BertModel

    class SentenceEncoder(BertModel):
        """BertModel that can rebuild its non-persistent id buffers after meta-device loading."""

        def init_non_persistent_buffers(self) -> None:
            emb = self.embeddings
            n, device = emb.position_embeddings.num_embeddings, emb.position_embeddings.weight.device
            emb.position_ids = torch.arange(n, device=device).expand((1, -1))
            emb.token_type_ids = torch.zeros((1, n), dtype=torch.long, device=device)

    bert_cfg = BertConfig(
        vocab_size=cfg.lm_vocab_size,
        hidden_size=cfg.lm_hidden_size,
        num_hidden_layers=cfg.lm_num_layers,
        num_attention_heads=cfg.lm_num_heads,
        intermediate_size=cfg.lm_intermediate_size,
        hidden_act=cfg.lm_hidden_act,
        max_position_embeddings=cfg.lm_max_positions,
        type_vocab_size=cfg.lm_type_vocab_size,
        layer_norm_eps=cfg.lm_layer_norm_eps,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        pad_token_id=0,
        use_cache=False,
    )
    return SentenceEncoder(bert_cfg, add_pooling_layer=False)


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """B×L×h, B×L → B×h: the mean over real tokens, L2-normalised (sentence-transformers' Pooling +
    Normalize modules of all-MiniLM-L6-v2)."""
    m = attention_mask.to(hidden.dtype).unsqueeze(-1)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1e-9)
    return F.normalize(pooled, p=2, dim=-1)


class SentencePrompts:
    """Prompt checks and tokenisation for the sentence route ([CLS] prompt [SEP], no chat template)."""

    def __init__(self, tokenizer, cfg: ModelConfig):
        self.tokenizer = tokenizer
        self.cfg = cfg

    def _count(self, expression: str) -> int:
        return len(self.tokenizer(expression.strip(), add_special_tokens=False)["input_ids"])

    def check(self, expression: str) -> None:
        if not isinstance(expression, str) or not expression.strip():
            raise InputError(
                "the prompt is empty", hint="describe the change to segment, e.g. 'new buildings'"
            )
        n = self._count(expression)
        if n > self.cfg.max_prompt_tokens:
            raise InputError(
                f"the prompt is too long ({n} tokens; this model accepts up to {self.cfg.max_prompt_tokens})",
                hint="shorten the description",
            )

    def encode(self, expressions: list[str], device: torch.device) -> dict[str, torch.Tensor]:
        for e in expressions:
            self.check(e)
        batch = self.tokenizer(
            [e.strip() for e in expressions], padding=True, add_special_tokens=True, return_tensors="pt"
        )
        return {k: batch[k].to(device) for k in ("input_ids", "attention_mask")}


def embed_prompts(encoder: nn.Module, prompts: SentencePrompts, expressions: list[str]) -> torch.Tensor:
    """B×h sentence embeddings, computed in float32 whatever autocast is active (a cached embedding must not
    depend on the precision of the call that filled the cache)."""
    device = next(encoder.parameters()).device
    batch = prompts.encode(expressions, device)
    with torch.autocast(device.type, enabled=False):
        hidden = encoder(**batch).last_hidden_state
    return mean_pool(hidden.float(), batch["attention_mask"])


class PromptEmbeddingCache:
    """prompt → its embedding, valid while the encoder's weights are unchanged.

    Used only when no gradient can reach the encoder (frozen, or under no_grad): then the embedding is a
    constant of the prompt, and a scene of N tiles runs the encoder once per prompt instead of N times.
    Every in-place change of a parameter (optimizer step, load_state_dict) bumps its version counter, and a
    move to another device or dtype changes the parameters themselves: either empties the cache."""

    def __init__(self, max_items: int = 512):
        self.max_items = max_items
        self._items: dict[str, torch.Tensor] = {}
        self._stamp: tuple | None = None

    @staticmethod
    def stamp(encoder: nn.Module) -> tuple:
        params = list(encoder.parameters())
        return (
            params[0].device,
            params[0].dtype,
            tuple(id(p) for p in params),
            tuple(p._version for p in params),
        )

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()
        self._stamp = None

    def get(self, encoder: nn.Module, prompts: SentencePrompts, expressions: list[str]) -> torch.Tensor:
        stamp = self.stamp(encoder)
        if stamp != self._stamp:
            self.clear()
            self._stamp = stamp
        todo = list(dict.fromkeys(e for e in expressions if e not in self._items))
        if todo:
            if len(self._items) + len(todo) > self.max_items:
                self._items.clear()
            with torch.no_grad():
                for e, v in zip(todo, embed_prompts(encoder, prompts, todo), strict=True):
                    self._items[e] = v
        return torch.stack([self._items[e] for e in expressions])

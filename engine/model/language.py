"""Language branch (docs/REFERENCE.md R2.6, R2.7): the Phi causal LM (transformers), its tokenizer with
[PAD]/[SEG], and the prompt that places the two dates' visual tokens and the expression. The config's
`language` route "sentence-embedding" uses a sentence encoder instead (engine/model/sentence.py); the builders
here pick the module and tokenizer of the configured route.

One teacher-forced pass over the conversation, no generation. Attention is causal, so the refer span
(expression + [SEG]) never sees the canned answer: inference stops the sequence right after the refer span
(identical hidden states, less work); training keeps the answer for the language-model loss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.errors import InputError, ModelError
from engine.model.config import (
    TOKENIZER_BUNDLED_CORPUS,
    TOKENIZER_FROM_LANGUAGE_MODEL,
    ModelConfig,
)

EOS_TOKEN = "<|endoftext|>"
CORPUS_FILE = "tiny_tokenizer_corpus.txt"


def build_language_model(cfg: ModelConfig) -> nn.Module:
    """A randomly initialised PhiForCausalLM of the configured dims, bias-free lm_head (docs/REFERENCE.md
    R2.6), or the sentence encoder of the "sentence-embedding" route."""
    if cfg.uses_sentence_encoder:
        from engine.model.sentence import build_sentence_encoder

        return build_sentence_encoder(cfg)
    from transformers import PhiConfig, PhiForCausalLM

    phi_cfg = PhiConfig(
        vocab_size=cfg.lm_vocab_size,
        hidden_size=cfg.lm_hidden_size,
        intermediate_size=cfg.lm_intermediate_size,
        num_hidden_layers=cfg.lm_num_layers,
        num_attention_heads=cfg.lm_num_heads,
        max_position_embeddings=cfg.lm_max_positions,
        hidden_act=cfg.lm_hidden_act,
        layer_norm_eps=cfg.lm_layer_norm_eps,
        partial_rotary_factor=cfg.lm_partial_rotary_factor,
        rope_theta=cfg.lm_rope_theta,
        tie_word_embeddings=False,
        use_cache=False,
    )
    lm = PhiForCausalLM(phi_cfg)
    lm.lm_head = nn.Linear(cfg.lm_hidden_size, cfg.lm_vocab_size, bias=False)
    return lm


def train_bundled_tokenizer(cfg: ModelConfig):
    """Byte-level BPE trained on the small corpus shipped next to this file (deterministic, milliseconds)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    text = resources.files("engine.model").joinpath(CORPUS_FILE).read_text(encoding="utf-8")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=cfg.lm_vocab_size,
        special_tokens=[EOS_TOKEN, cfg.pad_token, cfg.seg_token],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(text.splitlines(), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=EOS_TOKEN,
        pad_token=cfg.pad_token,
        model_max_length=cfg.lm_max_positions,
    )


def prepare_tokenizer(tokenizer, cfg: ModelConfig):
    """Add [PAD] (if the tokenizer has no pad token) and [SEG] (ordinary added token), like the reference. The
    sentence-encoder routes keep the encoder's own vocabulary untouched (encoder-seg uses its [MASK] token as
    the [SEG] slot)."""
    if cfg.uses_sentence_encoder:
        tokenizer.padding_side = "right"
        return tokenizer
    if tokenizer.pad_token is None:
        tokenizer.add_special_tokens({"pad_token": cfg.pad_token})
    if cfg.seg_token not in tokenizer.get_vocab():
        tokenizer.add_tokens([cfg.seg_token])
    tokenizer.padding_side = "right"
    return tokenizer


def package_tokenizer(package: str):
    """The tokenizer shipped with a pip package's language model (engine/model/pip_weights.py)."""
    from transformers import PreTrainedTokenizerFast

    from engine.model.pip_weights import MINILM_PACKAGE, minilm_folder

    if package != MINILM_PACKAGE:
        raise ModelError(
            f"no known tokenizer in the pip package {package!r}", hint=f"known: {MINILM_PACKAGE}"
        )
    return PreTrainedTokenizerFast.from_pretrained(str(minilm_folder()))


def new_tokenizer(cfg: ModelConfig):
    """The tokenizer a freshly built model uses (None when it must come with the base language model)."""
    if cfg.tokenizer == TOKENIZER_BUNDLED_CORPUS:
        return prepare_tokenizer(train_bundled_tokenizer(cfg), cfg)
    if cfg.tokenizer == TOKENIZER_FROM_LANGUAGE_MODEL and cfg.lm_weights_package:
        return prepare_tokenizer(package_tokenizer(cfg.lm_weights_package), cfg)
    return None


@dataclass
class LanguageBatch:
    """Embedded conversation for a batch: what the LM consumes and where the refer span / answer are."""

    embeds: torch.Tensor  # B×S×h
    attention_mask: torch.Tensor  # B×S
    refer_index: torch.Tensor  # B×Lr absolute positions of the refer span (padded with 0)
    refer_mask: torch.Tensor  # B×Lr bool
    answer_index: torch.Tensor | None  # B×La positions whose hidden state predicts the answer token
    answer_ids: torch.Tensor | None  # B×La target ids


class PromptBuilder:
    """Tokenises the template once; assembles [prefix, T1, mid, T2, post, expr+[SEG], after, answer]."""

    def __init__(self, tokenizer, cfg: ModelConfig):
        self.tokenizer = tokenizer
        self.cfg = cfg
        parts = re.split(r"(<image>|<refer>)", cfg.prompt_template)
        # parts = [prefix, <image>, mid, <image>, post, <refer>, after]
        self.prefix, self.mid, self.post, self.after = (self._ids(parts[i]) for i in (0, 2, 4, 6))
        self.answer = [i for chunk in cfg.answer_template.split("<seg>") for i in self._ids(chunk)]
        self.seg_id = tokenizer.convert_tokens_to_ids(cfg.seg_token)
        self.pad_id = tokenizer.pad_token_id
        if self.seg_id is None or self.seg_id == tokenizer.unk_token_id or self.pad_id is None:
            raise ModelError(
                "the tokenizer lacks the [SEG] or [PAD] token", hint="rebuild or re-save the model"
            )

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"] if text else []

    def expression_ids(self, expression: str) -> list[int]:
        """docs/REFERENCE.md R5.1 step 5: " " + expression, no special tokens, then the [SEG] id."""
        return [*self._ids(" " + expression.strip()), self.seg_id]

    def check(self, expression: str) -> None:
        if not isinstance(expression, str) or not expression.strip():
            raise InputError(
                "the prompt is empty", hint="describe the change to segment, e.g. 'new buildings'"
            )
        n = len(self._ids(" " + expression.strip()))
        if n > self.cfg.max_prompt_tokens:
            raise InputError(
                f"the prompt is too long ({n} tokens; this model accepts up to {self.cfg.max_prompt_tokens})",
                hint="shorten the description",
            )

    def build(
        self, embedding: nn.Embedding, visual_tokens: torch.Tensor, expressions: list[str], with_answer: bool
    ) -> LanguageBatch:
        """visual_tokens: B×2T×h (T1 tokens then T2 tokens)."""
        b, two_t, _ = visual_tokens.shape
        t = two_t // 2
        device = visual_tokens.device
        for e in expressions:
            self.check(e)
        refer = [self.expression_ids(e) for e in expressions]
        tails = [r + self.after + (self.answer if with_answer else []) for r in refer]
        width = max(len(x) for x in tails)
        tail_ids = torch.full((b, width), self.pad_id, dtype=torch.long, device=device)
        tail_mask = torch.zeros(b, width, dtype=torch.long, device=device)
        for i, x in enumerate(tails):
            tail_ids[i, : len(x)] = torch.tensor(x, dtype=torch.long, device=device)
            tail_mask[i, : len(x)] = 1

        def const(ids: list[int]) -> torch.Tensor:
            return (
                embedding(torch.tensor(ids, dtype=torch.long, device=device)).unsqueeze(0).expand(b, -1, -1)
            )

        vis = visual_tokens.to(embedding.weight.dtype)
        pieces = [
            const(self.prefix),
            vis[:, :t],
            const(self.mid),
            vis[:, t:],
            const(self.post),
            embedding(tail_ids),
        ]
        embeds = torch.cat(pieces, dim=1)
        start = embeds.shape[1] - width  # absolute position of the first refer token
        attention_mask = torch.cat([torch.ones(b, start, dtype=torch.long, device=device), tail_mask], dim=1)

        lr = max(len(r) for r in refer)
        refer_index = torch.zeros(b, lr, dtype=torch.long, device=device)
        refer_mask = torch.zeros(b, lr, dtype=torch.bool, device=device)
        for i, r in enumerate(refer):
            refer_index[i, : len(r)] = torch.arange(start, start + len(r), device=device)
            refer_mask[i, : len(r)] = True
        answer_index = answer_ids = None
        if with_answer:
            n = len(self.answer)
            answer_ids = torch.tensor(self.answer, dtype=torch.long, device=device).expand(b, -1)
            first = torch.tensor([start + len(r) + len(self.after) for r in refer], device=device)
            answer_index = first[:, None] + torch.arange(n, device=device)[None, :] - 1  # predicted from t-1
        return LanguageBatch(embeds, attention_mask, refer_index, refer_mask, answer_index, answer_ids)


def run_language_model(lm: nn.Module, batch: LanguageBatch) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Last-layer hidden states of the refer span (B×Lr×h) and the answer-token cross-entropy (or None)."""
    hidden = lm.model(inputs_embeds=batch.embeds, attention_mask=batch.attention_mask, use_cache=False)
    hidden = hidden.last_hidden_state
    gather = lambda idx: hidden.gather(1, idx[..., None].expand(-1, -1, hidden.shape[-1]))  # noqa: E731
    refer_hidden = gather(batch.refer_index)
    lm_loss = None
    if batch.answer_index is not None:
        logits = lm.lm_head(gather(batch.answer_index)).float()
        lm_loss = F.cross_entropy(logits.flatten(0, 1), batch.answer_ids.flatten())
    return refer_hidden, lm_loss

"""MTRefSeg-R1 assembled (docs/REFERENCE.md R2.1): shared encoder → per-level fusion → pixel decoder → masked
decoder, with the language branch producing the single mask query in stage 2. Which encoder (Swin or a timm
CNN) and which language route (causal LM with [SEG], or a cached sentence embedding) come from the config
alone.

Swin runs ONCE per image per forward (the reference runs it twice per image): raw res5 of each date feeds the
visual-token projector, the fused pyramid feeds the decoders.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.model.config import LANGUAGE_ENCODER_SEG, LANGUAGE_SENTENCE, ModelConfig
from engine.model.description import DescriptionProjector
from engine.model.encoder import build_vision_encoder
from engine.model.encoder_seg import EncoderSegPrompts, run_encoder_seg
from engine.model.features import PairFeatures
from engine.model.fusion import TemporalFusion
from engine.model.language import PromptBuilder, build_language_model, run_language_model
from engine.model.mask_decoder import MaskDecoder
from engine.model.pixel_decoder import PixelDecoder
from engine.model.presence import PresenceHead
from engine.model.projector import CompressionProjector
from engine.model.sentence import PromptEmbeddingCache, SentencePrompts, embed_prompts

PARAMETER_GROUPS = (
    "vision_encoder",
    "fusion",
    "pixel_decoder",
    "mask_decoder",
    "projector",
    "description_projector",
    "language_model",
)
# Stage 1 trains the visual change branch only (docs/REFERENCE.md R3.2).
STAGE1_TRAINABLE = ("vision_encoder", "fusion", "pixel_decoder", "mask_decoder")


class NoVisualTokens(nn.Module):
    """The projector of a route that reads no visual tokens: no parameters, B×0×h tokens."""

    def __init__(self, width: int):
        super().__init__()
        self.width = width

    def forward(self, res5: torch.Tensor) -> torch.Tensor:
        return res5.new_zeros(res5.shape[0], 0, self.width)


class MTRefSegR1(nn.Module):
    def __init__(self, cfg: ModelConfig, tokenizer=None):
        super().__init__()
        self.config = cfg
        self.vision_encoder = build_vision_encoder(cfg)
        self.fusion = TemporalFusion(cfg)
        self.pixel_decoder = PixelDecoder(cfg)
        self.mask_decoder = MaskDecoder(cfg)
        self.projector = (
            CompressionProjector(cfg) if cfg.uses_visual_tokens else NoVisualTokens(cfg.lm_hidden_size)
        )
        self.description_projector = DescriptionProjector(cfg)
        self.language_model = build_language_model(cfg)
        self.presence_head = PresenceHead(cfg) if cfg.presence_head else None
        self.tokenizer = None
        self._prompts: PromptBuilder | SentencePrompts | EncoderSegPrompts | None = None
        self.prompt_cache = PromptEmbeddingCache()
        self.model_id: str = cfg.name
        self.revision: str | None = None
        if tokenizer is not None:
            self.set_tokenizer(tokenizer)

    # ---- bookkeeping -------------------------------------------------------------------------------------
    def set_tokenizer(self, tokenizer) -> None:
        from engine.errors import ModelError

        if len(tokenizer) > self.config.lm_vocab_size:
            raise ModelError(
                f"tokenizer has {len(tokenizer)} tokens but the language model "
                f"only {self.config.lm_vocab_size}"
            )
        self.tokenizer = tokenizer
        if self.config.language == LANGUAGE_SENTENCE:
            self._prompts = SentencePrompts(tokenizer, self.config)
        elif self.config.language == LANGUAGE_ENCODER_SEG:
            self._prompts = EncoderSegPrompts(tokenizer, self.config)
        else:
            self._prompts = PromptBuilder(tokenizer, self.config)
        self.prompt_cache.clear()

    # ---- checkpoints (engine/model/checkpoint.py holds the format) ----------------------------------------
    def save_pretrained(self, directory: str | os.PathLike, *, omit_package_weights: bool = True) -> Path:
        """Write config.json + model.safetensors + tokenizer files into `directory`; tensors still identical
        to the pip package they came from are left out unless `omit_package_weights` is False.

        Why not `huggingface_hub.PyTorchModelHubMixin`: its config.json holds the constructor's arguments,
        while ours carries a format marker, the ModelConfig and the record of omitted package tensors, and
        loading has to build on the meta device and check every tensor before allocating. Both of its hooks
        would be overridden, leaving nothing of it but an extra base class."""
        from engine.model.checkpoint import save_checkpoint

        return save_checkpoint(self, directory, omit_package_weights=omit_package_weights)

    @classmethod
    def from_pretrained(
        cls, source: str | os.PathLike | None = None, revision: str | None = None, device: str = "cpu"
    ) -> MTRefSegR1:
        """Same as `engine.model.load_model`: a folder or hub id (None = the bundled demo model), in eval
        mode."""
        from engine.model.loading import load_model

        return load_model(source, revision=revision, device=device)

    @property
    def prompts(self) -> PromptBuilder | SentencePrompts | EncoderSegPrompts:
        if self._prompts is None:
            from engine.errors import ModelError

            raise ModelError(
                "this model has no tokenizer, so it cannot read prompts",
                hint="build the paper preset with its base language model (--phi), "
                "or load a saved checkpoint",
            )
        return self._prompts

    @property
    def max_prompt_tokens(self) -> int:
        return self.config.max_prompt_tokens

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    @property
    def group_names(self) -> tuple[str, ...]:
        """PARAMETER_GROUPS, plus "presence_head" when the config has one (trained in stage 2)."""
        return PARAMETER_GROUPS + (("presence_head",) if self.presence_head is not None else ())

    def parameter_groups(self) -> dict[str, list[nn.Parameter]]:
        return {name: list(getattr(self, name).parameters()) for name in self.group_names}

    def set_trainable(self, groups: tuple[str, ...] | list[str]) -> None:
        """Freeze every group not named (e.g. STAGE1_TRAINABLE for stage 1)."""
        for name, params in self.parameter_groups().items():
            for p in params:
                p.requires_grad_(name in groups)

    def set_gradient_checkpointing(self, enabled: bool = True) -> None:
        """Recompute the language model's activations in backward (docs/REFERENCE.md R3.1); the visual part
        is not checkpointed (the reference does not either)."""
        lm = self.language_model
        kwargs = {"use_reentrant": False}
        # transformers ≥5.2x renamed the methods; older 5.x / 4.x only have the gradient_* names.
        if hasattr(lm, "activation_checkpointing_enable"):
            if enabled:
                lm.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
            else:
                lm.activation_checkpointing_disable()
        elif enabled:
            lm.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
        else:
            lm.gradient_checkpointing_disable()

    def tokenize_check(self, prompt: str) -> None:
        self.prompts.check(prompt)

    # ---- shared visual part ------------------------------------------------------------------------------
    def encode_pair(self, earlier: torch.Tensor, later: torch.Tensor) -> PairFeatures:
        """The encoder on both dates in ONE batched call, fusion, pixel decoder, visual tokens."""
        if earlier.shape != later.shape:
            raise ValueError(f"earlier {tuple(earlier.shape)} and later {tuple(later.shape)} differ in shape")
        b = earlier.shape[0]
        feats = self.vision_encoder(torch.cat([earlier, later], dim=0))
        f1 = {k: v[:b] for k, v in feats.items()}
        f2 = {k: v[b:] for k, v in feats.items()}
        fused = self.fusion(f1, f2)
        mask_features, multi_scale = self.pixel_decoder(fused)
        # 2B×T×h, raw (unfused) res5 per date. The projector feeds the language branch and always runs in
        # float32: under CPU bf16 autocast its weight gradient came out non-finite at small (2×2) res5 maps.
        with torch.autocast(earlier.device.type, enabled=False):
            tokens = self.projector(feats["res5"].float())
        visual_tokens = torch.cat([tokens[:b], tokens[b:]], dim=1)
        return PairFeatures(
            mask_features, multi_scale, fused["res5"], visual_tokens, tuple(earlier.shape[-2:])
        )

    def _encode_visual_only(self, earlier: torch.Tensor, later: torch.Tensor):
        """Stage-1 path: no projector (its tokens are unused and it is frozen)."""
        b = earlier.shape[0]
        feats = self.vision_encoder(torch.cat([earlier, later], dim=0))
        fused = self.fusion({k: v[:b] for k, v in feats.items()}, {k: v[b:] for k, v in feats.items()})
        return self.pixel_decoder(fused)

    # ---- heads -------------------------------------------------------------------------------------------
    def prompt_embeddings(self, expressions: list[str]) -> torch.Tensor:
        """B×h sentence embeddings of the prompts (sentence route). Cached per prompt whenever no gradient can
        reach the sentence encoder, so the tiles of a scene share one encoder run per prompt."""
        encoder = self.language_model
        trainable = torch.is_grad_enabled() and any(p.requires_grad for p in encoder.parameters())
        if trainable:
            return embed_prompts(encoder, self.prompts, list(expressions))
        return self.prompt_cache.get(encoder, self.prompts, list(expressions))

    def language_query(
        self, feats: PairFeatures, expressions: list[str], with_answer: bool
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        if len(expressions) != feats.batch_size:
            raise ValueError(f"{len(expressions)} prompts for a batch of {feats.batch_size}")
        if self.config.language == LANGUAGE_SENTENCE:
            # one "token" per prompt: the sentence embedding takes the place of the refer span's hidden states
            pooled = self.prompt_embeddings(expressions)[:, None, :]
            mask = torch.ones(pooled.shape[:2], dtype=torch.bool, device=pooled.device)
            query = self.description_projector(pooled, mask, feats.fused_res5)
            return query.to(feats.mask_features.dtype), None
        if self.config.language == LANGUAGE_ENCODER_SEG:
            seg_batch = self.prompts.build(
                self.language_model.get_input_embeddings(), feats.visual_tokens, expressions
            )
            hidden = run_encoder_seg(self.language_model, seg_batch)
            query = self.description_projector(hidden, seg_batch.refer_mask, feats.fused_res5)
            return query.to(feats.mask_features.dtype), None
        batch = self.prompts.build(
            self.language_model.get_input_embeddings(), feats.visual_tokens, expressions, with_answer
        )
        refer_hidden, lm_loss = run_language_model(self.language_model, batch)
        query = self.description_projector(refer_hidden, batch.refer_mask, feats.fused_res5)
        return query.to(feats.mask_features.dtype), lm_loss

    def decode_stage2(self, feats: PairFeatures, expressions: list[str], with_answer: bool = False) -> dict:
        """Mask logits (final + deep supervision), the LM loss (causal route, with_answer) and, with a
        presence head, `presence_logits` (B: is the described change in the tile at all)."""
        query, lm_loss = self.language_query(feats, expressions, with_answer)
        preds = self.mask_decoder(feats.mask_features, feats.multi_scale, query)
        presence = None
        if self.presence_head is not None:
            presence = self.presence_head(query, feats.mask_features, preds[-1])
        return {"pred_masks": preds[-1], "aux": preds[:-1], "lm_loss": lm_loss, "presence_logits": presence}

    # ---- training API (docs/INTERFACES.md §1b) -----------------------------------------------------------
    def forward_stage1(self, image_a: torch.Tensor, image_b: torch.Tensor) -> dict:
        mask_features, multi_scale = self._encode_visual_only(image_a, image_b)
        q, pos = self.mask_decoder.learned_queries(image_a.shape[0])
        preds = self.mask_decoder(mask_features, multi_scale, q, pos)
        return {"pred_masks": preds[-1], "aux": preds[:-1]}

    def forward_stage2(self, image_a: torch.Tensor, image_b: torch.Tensor, expressions: list[str]) -> dict:
        return self.decode_stage2(self.encode_pair(image_a, image_b), expressions, with_answer=True)

    def forward(self, image_a, image_b, expressions: list[str] | None = None) -> dict:
        if expressions is None:
            return self.forward_stage1(image_a, image_b)
        return self.forward_stage2(image_a, image_b, expressions)

    # ---- inference API (docs/INTERFACES.md §1) ------------------------------------------------------------
    def segment(self, feats: PairFeatures, prompts: list[str]) -> torch.Tensor:
        """B×1×H×W mask logits at the input resolution (bilinear, align_corners=False; docs/REFERENCE.md
        R5.2)."""
        return self.segment_with_presence(feats, prompts)[0]

    def segment_with_presence(
        self, feats: PairFeatures, prompts: list[str]
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(B×1×H×W mask logits as `segment`, B presence logits or None when the model has no presence head).
        A presence logit < 0 says the described change is not in the tile."""
        out = self.decode_stage2(feats, list(prompts), with_answer=False)
        masks = F.interpolate(out["pred_masks"], size=feats.image_size, mode="bilinear", align_corners=False)
        return masks, out["presence_logits"]

    def segment_all_changes(self, feats: PairFeatures) -> torch.Tensor:
        """Stage-1 head: 100 learned queries, max over queries → B×1×H×W logits."""
        q, pos = self.mask_decoder.learned_queries(feats.batch_size)
        low = self.mask_decoder(feats.mask_features, feats.multi_scale, q, pos)[-1]
        low = low.max(dim=1, keepdim=True).values
        return F.interpolate(low, size=feats.image_size, mode="bilinear", align_corners=False)

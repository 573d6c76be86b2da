"""Shared vision encoder: the reference's Swin (docs/REFERENCE.md R2.2), built with timm, or a timm CNN
(engine/model/timm_encoder.py), chosen by `ModelConfig.encoder`; `build_vision_encoder` picks one, so the
rest of the model never asks which.

timm's SwinTransformer gives the blocks, the checkpoint conversion and the hub weights; this wrapper turns it
into a feature extractor with the reference's outputs: the four stage outputs res2..res5, each through its
own LayerNorm (norm0..norm3), NCHW. `always_partition=True` keeps the full window and shift in every stage and
pads the feature maps to window multiples (as the detection Swin of Mask2Former does), and
`strict_img_size=False` builds the attention masks per input, so any input whose sides are multiples of 32
works (1024² letterboxed inputs and 256²/512² tiles alike).
"""

from __future__ import annotations

import torch
from timm.models.swin_transformer import SwinTransformer
from torch import nn

from engine.model.config import ENCODER_TIMM, ModelConfig


def build_vision_encoder(cfg: ModelConfig) -> nn.Module:
    """The encoder of `cfg.encoder`: a module mapping B×3×H×W → {"res2".."res5"} with `.channels`."""
    if cfg.encoder == ENCODER_TIMM:
        from engine.model.timm_encoder import TimmEncoder

        return TimmEncoder(cfg)
    return SwinEncoder(cfg)


class SwinEncoder(nn.Module):
    """Swin backbone → {"res2": B×C×H/4×W/4, …, "res5": B×8C×H/32×W/32}."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.swin = SwinTransformer(
            img_size=cfg.image_size,
            patch_size=cfg.swin_patch_size,
            num_classes=0,
            embed_dim=cfg.swin_embed_dim,
            depths=cfg.swin_depths,
            num_heads=cfg.swin_num_heads,
            window_size=cfg.swin_window_size,
            mlp_ratio=cfg.swin_mlp_ratio,
            qkv_bias=True,
            drop_path_rate=cfg.swin_drop_path,
            always_partition=True,
            strict_img_size=False,
        )
        # The classifier's final norm is not part of the reference backbone; per-level norms replace it.
        self.swin.norm = nn.Identity()
        self.channels = cfg.encoder_channels
        self.norms = nn.ModuleList(nn.LayerNorm(c) for c in self.channels)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        if x.shape[-1] % 32 or x.shape[-2] % 32:
            raise ValueError(f"input sides must be multiples of 32, got {tuple(x.shape[-2:])}")
        feats = {}
        h = self.swin.patch_embed(x)  # B×H×W×C (NHWC)
        for i, stage in enumerate(self.swin.layers):
            h = stage(h)
            feats[f"res{i + 2}"] = self.norms[i](h).permute(0, 3, 1, 2).contiguous()
        return feats

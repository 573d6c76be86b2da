"""Pixel decoder (docs/REFERENCE.md R2.4): Mask2Former's multi-scale deformable-attention encoder over the
fused res3..res5, an FPN step down to res2, and the 1/4-resolution mask features.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.model.config import ModelConfig
from engine.model.deform_attn import MSDeformAttn
from engine.model.position import sine_position_encoding


class DeformableEncoderLayer(nn.Module):
    """Deformable self-attention → add & norm → FFN (ReLU) → add & norm (post-norm, dropout 0)."""

    def __init__(self, d_model: int, ffn_dim: int, n_levels: int, n_heads: int, n_points: int):
        super().__init__()
        self.self_attn = MSDeformAttn(d_model, n_levels, n_heads, n_points)
        self.norm1 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, ffn_dim)
        self.linear2 = nn.Linear(ffn_dim, d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, src, pos, reference_points, shapes):
        src = self.norm1(src + self.self_attn(src + pos, reference_points, src, shapes))
        return self.norm2(src + self.linear2(F.relu(self.linear1(src))))


def reference_points_for(shapes: list[tuple[int, int]], batch: int, n_levels: int, device, dtype):
    """Pixel-centre coordinates (normalised to [0,1]) of every location of every level, repeated per level."""
    points = []
    for h, w in shapes:
        ys, xs = torch.meshgrid(
            torch.linspace(0.5, h - 0.5, h, device=device, dtype=dtype) / h,
            torch.linspace(0.5, w - 0.5, w, device=device, dtype=dtype) / w,
            indexing="ij",
        )
        points.append(torch.stack((xs.reshape(-1), ys.reshape(-1)), -1))
    ref = torch.cat(points, 0)  # S×2 (all maps unpadded: valid ratios are 1)
    return ref[None, :, None, :].expand(batch, -1, n_levels, -1)


def conv_gn(cin: int, cout: int, k: int, relu: bool) -> nn.Sequential:
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, k, padding=k // 2),
        nn.GroupNorm(32 if cout % 32 == 0 else 1, cout),
    ]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class PixelDecoder(nn.Module):
    """Fused {res2..res5} → (mask_features B×D×H/4×W/4, [1/32, 1/16, 1/8] maps B×D×h×w)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.hidden_dim
        chans = cfg.encoder_channels  # res2..res5
        self.n_levels = cfg.num_feature_levels
        self.in_levels = [f"res{i + 2}" for i in range(len(chans))][-self.n_levels :][
            ::-1
        ]  # res5, res4, res3
        in_chans = list(chans[-self.n_levels :])[::-1]
        self.input_proj = nn.ModuleList(conv_gn(c, d, 1, relu=False) for c in in_chans)
        self.level_embed = nn.Parameter(torch.empty(self.n_levels, d))
        self.layers = nn.ModuleList(
            DeformableEncoderLayer(
                d, cfg.pixel_decoder_ffn, self.n_levels, cfg.pixel_decoder_heads, cfg.pixel_decoder_points
            )
            for _ in range(cfg.pixel_decoder_layers)
        )
        self.lateral = conv_gn(chans[0], d, 1, relu=True)
        self.output = conv_gn(d, d, 3, relu=True)
        self.mask_features = nn.Conv2d(d, d, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for seq in [*self.input_proj, self.lateral, self.output]:
            nn.init.xavier_uniform_(seq[0].weight)
            nn.init.zeros_(seq[0].bias)
        nn.init.normal_(self.level_embed)
        nn.init.kaiming_uniform_(self.mask_features.weight, a=1)
        nn.init.zeros_(self.mask_features.bias)

    def forward(self, feats: dict[str, torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        srcs, poss, shapes = [], [], []
        for i, name in enumerate(self.in_levels):
            x = self.input_proj[i](feats[name])
            _b, d, h, w = x.shape
            shapes.append((h, w))
            poss.append(sine_position_encoding(x, d // 2).flatten(2).transpose(1, 2) + self.level_embed[i])
            srcs.append(x.flatten(2).transpose(1, 2))
        src, pos = torch.cat(srcs, 1), torch.cat(poss, 1)
        ref = reference_points_for(shapes, src.shape[0], self.n_levels, src.device, src.dtype)
        for layer in self.layers:
            src = layer(src, pos, ref, shapes)
        outs = [
            m.transpose(1, 2).reshape(src.shape[0], -1, h, w)
            for m, (h, w) in zip(src.split([h * w for h, w in shapes], 1), shapes, strict=False)
        ]
        fine = self.lateral(feats["res2"])
        y = fine + F.interpolate(outs[-1], size=fine.shape[-2:], mode="bilinear", align_corners=False)
        y = self.output(y)
        return self.mask_features(y), outs

"""Sine positional encoding of a feature map (DETR / Mask2Former style, normalised coordinates)."""

from __future__ import annotations

import math

import torch


def sine_position_encoding(x: torch.Tensor, num_pos_feats: int, temperature: float = 10000.0) -> torch.Tensor:
    """B×C×H×W → B×(2·num_pos_feats)×H×W: y features then x features, coordinates normalised to (0, 2π]."""
    b, _, h, w = x.shape
    device, dtype = x.device, torch.float32
    eps, scale = 1e-6, 2 * math.pi
    y = torch.arange(1, h + 1, device=device, dtype=dtype).view(1, h, 1).expand(b, h, w)
    xx = torch.arange(1, w + 1, device=device, dtype=dtype).view(1, 1, w).expand(b, h, w)
    y = y / (h + eps) * scale
    xx = xx / (w + eps) * scale
    dim_t = torch.arange(num_pos_feats, device=device, dtype=dtype)
    dim_t = temperature ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / num_pos_feats)
    pos_x = xx[..., None] / dim_t
    pos_y = y[..., None] / dim_t
    pos_x = torch.stack((pos_x[..., 0::2].sin(), pos_x[..., 1::2].cos()), dim=4).flatten(3)
    pos_y = torch.stack((pos_y[..., 0::2].sin(), pos_y[..., 1::2].cos()), dim=4).flatten(3)
    return torch.cat((pos_y, pos_x), dim=3).permute(0, 3, 1, 2).to(x.dtype)

"""Multi-scale deformable attention (Deformable DETR), written with `F.grid_sample`.

The reference needs a custom CUDA op for this; bilinear sampling with grid_sample computes the same thing on
any device (zero padding outside the map, align_corners=False matches the op's pixel-centre convention).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn


def deformable_sample(
    value: torch.Tensor,
    shapes: list[tuple[int, int]],
    locations: torch.Tensor,
    weights: torch.Tensor,
) -> torch.Tensor:
    """Weighted bilinear samples of each level's value map.

    value: B×S×M×D (S = Σ H_l·W_l, M heads); locations: B×Q×M×L×P×2 in [0,1] (x, y);
    weights: B×Q×M×L×P (softmax over L·P). Returns B×Q×(M·D).
    """
    b, _, m, d = value.shape
    _, q, _, n_levels, n_points, _ = locations.shape
    per_level = value.split([h * w for h, w in shapes], dim=1)
    grids = 2 * locations - 1
    sampled = []
    for lvl, (h, w) in enumerate(shapes):
        v = per_level[lvl].flatten(2).transpose(1, 2).reshape(b * m, d, h, w)
        g = grids[:, :, :, lvl].transpose(1, 2).flatten(0, 1)  # (B·M)×Q×P×2
        sampled.append(F.grid_sample(v, g, mode="bilinear", padding_mode="zeros", align_corners=False))
    stacked = torch.stack(sampled, dim=-2).flatten(-2)  # (B·M)×D×Q×(L·P)
    w = weights.transpose(1, 2).reshape(b * m, 1, q, n_levels * n_points)
    out = (stacked * w).sum(-1).view(b, m * d, q)
    return out.transpose(1, 2).contiguous()


class MSDeformAttn(nn.Module):
    """Deformable attention over L levels, M heads, P sampling points per head and level."""

    def __init__(self, d_model: int, n_levels: int, n_heads: int, n_points: int):
        super().__init__()
        self.d_model, self.n_levels, self.n_heads, self.n_points = d_model, n_levels, n_heads, n_points
        self.sampling_offsets = nn.Linear(d_model, n_heads * n_levels * n_points * 2)
        self.attention_weights = nn.Linear(d_model, n_heads * n_levels * n_points)
        self.value_proj = nn.Linear(d_model, d_model)
        self.output_proj = nn.Linear(d_model, d_model)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Offsets start on a ring of directions (one per head) at growing distances (Deformable DETR)."""
        nn.init.zeros_(self.sampling_offsets.weight)
        thetas = torch.arange(self.n_heads, dtype=torch.float32) * (2.0 * math.pi / self.n_heads)
        grid = torch.stack([thetas.cos(), thetas.sin()], -1)
        grid = grid / grid.abs().max(-1, keepdim=True)[0]
        grid = grid.view(self.n_heads, 1, 1, 2).repeat(1, self.n_levels, self.n_points, 1)
        grid = grid * torch.arange(1, self.n_points + 1, dtype=torch.float32).view(1, 1, -1, 1)
        with torch.no_grad():
            self.sampling_offsets.bias.copy_(grid.flatten())
        nn.init.zeros_(self.attention_weights.weight)
        nn.init.zeros_(self.attention_weights.bias)
        nn.init.xavier_uniform_(self.value_proj.weight)
        nn.init.zeros_(self.value_proj.bias)
        nn.init.xavier_uniform_(self.output_proj.weight)
        nn.init.zeros_(self.output_proj.bias)

    def forward(
        self,
        query: torch.Tensor,
        reference_points: torch.Tensor,
        value_input: torch.Tensor,
        shapes: list[tuple[int, int]],
    ) -> torch.Tensor:
        """query: B×Q×C; reference_points: B×Q×L×2 in [0,1]; value_input: B×S×C."""
        b, q, _ = query.shape
        m, n_l, n_p = self.n_heads, self.n_levels, self.n_points
        value = self.value_proj(value_input).view(b, -1, m, self.d_model // m)
        offsets = self.sampling_offsets(query).view(b, q, m, n_l, n_p, 2)
        weights = self.attention_weights(query).view(b, q, m, n_l * n_p).softmax(-1).view(b, q, m, n_l, n_p)
        normaliser = torch.tensor([[w, h] for h, w in shapes], dtype=query.dtype, device=query.device)
        locations = (
            reference_points[:, :, None, :, None, :] + offsets / normaliser[None, None, None, :, None, :]
        )
        return self.output_proj(deformable_sample(value, shapes, locations, weights))

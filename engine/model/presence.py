"""Presence ("no such change") head: for each prompt, one logit saying whether the described change exists in
the tile at all, in the spirit of generalised referring segmentation's no-target classifier.

Why a separate score: a mask head trained only on present targets always finds *something* that looks most
like the words ("new swimming pools" in a tornado scene flagged 16 % of the image). The head reads the
decoder's language query, the mask features pooled under the final predicted mask (what was found), the
features pooled over the whole tile (what else is there), and the predicted mask's peak logit and area; it
is trained with empty-target expressions (engine/train/losses.py, `presence` term). The mask logits enter
detached, so the presence loss does not reshape the masks; the query and the mask features do learn from it.

`scene_presence` turns tile scores into one score for an analysed area: the change is there if any tile
holds it (the largest tile probability), which is what a user asking "where are the new swimming pools?"
needs; tiles are weighted equally.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.model.config import ModelConfig


class PresenceHead(nn.Module):
    """(query B×1×D, mask features B×D×h×w, final mask logits B×1×h×w) → B presence logits."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.hidden_dim
        self.norm = nn.LayerNorm(3 * d)
        self.mlp = nn.Sequential(nn.Linear(3 * d + 2, d), nn.GELU(), nn.Linear(d, 1))
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(
        self, query: torch.Tensor, mask_features: torch.Tensor, mask_logits: torch.Tensor
    ) -> torch.Tensor:
        logits = mask_logits.detach().float()
        if logits.shape[-2:] != mask_features.shape[-2:]:
            logits = nn.functional.interpolate(
                logits, size=mask_features.shape[-2:], mode="bilinear", align_corners=False
            )
        weight = logits.sigmoid().flatten(2).to(mask_features.dtype)  # B×1×N
        feats = mask_features.flatten(2)  # B×D×N
        inside = (feats * weight).sum(-1) / weight.sum(-1).clamp_min(1.0)  # an empty prediction pools ≈ 0
        context = feats.mean(-1)
        x = self.norm(torch.cat([query[:, 0].to(feats.dtype), inside, context], dim=-1))
        stats = torch.stack([logits.flatten(1).amax(1), weight.float().mean((1, 2))], dim=-1).to(x.dtype)
        return self.mlp(torch.cat([x, stats], dim=-1)).squeeze(-1)


def scene_presence(tile_logits: torch.Tensor | list[float]) -> float:
    """Probability that the described change is somewhere in an area, from its tiles' presence logits: the
    largest tile probability (0.0 for no tiles)."""
    t = torch.as_tensor(tile_logits, dtype=torch.float32).flatten()
    return float(t.sigmoid().max()) if t.numel() else 0.0

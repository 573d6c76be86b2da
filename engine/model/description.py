"""Description projector (docs/REFERENCE.md R2.7 steps 1-4): language hidden states → the single mask query.

1. p = mean of the last-layer hidden states over the refer span (expression tokens + trailing [SEG]);
2. global branch g = Linear(p);
3. local branch: one Perceiver-style block where the latent z0 = Linear(p) attends to the fused res5 tokens
   and to itself ([V; z0]), then a bias-free FFN (mult 1), a final LayerNorm → l;
4. query = Linear([g; l]) (width of the mask decoder).

The reference builds latents [p; R] but keeps only the first one; queries never attend to each other and the
keys/values hold only z0 among the latents, so the discarded latents cannot change z0. Computing z0 alone is
therefore the same function at a fraction of the cost.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.model.config import ModelConfig


class PerceiverBlock(nn.Module):
    """LN(V), LN(z) → multi-head attention of z over [V; z] (no biases) → residual → LN-FFN residual."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm_media = nn.LayerNorm(dim)
        self.norm_latents = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_kv = nn.Linear(dim, 2 * dim, bias=False)
        self.to_out = nn.Linear(dim, dim, bias=False)
        self.ff = nn.Sequential(
            nn.LayerNorm(dim), nn.Linear(dim, dim, bias=False), nn.GELU(), nn.Linear(dim, dim, bias=False)
        )

    def forward(self, media: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
        """media: B×N×d, latent: B×1×d → B×1×d."""
        b, _, d = latent.shape
        media, z = self.norm_media(media), self.norm_latents(latent)
        q = self.to_q(z)
        k, v = self.to_kv(torch.cat([media, z], dim=1)).chunk(2, dim=-1)
        split = lambda t: t.view(b, -1, self.heads, d // self.heads).transpose(1, 2)  # noqa: E731
        attn = F.scaled_dot_product_attention(split(q), split(k), split(v))
        latent = latent + self.to_out(attn.transpose(1, 2).reshape(b, -1, d))
        return latent + self.ff(latent)


class DescriptionProjector(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        h, d = cfg.lm_hidden_size, cfg.desc_dim
        self.text_global = nn.Linear(h, d)
        self.text_local = nn.Linear(h, d)
        self.visual = nn.Linear(cfg.encoder_channels[-1], d)
        self.block = PerceiverBlock(d, cfg.desc_heads)
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(2 * d, cfg.hidden_dim)

    def forward(self, refer_hidden: torch.Tensor, refer_mask: torch.Tensor, fused_res5: torch.Tensor):
        """refer_hidden: B×L×h (padded), refer_mask: B×L bool, fused_res5: B×C5×h5×w5 → B×1×hidden_dim."""
        m = refer_mask.to(refer_hidden.dtype).unsqueeze(-1)
        pooled = (refer_hidden * m).sum(1, keepdim=True) / m.sum(1, keepdim=True).clamp_min(1.0)
        g = self.text_global(pooled)
        media = self.visual(fused_res5.flatten(2).transpose(1, 2))
        local = self.norm(self.block(media, self.text_local(pooled)))
        return self.out(torch.cat([g, local], dim=-1))

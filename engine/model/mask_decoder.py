"""Masked-attention transformer decoder (Mask2Former; docs/REFERENCE.md R2.8).

Each layer: masked cross-attention to one pixel-decoder level (cycling 1/32 → 1/16 → 1/8), self-attention
among the queries, FFN; all post-norm. The prediction head (LayerNorm → 3-layer MLP → dot product with the
1/4-res mask features) runs on the initial queries and after every layer; each prediction also gives the
attention mask of the next layer (sigmoid < 0.5 is blocked, never a whole row, gradient stopped).
Stage 1 feeds the learned queries; stage 2 and inference feed the one language query with a zero position.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.model.config import ModelConfig
from engine.model.position import sine_position_encoding


class CrossAttentionLayer(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm = nn.LayerNorm(d)

    def forward(self, tgt, memory, attn_mask, pos, query_pos):
        out = self.attn(tgt + query_pos, memory + pos, memory, attn_mask=attn_mask, need_weights=False)[0]
        return self.norm(tgt + out)


class SelfAttentionLayer(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm = nn.LayerNorm(d)

    def forward(self, tgt, query_pos):
        q = tgt + query_pos
        return self.norm(tgt + self.attn(q, q, tgt, need_weights=False)[0])


class FFNLayer(nn.Module):
    def __init__(self, d: int, ffn: int):
        super().__init__()
        self.linear1 = nn.Linear(d, ffn)
        self.linear2 = nn.Linear(ffn, d)
        self.norm = nn.LayerNorm(d)

    def forward(self, tgt):
        return self.norm(tgt + self.linear2(F.relu(self.linear1(tgt))))


class MLP(nn.Sequential):
    """n Linear layers with ReLU between them."""

    def __init__(self, d: int, n: int):
        layers: list[nn.Module] = []
        for i in range(n):
            layers.append(nn.Linear(d, d))
            if i < n - 1:
                layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class MaskDecoder(nn.Module):
    """Queries + pixel-decoder outputs → list of B×Q×H/4×W/4 mask logits (initial + one per layer)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d, heads = cfg.hidden_dim, cfg.decoder_heads
        self.num_heads = heads
        self.n_levels = cfg.num_feature_levels
        self.level_embed = nn.Embedding(self.n_levels, d)
        self.cross = nn.ModuleList(CrossAttentionLayer(d, heads) for _ in range(cfg.decoder_layers))
        self.self_attn = nn.ModuleList(SelfAttentionLayer(d, heads) for _ in range(cfg.decoder_layers))
        self.ffn = nn.ModuleList(FFNLayer(d, cfg.decoder_ffn) for _ in range(cfg.decoder_layers))
        self.decoder_norm = nn.LayerNorm(d)
        self.mask_embed = MLP(d, 3)
        # Stage-1 learned queries (content + position); unused when a language query is given.
        self.query_feat = nn.Embedding(cfg.num_queries, d)
        self.query_embed = nn.Embedding(cfg.num_queries, d)
        self._reset_attention()

    def _reset_attention(self) -> None:
        for p in [*self.cross.parameters(), *self.self_attn.parameters(), *self.ffn.parameters()]:
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def learned_queries(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        q = self.query_feat.weight.unsqueeze(0).expand(batch, -1, -1)
        pos = self.query_embed.weight.unsqueeze(0).expand(batch, -1, -1)
        return q, pos

    def forward(
        self,
        mask_features: torch.Tensor,
        multi_scale: list[torch.Tensor],
        queries: torch.Tensor,
        query_pos: torch.Tensor | None = None,
    ) -> list[torch.Tensor]:
        if query_pos is None:
            query_pos = torch.zeros_like(queries)
        memories, positions, sizes = [], [], []
        for i, x in enumerate(multi_scale[: self.n_levels]):
            sizes.append(x.shape[-2:])
            positions.append(sine_position_encoding(x, x.shape[1] // 2).flatten(2).transpose(1, 2))
            memories.append(x.flatten(2).transpose(1, 2) + self.level_embed.weight[i])
        output = queries
        predictions = []
        mask, attn_mask = self._predict(output, mask_features, sizes[0])
        predictions.append(mask)
        for i in range(len(self.cross)):
            level = i % self.n_levels
            # A query that would see nothing sees everything instead (reference / Mask2Former rule).
            attn_mask = attn_mask & ~attn_mask.all(-1, keepdim=True)
            output = self.cross[i](output, memories[level], attn_mask, positions[level], query_pos)
            output = self.self_attn[i](output, query_pos)
            output = self.ffn[i](output)
            mask, attn_mask = self._predict(output, mask_features, sizes[(i + 1) % self.n_levels])
            predictions.append(mask)
        return predictions

    def _predict(self, output, mask_features, target_size):
        embed = self.mask_embed(self.decoder_norm(output))
        mask = torch.einsum("bqc,bchw->bqhw", embed, mask_features)
        with torch.no_grad():
            small = F.interpolate(mask.detach(), size=target_size, mode="bilinear", align_corners=False)
            blocked = small.sigmoid().flatten(2) < 0.5  # B×Q×HW
            blocked = blocked.unsqueeze(1).expand(-1, self.num_heads, -1, -1).flatten(0, 1)
        return mask, blocked

"""Visual tokens for the language model: the "SparseConv_1" compression connector (docs/REFERENCE.md R2.5).

Raw (unfused) res5 of ONE date → 3×3/2 conv → LayerNorm over the whole C×h×w map → 3×3/2 conv → LayerNorm →
1×1 conv → flatten: 64 tokens of the LM width for a 1024² input. The two LayerNorms are shaped for the
training input size, so res5 of another input size (e.g. a 512² tile) is first resized to the training grid
(bilinear); at the training size this is the identity.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.model.config import ModelConfig, _conv_out


class CompressionProjector(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        cin, h = cfg.encoder_channels[-1], cfg.lm_hidden_size
        self.grid = cfg.res5_grid
        g1 = _conv_out(self.grid)
        g2 = _conv_out(g1)
        self.conv1 = nn.Conv2d(cin, h, 3, stride=2, padding=1)
        self.norm1 = nn.LayerNorm([h, g1, g1])
        self.conv2 = nn.Conv2d(h, h, 3, stride=2, padding=1)
        self.norm2 = nn.LayerNorm([h, g2, g2])
        self.conv3 = nn.Conv2d(h, h, 1)

    def forward(self, res5: torch.Tensor) -> torch.Tensor:
        """B×C5×h×w → B×T×lm_hidden."""
        if tuple(res5.shape[-2:]) != (self.grid, self.grid):
            res5 = F.interpolate(res5, size=(self.grid, self.grid), mode="bilinear", align_corners=False)
        x = self.norm1(self.conv1(res5))
        x = self.norm2(self.conv2(x))
        return self.conv3(x).flatten(2).transpose(1, 2)

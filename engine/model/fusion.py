"""Bi-temporal fusion, one block per level (docs/REFERENCE.md R2.3; paper §IV-C3).

T1 is the earlier image, T2 the later one; every block returns a map shaped like one input. The default,
`change_aware`, models the change explicitly (signed + absolute difference of projected features), gates how
much change evidence is injected (SE-style gate from pooled features of both dates), and keeps the shared
context through a residual average. `avg`, `abs_diff` and `concat_conv` are the ablation baselines.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from torch import nn

from engine.model.config import ModelConfig


def group_count(channels: int) -> int:
    """GroupNorm groups: 32, or the largest of 16/8/4/2 dividing the channels (reference rule)."""
    for g in (32, 16, 8, 4, 2):
        if channels % g == 0:
            return g
    return 1


class CNA(nn.Sequential):
    """Conv k×k (no bias) → GroupNorm → GELU."""

    def __init__(self, cin: int, cout: int, k: int):
        super().__init__(
            nn.Conv2d(cin, cout, k, padding=k // 2, bias=False),
            nn.GroupNorm(group_count(cout), cout),
            nn.GELU(),
        )


class AvgFusion(nn.Module):
    """F = ½(T1 + T2); no parameters."""

    def __init__(self, channels: int):
        super().__init__()

    def forward(self, t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        return 0.5 * (t1 + t2)


class AbsDiffFusion(nn.Module):
    """D = CNA3(CNA3(|T2−T1|)); F = GELU(GN(CNA3(CNA1([½(T1+T2); D]))))."""

    def __init__(self, channels: int):
        super().__init__()
        c = channels
        self.diff = nn.Sequential(CNA(c, c, 3), CNA(c, c, 3))
        self.merge = nn.Sequential(CNA(2 * c, c, 1), CNA(c, c, 3))
        self.norm = nn.GroupNorm(group_count(c), c)

    def forward(self, t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        d = self.diff((t2 - t1).abs())
        return F.gelu(self.norm(self.merge(torch.cat([0.5 * (t1 + t2), d], dim=1))))


class ConcatConvFusion(nn.Module):
    """F = GELU(GN(CNA3(CNA1([T1; T2])) + ½(T1+T2)))."""

    def __init__(self, channels: int):
        super().__init__()
        c = channels
        self.merge = nn.Sequential(CNA(2 * c, c, 1), CNA(c, c, 3))
        self.norm = nn.GroupNorm(group_count(c), c)

    def forward(self, t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.norm(self.merge(torch.cat([t1, t2], dim=1)) + 0.5 * (t1 + t2)))


class ChangeAwareFusion(nn.Module):
    """The change-aware fusion block ("BiTemporalFusionBlock"), docs/REFERENCE.md R2.3 steps 1-6."""

    def __init__(self, channels: int):
        super().__init__()
        c = channels
        bottleneck = max(c // 4, 32)
        self.proj_t1 = CNA(c, c, 1)
        self.proj_t2 = CNA(c, c, 1)
        self.diff = nn.Sequential(CNA(2 * c, c, 3), CNA(c, c, 3))
        self.merge = nn.Sequential(CNA(4 * c, c, 1), CNA(c, c, 3))
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(2 * c, bottleneck, 1, bias=False),
            nn.GELU(),
            nn.Conv2d(bottleneck, c, 1, bias=True),
            nn.Sigmoid(),
        )
        self.norm = nn.GroupNorm(group_count(c), c)

    def forward(self, t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        p1, p2 = self.proj_t1(t1), self.proj_t2(t2)
        signed = p2 - p1  # direction of the change (appeared vs disappeared)
        magnitude = signed.abs()
        dfeat = self.diff(torch.cat([signed, magnitude], dim=1))
        fused = self.merge(torch.cat([p1, p2, magnitude, dfeat], dim=1))
        g = self.gate(torch.cat([p1, p2], dim=1))
        return F.gelu(self.norm(fused + g * dfeat + 0.5 * (p1 + p2)))


FUSION_BLOCKS: dict[str, type[nn.Module]] = {
    "avg": AvgFusion,
    "abs_diff": AbsDiffFusion,
    "concat_conv": ConcatConvFusion,
    "change_aware": ChangeAwareFusion,
}


class TemporalFusion(nn.Module):
    """One independent fusion block per level res2..res5."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        block = FUSION_BLOCKS[cfg.fusion]
        self.levels = [f"res{i + 2}" for i in range(len(cfg.encoder_channels))]
        pairs = zip(self.levels, cfg.encoder_channels, strict=True)
        self.blocks = nn.ModuleDict({name: block(c) for name, c in pairs})
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Kaiming-normal (fan_out) convolutions, GroupNorm γ=1 β=0, zero conv biases (docs/REFERENCE.md
        R2.3)."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.GroupNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, f1: dict[str, torch.Tensor], f2: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {name: self.blocks[name](f1[name], f2[name]) for name in self.levels}

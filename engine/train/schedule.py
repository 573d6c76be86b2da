"""Optimiser and learning-rate schedule of the reference recipe (§3.1): AdamW β=(0.9, 0.999), ε=1e-8, weight
decay 0, linear warm-up over the first `warmup_ratio` of the optimiser steps then cosine decay to zero (the
Hugging Face `cosine` schedule the reference used through its Trainer)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import partial

import torch
from torch.optim.lr_scheduler import LambdaLR


def build_optimizer(
    params: Iterable[torch.nn.Parameter], lr: float, weight_decay: float = 0.0
) -> torch.optim.AdamW:
    params = [p for p in params if p.requires_grad]
    # fused: one kernel per parameter group on CPUs and GPUs. On a CPU the default (for-loop) update was ~6 %
    # of a tiny-preset step and the foreach one still 23 ms; fused takes 6-7 ms (6.8 M parameters, 2 threads).
    return torch.optim.AdamW(
        params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay, fused=True
    )


def warmup_cosine_factor(step: int, *, warmup_steps: int, total_steps: int) -> float:
    """LR multiplier at optimiser step `step` (0-based, the step about to be taken)."""
    if step < warmup_steps:
        return float(step) / float(max(1, warmup_steps))
    progress = (step - warmup_steps) / float(max(1, total_steps - warmup_steps))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))))


def warmup_constant_factor(step: int, *, warmup_steps: int, total_steps: int) -> float:
    """Linear warm-up, then the peak rate until the end: for runs whose length is not known in advance
    (a time budget, early stopping), where a cosine over the longest possible run would barely decay."""
    if step < warmup_steps:
        return float(step) / float(max(1, warmup_steps))
    return 1.0


SCHEDULES = {"cosine": warmup_cosine_factor, "constant": warmup_constant_factor}


def build_scheduler(
    optimizer: torch.optim.Optimizer, total_steps: int, warmup_ratio: float, kind: str = "cosine"
) -> LambdaLR:
    """`partial` of a module-level function (not a lambda) keeps the scheduler's state_dict plain data, so
    it can be saved and re-read with `torch.load(weights_only=True)`."""
    warmup = math.ceil(total_steps * warmup_ratio)
    return LambdaLR(optimizer, partial(SCHEDULES[kind], warmup_steps=warmup, total_steps=total_steps))

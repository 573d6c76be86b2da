"""The one place where the training loop meets the model and the losses: a stage's forward pass as an
nn.Module (so DistributedDataParallel wraps the call that really runs; DDP only synchronises gradients of
work done inside its own `forward`) and the matching loss."""

from __future__ import annotations

import torch
from torch import nn

from engine.model.features import PairFeatures, shared_pairs


class StageForward(nn.Module):
    """`forward(batch)` runs the stage's model pass: stage 1 = vision only with the 100 learned queries,
    stage 2 = the language-guided single-query pass.

    Stage 2 with `pair_keys`: samples that are the same image pair (same key AND identical tensors, so an
    augmented copy is never merged) are encoded once and their features shared. The gradient is the same
    sum over samples as with duplicated images; only the vision work shrinks (≈3 expressions per pair).

    `vision_bf16`: stage 2 runs only the vision part (Swin, fusion, pixel decoder, projector) under bf16
    autocast and hands float32 features to the language branch and the mask decoder. On a CPU the vision
    part is where bf16 pays (convolutions and windowed attention over images); the small, shape-varying
    language and decoder work is faster left in float32 (docs/benchmarks/training.md, "Recipe 7")."""

    def __init__(self, model: nn.Module, stage: int, vision_bf16: bool = False):
        super().__init__()
        self.model = model
        self.stage = stage
        self.vision_bf16 = vision_bf16

    def forward(
        self,
        image_a: torch.Tensor,
        image_b: torch.Tensor,
        expressions: list[str] | None = None,
        pair_keys: list[str] | None = None,
    ):
        if self.stage == 1:
            return self.model.forward_stage1(image_a, image_b)
        if pair_keys is None:
            feats = self._encode(image_a, image_b)
        else:
            unique, index = shared_pairs(image_a, image_b, pair_keys)
            feats = self._encode(image_a[unique], image_b[unique])
            if len(unique) != len(pair_keys):
                feats = feats.select(index)
        return self.model.decode_stage2(feats, expressions, with_answer=True)

    def _encode(self, image_a: torch.Tensor, image_b: torch.Tensor) -> PairFeatures:
        if not self.vision_bf16:
            return self.model.encode_pair(image_a, image_b)
        with torch.autocast(image_a.device.type, dtype=torch.bfloat16):
            feats = self.model.encode_pair(image_a, image_b)
        return feats.to(image_a.device, torch.float32)


def stage_loss(
    stage: int, outputs, batch: dict, num_points: int | None = None
) -> tuple[torch.Tensor, dict[str, float]]:
    """Total loss to back-propagate and its logged components (plain floats, named loss_<part>)."""
    from engine.train.losses import stage1_loss, stage2_loss

    fn = stage1_loss if stage == 1 else stage2_loss
    kwargs = {"num_points": num_points} if num_points else {}
    result = fn(outputs, batch["mask"], **kwargs)  # {"total", "bce", "dice"[, "lm"]} (docs/INTERFACES.md §1b)
    logged = {f"loss_{k}": float(v.detach()) for k, v in result.items() if k != "total"}
    return result["total"], logged


def micro_batch_seed(seed: int, global_step: int, micro_index: int) -> int:
    """Seed of the torch RNG for one micro-batch, `micro_index` counted over the whole global batch
    (rank * grad_accum + local index). Drop-path and the losses' random points then depend only on which
    samples are in the micro-batch, not on how many processes share the step: a world of 2 reproduces a
    world of 1 with accumulation 2, and a resumed run needs no RNG stream to reproduce the next step."""
    return ((seed * 1_000_003 + global_step) * 65_537 + micro_index) % (2**63 - 1)

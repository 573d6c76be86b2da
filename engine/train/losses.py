"""Losses of MTRefSeg-R1 (docs/REFERENCE.md R2.9).

Mask loss on every deep-supervision output (the initial prediction + one per decoder layer): match
predictions to the ground truth (Hungarian; trivial for the single stage-2 query), then BCE and Dice on 12,544
importance-sampled points (PointRend: 3× oversampling, the 75 % most uncertain points + 25 % random), the
ground truth sampled bilinearly at the same coordinates from the full-resolution mask. Weights 5·BCE + 5·Dice
per output, summed over outputs; stage 2 adds the language-model cross-entropy (weight 1). Empty masks are
trained as they are (BCE pushes everything negative; Dice is smoothed with +1).

A model with a presence head (engine/model/presence.py) also gets, in stage 2, the binary cross-entropy of
its per-prompt presence logit against "the target mask is not empty" (weight WEIGHT_PRESENCE): the
empty-target expressions of the training data are what teach it to say "no such change".

Returned components: `bce` and `dice` are the unweighted sums over all outputs, `total` the weighted sum;
stage 2 adds `lm` and, with a presence head, `presence`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)

from engine.train.matching import NUM_POINTS, hungarian_match, point_sample

OVERSAMPLE_RATIO = 3
IMPORTANCE_RATIO = 0.75
WEIGHT_BCE = 5.0
WEIGHT_DICE = 5.0
WEIGHT_LM = 1.0
# One BCE per prompt against 12,544-point mask terms summed over every decoder output: weight 2 keeps it
# from vanishing next to them; a starting value for the training recipe to tune.
WEIGHT_PRESENCE = 2.0


@torch.no_grad()
def uncertain_point_coords(logits: torch.Tensor, num_points: int = NUM_POINTS) -> torch.Tensor:
    """N×1×h×w logits → N×P×2 coordinates: most-uncertain (smallest |logit|) oversampled points + random."""
    n = logits.shape[0]
    sampled = int(num_points * OVERSAMPLE_RATIO)
    coords = torch.rand(n, sampled, 2, device=logits.device)
    uncertainty = -point_sample(logits, coords).squeeze(1).abs()
    n_uncertain = int(IMPORTANCE_RATIO * num_points)
    idx = uncertainty.topk(n_uncertain, dim=1).indices
    chosen = coords.gather(1, idx[..., None].expand(-1, -1, 2))
    extra = torch.rand(n, num_points - n_uncertain, 2, device=logits.device)
    return torch.cat([chosen, extra], dim=1)


def mask_losses(
    src_logits: torch.Tensor, tgt_masks: torch.Tensor, num_masks: float, num_points: int = NUM_POINTS
) -> tuple[torch.Tensor, torch.Tensor]:
    """Matched pairs: N×h×w logits, N×H×W targets → (BCE, Dice), each summed over masks / num_masks."""
    if src_logits.shape[0] == 0:
        zero = src_logits.sum() * 0.0
        return zero, zero
    src = src_logits[:, None].float()
    coords = uncertain_point_coords(src.detach(), num_points)
    with torch.no_grad():
        labels = point_sample(tgt_masks[:, None].float(), coords).squeeze(1)
    logits = point_sample(src, coords).squeeze(1)
    bce = F.binary_cross_entropy_with_logits(logits, labels, reduction="none").mean(1).sum() / num_masks
    p = logits.sigmoid()
    dice = 1 - (2 * (p * labels).sum(-1) + 1) / (p.sum(-1) + labels.sum(-1) + 1)
    return bce, dice.sum() / num_masks


def _as_target_list(target_masks: torch.Tensor) -> list[torch.Tensor]:
    """B×1×S×S (or B×S×S) {0,1} → per image a T×S×S tensor (here T = 1)."""
    if target_masks.ndim == 3:
        target_masks = target_masks[:, None]
    return [t.float() for t in target_masks]


def deep_supervision_loss(outputs: dict, target_masks: torch.Tensor, num_points: int = NUM_POINTS) -> dict:
    targets = _as_target_list(target_masks.to(outputs["pred_masks"].device))
    num_masks = max(float(sum(t.shape[0] for t in targets)), 1.0)
    total_bce = total_dice = None
    for pred in [*outputs.get("aux", []), outputs["pred_masks"]]:
        matches = hungarian_match(pred, targets, num_points)
        src = torch.cat([pred[b, q] for b, (q, _) in enumerate(matches)])
        tgt = torch.cat([targets[b][t] for b, (_, t) in enumerate(matches)])
        bce, dice = mask_losses(src, tgt, num_masks, num_points)
        total_bce = bce if total_bce is None else total_bce + bce
        total_dice = dice if total_dice is None else total_dice + dice
    total = WEIGHT_BCE * total_bce + WEIGHT_DICE * total_dice
    return {"total": total, "bce": total_bce, "dice": total_dice}


def stage1_loss(outputs: dict, target_masks: torch.Tensor, num_points: int = NUM_POINTS) -> dict:
    """Stage 1: 100 learned queries, Hungarian-matched to the single change mask of each pair."""
    return deep_supervision_loss(outputs, target_masks, num_points)


def stage2_loss(outputs: dict, target_masks: torch.Tensor, num_points: int = NUM_POINTS) -> dict:
    """Stage 2: the language query's mask (+ deep supervision) and the answer-token LM cross-entropy."""
    losses = deep_supervision_loss(outputs, target_masks, num_points)
    lm = outputs.get("lm_loss")
    if lm is None:
        lm = losses["total"].new_zeros(())
    losses["lm"] = lm
    losses["total"] = losses["total"] + WEIGHT_LM * lm
    presence = outputs.get("presence_logits")
    if presence is not None:
        losses["presence"] = presence_loss(presence, target_masks)
        losses["total"] = losses["total"] + WEIGHT_PRESENCE * losses["presence"]
    return losses


def presence_targets(target_masks: torch.Tensor) -> torch.Tensor:
    """B float targets: 1 where the sample's mask has any changed pixel, 0 for an empty target."""
    return (target_masks.reshape(target_masks.shape[0], -1) > 0.5).any(dim=1).float()


def presence_loss(presence_logits: torch.Tensor, target_masks: torch.Tensor) -> torch.Tensor:
    """Mean BCE of the per-prompt presence logits (B) against `presence_targets`."""
    target = presence_targets(target_masks.to(presence_logits.device))
    return F.binary_cross_entropy_with_logits(presence_logits.float(), target)

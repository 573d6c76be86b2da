"""Hungarian matching of predicted masks to ground-truth masks (Mask2Former matcher, docs/REFERENCE.md R2.9).

Cost = 5·BCE + 5·Dice evaluated on 12,544 uniformly random points shared by all queries (there is no class
head, so no class cost). With one query (stage 2) the match is trivial; in stage 1 it picks the best of the
100 learned queries for the single change mask. Unmatched queries get no loss.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from scipy.optimize import linear_sum_assignment

NUM_POINTS = 12544


def point_sample(maps: torch.Tensor, coords: torch.Tensor) -> torch.Tensor:
    """Bilinear samples of N×C×H×W maps at N×P×2 normalised (x, y) ∈ [0,1] coordinates → N×C×P."""
    return F.grid_sample(maps, 2.0 * coords.unsqueeze(2) - 1.0, align_corners=False).squeeze(3)


def pairwise_bce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Q×P logits, T×P targets → Q×T mean BCE over points."""
    pos = F.softplus(-logits)  # BCE against 1
    neg = F.softplus(logits)  # BCE against 0
    return (pos @ targets.T + neg @ (1 - targets).T) / logits.shape[1]


def pairwise_dice(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Q×P logits, T×P targets → Q×T Dice loss (1 − smoothed Dice coefficient)."""
    p = logits.sigmoid()
    numerator = 2 * p @ targets.T
    denominator = p.sum(-1)[:, None] + targets.sum(-1)[None, :]
    return 1 - (numerator + 1) / (denominator + 1)


@torch.no_grad()
def hungarian_match(
    pred_masks: torch.Tensor,
    targets: list[torch.Tensor],
    num_points: int = NUM_POINTS,
    weight_bce: float = 5.0,
    weight_dice: float = 5.0,
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """pred_masks: B×Q×h×w logits; targets: per image a T×H×W float {0,1} tensor.

    Returns per image (query indices, target indices), as torch long tensors.
    """
    out = []
    for b, tgt in enumerate(targets):
        if pred_masks.shape[1] == 1 and tgt.shape[0] == 1:  # stage 2: the only possible assignment
            out.append((torch.zeros(1, dtype=torch.long), torch.zeros(1, dtype=torch.long)))
            continue
        pred = pred_masks[b].float()
        coords = torch.rand(1, num_points, 2, device=pred.device)
        p = point_sample(pred[:, None], coords.expand(pred.shape[0], -1, -1)).squeeze(1)
        t = point_sample(tgt[:, None].float(), coords.expand(tgt.shape[0], -1, -1)).squeeze(1)
        cost = weight_bce * pairwise_bce(p, t) + weight_dice * pairwise_dice(p, t)
        # non-finite costs (a diverged model) become the largest float, as in Mask2Former: the match still
        # succeeds and the loss check of the training loop reports the NaN, not scipy's "invalid entries"
        big = torch.finfo(cost.dtype).max
        cost = torch.nan_to_num(cost, nan=big, posinf=big, neginf=big)
        rows, cols = linear_sum_assignment(cost.cpu().numpy())
        out.append((torch.as_tensor(rows, dtype=torch.long), torch.as_tensor(cols, dtype=torch.long)))
    return out

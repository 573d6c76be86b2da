"""Point-sampled BCE + Dice losses with deep supervision, and Hungarian matching (docs/REFERENCE.md R2.9)."""

from __future__ import annotations

import torch

from engine.train.losses import stage1_loss, stage2_loss, uncertain_point_coords
from engine.train.matching import hungarian_match, pairwise_bce, pairwise_dice

N_POINTS = 2048


def square_target(batch: int = 1, size: int = 128) -> torch.Tensor:
    t = torch.zeros(batch, 1, size, size)
    t[:, :, 32:96, 16:64] = 1
    return t


def logits_for(target: torch.Tensor, low: int = 32, scale: float = 8.0) -> torch.Tensor:
    """Confident logits at 1/4 resolution agreeing with the target."""
    small = torch.nn.functional.interpolate(target, size=(low, low), mode="area")
    return (small * 2 - 1) * scale


def test_perfect_prediction_scores_lower_than_a_wrong_one_and_both_are_finite():
    torch.manual_seed(0)
    target = square_target(2)
    good = logits_for(target)
    bad = -good
    l_good = stage2_loss({"pred_masks": good, "aux": [good]}, target, num_points=N_POINTS)
    l_bad = stage2_loss({"pred_masks": bad, "aux": [bad]}, target, num_points=N_POINTS)
    for key in ("bce", "dice", "total"):
        assert torch.isfinite(l_good[key]) and torch.isfinite(l_bad[key])
        assert l_good[key] < l_bad[key]
    assert l_good["lm"] == 0  # no lm_loss in the outputs → zero, total unchanged
    assert torch.allclose(l_good["total"], 5 * l_good["bce"] + 5 * l_good["dice"])


def test_lm_loss_is_added_with_weight_one():
    target = square_target(1)
    pred = logits_for(target)
    out = stage2_loss({"pred_masks": pred, "aux": [], "lm_loss": torch.tensor(0.75)}, target, N_POINTS)
    assert torch.allclose(out["total"], 5 * out["bce"] + 5 * out["dice"] + 0.75)


def test_empty_masks_are_trained_negative_and_stay_finite():
    target = torch.zeros(2, 1, 64, 64)
    negative = torch.full((2, 1, 16, 16), -12.0)
    positive = torch.full((2, 1, 16, 16), 6.0)
    l_neg = stage2_loss({"pred_masks": negative, "aux": []}, target, num_points=N_POINTS)
    l_pos = stage2_loss({"pred_masks": positive.requires_grad_(), "aux": []}, target, num_points=N_POINTS)
    # BCE ≈ 0 for confident empties. Dice does not reach 0: importance sampling favours border points,
    # whose logits blend with grid_sample's zero padding (p ≈ 0.5), as in the reference's point sampling.
    assert l_neg["bce"] < 1e-3
    assert l_neg["dice"] < l_pos["dice"] and l_pos["dice"] > 0.9
    assert l_pos["total"] > l_neg["total"]
    l_pos["total"].backward()
    assert (positive.grad >= 0).all() and positive.grad.sum() > 0  # only ever pushes logits down


def test_deep_supervision_sums_every_output():
    target = square_target(1)
    outs = [logits_for(target, scale=s) for s in (1.0, 3.0, -2.0)]
    torch.manual_seed(1)
    together = stage2_loss({"pred_masks": outs[2], "aux": outs[:2]}, target, num_points=N_POINTS)
    torch.manual_seed(1)  # same random stream, consumed output by output in the same order
    singles = [stage2_loss({"pred_masks": o, "aux": []}, target, num_points=N_POINTS) for o in outs]
    for key in ("bce", "dice", "total"):
        assert torch.allclose(together[key], sum(s[key] for s in singles), atol=1e-5)


def test_hungarian_matching_picks_the_query_that_fits():
    torch.manual_seed(2)
    target = square_target(2, size=128)
    preds = torch.randn(2, 10, 32, 32)
    good = logits_for(target)
    preds[0, 7] = good[0, 0]
    preds[1, 2] = good[1, 0]
    matches = hungarian_match(preds, [t for t in target], num_points=N_POINTS)
    assert [int(q) for q, _ in matches] == [7, 2]
    assert all(int(t) == 0 for _, (t,) in matches)


def test_stage1_loss_only_penalises_the_matched_query():
    torch.manual_seed(3)
    target = square_target(1)
    preds = torch.randn(1, 5, 32, 32) * 4
    preds[0, 3] = logits_for(target)[0, 0]
    preds.requires_grad_(True)
    out = stage1_loss({"pred_masks": preds, "aux": []}, target, num_points=N_POINTS)
    out["total"].backward()
    touched = [i for i in range(5) if preds.grad[0, i].abs().sum() > 0]
    assert touched == [3]


def test_pairwise_costs_match_their_definitions():
    logits = torch.tensor([[4.0, -4.0, 4.0], [-4.0, 4.0, -4.0]])
    targets = torch.tensor([[1.0, 0.0, 1.0]])
    bce = pairwise_bce(logits, targets)
    dice = pairwise_dice(logits, targets)
    ref_bce = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, targets.expand(2, -1), reduction="none"
    )
    assert torch.allclose(bce[:, 0], ref_bce.mean(1))
    p = logits.sigmoid()
    ref_dice = 1 - (2 * (p * targets).sum(1) + 1) / (p.sum(1) + targets.sum() + 1)
    assert torch.allclose(dice[:, 0], ref_dice)
    assert bce[0, 0] < bce[1, 0] and dice[0, 0] < dice[1, 0]


def test_importance_sampling_prefers_uncertain_points():
    torch.manual_seed(4)
    logits = torch.full((1, 1, 64, 64), 20.0)
    logits[..., :, 20:40] = 0.0  # an uncertain stripe, 31 % of the area
    coords = uncertain_point_coords(logits, num_points=1000)
    assert coords.shape == (1, 1000, 2)
    in_stripe = ((coords[0, :, 0] * 64 > 19.5) & (coords[0, :, 0] * 64 < 40.5)).float().mean()
    assert in_stripe > 0.7  # uniform sampling would give ≈ 0.33

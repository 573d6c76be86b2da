"""Parity of the re-implemented Mask2Former kernels with Hugging Face transformers' Mask2Former.

MTRS writes its own multi-scale deformable attention, sine position encoding and Hungarian matcher (small,
dependency-free modules that run on any device). These tests hold them to the implementation in
`transformers.models.mask2former.modeling_mask2former` on random inputs: same weights, same points, same
numbers. Where MTRS differs on purpose, the test checks the difference and its docstring says why.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)
from scipy.optimize import linear_sum_assignment
from transformers.models.mask2former import modeling_mask2former as hf
from transformers.models.mask2former.configuration_mask2former import Mask2FormerConfig

from engine.model.deform_attn import MSDeformAttn, deformable_sample
from engine.model.position import sine_position_encoding
from engine.train.matching import hungarian_match, pairwise_bce, pairwise_dice, point_sample

SHAPES = [(16, 12), (8, 6), (4, 3)]  # three levels, not square, as in the pixel decoder
D_MODEL, HEADS, POINTS = 32, 4, 4


def _deform_inputs(seed: int = 0, batch: int = 2, queries: int = 9):
    g = torch.Generator().manual_seed(seed)
    tokens = sum(h * w for h, w in SHAPES)
    value = torch.randn(batch, tokens, HEADS, D_MODEL // HEADS, generator=g)
    # locations partly outside [0, 1]: both must sample zeros there (zero padding)
    locations = torch.rand(batch, queries, HEADS, len(SHAPES), POINTS, 2, generator=g) * 1.4 - 0.2
    weights = torch.rand(batch, queries, HEADS, len(SHAPES) * POINTS, generator=g).softmax(-1)
    return value, locations, weights.view(batch, queries, HEADS, len(SHAPES), POINTS)


def test_deformable_sampling_equals_transformers_function() -> None:
    value, locations, weights = _deform_inputs()
    ours = deformable_sample(value, SHAPES, locations, weights)
    theirs = hf.multi_scale_deformable_attention(value, SHAPES, locations, weights)
    assert ours.shape == (2, 9, D_MODEL)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-6)
    # the comparison can fail: another level order gives other numbers
    other = hf.multi_scale_deformable_attention(value, SHAPES, locations.flip(3), weights)
    assert not torch.allclose(ours, other, atol=1e-3)


def _hf_deform_attention() -> hf.Mask2FormerPixelDecoderEncoderMultiscaleDeformableAttention:
    module = hf.Mask2FormerPixelDecoderEncoderMultiscaleDeformableAttention(
        embed_dim=D_MODEL, num_heads=HEADS, n_levels=len(SHAPES), n_points=POINTS
    )
    # transformers initialises the module from its PreTrainedModel; `self` only supplies the config there
    fake_model = SimpleNamespace(config=Mask2FormerConfig())
    hf.Mask2FormerPreTrainedModel._init_weights(fake_model, module)
    return module


def test_deformable_attention_module_matches_with_the_same_init_and_weights() -> None:
    """Same parameter names and the Deformable DETR initialisation: from the same seed both modules hold the
    same tensors, and forward gives the same output (the pixel decoder's use: 2-d reference points, no
    padding mask, positions already added to the query)."""
    torch.manual_seed(3)
    ours = MSDeformAttn(D_MODEL, len(SHAPES), HEADS, POINTS)
    torch.manual_seed(3)
    theirs = _hf_deform_attention()
    state = ours.state_dict()
    assert state.keys() == theirs.state_dict().keys()
    for name, tensor in theirs.state_dict().items():
        torch.testing.assert_close(state[name], tensor, rtol=0, atol=0, msg=name)
    # trained weights: random everywhere (the zero init would hide offset and weight mistakes)
    g = torch.Generator().manual_seed(4)
    trained = {k: torch.randn(v.shape, generator=g) * 0.2 for k, v in state.items()}
    ours.load_state_dict(trained)
    theirs.load_state_dict(trained)
    tokens = sum(h * w for h, w in SHAPES)
    query = torch.randn(2, tokens, D_MODEL, generator=g)
    reference = torch.rand(2, tokens, len(SHAPES), 2, generator=g)
    with torch.no_grad():
        out = ours(query, reference, query, SHAPES)
        expected, _ = theirs(
            query, encoder_hidden_states=query, reference_points=reference, spatial_shapes_list=SHAPES
        )
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("size", [(1, 32, 16, 16), (2, 64, 13, 7)])
def test_sine_position_encoding_equals_transformers(size: tuple[int, int, int, int]) -> None:
    """MTRS always normalises the coordinates to (0, 2π] (Mask2Former's setting), and its maps are never
    padded, so transformers' `normalize=True` without a mask is the matching configuration."""
    x = torch.randn(size)
    ours = sine_position_encoding(x, size[1] // 2)
    embed = hf.Mask2FormerSinePositionEmbedding(num_position_features=size[1] // 2, normalize=True)
    theirs = embed(x.shape, x.device, torch.float32)
    assert ours.shape == theirs.shape == size
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-6)
    unnormalised = hf.Mask2FormerSinePositionEmbedding(num_position_features=size[1] // 2)
    assert not torch.allclose(ours, unnormalised(x.shape, x.device, torch.float32), atol=1e-2)


def test_sine_position_encoding_in_half_precision_is_computed_in_float32() -> None:
    """Documented difference: for a half-precision map MTRS computes the encoding in float32 and casts the
    result, where transformers computes in the map's dtype. Angles up to 2π/dim_t in float16 lose ~3 digits
    before the sine, so the float32 route is the accurate one (bf16 training and fp16 inference use it)."""
    x = torch.randn(1, 64, 40, 40)
    exact = sine_position_encoding(x, 32)
    ours = sine_position_encoding(x.half(), 32)
    assert ours.dtype == torch.float16
    assert torch.equal(ours, exact.half())
    embed = hf.Mask2FormerSinePositionEmbedding(num_position_features=32, normalize=True)
    theirs = embed(x.shape, x.device, torch.float16)
    assert (ours.float() - exact).abs().max() < (theirs.float() - exact).abs().max()


def _matching_inputs(seed: int, queries: int = 8, targets: int = 3):
    g = torch.Generator().manual_seed(seed)
    pred = torch.randn(2, queries, 24, 24, generator=g) * 3  # predictions at a quarter of the label size
    # blob-like targets (6×6 random cells of 16 px); some queries resemble them, so the optimum is clear-cut
    cells = [(torch.rand(targets, 6, 6, generator=g) > 0.6).float() for _ in range(2)]
    masks = [c.repeat_interleave(16, 1).repeat_interleave(16, 2) for c in cells]
    for b in range(2):
        for t in range(targets):
            pred[b, (t + 2) % queries] += 4 * (F.avg_pool2d(masks[b][t][None], 4)[0] - 0.5)
    return pred, masks


def _hf_match(pred: torch.Tensor, masks: list[torch.Tensor], num_points: int, seed: int):
    """transformers' matcher with MTRS's weights: 5·BCE + 5·Dice and no class cost (MTRS has no class head,
    so the class logits given are constant and weigh 0)."""
    matcher = hf.Mask2FormerHungarianMatcher(
        cost_class=0.0, cost_mask=5.0, cost_dice=5.0, num_points=num_points
    )
    classes = torch.zeros(pred.shape[0], pred.shape[1], 2)
    labels = [torch.zeros(m.shape[0], dtype=torch.long) for m in masks]
    torch.manual_seed(seed)
    return matcher(pred, classes, masks, labels)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hungarian_matching_gives_transformers_assignment(seed: int) -> None:
    """Both draw the points with one `torch.rand(1, P, 2)` per image, so from the same seed they sample the
    same points and must return the same (query, target) pairs."""
    pred, masks = _matching_inputs(seed)
    torch.manual_seed(100 + seed)
    ours = hungarian_match(pred, masks, num_points=2000)
    theirs = _hf_match(pred, masks, 2000, 100 + seed)
    assert len(ours) == len(theirs) == 2
    for (q, t), (hq, ht) in zip(ours, theirs, strict=True):
        assert len(q) == 3
        assert torch.equal(q, hq) and torch.equal(t, ht)


def test_matching_costs_equal_transformers_costs_on_the_same_points() -> None:
    """The cost matrix itself (not only its optimum): MTRS writes the pairwise BCE with softplus, transformers
    with BCEWithLogitsLoss against all-ones / all-zeros; on identical points they agree to float precision,
    and so does the assignment scipy finds on them."""
    pred, masks = _matching_inputs(5)
    coords = torch.rand(1, 3000, 2, generator=torch.Generator().manual_seed(6))
    p = point_sample(pred[0][:, None], coords.expand(pred.shape[1], -1, -1)).squeeze(1)
    t = point_sample(masks[0][:, None], coords.expand(masks[0].shape[0], -1, -1)).squeeze(1)
    hp = hf.sample_point(pred[0][:, None], coords.repeat(pred.shape[1], 1, 1), align_corners=False).squeeze(1)
    ht = hf.sample_point(masks[0][:, None], coords.repeat(3, 1, 1), align_corners=False).squeeze(1)
    assert torch.equal(p, hp) and torch.equal(t, ht)
    bce, dice = pairwise_bce(p, t), pairwise_dice(p, t)
    torch.testing.assert_close(bce, hf.pair_wise_sigmoid_cross_entropy_loss(p, t), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(dice, hf.pair_wise_dice_loss(p, t), rtol=1e-5, atol=1e-6)
    ours = linear_sum_assignment(5 * bce + 5 * dice)
    theirs = linear_sum_assignment(
        5 * hf.pair_wise_sigmoid_cross_entropy_loss(p, t) + 5 * hf.pair_wise_dice_loss(p, t)
    )
    assert all((a == b).all() for a, b in zip(ours, theirs, strict=True))


def test_non_finite_predictions_are_matched_like_transformers() -> None:
    """A diverged query (NaN logits) gets the largest cost in both, so it is matched only when nothing else
    can be, and the matcher never raises (the training loop then reports the NaN loss itself)."""
    pred, masks = _matching_inputs(7, queries=4)
    pred[:, 3] = math.nan  # one of four queries
    torch.manual_seed(8)
    ours = hungarian_match(pred, masks, num_points=1000)
    theirs = _hf_match(pred, masks, 1000, 8)
    for (q, t), (hq, ht) in zip(ours, theirs, strict=True):
        assert 3 not in q.tolist()
        assert torch.equal(q, hq) and torch.equal(t, ht)


def test_single_query_single_target_skips_sampling_by_design() -> None:
    """Documented difference: in stage 2 (one query, one target) the only assignment is (0, 0), so MTRS
    returns it without sampling points (no wasted work, no random numbers drawn: a stage-2 run's random
    stream does not depend on the matcher). transformers samples and returns the same pair."""
    pred, masks = _matching_inputs(9, queries=1, targets=1)
    torch.manual_seed(10)
    before = torch.get_rng_state()
    ours = hungarian_match(pred, masks, num_points=500)
    assert torch.equal(torch.get_rng_state(), before)
    theirs = _hf_match(pred, masks, 500, 10)
    for (q, t), (hq, ht) in zip(ours, theirs, strict=True):
        assert q.tolist() == t.tolist() == hq.tolist() == ht.tolist() == [0]

"""Stage-2 pair batches: encoding a pair once for all its expressions must be the same function, with the
same gradients, as encoding a copy of the pair for every expression."""

from __future__ import annotations

import torch

from engine.model import ModelConfig, build_model
from engine.train.steps import StageForward


def test_shared_encoding_gives_the_same_outputs_and_gradients():
    torch.manual_seed(0)
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64, swin_drop_path=0.0)
    model = build_model(cfg).train()
    a1, b1, a2, b2 = (torch.randn(1, 3, 64, 64) for _ in range(4))
    image_a = torch.cat([a1, a1, a2, a1])
    image_b = torch.cat([b1, b1, b2, b1])
    expressions = [
        "the red square that appeared",
        "the blue circle that moved",
        "the cross",
        "the white cross",
    ]
    keys = ["p1", "p1", "p2", "p1"]
    forward = StageForward(model, stage=2)

    def run(pair_keys):
        model.zero_grad(set_to_none=True)
        out = forward(image_a, image_b, expressions, pair_keys)
        (out["pred_masks"].square().mean() + sum(a.mean() for a in out["aux"])).backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        return out["pred_masks"].detach(), grads

    separate, grads_separate = run(None)
    shared, grads_shared = run(keys)
    torch.testing.assert_close(shared, separate, rtol=1e-4, atol=1e-5)
    assert grads_shared.keys() == grads_separate.keys()
    assert any(n.startswith("vision_encoder") for n in grads_shared)
    for name, g in grads_separate.items():
        torch.testing.assert_close(grads_shared[name], g, rtol=1e-3, atol=1e-6, msg=name)
    # the prompts really differ: the masks of two expressions on the same pair are not equal
    assert not torch.allclose(shared[0], shared[1])


def test_vision_bf16_covers_the_vision_part_only():
    """`vision_bf16`: Swin, fusion and pixel decoder compute in bf16, the language branch and the mask decoder
    get float32 features, and the masks stay close to the float32 pass (bf16 is a speed option, not a
    different model)."""
    torch.manual_seed(0)
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64, swin_drop_path=0.0)
    model = build_model(cfg).eval()
    image_a, image_b = torch.randn(2, 3, 64, 64), torch.randn(2, 3, 64, 64)
    expressions = ["the red square that appeared", "the blue circle that moved"]
    seen: dict[str, torch.dtype] = {}
    model.fusion.register_forward_hook(lambda m, i, out: seen.__setitem__("fusion", out["res2"].dtype))
    model.mask_decoder.register_forward_hook(lambda m, i, out: seen.__setitem__("decoder_in", i[0].dtype))
    with torch.no_grad():
        plain = StageForward(model, stage=2)(image_a, image_b, expressions, ["p1", "p2"])
        assert seen == {"fusion": torch.float32, "decoder_in": torch.float32}
        mixed = StageForward(model, stage=2, vision_bf16=True)(image_a, image_b, expressions, ["p1", "p2"])
    assert seen == {"fusion": torch.bfloat16, "decoder_in": torch.float32}
    assert mixed["pred_masks"].dtype == torch.float32
    assert not torch.equal(mixed["pred_masks"], plain["pred_masks"])  # bf16 really ran
    agree = ((mixed["pred_masks"] > 0) == (plain["pred_masks"] > 0)).float().mean()
    assert agree > 0.95


def test_projector_gradients_stay_finite_under_bf16_autocast():
    """64-px inputs give 2×2 res5 maps and 1×1 maps inside the projector; there its bf16 weight gradient came
    out non-finite or ~1e37 in about one backward pass in five on a CPU with native bf16 (oneDNN), so
    `encode_pair` runs the projector in float32 even under autocast."""
    torch.manual_seed(0)
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64, swin_drop_path=0.0)
    model = build_model(cfg).train()
    model.vision_encoder.requires_grad_(False)
    images = torch.randn(4, 3, 64, 64)
    for _ in range(20):
        model.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            feats = model.encode_pair(images[:2], images[2:])
        assert feats.visual_tokens.dtype == torch.float32
        feats.visual_tokens.square().mean().backward()
        grad = model.projector.conv2.weight.grad
        assert torch.isfinite(grad).all() and grad.abs().max() < 1e3

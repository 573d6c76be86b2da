"""MTRefSeg-R1 (tiny preset) end to end on CPU: shapes, Swin-once, gradients per group, prompt checks."""

from __future__ import annotations

import pytest
import torch

from engine.errors import InputError
from engine.model import ModelConfig, PairFeatures, build_model
from engine.model.mtrefseg import PARAMETER_GROUPS, STAGE1_TRAINABLE
from engine.train.losses import stage1_loss, stage2_loss

PROMPTS = ["the new red houses in the top left", "buildings demolished"]


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return build_model(ModelConfig.from_preset("mtrefseg-r1-tiny"))


def images(batch: int, size: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 3, size, size, generator=g), torch.randn(batch, 3, size, size, generator=g)


@pytest.mark.parametrize("size", [256, 512])
def test_inference_shapes_for_tiles_of_256_and_512(model, size):
    model.eval()
    a, b = images(2, size)
    with torch.no_grad():
        feats = model.encode_pair(a, b)
        logits = model.segment(feats, PROMPTS)
        all_changes = model.segment_all_changes(feats)
    assert feats.mask_features.shape == (2, 64, size // 4, size // 4)
    assert [t.shape[-1] for t in feats.multi_scale] == [size // 32, size // 16, size // 8]
    assert feats.visual_tokens.shape == (2, 2 * model.config.tokens_per_image, model.config.lm_hidden_size)
    assert logits.shape == (2, 1, size, size) and all_changes.shape == (2, 1, size, size)
    assert torch.isfinite(logits).all() and torch.isfinite(all_changes).all()


def test_prompt_changes_the_mask_and_batch_items_are_independent(model):
    model.eval()
    a, b = images(2, 256, seed=1)
    with torch.no_grad():
        feats = model.encode_pair(a, b)
        both = model.segment(feats, PROMPTS)
        first_alone = model.segment(feats.split()[0], PROMPTS[:1])
        swapped = model.segment(feats, PROMPTS[::-1])
    assert torch.allclose(both[:1], first_alone, atol=1e-4)
    assert not torch.allclose(both[0], swapped[0], atol=1e-4)


def test_pair_features_split_stack_to_and_nbytes(model):
    model.eval()
    a, b = images(3, 256, seed=2)
    with torch.no_grad():
        feats = model.encode_pair(a, b)
    parts = feats.split()
    assert len(parts) == 3 and parts[1].batch_size == 1
    again = PairFeatures.stack(parts)
    assert torch.equal(again.mask_features, feats.mask_features)
    assert all(torch.equal(x, y) for x, y in zip(again.multi_scale, feats.multi_scale, strict=False))
    assert feats.nbytes == sum(p.nbytes for p in parts) > 0
    assert feats.to("cpu").image_size == (256, 256)


def count_swin_calls(model):
    calls = []
    handle = model.vision_encoder.register_forward_hook(lambda m, inp, out: calls.append(inp[0].shape[0]))
    return calls, handle


def test_swin_runs_once_per_image_per_forward(model):
    model.eval()
    a, b = images(2, 256)
    calls, handle = count_swin_calls(model)
    patch_calls = []
    h2 = model.vision_encoder.swin.patch_embed.register_forward_hook(
        lambda m, inp, out: patch_calls.append(inp[0].shape[0])
    )
    try:
        with torch.no_grad():
            model.forward_stage1(a, b)
            assert calls == [4] and patch_calls == [4]  # one batched call over the 2 + 2 images
            calls.clear(), patch_calls.clear()
            model.forward_stage2(a, b, PROMPTS)
            assert calls == [4] and patch_calls == [4]
            calls.clear(), patch_calls.clear()
            feats = model.encode_pair(a, b)
            model.segment(feats, PROMPTS)
            model.segment(feats, PROMPTS[::-1])  # a second prompt reuses the cached features
            model.segment_all_changes(feats)
            assert calls == [4] and patch_calls == [4]
    finally:
        handle.remove()
        h2.remove()


def groups_with_grad(model) -> set[str]:
    return {
        name
        for name, params in model.parameter_groups().items()
        if any(p.grad is not None and p.grad.abs().sum() > 0 for p in params)
    }


def test_stage1_gradients_reach_the_visual_groups_only(model):
    model.train()
    model.set_trainable(STAGE1_TRAINABLE)
    model.zero_grad(set_to_none=True)
    a, b = images(2, 256)
    target = torch.zeros(2, 1, 256, 256)
    target[0, 0, 40:120, 30:90] = 1
    out = model.forward_stage1(a, b)
    assert out["pred_masks"].shape == (2, 100, 64, 64)
    assert len(out["aux"]) == model.config.decoder_layers
    losses = stage1_loss(out, target, num_points=1024)
    losses["total"].backward()
    assert groups_with_grad(model) == set(STAGE1_TRAINABLE)
    frozen = [p for n in PARAMETER_GROUPS if n not in STAGE1_TRAINABLE for p in model.parameter_groups()[n]]
    assert all(not p.requires_grad for p in frozen)
    model.set_trainable(PARAMETER_GROUPS)
    model.zero_grad(set_to_none=True)


def test_stage2_gradients_reach_every_group(model):
    model.train()
    model.set_trainable(PARAMETER_GROUPS)
    model.zero_grad(set_to_none=True)
    a, b = images(2, 256)
    target = torch.zeros(2, 1, 256, 256)
    target[1, 0, 100:200, 10:60] = 1
    out = model.forward_stage2(a, b, PROMPTS)
    assert out["pred_masks"].shape == (2, 1, 64, 64) and out["lm_loss"].ndim == 0
    losses = stage2_loss(out, target, num_points=1024)
    assert set(losses) == {"total", "bce", "dice", "lm"}
    losses["total"].backward()
    assert groups_with_grad(model) == set(PARAMETER_GROUPS)
    model.zero_grad(set_to_none=True)


def test_gradient_checkpointing_gives_the_same_loss_and_gradients(model):
    model.train()
    torch.manual_seed(3)
    a, b = images(1, 256, seed=3)
    emb = model.language_model.get_input_embeddings().weight

    def run():
        model.zero_grad(set_to_none=True)
        out = model.forward_stage2(a, b, PROMPTS[:1])
        out["lm_loss"].backward()
        return out["lm_loss"].detach(), emb.grad.clone()

    model.eval()  # no drop-path randomness
    base_loss, base_grad = run()
    model.set_gradient_checkpointing(True)
    try:
        model.language_model.train()
        loss, grad = run()
    finally:
        model.set_gradient_checkpointing(False)
    assert torch.allclose(loss, base_loss, atol=1e-5) and torch.allclose(grad, base_grad, atol=1e-5)


def test_prompt_checks_raise_input_error(model):
    model.tokenize_check("new houses")
    with pytest.raises(InputError, match="empty"):
        model.tokenize_check("   ")
    with pytest.raises(InputError, match="too long"):
        model.tokenize_check("house " * (model.max_prompt_tokens + 1))


def test_inputs_must_be_multiples_of_32(model):
    with pytest.raises(ValueError, match="multiples of 32"):
        model.encode_pair(torch.zeros(1, 3, 250, 256), torch.zeros(1, 3, 250, 256))

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

"""The presence ("no such change") head: shapes and gradients, the loss term, learning to say "absent" on an
empty target, the presence metrics, and the evaluation runner reporting them."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)

from engine.data import MTRefSegDataset
from engine.evaluate.metrics import PresenceMeter
from engine.evaluate.reports import markdown_table
from engine.evaluate.runner import evaluate
from engine.model import ModelConfig, build_model
from engine.model.presence import PresenceHead, scene_presence
from engine.train.losses import WEIGHT_PRESENCE, presence_loss, presence_targets, stage2_loss
from tests.conftest import write_referring_split

LITE = "mtrefseg-r1-lite"


@pytest.fixture(scope="module")
def lite64(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("MTRS_BASE_WEIGHTS_DIR", str(tmp_path_factory.mktemp("base-weights")))
    torch.manual_seed(0)
    model = build_model(ModelConfig.from_preset(LITE, image_size=64), package_weights=False).eval()
    yield model
    mp.undo()


def test_head_shapes_and_which_inputs_it_trains():
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny")
    head = PresenceHead(cfg)
    query = torch.randn(3, 1, cfg.hidden_dim, requires_grad=True)
    feats = torch.randn(3, cfg.hidden_dim, 16, 16, requires_grad=True)
    logits = torch.randn(3, 1, 16, 16, requires_grad=True)
    out = head(query, feats, logits)
    assert out.shape == (3,)
    out.sum().backward()
    assert query.grad is not None and feats.grad is not None
    assert logits.grad is None  # the presence loss does not reshape the masks


def test_only_configs_with_the_head_build_it(lite64):
    tiny = build_model(ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64))
    assert tiny.presence_head is None and "presence_head" not in tiny.parameter_groups()
    assert "presence_head" in lite64.parameter_groups()
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 3, 64, 64, generator=g), torch.randn(2, 3, 64, 64, generator=g)
    with torch.no_grad():
        out = lite64.decode_stage2(lite64.encode_pair(a, b), ["new buildings", "new swimming pools"])
        masks, presence = lite64.segment_with_presence(lite64.encode_pair(a, b), ["x", "y"])
        tiny_masks, tiny_presence = tiny.segment_with_presence(tiny.encode_pair(a, b), ["x", "y"])
    assert out["presence_logits"].shape == (2,) and presence.shape == (2,) and masks.shape == (2, 1, 64, 64)
    assert tiny_presence is None and tiny_masks.shape == (2, 1, 64, 64)


def test_presence_loss_by_hand():
    masks = torch.zeros(3, 1, 8, 8)
    masks[0, 0, 2, 3] = 1  # present
    masks[2, 0] = 1  # present
    assert presence_targets(masks).tolist() == [1.0, 0.0, 1.0]
    logits = torch.tensor([2.0, 1.0, -0.5])
    expected = (
        -(torch.log(torch.sigmoid(torch.tensor(2.0))) + torch.log(1 - torch.sigmoid(torch.tensor(1.0)))
          + torch.log(torch.sigmoid(torch.tensor(-0.5))))
        / 3
    )  # fmt: skip
    assert presence_loss(logits, masks) == pytest.approx(float(expected), rel=1e-6)


def test_stage2_loss_adds_the_weighted_presence_term():
    torch.manual_seed(0)
    pred = torch.randn(2, 1, 16, 16)
    target = torch.zeros(2, 1, 64, 64)
    target[0, 0, :20, :20] = 1
    presence = torch.tensor([0.3, 0.8])
    torch.manual_seed(1)
    without = stage2_loss({"pred_masks": pred, "aux": []}, target, 64)
    torch.manual_seed(1)
    with_head = stage2_loss({"pred_masks": pred, "aux": [], "presence_logits": presence}, target, 64)
    assert "presence" not in without
    assert float(with_head["presence"]) == pytest.approx(float(presence_loss(presence, target)))
    assert float(with_head["total"]) == pytest.approx(
        float(without["total"]) + WEIGHT_PRESENCE * float(with_head["presence"]), rel=1e-5
    )


def test_the_head_learns_to_say_absent_on_an_empty_target(lite64):
    """Two prompts on one pair: one names a changed square, the other has an empty target. A few steps of
    the stage-2 loss on the language-side parts are enough to separate them."""
    model = lite64
    g = torch.Generator().manual_seed(3)
    a = torch.randn(1, 3, 64, 64, generator=g)
    b = a.clone()
    b[..., 16:40, 16:40] += 2.0
    target = torch.zeros(2, 1, 64, 64)
    target[0, 0, 16:40, 16:40] = 1
    prompts = ["new buildings", "new swimming pools"]
    with torch.no_grad():
        feats = model.encode_pair(a, b).select(torch.tensor([0, 0]))
    params = [*model.presence_head.parameters(), *model.description_projector.parameters()]
    opt = torch.optim.AdamW(params, lr=3e-3)
    model.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    model.train()
    try:
        for _ in range(40):
            loss = stage2_loss(model.decode_stage2(feats, prompts), target, 256)["total"]
            opt.zero_grad()
            loss.backward()
            opt.step()
    finally:
        model.eval()
        model.zero_grad(set_to_none=True)
        model.requires_grad_(True)
    with torch.no_grad():
        _, presence = model.segment_with_presence(feats, prompts)
    assert presence[0] > 0 > presence[1], presence.tolist()
    assert scene_presence(presence[1:]) < 0.5 < scene_presence(presence)


def test_presence_meter_by_hand():
    meter = PresenceMeter()
    gt = torch.zeros(6, 4, 4)
    gt[:3, 0, 0] = 1  # samples 0-2 present, 3-5 empty
    meter.update(torch.tensor([True, True, False, True, False, False]), gt)
    m = meter.compute()
    assert (m["tp"], m["fn"], m["fp"], m["tn"]) == (2, 1, 1, 2)
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["F1"] == pytest.approx(2 / 3)
    assert m["N-acc"] == pytest.approx(2 / 3) and m["T-acc"] == pytest.approx(2 / 3)
    only_present = PresenceMeter()
    only_present.update(torch.tensor([True]), gt[:1])
    assert only_present.compute()["N-acc"] is None and only_present.compute()["T-acc"] == 1.0


@pytest.fixture
def split(tmp_path: Path) -> Path:
    """Two 32×32 pairs, expressions "object i" (a square) and "nothing i" (empty target)."""
    return write_referring_split(tmp_path, 2, (32, 32), (4, 12), col_stride=8, grey_step=80)


def test_evaluation_reports_presence_from_the_head_and_from_the_masks(lite64, split):
    ds = MTRefSegDataset(split, 64)
    res = evaluate(lite64, ds, batch_size=4)
    p, pm = res["presence"], res["presence_from_masks"]
    assert p["source"] == "presence head" and p["samples"] == pm["samples"] == 4
    assert p["tp"] + p["fn"] == 2 and p["tn"] + p["fp"] == 2  # two present, two empty targets
    logits = [s["presence_logit"] for s in res["per_sample"]]
    assert all(isinstance(v, float) for v in logits)
    assert p["N-acc"] == sum(v <= 0 for v in logits[1::2]) / 2  # "nothing i" are the empty targets
    assert "Presence (from the presence head)" in markdown_table(res)


def test_models_without_a_head_are_scored_from_their_masks(split):
    ds = MTRefSegDataset(split, 64)

    class EmptyFinder(torch.nn.Module):
        """A real tiny model whose masks are forced empty: says "absent" for everything."""

        def __init__(self):
            super().__init__()
            self.inner = build_model(ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64))

        def encode_pair(self, a, b):
            return self.inner.encode_pair(a, b)

        def segment(self, feats, prompts):
            return F.relu(self.inner.segment(feats, prompts)).neg() - 1.0

    res = evaluate(EmptyFinder(), ds, batch_size=4)
    assert res["presence"]["source"] == "masks"
    assert res["presence"]["N-acc"] == 1.0 and res["presence"]["T-acc"] == 0.0
    assert res["presence"] == {"source": "masks", **res["presence_from_masks"]}

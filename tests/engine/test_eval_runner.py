"""The evaluation runner with a fake model that follows docs/INTERFACES.md §1, and `mtrs eval` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.cli import main as mtrs
from engine.data import MTRefSegDataset
from engine.data.transforms import letterbox_mask
from engine.evaluate.runner import evaluate, shuffled_expressions
from engine.model.features import PairFeatures
from tests.conftest import write_referring_split


class OracleModel(torch.nn.Module):
    """Answers each expression with the letterboxed mask it was told about: a perfect language follower."""

    def __init__(self, answers: dict[str, torch.Tensor], union: torch.Tensor):
        super().__init__()
        self.answers, self.union = answers, union
        self.dummy = torch.nn.Parameter(torch.zeros(1))
        self.pairs_encoded = 0

    def encode_pair(self, earlier: torch.Tensor, later: torch.Tensor) -> PairFeatures:
        assert earlier.shape == later.shape and earlier.shape[1] == 3
        self.pairs_encoded += earlier.shape[0]
        return PairFeatures(earlier, [earlier], earlier, earlier, tuple(earlier.shape[-2:]))

    def segment(self, feats: PairFeatures, prompts: list[str]) -> torch.Tensor:
        assert len(prompts) == feats.batch_size
        return torch.stack([self.answers[p] * 20 - 10 for p in prompts])

    def segment_all_changes(self, feats: PairFeatures) -> torch.Tensor:
        return (self.union * 20 - 10).expand(feats.batch_size, 1, *self.union.shape[-2:])


@pytest.fixture
def split(tmp_path: Path) -> Path:
    """Three non-square (20×40) pairs, two expressions each with distinct masks, one of them empty."""
    return write_referring_split(tmp_path, 3, (20, 40), (2, 10), col_stride=10, grey_step=60)


def _oracle(ds: MTRefSegDataset) -> OracleModel:
    answers = {
        r.expression: letterbox_mask(ds.original_mask(i), ds.image_size) for i, r in enumerate(ds.records)
    }
    union = torch.stack(list(answers.values())).amax(dim=0)
    return OracleModel(answers, union)


def test_perfect_model_scores_one_in_both_frames(split: Path) -> None:
    ds = MTRefSegDataset(split, 64)
    oracle = _oracle(ds)
    res = evaluate(oracle, ds, batch_size=4, keep_examples=2)
    assert oracle.pairs_encoded == 3  # batches [p0 p0 p1 p1] [p2 p2]: each pair encoded once, not 6 times
    assert res["letterboxed"]["mIoU"] == pytest.approx(1.0, abs=1e-5)
    assert res["letterboxed"]["empty_both"] == 3 and res["letterboxed"]["fp_on_empty_gt"] == 0
    assert res["original"]["mIoU"] > 0.9  # the round trip through the letterbox is close, not exact
    assert [s["sample_id"] for s in res["per_sample"]] == ["p0", "p0", "p1", "p1", "p2", "p2"]
    assert len(res["examples"]) == 2 and res["examples"][0]["earlier"].dtype == np.uint8


def test_shuffled_expressions_break_a_language_follower(split: Path) -> None:
    ds = MTRefSegDataset(split, 64)
    shuffled = evaluate(_oracle(ds), ds, shuffle_expressions=True, shuffle_seed=1)
    assert shuffled["shuffled_expressions"] and shuffled["letterboxed"]["mIoU"] < 0.7
    exprs = [r.expression for r in ds.records]
    assert shuffled_expressions(exprs, 1) == shuffled_expressions(exprs, 1) != exprs
    assert sorted(shuffled_expressions(exprs, 1)) == sorted(exprs)


def test_stage1_scores_the_union_and_limit(split: Path) -> None:
    ds = MTRefSegDataset(split, 64)
    res = evaluate(_oracle(ds), ds, stage=1, limit=2)
    assert res["samples"] == 2
    change = res["letterboxed"]["change"]
    assert change["recall"] == 1.0 and change["precision"] < 0.5  # union of 3 objects vs one object's mask


def test_mtrs_eval_with_a_real_tiny_model(split: Path, tmp_path: Path) -> None:
    from engine.model import ModelConfig, build_model

    model_dir = tmp_path / "model"
    build_model(ModelConfig.from_preset("mtrefseg-r1-tiny")).save_pretrained(model_dir)
    out = tmp_path / "eval"
    rc = mtrs(["eval", "--model", str(model_dir), "--data", str(split), "--image-size", "64", "--limit", "3",
               "--out", str(out), "--examples", "2"])  # fmt: skip
    assert rc == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["samples"] == 3 and 0.0 <= metrics["letterboxed"]["mIoU"] <= 1.0
    assert "| letterboxed |" in (out / "metrics.md").read_text()
    assert "Outcomes" in (out / "metrics.md").read_text()
    assert (out / "samples.png").stat().st_size > 1000


def test_outcomes_tell_a_change_detector_from_a_language_follower(split: Path) -> None:
    """A model that answers every expression with its pair's change (a change detector) is right on "object i"
    and raises a false alarm on another expression's target for "nothing i"; the oracle is right on all."""
    ds = MTRefSegDataset(split, 64)
    oracle = _oracle(ds)
    res = evaluate(oracle, ds, batch_size=4)
    outcomes = res["letterboxed"]["outcomes"]
    assert outcomes["correct"] == 3 and outcomes["correct_empty"] == 3 and sum(outcomes.values()) == 6
    oracle.answers = {f"nothing {i}": oracle.answers[f"object {i}"] for i in range(3)} | {
        f"object {i}": oracle.answers[f"object {i}"] for i in range(3)
    }
    res = evaluate(oracle, ds, batch_size=4)
    outcomes = res["letterboxed"]["outcomes"]
    assert outcomes["correct"] == 3 and outcomes["false_alarm_other_target"] == 3
    assert [s["outcome"] for s in res["per_sample"]][:2] == ["correct", "false_alarm_other_target"]
    assert "outcomes" not in evaluate(oracle, ds, stage=1)["letterboxed"]

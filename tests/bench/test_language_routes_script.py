"""`scripts/compare_language_routes.py`: both routes must start from the SAME visual weights (the bundled lite
model's) with fresh language-side heads, and the report must carry every measured figure. The two trainings
themselves run outside the tests (about an hour on 2 cores)."""

from __future__ import annotations

import json

import pytest
import torch

from engine.model import load_model
from tests.bench.conftest import ROOT, load_script


@pytest.fixture(scope="module")
def script():
    return load_script("scripts/compare_language_routes.py")


pytestmark = pytest.mark.usefixtures("base_weights_cache")


def test_both_routes_start_from_the_bundled_visual_weights(script, tmp_path):
    bundled = load_model(script.BUNDLED)
    inits = {}
    for route in script.ROUTES:
        script.make_init(route, tmp_path / route, seed=0)
        inits[route] = load_model(tmp_path / route)
        assert inits[route].config.language == route
        for group in script.SHARED_GROUPS:
            mine, theirs = getattr(inits[route], group).state_dict(), getattr(bundled, group).state_dict()
            assert mine.keys() == theirs.keys()
            assert all(torch.equal(mine[k], theirs[k]) for k in mine), (route, group)
        # the language side is fresh, not the bundled model's trained projector
        fresh = inits[route].description_projector.out.weight
        assert not torch.equal(fresh, bundled.description_projector.out.weight)
    sentence, seg = (inits[r] for r in script.ROUTES)
    assert not sentence.config.uses_visual_tokens and seg.config.uses_visual_tokens
    mtime = (tmp_path / "encoder-seg" / "config.json").stat().st_mtime_ns
    script.make_init("encoder-seg", tmp_path / "encoder-seg", seed=0)  # done once, then kept
    assert (tmp_path / "encoder-seg" / "config.json").stat().st_mtime_ns == mtime


def test_the_report_carries_every_measured_figure(script):
    bundled_card = ROOT / "engine" / "bundled" / "mtrefseg-r1-lite" / "evaluation.json"
    evaluation = json.loads(bundled_card.read_text())
    figures = script.headline(evaluation)
    assert figures["xbd_destroyed_iou"] == evaluation["xbd_destroyed_iou"]
    assert figures["absent_said_absent"] == evaluation["absent_prompts"]["said_absent_fraction"]
    other = {**figures, "xbd_destroyed_iou": 0.123456, "train_seconds": 99.0}
    record = {
        "epochs": 2,
        "expressions": 5740,
        "samples": 4800,
        "seed": 0,
        "train_language": False,
        "measured_utc": "2026-12-02 14:33",
        "routes": {"sentence-embedding": {**figures, "train_seconds": 10.0}, "encoder-seg": other},
    }
    text = script.report(record)
    assert "| sentence-embedding | encoder-seg |" in text
    assert f"{evaluation['xbd_destroyed_iou']:.3f}" in text and "0.123" in text
    assert "5740 expressions" in text and "frozen in both runs" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(script.ROWS) + 1  # header + one row per measure

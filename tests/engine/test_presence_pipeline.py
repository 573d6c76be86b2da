"""The pipeline side of the presence ("no such change") head: a prompt the model finds in no tile ends with no
polygons, a note, `presence` in the result and the run record; a prompt it finds everywhere gives exactly the
polygons of an ungated run; a model without the head reports nothing about presence.

The presence head's verdict is forced through its output bias (weights zeroed), so these tests check the
pipeline's handling, not what a trained head believes."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
import torch

from engine.errors import InputError
from engine.model import ModelConfig, build_model
from engine.pipeline.analyse import analyse
from engine.pipeline.request import AnalysisRequest
from tests.conftest import write_geotiff


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("presence-pair")
    rng = np.random.default_rng(3)
    earlier = rng.integers(40, 90, (3, 150, 170), dtype=np.uint8)
    later = earlier.copy()
    later[:, 40:90, 60:120] = 220  # one bright "change"
    return write_geotiff(root / "t1.tif", earlier), write_geotiff(root / "t2.tif", later)


def model_saying(logit: float | None):
    """A tiny random model whose presence head always answers `logit` (None: a model without the head)."""
    torch.manual_seed(0)
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64, presence_head=logit is not None)
    model = build_model(cfg).eval()
    if logit is not None:
        last = model.presence_head.mlp[-1]
        torch.nn.init.zeros_(last.weight)
        torch.nn.init.constant_(last.bias, logit)
    return model


def run(pair, tmp_path, model, name, **options):
    request = AnalysisRequest(
        earlier=pair[0],
        later=pair[1],
        prompts=["new swimming pools"],
        output=str(tmp_path / f"{name}.gpkg"),
        device="cpu",
        overlap=16,
        threshold=0.3,  # a random model's probabilities sit near 0.5: polygons exist without the gate
        **options,
    )
    return analyse(request, model=model)


def feature_count(path) -> int:
    with sqlite3.connect(path) as db:
        layer = db.execute("select table_name from gpkg_contents where data_type = 'features'").fetchone()[0]
        return db.execute(f'select count(*) from "{layer}"').fetchone()[0]


def test_absent_prompt_gives_an_empty_layer_a_note_and_a_record(pair, tmp_path):
    result = run(pair, tmp_path, model_saying(-20.0), "absent")
    verdict = result.presence["new swimming pools"]
    assert verdict["present"] is False and verdict["tiles_present"] == 0 and verdict["tiles"] == result.tiles
    assert verdict["probability"] < 0.01
    assert result.absent_prompts == ["new swimming pools"]
    assert result.n_polygons == 0 and feature_count(result.output) == 0
    assert any("no such change found" in note for note in result.warnings)
    assert result.run_record["presence"] == result.presence
    stored = json.loads(json.dumps(result.run_record))  # the record is JSON as written
    assert stored["presence"]["new swimming pools"]["present"] is False


def test_present_prompt_keeps_every_polygon_of_an_ungated_run(pair, tmp_path):
    present = run(pair, tmp_path, model_saying(20.0), "present")
    ungated = run(pair, tmp_path, model_saying(20.0), "ungated", presence_threshold=0.0)
    assert present.presence["new swimming pools"]["present"] is True
    assert present.presence["new swimming pools"]["tiles_present"] == present.tiles
    assert present.n_polygons > 0 and present.n_polygons == ungated.n_polygons
    assert present.total_area_m2 == pytest.approx(ungated.total_area_m2)
    assert not present.absent_prompts and not any("no such change" in n for n in present.warnings)


def test_a_threshold_of_zero_turns_the_gate_off(pair, tmp_path):
    absent_but_ungated = run(pair, tmp_path, model_saying(-20.0), "off", presence_threshold=0.0)
    assert absent_but_ungated.n_polygons > 0
    assert absent_but_ungated.presence["new swimming pools"]["present"] is True  # nothing is below 0


def test_models_without_the_head_report_no_presence(pair, tmp_path):
    result = run(pair, tmp_path, model_saying(None), "nohead")
    assert result.presence is None and result.run_record["presence"] is None and result.n_polygons > 0


def test_all_changes_mode_has_no_presence_verdict(pair, tmp_path):
    request = AnalysisRequest(
        earlier=pair[0],
        later=pair[1],
        all_changes=True,
        output=str(tmp_path / "all.gpkg"),
        device="cpu",
        overlap=16,
    )
    assert analyse(request, model=model_saying(-20.0)).presence is None


@pytest.mark.parametrize("value", [-0.1, 1.0, float("nan")])
def test_presence_threshold_out_of_range_is_an_input_error(pair, value):
    with pytest.raises(InputError, match=r"presence.threshold"):
        AnalysisRequest(earlier=pair[0], later=pair[1], prompts=["x"], presence_threshold=value).validate()

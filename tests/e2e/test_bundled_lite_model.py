"""The default (lite) model is what a newcomer meets first (`make demo`, the dock's default, `mtrs predict`
without --model). On the held-out xBD Joplin scene 1 (human damage labels; never used in its training) it
must reproduce its model card's figure for "buildings destroyed by the tornado", and answer a prompt naming
an absent change with "not here" and an empty layer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch

from engine.model import BUNDLED_MODEL_DIR, load_model
from engine.pipeline.analyse import analyse
from engine.pipeline.request import AnalysisRequest

ROOT = Path(__file__).resolve().parents[2]
XBD = ROOT / "datasets" / "xbd-joplin"
DESTROYED = "buildings destroyed by the tornado"
ABSENT = "a volcanic lava flow"


@pytest.fixture(scope="module")
def model():
    return load_model(None)


def destroyed_reference() -> np.ndarray:
    import shapely
    from osgeo import ogr
    from rasterio.features import rasterize

    with rasterio.open(XBD / "1_pre.tif") as src:
        shape, transform = (src.height, src.width), src.transform
    source = ogr.Open(str(XBD / "1_buildings.gpkg"))
    layer = source.GetLayerByName("buildings")
    geoms = [
        shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb()))
        for f in layer
        if f.GetField("subtype") == "destroyed"
    ]
    return rasterize(geoms, out_shape=shape, transform=transform, fill=0, default_value=1).astype(bool)


def test_bundled_model_is_the_lite_model_in_half_precision(model) -> None:
    assert model.model_id == "bundled:mtrefseg-r1-lite" and model.config.name == "mtrefseg-r1-lite"
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert (BUNDLED_MODEL_DIR / "README.md").is_file(), "the model card must travel with the model"
    size = sum(f.stat().st_size for f in BUNDLED_MODEL_DIR.iterdir())
    assert size <= 40 * 1024 * 1024, f"the bundled model is {size / 2**20:.1f} MB (at most 40 MB in git)"


def test_held_out_xbd_scene_matches_the_model_card(model, tmp_path) -> None:
    request = AnalysisRequest(
        earlier=str(XBD / "1_pre.tif"),
        later=str(XBD / "1_post.tif"),
        prompts=[DESTROYED, ABSENT],
        output=str(tmp_path / "changes.gpkg"),
        probabilities=str(tmp_path / "prob.tif"),
        device="cpu",
    )
    result = analyse(request, model=model)
    with rasterio.open(request.probabilities) as src:
        destroyed = src.read(1) >= 0.5
        absent = src.read(2) >= 0.5
    ref = destroyed_reference()
    iou = float((destroyed & ref).sum() / (destroyed | ref).sum())
    card = json.loads((BUNDLED_MODEL_DIR / "evaluation.json").read_text())
    # same inputs, same weights, CPU: the card's figure is reproducible (float jitter allowed)
    assert abs(iou - card["xbd_destroyed_iou"]) < 0.01
    assert iou > 0.4  # the tiny demo model it replaced scored 0.27 here
    assert result.presence[DESTROYED]["present"] is True
    assert result.presence[ABSENT]["present"] is False and not absent.any()
    assert result.absent_prompts == [ABSENT]

"""End to end on the real Joplin GeoTIFFs (tests/data/joplin): CLI, real tiny model, exact geometry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from osgeo import ogr

from engine.pipeline import AnalysisRequest, FeatureCache, analyse
from engine.pipeline.null_model import NullModel
from tests.conftest import JOPLIN, write_geotiff

MTRS = Path(sys.executable).with_name("mtrs")
PRE, POST = str(JOPLIN / "0_pre.tif"), str(JOPLIN / "0_post.tif")


def test_real_imagery_exact_geometry(tmp_path) -> None:
    """Real pre image; the 'later' is it with two painted roofs: polygons must hit them exactly."""
    with rasterio.open(PRE) as src:
        data, profile = src.read(), src.profile
        transform = src.transform
    later = data.copy()
    later[:, 300:340, 500:560] = 255  # 2400 px, crosses tile borders (tile 256, overlap 64)
    later[:, 700:710, 100:120] = 255
    profile.update(driver="GTiff")
    lpath = write_geotiff(tmp_path / "later.tif", later, crs=profile["crs"], transform=transform)
    r = analyse(
        AnalysisRequest(earlier=PRE, later=lpath, prompts=["new roofs"], output=str(tmp_path / "o.gpkg")),
        model=NullModel(delta=60.0),
    )
    px = abs(transform.a * transform.e)
    changed = ((later.astype(int).mean(0) - data.astype(int).mean(0)) >= 60).sum()
    assert r.run_record["alignment"]["same_grid"] is True
    assert r.total_area_m2 == pytest.approx(changed * px, rel=1e-6)
    ds = ogr.Open(str(tmp_path / "o.gpkg"))
    xmin, _xmax, _ymin, ymax = max(
        (f.GetGeometryRef().GetEnvelope() for f in ds.GetLayer(0)), key=lambda e: e[1] - e[0]
    )
    x0, y0 = transform * (500, 300)
    assert abs(xmin - x0) < 1e-6 * abs(x0) and abs(ymax - y0) < 1e-6 * abs(y0)


def test_cli_on_real_pair_warps_and_summarises(tmp_path) -> None:
    out = tmp_path / "joplin.gpkg"
    cmd = [
        str(MTRS),
        "predict",
        PRE,
        POST,
        "--model",
        "null:brighter",
        "--prompt",
        "brighter",
        "-o",
        str(out),
        "--min-area",
        "20",
        "--simplify",
        "0.3",
        "--quiet",
    ]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "polygon(s)" in p.stdout and "tile(s)" in p.stdout and "cpu" in p.stdout
    ds = ogr.Open(str(out))
    layer = ds.GetLayer(0)
    assert layer.GetFeatureCount() > 0
    areas = [f.GetField("area_m2") for f in layer]
    assert min(areas) >= 20
    assert (tmp_path / "joplin.run.json").exists()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)  # exists → error, no traceback
    assert p.returncode == 2 and "already exists" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.tif", POST, "--prompt", "x"], "not found"),
        ([PRE, POST, "--prompt", ""], "empty prompt"),
        ([PRE, POST, "--prompt", "x", "--bands-later", "4"], "band 4 does not exist"),
        ([PRE, POST, "--prompt", "x", "--model", "/nonexistent/model"], ""),
    ],
)
def test_cli_errors(tmp_path, args, message) -> None:
    p = subprocess.run(
        [str(MTRS), "predict", *args, "-o", str(tmp_path / "o.gpkg")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert p.returncode != 0 and message in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "o.gpkg").exists()


def test_real_tiny_model_end_to_end_with_cache(tiny_checkpoint, tmp_path) -> None:
    """The real model (random weights) on a 384² Joplin crop: runs, writes; a 2nd prompt hits the cache."""
    from engine.model import load_model

    model = load_model(str(tiny_checkpoint))
    cache = FeatureCache()
    with rasterio.open(PRE) as src:
        x0, y0 = src.transform * (200, 200)
        x1, y1 = src.transform * (584, 584)
    base = {"earlier": PRE, "later": POST, "extent": [x0, y1, x1, y0], "overlap": 64, "threshold": 0.5}
    r1 = analyse(
        AnalysisRequest(
            **base,
            prompts=["destroyed houses"],
            output=str(tmp_path / "a.gpkg"),
            probabilities=str(tmp_path / "p.tif"),
        ),
        model=model,
        cache=cache,
    )
    r2 = analyse(
        AnalysisRequest(**base, prompts=["new roads"], output=str(tmp_path / "b.gpkg")),
        model=model,
        cache=cache,
    )
    assert r1.tiles == 4 and r1.cache_hits == 0 and r2.cache_hits == 4
    assert r1.run_record["model"]["id"] == str(tiny_checkpoint)
    with rasterio.open(tmp_path / "p.tif") as p:
        prob = p.read(1)
        assert p.width == 384 and np.isfinite(prob).all() and ((prob >= 0) & (prob <= 1)).mean() > 0.99
    assert (tmp_path / "a.gpkg").exists() and (tmp_path / "b.gpkg").exists()

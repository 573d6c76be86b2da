"""`mtrs bench pipeline` against bench/baseline_rasterio_torch.py: both run on the same generated pair and
find the same changes (the baseline's 1×1 convolution computes the null model's logits); the report has the
ratio."""

from __future__ import annotations

import rasterio
from osgeo import ogr

from engine.pipeline.bench import bench_pipeline, load_baseline, make_pair
from tests.bench.conftest import load_script


def test_baseline_finds_the_generated_squares(tmp_path) -> None:
    earlier, later = make_pair(str(tmp_path), 1024)
    baseline = load_script("bench/baseline_rasterio_torch.py").baseline
    n = baseline(earlier, later, str(tmp_path / "b.gpkg"))
    assert n == 1  # one bright 300×200 px square per 1024² block
    ds = ogr.Open(str(tmp_path / "b.gpkg"))
    layer = ds.GetLayer(0)
    feature = layer.GetNextFeature()  # kept: OGR frees a geometry with its feature
    assert feature.GetGeometryRef().GetArea() == 300 * 200 * 0.25  # 0.5 m pixels
    with rasterio.open(tmp_path / "b_prob.tif") as p:
        prob = p.read(1)
    assert prob[150, 300] > 0.99 and prob[600, 600] < 0.01  # every pixel written (tiles keep their centre)


def test_bench_reports_the_pipeline_to_baseline_ratio() -> None:
    assert load_baseline() is not None
    report = bench_pipeline(1024, [], "null:brighter", 256, None, repeats=1)
    base, null = report["baseline"], report["null"]
    assert base["n_polygons"] == null["n_polygons"] == 1
    assert base["ratio_pipeline_to_baseline"] == null["pipeline_s"] / base["seconds"] > 0
    assert base["pipeline_with_probabilities_s"] > 0
    raw = base["uncompressed_seconds"]
    assert base["ratio_pipeline_to_uncompressed_baseline"] == null["pipeline_s"] / raw > 0

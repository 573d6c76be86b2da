"""Geometry building blocks: tiling, blending weights, polygonising across blocks, metres in any CRS."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import rasterio
from pyproj import Geod
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import box

from engine.errors import InputError
from engine.geo.align import align
from engine.geo.measure import Measurer
from engine.geo.normalise import compute_stretch
from engine.geo.tiling import ramp, tile_starts
from engine.geo.vectorise import location_name, polygonise
from tests.conftest import write_geotiff


def test_tile_starts_cover_and_overlap() -> None:
    starts = tile_starts(1000, 256, 64)
    assert starts[0] == 0 and starts[-1] == 1000 - 256
    assert all(b - a <= 256 - 64 for a, b in itertools.pairwise(starts))
    assert tile_starts(100, 256, 64) == [0]


def test_ramp_is_symmetric_and_positive() -> None:
    r = ramp(256, 64)
    assert np.allclose(r, r[::-1]) and r.min() > 0 and r[128] == 1.0 and r[0] < 0.01


def _poly_run(prob, block, **kw):
    transform = from_origin(1000.0, 2000.0, 2.0, 2.0)
    return polygonise(
        lambda w: prob[w.row_off : w.row_off + w.height, w.col_off : w.col_off + w.width],
        prob.shape[1],
        prob.shape[0],
        transform,
        Measurer(CRS.from_epsg(32615)),
        block=block,
        **kw,
    )


def test_objects_crossing_blocks_come_out_whole() -> None:
    prob = np.zeros((200, 200), np.float32)
    prob[50:150, 50:150] = 0.9  # crosses several seams of the 20-row blocks (64² px over a 200-px width)
    prob[90:110, 90:110] = 0.1  # a hole across a seam too
    prob[10:20, 10:20] = 0.8  # inside one block
    polys = _poly_run(prob, block=64)
    assert len(polys) == 2
    big = max(polys, key=lambda p: p.area_m2)
    assert big.area_m2 == pytest.approx((100 * 100 - 20 * 20) * 4.0)
    assert big.geom.equals(box(1100, 1700, 1300, 1900).difference(box(1180, 1780, 1220, 1820)))
    assert big.prob_max == pytest.approx(0.9) and big.prob_mean == pytest.approx(0.9)


def test_parts_joined_only_in_a_later_block_merge_into_one() -> None:
    """A comb: its teeth are separate parts in every block but the last, where the bar joins them all; the
    seam merge has to chain them (connected components of the edge-sharing parts), not just join pairs."""
    prob = np.zeros((120, 90), np.float32)
    for c in range(5, 90, 20):
        prob[5:100, c : c + 6] = 0.9  # five teeth crossing every seam
    prob[100:110, 5:91] = 0.9  # the bar, below the teeth
    prob[40:45, 0:3] = 0.7  # a separate part touching the left edge
    polys = _poly_run(prob, block=30)  # 10-row blocks
    assert len(polys) == 2
    comb = max(polys, key=lambda p: p.area_m2)
    assert comb.area_m2 == pytest.approx((4 * 95 * 6 + 95 * 5 + 10 * 85) * 4.0)  # the last tooth is clipped
    whole = _poly_run(prob, block=4096)
    assert [p.geom.equals(q.geom) for p, q in zip(polys, whole, strict=True)] == [True, True]


def test_corner_touching_parts_stay_separate_and_filters_apply() -> None:
    prob = np.zeros((128, 128), np.float32)
    prob[54:64, 54:64] = 1.0
    prob[64:74, 64:74] = 1.0  # touches the first only at a corner, in another block
    assert len(_poly_run(prob, block=64)) == 2
    prob2 = np.zeros((128, 128), np.float32)
    prob2[10:40, 10:40] = 1.0
    prob2[20:22, 20:22] = 0.0  # 4-px hole = 16 m²
    prob2[100:103, 100:103] = 1.0  # 9 px = 36 m²
    polys = _poly_run(prob2, block=64, min_area=40.0, fill_holes=20.0)
    assert len(polys) == 1 and len(polys[0].geom.interiors) == 0
    assert polys[0].area_m2 == pytest.approx(900 * 4.0)


def test_geodesic_area_in_geographic_crs() -> None:
    m = Measurer(CRS.from_epsg(4326))
    square = box(10.0, 45.0, 10.001, 45.001)
    expected, _ = Geod(ellps="WGS84").geometry_area_perimeter(square)
    assert m.area(square) == pytest.approx(abs(expected), rel=1e-9)
    assert 8000 < m.area(square) < 9000  # ~111 m × ~79 m, not square degrees


def test_location_names() -> None:
    assert location_name(5, 5, 100, 100) == "north-west"
    assert location_name(50, 50, 100, 100) == "centre"
    assert location_name(95, 50, 100, 100) == "east"
    assert location_name(50, 99, 100, 100) == "south"


def test_input_errors(tmp_path) -> None:
    a = write_geotiff(tmp_path / "a.tif", np.zeros((3, 64, 64), np.uint8))
    with pytest.raises(InputError, match="not found"):
        align(str(tmp_path / "missing.tif"), a)
    (tmp_path / "text.tif").write_text("not a raster")
    with pytest.raises(InputError, match="not a raster"):
        align(str(tmp_path / "text.tif"), a)
    nocrs = tmp_path / "nocrs.tif"
    with rasterio.open(nocrs, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as ds:
        ds.write(np.zeros((1, 8, 8), np.uint8))
    with pytest.raises(InputError, match="no coordinate reference system"):
        align(str(nocrs), a)
    with pytest.raises(InputError, match="band 5 does not exist"):
        align(a, a, bands_later=[5, 1, 2])
    far = write_geotiff(
        tmp_path / "far.tif", np.zeros((3, 64, 64), np.uint8), transform=from_origin(0, 0, 1, 1)
    )
    with pytest.raises(InputError, match="do not overlap"):
        align(a, far)
    with pytest.raises(InputError, match="extent does not overlap"):
        align(a, a, extent=[0, 0, 10, 10])


def test_joint_stretch_is_shared_not_per_image(tmp_path) -> None:
    rng = np.random.default_rng(0)
    e = rng.integers(1000, 2000, (3, 128, 128)).astype(np.uint16)
    l_ = (e * 2).astype(np.uint16)  # same scene, brighter: per-image min-max would erase the difference
    pair = align(write_geotiff(tmp_path / "e.tif", e), write_geotiff(tmp_path / "l.tif", l_))
    try:
        s = compute_stretch(pair)
    finally:
        pair.close()
    assert not s.identity
    assert s.lo[0] < 1100 and s.hi[0] > 3800  # pooled over both dates
    assert s.apply(l_).mean() > s.apply(e).mean() + 60


def test_uint8_passes_through(tmp_path) -> None:
    a = write_geotiff(tmp_path / "a.tif", np.full((3, 32, 32), 7, np.uint8))
    pair = align(a, a)
    try:
        assert compute_stretch(pair).identity and pair.same_grid
    finally:
        pair.close()


def test_strip_polygoniser_matches_whole_array_and_tracing_modes(monkeypatch) -> None:
    """Streaming strips (as the blender flushes them) give the same polygons as one pass over the array, and
    the per-object bounding-box tracing gives the same polygons as the one-pass tracing of a block."""
    import engine.geo.vectorise as vec

    rng = np.random.default_rng(1)
    prob = np.zeros((300, 200), np.float32)
    prob[40:260, 30:90] = 0.8  # crosses several strip seams
    prob[100:120, 40:60] = 0.2  # hole
    prob[150:170, 120:190] = rng.uniform(0.5, 1.0, (20, 70)).astype(np.float32)
    prob[5:7, 5:7] = 0.9
    transform = from_origin(1000.0, 2000.0, 2.0, 2.0)
    m = Measurer(CRS.from_epsg(32615))
    whole = _poly_run(prob, block=4096)
    strips = vec.StripPolygoniser(200, 300, transform, m, block_pixels=200 * 48)
    for top in range(0, 300, 37):
        strips.add_strip(top, prob[top : top + 37])
    streamed = strips.finish()
    monkeypatch.setattr(vec, "MAX_SEPARATE_TRACES", 0)
    one_pass = _poly_run(prob, block=4096)
    for other in (streamed, one_pass):
        assert len(other) == len(whole) == 3
        for a, b in zip(whole, other, strict=True):
            assert a.geom.equals(b.geom)
            assert a.prob_mean == pytest.approx(b.prob_mean) and a.prob_max == pytest.approx(b.prob_max)


def test_strip_polygoniser_emits_final_polygons_as_it_goes() -> None:
    """Polygons that cannot grow any more are emitted block by block; only parts on the one open seam wait.
    The result equals one pass over the whole array (objects crossing several seams included)."""
    import engine.geo.vectorise as vec

    rng = np.random.default_rng(3)
    prob = np.zeros((400, 120), np.float32)
    for r in range(3, 400, 13):  # 31 rows of small squares: many are cut by the 40-row block seams
        for c in range(3, 120, 13):
            prob[r : r + 8, c : c + 8] = rng.uniform(0.6, 1.0)
    prob[20:380, 60:62] = 0.9  # a thin object crossing every seam, joined to the squares it touches
    transform = from_origin(1000.0, 2000.0, 2.0, 2.0)
    m = Measurer(CRS.from_epsg(32615))
    batches, waiting = [], []
    strips = vec.StripPolygoniser(120, 400, transform, m, block_pixels=120 * 40, emit=batches.append)
    for top in range(0, 400, 20):
        strips.add_strip(top, prob[top : top + 20])
        waiting.append(len(strips._open))
    emitted_before_finish = sum(len(b) for b in batches)
    assert strips.finish() == []  # with `emit`, everything went there
    streamed = sorted((p for b in batches for p in b), key=vec._reading_order)
    whole = _poly_run(prob, block=4096)
    assert len(batches) >= 9 and emitted_before_finish >= len(whole) - 10
    assert max(waiting) <= 11  # at most the objects cut by one seam (10 squares + the line) wait
    assert len(streamed) == len(whole)
    for a, b in zip(whole, streamed, strict=True):
        assert a.geom.equals(b.geom)
        assert a.area_m2 == pytest.approx(b.area_m2) and a.prob_max == pytest.approx(b.prob_max)
        assert a.prob_mean == pytest.approx(b.prob_mean)

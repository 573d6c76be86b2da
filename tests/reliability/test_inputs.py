"""Reliability of the input side: damaged, unusual and plain rasters, CRSs and extents (cases L12–L14,
L32–L38 and N17–N39)."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.control import GroundControlPoint
from rasterio.enums import ColorInterp
from rasterio.transform import from_origin
from rasterio.warp import calculate_default_transform, reproject

from tests.reliability.conftest import (
    NULL,
    ORIGIN,
    assert_clean_failure,
    assert_success,
    geotiff,
    mtrs,
    read_features,
    run_record,
    snapshot,
    square_pair,
)

P = ["--prompt", "brighter", "--quiet"]


def truncated_copy(src, dst, keep: int = 60_000):
    dst.write_bytes(src.read_bytes()[:keep])
    return dst


# -- L12–L13: truncated GeoTIFFs -----------------------------------------------------------------------------
@pytest.mark.parametrize(("case", "which"), [("L12", 0), ("L13", 1)])
def test_L12_L13_truncated_geotiff(joplin, tmp_path, case, which) -> None:
    inputs = list(joplin)
    inputs[which] = truncated_copy(inputs[which], tmp_path / "cut.tif")
    before = snapshot(tmp_path)
    run = mtrs("predict", *inputs, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "cut.tif is truncated")


# -- L14: RGBA later raster that needs warping ---------------------------------------------------------------
def rgba_later(path, shift: float = 0.5):
    """The square pair's later image as RGBA (alpha 255), on a grid shifted by half a pixel."""
    data = np.full((4, 96, 96), 90, np.uint8)
    data[:3, 20:40, 20:40] = 230
    data[3] = 255
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=96,
        height=96,
        count=4,
        dtype="uint8",
        crs="EPSG:32615",
        transform=from_origin(ORIGIN[0] + shift, ORIGIN[1], 1.0, 1.0),
        photometric="RGB",
        alpha="YES",
    ) as ds:
        ds.write(data)
    with rasterio.open(path) as ds:
        assert ds.colorinterp[3] == ColorInterp.alpha  # a real RGBA file
    return path


def test_L14_rgba_later_raster_that_needs_warping(tmp_path) -> None:
    e, _ = square_pair(tmp_path)
    later = rgba_later(tmp_path / "rgba.tif")
    assert_success(mtrs("predict", e, later, *NULL, *P, "-o", tmp_path / "o.gpkg"))
    feats, _ = read_features(tmp_path / "o.gpkg")
    assert len(feats) == 1 and feats[0]["area_m2"] == pytest.approx(400, rel=0.1)


# -- L32: antimeridian ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("later_crs", ["EPSG:3832", "EPSG:4326 west of -180"])
def test_L32_antimeridian_same_ground_in_two_crss(tmp_path, later_crs) -> None:
    """Earlier in EPSG:4326 across 180° (179.9…180.1°E); later the same ground in EPSG:3832 (Pacific
    Mercator), or in EPSG:4326 written from -180.1° with a half-pixel shift (so it is warped): they overlap,
    and the bright square comes out where it was painted."""
    n, px = 200, 0.001
    t4326 = from_origin(179.9, -16.9, px, px)
    e = np.full((3, n, n), 90, np.uint8)
    later = e.copy()
    later[:, 80:120, 80:120] = 230  # 0.04° square centred on 180°
    pe = geotiff(tmp_path / "e.tif", e, crs="EPSG:4326", transform=t4326)
    if later_crs == "EPSG:3832":
        src = geotiff(tmp_path / "l4326.tif", later, crs="EPSG:4326", transform=t4326)
        with rasterio.open(src) as s:
            t, w, h = calculate_default_transform(s.crs, later_crs, s.width, s.height, *s.bounds)
            out = np.zeros((3, h, w), np.uint8)
            reproject(
                s.read(), out, src_transform=s.transform, src_crs=s.crs, dst_transform=t, dst_crs=later_crs
            )
        pl = geotiff(tmp_path / "l3832.tif", out, crs=later_crs, transform=t, nodata=0)
    else:
        west = from_origin(-180.1 - px / 2, -16.9, px, px)
        pl = geotiff(tmp_path / "lwest.tif", later, crs="EPSG:4326", transform=west)
    run = mtrs("predict", pe, pl, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_success(run)
    feats, _ = read_features(tmp_path / "o.gpkg")
    big = max(feats, key=lambda f: f["area_m2"])
    assert big["centroid_x"] == pytest.approx(180.0, abs=0.002) and big["centroid_y"] == pytest.approx(
        -17.0, abs=0.002
    )
    # 0.04° × 0.04° at 17° S: about 4.45 km × 4.25 km
    assert big["area_m2"] == pytest.approx(4.45e3 * 4.25e3, rel=0.08)


# -- L33–L36: no georeference, GCPs --------------------------------------------------------------------------
def plain_pair(folder, driver: str, ext: str, size=(80, 96)):
    h, w = size
    e = np.full((3, h, w), 90, np.uint8)
    later = e.copy()
    later[:, 10:30, 50:70] = 230
    paths = []
    for name, data in (("a", e), ("b", later)):
        p = folder / f"{name}{ext}"
        with rasterio.open(p, "w", driver=driver, width=w, height=h, count=3, dtype="uint8") as ds:
            ds.write(data)
        paths.append(p)
    for aux in folder.glob("*.aux.xml"):
        aux.unlink()
    return paths


@pytest.mark.parametrize(("case", "driver", "ext"), [("L33", "PNG", ".png"), ("L34", "JPEG", ".jpg")])
def test_L33_L34_plain_image_pair_in_pixel_coordinates(tmp_path, case, driver, ext) -> None:
    a, b = plain_pair(tmp_path, driver, ext)
    out = tmp_path / "changes.gpkg"
    run = mtrs("predict", a, b, *NULL, *P, "-o", out, "--probabilities", tmp_path / "prob.png")
    assert_success(run)
    assert any("pixel coordinates" in n for n in run.notes), run.err
    assert "NotGeoreferencedWarning" not in run.err and "site-packages" not in run.err
    feats, epsg = read_features(out)
    assert epsg is None and len(feats) == 1
    assert feats[0]["area_px"] == pytest.approx(400, rel=0.05 if driver == "JPEG" else 1e-9)
    assert run_record(out)["area_unit"] == "px"
    with rasterio.open(tmp_path / "prob.png") as ds:
        prob = ds.read(1)
    assert prob.shape == (80, 96) and prob[15, 55] > 200 and prob[60, 10] < 50
    # the mask PNG
    assert_success(mtrs("predict", a, b, *NULL, *P, "-o", tmp_path / "mask.png"))
    with rasterio.open(tmp_path / "mask.png") as ds:
        mask = ds.read(1)
    assert set(np.unique(mask)) == {0, 255} and abs(int((mask == 255).sum()) - 400) <= (
        0 if driver == "PNG" else 40
    )


def test_L35_one_plain_image_with_a_georeferenced_one(tmp_path) -> None:
    a, _ = plain_pair(tmp_path, "PNG", ".png")
    e, _ = square_pair(tmp_path)
    before = snapshot(tmp_path)
    run = mtrs("predict", e, a, *NULL, *P, "-o", tmp_path / "o.gpkg")
    message = assert_clean_failure(run, before, tmp_path, "a.png is not georeferenced but e.tif is")
    assert "assign" not in message.lower() and "Georeferencer" in message


def test_L36_gcp_only_raster_is_warped_with_its_gcps(tmp_path) -> None:
    e, l_ = square_pair(tmp_path)
    with rasterio.open(l_) as src:
        data = src.read()
        t = src.transform
    gcps = [
        GroundControlPoint(row=r, col=c, x=(t * (c, r))[0], y=(t * (c, r))[1])
        for r, c in ((0, 0), (0, 96), (96, 0), (96, 96), (48, 48))
    ]
    p = tmp_path / "gcp.tif"
    with rasterio.open(
        p, "w", driver="GTiff", width=96, height=96, count=3, dtype="uint8", gcps=gcps, crs="EPSG:32615"
    ) as ds:
        ds.write(data)
    run = mtrs("predict", e, p, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_success(run)
    assert any("ground control points" in n for n in run.notes), run.err
    feats, _ = read_features(tmp_path / "o.gpkg")
    assert len(feats) == 1 and feats[0]["area_m2"] == pytest.approx(400, rel=0.05)


# -- L37–L38: nothing valid, resolution gap ------------------------------------------------------------------
def test_L37_all_nodata_input_is_said(tmp_path) -> None:
    e = np.zeros((3, 96, 96), np.uint8)
    _, pl = square_pair(tmp_path)
    pe = geotiff(tmp_path / "empty.tif", e, nodata=0)
    before = snapshot(tmp_path)
    run = mtrs("predict", pe, pl, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "no valid pixel")


def test_L38_large_resolution_gap_is_noted(tmp_path) -> None:
    e, _ = square_pair(tmp_path, size=240)
    coarse = np.full((3, 4, 4), 90, np.uint8)
    pl = geotiff(tmp_path / "coarse.tif", coarse, transform=from_origin(*ORIGIN, 60.0, 60.0))
    run = mtrs("predict", e, pl, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_success(run)
    assert any("differ by a factor 60" in n for n in run.notes), run.err


# -- N17–N36: more inputs, CRSs and extents ------------------------------------------------------------------
def test_N17_input_is_a_folder(pair, tmp_path) -> None:
    (tmp_path / "folder.tif").mkdir()
    before = snapshot(tmp_path)
    run = mtrs("predict", tmp_path / "folder.tif", pair[1], *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "is a folder")


@pytest.mark.parametrize(
    ("case", "content", "phrase"),
    [("N18", b"just text\n", "not a raster"), ("N19", b"", "not a raster")],
)
def test_N18_N19_input_not_a_raster(pair, tmp_path, case, content, phrase) -> None:
    (tmp_path / "bad.tif").write_bytes(content)
    before = snapshot(tmp_path)
    run = mtrs("predict", pair[0], tmp_path / "bad.tif", *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, phrase)


def test_N20_input_missing(pair, tmp_path) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", tmp_path / "nope.tif", pair[1], *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "not found")


@pytest.mark.parametrize(
    ("case", "bands", "phrase"), [("N21", "4,2,1", "band 4 does not exist"), ("N22", "1,2", "select 1 band")]
)
def test_N21_N22_bad_band_selection(pair, tmp_path, case, bands, phrase) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "--bands-later", bands, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, phrase)


def test_N23_sixteen_bit_single_band_pair(tmp_path) -> None:
    e = np.broadcast_to(np.linspace(100, 4000, 96, dtype=np.uint16), (96, 96)).copy()
    later = e.copy()
    later[20:40, 20:40] = 9000
    pe, pl = geotiff(tmp_path / "e.tif", e), geotiff(tmp_path / "l.tif", later)
    assert_success(mtrs("predict", pe, pl, *NULL, *P, "-o", tmp_path / "o.gpkg"))
    assert read_features(tmp_path / "o.gpkg")[0][0]["area_m2"] == pytest.approx(400)


def test_N24_infinite_values_are_nodata(tmp_path) -> None:
    e = np.broadcast_to(np.linspace(0.0, 1.0, 96, dtype=np.float32), (3, 96, 96)).copy()
    later = e.copy()
    later[:, 20:40, 20:40] = 3.0
    later[:, 70:80, 70:80] = np.inf
    e[:, 0:5, 0:5] = -np.inf
    pe, pl = geotiff(tmp_path / "e.tif", e), geotiff(tmp_path / "l.tif", later)
    run = mtrs("predict", pe, pl, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_success(run)
    feats, _ = read_features(tmp_path / "o.gpkg")
    assert len(feats) == 1 and feats[0]["area_m2"] == pytest.approx(400)
    assert any("no valid data" in n for n in run.notes)


def test_N25_later_raster_in_another_crs(tmp_path) -> None:
    e, l_ = square_pair(tmp_path)
    with rasterio.open(l_) as s:
        t, w, h = calculate_default_transform(
            s.crs, "EPSG:4326", s.width, s.height, *s.bounds, resolution=1e-5
        )
        out = np.zeros((3, h, w), np.uint8)
        reproject(
            s.read(), out, src_transform=s.transform, src_crs=s.crs, dst_transform=t, dst_crs="EPSG:4326"
        )
    pl = geotiff(tmp_path / "l4326.tif", out, crs="EPSG:4326", transform=t, nodata=0)
    run = mtrs("predict", e, pl, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_success(run)
    assert any("reprojected" in n for n in run.notes)
    feat = max(read_features(tmp_path / "o.gpkg")[0], key=lambda f: f["area_m2"])
    assert feat["area_m2"] == pytest.approx(400, rel=0.1)
    assert feat["centroid_x"] == pytest.approx(ORIGIN[0] + 30, abs=1.5)


def test_N26_disjoint_rasters(pair, tmp_path) -> None:
    far = np.full((3, 32, 32), 90, np.uint8)
    pl = geotiff(tmp_path / "far.tif", far, transform=from_origin(ORIGIN[0] + 10_000, ORIGIN[1], 1, 1))
    before = snapshot(tmp_path)
    run = mtrs("predict", pair[0], pl, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "do not overlap")


@pytest.mark.parametrize(
    ("case", "extent", "phrase"),
    [
        ("N27", f"{ORIGIN[0] + 5000},{ORIGIN[1] - 50},{ORIGIN[0] + 5050},{ORIGIN[1]}", "does not overlap"),
        ("N28", f"{ORIGIN[0] + 50},{ORIGIN[1] - 50},{ORIGIN[0]},{ORIGIN[1]}", "xmin<xmax"),
        ("N29", f"nan,{ORIGIN[1] - 50},{ORIGIN[0] + 50},{ORIGIN[1]}", "finite"),
        ("N30", "1,2,3", "xmin,ymin,xmax,ymax"),
    ],
)
def test_N27_N30_bad_extents(pair, tmp_path, case, extent, phrase) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "--extent", extent, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, phrase)


def test_N31_extent_in_another_crs_clips(pair, tmp_path) -> None:
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:32615", "EPSG:4326", always_xy=True)
    (x0, y0), (x1, y1) = tr.transform(ORIGIN[0] + 30, ORIGIN[1] - 60), tr.transform(ORIGIN[0] + 90, ORIGIN[1])
    extent = f"{x0},{y0},{x1},{y1},EPSG:4326"
    assert_success(mtrs("predict", *pair, *NULL, *P, f"--extent={extent}", "-o", tmp_path / "o.gpkg"))
    feats, _ = read_features(tmp_path / "o.gpkg")
    assert len(feats) == 1 and feats[0]["area_m2"] == pytest.approx(200, rel=0.1)  # half the square


@pytest.mark.parametrize(
    ("case", "flags", "phrase"),
    [
        ("N32", ["--extent-wkt", "POLYGON((0 0, 1 1"], "not valid WKT"),
        ("N33", ["--output-crs", "EPSG:999999"], "unknown CRS"),
        ("N34", ["--resampling", "fancy"], "unknown resampling"),
    ],
)
def test_N32_N34_bad_geo_options(pair, tmp_path, case, flags, phrase) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, *flags, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, phrase)


def test_N35_plain_images_of_different_sizes(tmp_path) -> None:
    a, _ = plain_pair(tmp_path, "PNG", ".png")
    sub = tmp_path / "other"
    sub.mkdir()
    _, b = plain_pair(sub, "PNG", ".png", size=(64, 64))
    before = snapshot(tmp_path)
    run = mtrs("predict", a, b, *NULL, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "differ in size")


@pytest.mark.parametrize(
    ("case", "plain", "flags", "phrase"),
    [
        ("N36", False, ["-o", "mask.png"], "PNG outputs are for plain"),
        ("N37", True, ["-o", "mask.png", "--prompt", "second"], "one prompt"),
        ("N38", True, ["-o", "o.gpkg", "--extent-crs", "EPSG:4326", "--extent", "0,0,10,10"], "no meaning"),
        ("N39", True, ["-o", "o.gpkg", "--output-crs", "EPSG:4326"], "no meaning"),
    ],
)
def test_N36_N39_options_that_do_not_fit_the_pair(tmp_path, case, plain, flags, phrase) -> None:
    pair = plain_pair(tmp_path, "PNG", ".png") if plain else square_pair(tmp_path)
    flags = [str(tmp_path / f) if f.endswith((".png", ".gpkg")) else f for f in flags]
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, *flags)
    assert_clean_failure(run, before, tmp_path, phrase)

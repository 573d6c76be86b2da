"""`engine.assess`: exact figures on known geometry, one-to-one object matching, rasters and thresholds,
classes and prompts, any CRS, the outputs read back from disk, and one clear error (nothing on disk) per bad
input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import shapely
from osgeo import ogr, osr
from PIL import Image
from pyproj import Transformer
from rasterio.transform import from_origin

from engine.assess import assess
from engine.assess.matching import match
from engine.errors import InputError, OutputError
from engine.geo.writer import Feature, FeatureWriter
from tests.conftest import write_geotiff

X0, Y0 = 366000.0, 4100000.0  # UTM 15N (EPSG:32615), near Joplin
EXTENT = [X0 - 20, Y0 - 20, X0 + 100, Y0 + 40]  # 120 m × 60 m = 240 × 120 px at 0.5 m
DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".shp": "ESRI Shapefile"}


def box(x: float, y: float, w: float, h: float | None = None) -> shapely.Polygon:
    """A w×h m box whose lower-left corner is (x, y) m from (X0, Y0)."""
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def write_vector(
    path: Path,
    geoms: list,
    fields: dict[str, list] | None = None,
    epsg: int | None = 32615,
    layer: str = "changes",
) -> Path:
    """A polygon layer (geometries given in EPSG:32615, reprojected to `epsg`; None = no CRS at all)."""
    srs = None
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        if epsg != 32615:
            t = Transformer.from_crs(32615, epsg, always_xy=True)
            geoms = [
                shapely.transform(
                    shapely.segmentize(g, 1.0), lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1]))
                )
                for g in geoms
            ]
    ds = ogr.GetDriverByName(DRIVERS[path.suffix]).CreateDataSource(str(path))
    lyr = ds.CreateLayer(layer, srs, ogr.wkbPolygon)
    for name in fields or {}:
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    for k, geom in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        for name, values in (fields or {}).items():
            f.SetField(name, values[k])
        f.SetGeometry(ogr.CreateGeometryFromWkb(geom.wkb))
        lyr.CreateFeature(f)
    ds = None
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".mtrs-tmp"))


# ---------------------------------------------------------------- figures on known geometry


def test_two_squares_overlapping_by_half_give_the_hand_computed_figures(tmp_path: Path) -> None:
    # reference: a 10 m square; prediction: the same square shifted 5 m east → 50 m² shared
    ref = write_vector(tmp_path / "ref.shp", [box(0, 0, 10)])
    pred = write_vector(tmp_path / "pred.geojson", [box(5, 0, 10)])
    r = assess(pred, ref, extent=EXTENT)
    px = 0.25  # m² per 0.5 m pixel
    assert (r.grid.width, r.grid.height) == (240, 120)
    assert r.pixel.tp == 50 / px and r.pixel.fp == 50 / px and r.pixel.fn == 50 / px
    assert r.pixel.tn == 240 * 120 - 3 * 50 / px
    assert r.pixel.iou == pytest.approx(50 / 150)
    assert r.pixel.precision == pytest.approx(0.5) and r.pixel.recall == pytest.approx(0.5)
    assert r.pixel.f1 == pytest.approx(0.5)
    assert r.pixel.oa == pytest.approx(1 - 100 / (120 * 60))
    # object IoU 1/3 < 0.5: one false positive and one miss; at 0.3 they match
    assert (r.objects.tp, r.objects.fp, r.objects.fn) == (0, 1, 1)
    r3 = assess(pred, ref, extent=EXTENT, min_iou=0.3)
    assert (r3.objects.tp, r3.objects.fp, r3.objects.fn) == (1, 0, 0)
    assert r3.objects.mean_matched_iou == pytest.approx(1 / 3)


def test_partial_overlap_and_pixel_size(tmp_path: Path) -> None:
    # two references; one found exactly, one 60 % covered (IoU 0.6), one false alarm elsewhere
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10), box(30, 0, 10)])
    pred = write_vector(tmp_path / "pred.gpkg", [box(0, 0, 10), box(30, 0, 10, 6), box(60, 20, 4)])
    r = assess(pred, ref, extent=EXTENT, pixel_size=1.0)
    assert r.grid.pixel_size == (1.0, 1.0)
    assert (r.pixel.tp, r.pixel.fp, r.pixel.fn) == (100 + 60, 16, 40)
    assert r.pixel.iou == pytest.approx(160 / 216)
    assert (r.objects.tp, r.objects.fp, r.objects.fn) == (2, 1, 0)
    assert r.objects.precision == pytest.approx(2 / 3) and r.objects.recall == 1.0
    assert r.objects.mean_matched_iou == pytest.approx((1.0 + 0.6) / 2)


def test_a_prediction_covering_two_references_counts_once(tmp_path: Path) -> None:
    # two touching buildings (two features, never merged) and one prediction over both: IoU 0.5 with each
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10), box(10, 0, 10)])
    pred = write_vector(tmp_path / "pred.gpkg", [box(0, 0, 20, 10)])
    r = assess(pred, ref, extent=EXTENT)
    assert r.objects.reference == 2 and r.objects.predicted == 1
    assert (r.objects.tp, r.objects.fp, r.objects.fn) == (1, 0, 1)
    assert r.pixel.iou == 1.0  # the pixels agree perfectly


def test_matching_maximises_the_number_of_pairs() -> None:
    # 1-D intervals (equal heights): IoU(P1,R1)=0.667, IoU(P1,R2)=0.429, IoU(P2,R1)=0.667, IoU(P2,R2)=0.125.
    # Greedy-by-IoU pairs P1-R1 and leaves P2 alone; the one-to-one optimum is P1-R2 + P2-R1.
    p1, p2 = shapely.box(0, 0, 10, 1), shapely.box(4, 0, 14, 1)
    r1, r2 = shapely.box(2, 0, 12, 1), shapely.box(-4, 0, 6, 1)
    m = match([p1, p2], [r1, r2], min_iou=0.3)
    assert [(i, j) for i, j, _ in m.pairs] == [(0, 1), (1, 0)]
    assert [round(iou, 3) for _, _, iou in m.pairs] == [0.429, 0.667]
    assert m.best_pred.round(3).tolist() == [0.667, 0.667]
    assert m.best_ref_index.tolist() == [0, 0]  # ties go to the first object
    assert match([p1], [r1], min_iou=0.7).pairs == []
    assert match([], [r1]).pairs == [] and match([p1], []).best_pred.tolist() == [0.0]


# ---------------------------------------------------------------- rasters, thresholds, classes, prompts


def _probability_raster(path: Path, nodata_rows: int = 0) -> Path:
    """60×60 px of 1 m from (X0, Y0+60): a 10×10 px block at 0.9 and a 10×10 px block at 0.6 (prompt A);
    band 2 (prompt B): one 10×10 px block at 0.7. The top `nodata_rows` rows are nodata (-1)."""
    a = np.zeros((2, 60, 60), dtype=np.float32)
    a[0, 40:50, 0:10] = 0.9  # ground x 0..10, y 10..20
    a[0, 40:50, 30:40] = 0.6  # x 30..40, y 10..20
    a[1, 40:50, 50:60] = 0.7  # x 50..60, y 10..20
    a[:, :nodata_rows] = -1.0
    write_geotiff(path, a, transform=from_origin(X0, Y0 + 60, 1.0, 1.0), nodata=-1.0)
    import rasterio

    with rasterio.open(path, "r+") as ds:
        ds.set_band_description(1, "destroyed buildings")
        ds.set_band_description(2, "new roads")
    return path


def test_probability_raster_with_threshold_and_prompts(tmp_path: Path) -> None:
    prob = _probability_raster(tmp_path / "prob.tif", nodata_rows=5)
    ref = write_vector(
        tmp_path / "ref.gpkg", [box(0, 10, 10), box(30, 10, 10)], {"dmg": ["destroyed", "major"]}
    )
    r = assess(prob, ref, class_field="dmg")
    # the grid is the raster's own (1 m), cut to the overlap with the reference's extent x 0..40, y 10..20
    assert r.grid.pixel_size == (1.0, 1.0) and (r.grid.width, r.grid.height) == (40, 10)
    assert (r.pixel.tp, r.pixel.fp, r.pixel.fn) == (200, 0, 0)
    assert (r.objects.tp, r.objects.fp, r.objects.fn) == (2, 0, 0)
    r = assess(prob, ref, class_field="dmg", threshold=0.8, extent=[X0, Y0, X0 + 60, Y0 + 60])
    assert (r.pixel.tp, r.pixel.fp, r.pixel.fn) == (100, 0, 100)
    assert r.pixel.tn == 60 * 55 - 100 - 100  # the 5 nodata rows do not count
    assert (r.objects.tp, r.objects.fp, r.objects.fn) == (1, 0, 1)
    assert r.objects.per_class == {
        "destroyed": {"reference": 1, "tp": 1, "fn": 0, "recall": 1.0},
        "major": {"reference": 1, "tp": 0, "fn": 1, "recall": 0.0},
    }
    r = assess(prob, ref, class_field="dmg", threshold=0.5, extent=[X0, Y0, X0 + 60, Y0 + 60])
    assert r.objects.per_prompt == {
        "destroyed buildings": {"predicted": 2, "tp": 2, "fp": 0, "precision": 1.0},
        "new roads": {"predicted": 1, "tp": 0, "fp": 1, "precision": 0.0},
    }
    assert r.objects.pairs == {"destroyed buildings": {"destroyed": 1, "major": 1}}
    only_b = assess(prob, ref, predicted_bands=[2], extent=[X0, Y0, X0 + 60, Y0 + 60])
    assert (only_b.objects.tp, only_b.objects.fp, only_b.objects.fn) == (0, 1, 2)


def test_reference_raster_with_class_codes(tmp_path: Path) -> None:
    codes = np.zeros((40, 40), dtype=np.uint8)
    codes[0:10, 0:10] = 4  # destroyed: x 0..10, y 30..40
    codes[0:10, 20:30] = 4
    codes[20:30, 0:10] = 2  # minor: x 0..10, y 10..20
    ref = write_geotiff(tmp_path / "dmg.tif", codes, transform=from_origin(X0, Y0 + 40, 1.0, 1.0))
    pred = write_vector(
        tmp_path / "pred.gpkg", [box(0, 30, 10), box(0, 10, 10)], {"prompt": ["destroyed", "destroyed"]}
    )
    r = assess(pred, ref, class_table="2=minor,4=destroyed", extent=[X0, Y0, X0 + 40, Y0 + 40])
    assert r.objects.per_class == {
        "destroyed": {"reference": 2, "tp": 1, "fn": 1, "recall": 0.5},
        "minor": {"reference": 1, "tp": 1, "fn": 0, "recall": 1.0},
    }
    assert (r.pixel.tp, r.pixel.fp, r.pixel.fn) == (200, 0, 100)
    unnamed = assess(pred, ref, extent=[X0, Y0, X0 + 40, Y0 + 40])
    assert set(unnamed.objects.per_class) == {"code 2", "code 4"}
    destroyed = assess(pred, ref, reference_codes=[4], extent=[X0, Y0, X0 + 40, Y0 + 40])
    assert (destroyed.objects.tp, destroyed.objects.fp, destroyed.objects.fn) == (1, 1, 1)
    assert (destroyed.pixel.tp, destroyed.pixel.fp, destroyed.pixel.fn) == (100, 100, 100)
    with pytest.raises(InputError, match="no name for code 4"):
        assess(pred, ref, class_table="2=minor")
    binary = write_geotiff(
        tmp_path / "bin.tif", (codes > 0).astype(np.uint8), transform=from_origin(X0, Y0 + 40, 1, 1)
    )
    b = assess(pred, binary, extent=[X0, Y0, X0 + 40, Y0 + 40])
    assert set(b.objects.per_class) == {"(no class)"} and b.objects.reference == 3


# ---------------------------------------------------------------- CRSs and extents


def _buildings() -> tuple[list, list]:
    refs = [box(0, 0, 20), box(40, 0, 20), box(0, 40, 20), box(40, 40, 15)]
    preds = [box(2, 0, 20), box(40, 3, 20, 14), box(70, 70, 8), box(41, 41, 15)]
    return refs, preds


def test_prediction_in_wgs84_against_a_utm_reference_matches_the_same_crs_case(tmp_path: Path) -> None:
    refs, preds = _buildings()
    ref = write_vector(tmp_path / "ref.gpkg", refs, epsg=32615)
    same = write_vector(tmp_path / "pred_utm.gpkg", preds, epsg=32615)
    wgs = write_vector(tmp_path / "pred_wgs84.gpkg", preds, epsg=4326)
    extent = [X0 - 10, Y0 - 10, X0 + 90, Y0 + 90]
    a = assess(same, ref, extent=extent)
    b = assess(wgs, ref, extent=extent)
    assert b.grid.crs.to_epsg() == 32615  # the reference's projected CRS
    for name in ("iou", "precision", "recall", "f1", "oa"):
        assert getattr(b.pixel, name) == pytest.approx(getattr(a.pixel, name), abs=0.005), name
    assert abs(b.pixel.tp - a.pixel.tp) <= 0.01 * a.pixel.tp
    assert (
        (b.objects.tp, b.objects.fp, b.objects.fn) == (a.objects.tp, a.objects.fp, a.objects.fn) == (3, 1, 1)
    )
    # the same extent given in lon/lat
    t = Transformer.from_crs(32615, 4326, always_xy=True)
    lon0, lat0 = t.transform(extent[0], extent[1])
    lon1, lat1 = t.transform(extent[2], extent[3])
    c = assess(wgs, ref, extent=[lon0, lat0, lon1, lat1], extent_crs="EPSG:4326")
    assert (c.objects.tp, c.objects.fp, c.objects.fn) == (3, 1, 1)
    assert c.pixel.iou == pytest.approx(a.pixel.iou, abs=0.01)
    # both inputs in lon/lat: the grid is the local UTM zone (15N here), never degrees
    ref_wgs = write_vector(tmp_path / "ref_wgs84.geojson", refs, epsg=4326)
    d = assess(wgs, ref_wgs, extent=[lon0, lat0, lon1, lat1])
    assert d.grid.crs.to_epsg() == 32615
    assert d.pixel.iou == pytest.approx(a.pixel.iou, abs=0.01)
    assert (d.objects.tp, d.objects.fp, d.objects.fn) == (3, 1, 1)


def test_default_extent_is_the_area_a_predict_run_analysed(tmp_path: Path) -> None:
    # a prediction written like `mtrs predict` does: its run record says 100 m × 100 m were analysed
    pred = tmp_path / "pred.gpkg"
    t = from_origin(X0, Y0 + 100, 0.5, 0.5)
    record = {"alignment": {"crs": "EPSG:32615", "region": [0, 0, 200, 200], "transform": list(t)[:6]}}
    crs_wkt = osr.SpatialReference()
    crs_wkt.ImportFromEPSG(32615)
    with FeatureWriter(str(pred), "pred", crs_wkt.ExportToWkt()) as writer:
        writer.write([Feature(box(0, 0, 10), {"prompt": "p"})])
        writer.commit(record)
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10), box(80, 80, 10)])
    r = assess(pred, ref)
    assert r.grid.bounds == pytest.approx((X0, Y0, X0 + 90, Y0 + 90))  # reference box ∩ analysed area
    assert (r.objects.tp, r.objects.fn) == (1, 1)  # the far building was analysed, and missed
    assert [w for w in r.warnings if "pred.gpkg" in w] == []
    assert any("ref.gpkg" in w for w in r.warnings)  # predictions beyond the last label are not counted
    # a given extent is cut to the analysed area: nothing is known about the ground outside it
    r = assess(pred, ref, extent=[X0 - 50, Y0 - 50, X0 + 200, Y0 + 200])
    assert r.grid.bounds == pytest.approx((X0, Y0, X0 + 100, Y0 + 100)) and not r.warnings
    # a layer without a run record: its features' bounding box, with a warning
    plain = write_vector(tmp_path / "plain.gpkg", [box(0, 0, 10)])
    r = assess(plain, ref)
    assert r.grid.bounds == pytest.approx((X0, Y0, X0 + 10, Y0 + 10))
    assert (r.objects.tp, r.objects.fn) == (1, 0)
    assert any("bounding box of the features of plain.gpkg" in w for w in r.warnings)


# ---------------------------------------------------------------- outputs read back


def test_report_figure_errors_layer_and_json(tmp_path: Path) -> None:
    ref = write_vector(
        tmp_path / "ref.gpkg", [box(0, 0, 10), box(30, 0, 10), box(60, 0, 10)], {"dmg": ["a", "b", "b"]}
    )
    pred = write_vector(
        tmp_path / "pred.gpkg", [box(0, 0, 10), box(35, 0, 10), box(80, 20, 5)], {"prompt": ["destroyed"] * 3}
    )
    out = tmp_path / "out"
    out.mkdir()
    bg = write_geotiff(
        tmp_path / "bg.tif",
        np.random.default_rng(0).integers(0, 255, (3, 100, 140), dtype=np.uint8),
        transform=from_origin(X0 - 20, Y0 + 60, 1.0, 1.0),
    )
    r = assess(
        pred,
        ref,
        class_field="dmg",
        extent=EXTENT,
        report=out / "assessment.md",
        errors=out / "errors.gpkg",
        json_path=out / "metrics.json",
        background=bg,
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "assessment.md",
        "assessment.png",
        "errors.gpkg",
        "errors.run.json",  # the errors layer's run record, as beside every layer MTRS writes
        "metrics.json",
    ]
    md = (out / "assessment.md").read_text(encoding="utf-8")
    assert "![outcome map and object counts](assessment.png)" in md
    assert f"| IoU | {100 * r.pixel.iou:.1f} % |" in md
    assert "| b | 2 | 0 | 2 | 0.0 % |" in md  # per-class row: class b, 2 references, none found
    png = Image.open(out / "assessment.png")
    assert png.format == "PNG" and png.size[0] > 800
    # the figure shows the outcome colours (green TP, orange FP, blue FN)
    rgb = np.asarray(png.convert("RGB")).reshape(-1, 3).astype(int)
    for colour in ((0, 171, 51), (255, 140, 0), (31, 110, 255)):
        assert (np.abs(rgb - colour).sum(axis=1) < 60).any(), colour
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics == json.loads(json.dumps(r.to_json()))
    assert metrics["pixel"]["tp"] == r.pixel.tp and metrics["objects"]["fn"] == 2

    ds = ogr.Open(str(out / "errors.gpkg"))
    layer = ds.GetLayerByName("errors")
    rows = sorted(
        (
            (
                f["kind"],
                f["class"],
                f["prompt"],
                round(f["area_m2"], 3),
                round(f["best_iou"], 4),
                round(f.GetGeometryRef().GetArea(), 3),
            )
            for f in layer
        ),
        key=str,
    )
    assert rows == [
        ("fn", "b", "destroyed", 100.0, 0.3333, 100.0),  # half-covered building: IoU 50/150
        ("fn", "b", None, 100.0, 0.0, 100.0),  # nothing near it
        ("fp", "b", "destroyed", 100.0, 0.3333, 100.0),
        ("fp", None, "destroyed", 25.0, 0.0, 25.0),
    ]
    styles = ds.GetLayerByName("layer_styles")
    style_rows = [(f["f_table_name"], f["useAsDefault"], f["styleQML"]) for f in styles]
    assert len(style_rows) == 1 and style_rows[0][:2] == ("errors", 1)
    assert 'type="categorizedSymbol" attr="kind"' in style_rows[0][2]
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "32615"

    with pytest.raises(OutputError, match=r"exists: .*assessment\.png"):  # the .html's PNG is the .md's PNG
        assess(pred, ref, extent=EXTENT, report=out / "assessment.html")
    html = assess(pred, ref, extent=EXTENT, report=out / "assessment.html", overwrite=True)
    page = (out / "assessment.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<img src="assessment.png"' in page
    assert f"<td>{100 * html.pixel.iou:.1f} %</td>" in page
    assert not leftovers(out)


@pytest.mark.qgis
def test_qgis_shows_the_errors_layer_styled(tmp_path: Path, qgis_app) -> None:
    """Real QGIS (offscreen) opens the layer with the stored style as its default."""
    QgsVectorLayer = pytest.importorskip("qgis.core").QgsVectorLayer

    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10)])
    pred = write_vector(tmp_path / "pred.gpkg", [box(50, 0, 10)])
    assess(pred, ref, extent=EXTENT, errors=tmp_path / "errors.gpkg")
    layer = QgsVectorLayer(f"{tmp_path / 'errors.gpkg'}|layername=errors", "errors", "ogr")
    assert layer.isValid() and layer.featureCount() == 2
    assert layer.renderer().type() == "categorizedSymbol"
    assert layer.renderer().classAttribute() == "kind"
    assert sorted(c.value() for c in layer.renderer().categories()) == ["fn", "fp"]


def test_existing_outputs_are_kept_unless_overwrite(tmp_path: Path) -> None:
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10)])
    pred = write_vector(tmp_path / "pred.gpkg", [box(0, 0, 10)])
    (tmp_path / "r.png").write_bytes(b"mine")
    with pytest.raises(OutputError, match="already exists"):
        assess(pred, ref, report=tmp_path / "r.md", json_path=tmp_path / "m.json")
    assert not (tmp_path / "r.md").exists() and not (tmp_path / "m.json").exists()
    assert (tmp_path / "r.png").read_bytes() == b"mine"
    assess(pred, ref, report=tmp_path / "r.md", json_path=tmp_path / "m.json", overwrite=True)
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(OutputError, match=r"\.md or \.html"):
        assess(pred, ref, report=tmp_path / "r.txt")
    with pytest.raises(OutputError, match="same file"):
        assess(pred, ref, report=tmp_path / "x.md", json_path=tmp_path / "x.png", overwrite=True)
    with pytest.raises(OutputError, match="is an input of this run"):  # never replaces an input
        assess(pred, ref, report=tmp_path / "x.md", json_path=ref, overwrite=True)
    assert ref.stat().st_size > 0 and (tmp_path / "ref.gpkg").exists()
    assert not leftovers(tmp_path)


def test_a_failure_while_writing_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    import engine.assess.api as api

    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10)])
    pred = write_vector(tmp_path / "pred.gpkg", [box(5, 0, 10)])
    before = sorted(os.listdir(tmp_path))

    def broken(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C (or SIGTERM, which the CLI turns into it) while drawing

    monkeypatch.setattr(api, "write_figure", broken)
    with pytest.raises(KeyboardInterrupt):
        assess(pred, ref, report=tmp_path / "r.md", errors=tmp_path / "e.gpkg", json_path=tmp_path / "m.json")
    assert sorted(os.listdir(tmp_path)) == before


# ---------------------------------------------------------------- one clear error per bad input


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[Path, Path]:
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10)], {"dmg": ["destroyed"]})
    pred = write_vector(tmp_path / "pred.gpkg", [box(0, 0, 10)])
    return pred, ref


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing predicted", "predicted file not found"),
        ("missing reference", "reference file not found"),
        ("not geodata", "neither a vector layer nor a raster"),
        ("unknown layer", "no polygon layer 'nope'"),
        ("unknown class field", "no field 'damage'"),
        ("empty after filter", "no features matching"),
        ("bad filter", "invalid filter"),
        ("no overlap", "do not overlap"),
        ("extent elsewhere", "extent does not overlap the reference"),
        ("unknown extent crs", "unknown CRS 'EPSG:999999'"),
        ("layer without crs", "no coordinate reference system"),
        ("points", "no polygons"),
        ("grid too big", "analysis grid would be"),
        ("bad min iou", "--min-iou"),
        ("class table on a layer", "--class-table applies to a reference raster"),
        ("bad class table", "CODE=NAME"),
    ],
)
def test_bad_input_gives_one_clear_error_and_nothing_on_disk(
    tmp_path: Path, pair, case: str, message: str
) -> None:
    pred, ref = pair
    kwargs: dict = {}
    if case == "missing predicted":
        pred = tmp_path / "nope.gpkg"
    elif case == "missing reference":
        ref = tmp_path / "nope.shp"
    elif case == "not geodata":
        ref = tmp_path / "notes.txt"
        ref.write_text("not a layer\n")
    elif case == "unknown layer":
        kwargs["reference_layer"] = "nope"
    elif case == "unknown class field":
        kwargs["class_field"] = "damage"
    elif case == "empty after filter":
        kwargs["where"] = "dmg = 'minor'"
    elif case == "bad filter":
        kwargs["where"] = "no_such_field = 1"
    elif case == "no overlap":
        pred = write_vector(tmp_path / "far.gpkg", [box(5000, 0, 10)])
    elif case == "extent elsewhere":
        kwargs["extent"] = [0, 0, 10, 10]
    elif case == "unknown extent crs":
        kwargs.update(extent=[0, 0, 10, 10], extent_crs="EPSG:999999")
    elif case == "layer without crs":
        ref = write_vector(tmp_path / "nocrs.shp", [box(0, 0, 10)], epsg=None)
    elif case == "points":
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp_path / "points.gpkg"))
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(32615)
        lyr = ds.CreateLayer("pts", srs, ogr.wkbPoint)
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({X0} {Y0})"))
        lyr.CreateFeature(f)
        ds = None
        ref = tmp_path / "points.gpkg"
    elif case == "grid too big":
        kwargs.update(extent=[X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000], pixel_size=0.5)
    elif case == "bad min iou":
        kwargs["min_iou"] = 0.0
    elif case == "class table on a layer":
        kwargs["class_table"] = "1=a"
    elif case == "bad class table":
        kwargs["class_table"] = "1:a"
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(InputError, match=message) as info:
        assess(
            pred,
            ref,
            report=tmp_path / "r.md",
            errors=tmp_path / "e.gpkg",
            json_path=tmp_path / "m.json",
            **kwargs,
        )
    assert "Traceback" not in str(info.value)
    assert sorted(os.listdir(tmp_path)) == before


def test_multi_layer_sources_need_a_layer_name(tmp_path: Path) -> None:
    both = tmp_path / "both.gpkg"
    write_vector(both, [box(0, 0, 10)], layer="buildings")
    ds = ogr.Open(str(both), 1)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32615)
    lyr = ds.CreateLayer("roads", srs, ogr.wkbPolygon)
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetGeometry(ogr.CreateGeometryFromWkb(box(50, 0, 10).wkb))
    lyr.CreateFeature(f)
    ds = None
    pred = write_vector(tmp_path / "pred.gpkg", [box(0, 0, 10)])
    with pytest.raises(InputError, match="choose one with --reference-layer"):
        assess(pred, both)
    r = assess(pred, both, reference_layer="buildings", extent=EXTENT)
    assert (r.objects.tp, r.objects.fn) == (1, 0)
    r = assess(pred, f"{both}|layername=roads", extent=EXTENT)  # QGIS's spelling of a layer source
    assert (r.objects.tp, r.objects.fp, r.objects.fn) == (0, 1, 1)


def test_a_probability_raster_in_wgs84_against_utm_polygons(tmp_path: Path) -> None:
    import rasterio
    from rasterio.vrt import WarpedVRT

    prob = np.zeros((100, 100), dtype=np.float32)
    prob[10:40, 10:40] = 0.9  # ground x 10..40, y 60..90
    prob[60:90, 50:80] = 0.9  # x 50..80, y 10..40
    utm = write_geotiff(
        tmp_path / "prob_utm.tif", prob, transform=from_origin(X0, Y0 + 100, 1, 1), nodata=-1.0
    )
    wgs = tmp_path / "prob_wgs84.tif"
    with rasterio.open(utm) as src, WarpedVRT(src, crs="EPSG:4326") as vrt:
        profile = {
            **src.profile,
            "crs": vrt.crs,
            "transform": vrt.transform,
            "width": vrt.width,
            "height": vrt.height,
        }
        with rasterio.open(wgs, "w", **profile) as dst:
            dst.write(vrt.read())
    ref = write_vector(tmp_path / "ref.gpkg", [box(10, 60, 30), box(50, 10, 30, 20)])
    extent = [X0, Y0, X0 + 100, Y0 + 100]
    a = assess(utm, ref, extent=extent)
    b = assess(wgs, ref, extent=extent)
    assert a.grid.crs == b.grid.crs and b.grid.pixel_size == pytest.approx((1.0, 1.0), rel=0.05)
    assert a.pixel.iou == pytest.approx((900 + 600) / (900 + 900))
    assert b.pixel.iou == pytest.approx(a.pixel.iou, abs=0.05)
    assert (
        (b.objects.tp, b.objects.fp, b.objects.fn) == (a.objects.tp, a.objects.fp, a.objects.fn) == (2, 0, 0)
    )


def test_extent_beside_every_reference_polygon_counts_predictions_as_false_positives(tmp_path: Path) -> None:
    """A held-out chip without any labelled change is a valid place to assess: the reference says "none"."""
    prob = _probability_raster(tmp_path / "prob.tif")
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 10, 10)])
    r = assess(prob, ref, extent=[X0 + 25, Y0 + 5, X0 + 45, Y0 + 25])  # holds the 0.6 block, no reference
    assert (r.pixel.tp, r.pixel.fp, r.pixel.fn) == (0, 100, 0)
    assert any("no reference polygon lies in the extent" in w for w in r.warnings)

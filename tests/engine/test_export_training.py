"""`mtrs export-training`: chips as the pipeline sees them, labels in any CRS, both layouts, errors that leave
nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from osgeo import ogr, osr
from PIL import Image
from rasterio.transform import from_origin
from rasterio.windows import Window

from engine.cli import main as mtrs
from engine.data.change_detection import ChangeDetectionDataset
from engine.data.mtrefseg import MTRefSegDataset
from engine.errors import InputError, OutputError
from engine.export import ExportOptions, export_training
from engine.export.expressions import ExpressionGenerator, Instance, load_templates
from engine.export.split import ChipSlot, assign_splits
from engine.geo.align import align
from engine.geo.normalise import compute_stretch
from tests.conftest import write_geotiff

ROOT = Path(__file__).resolve().parents[2]
XBD = ROOT / "datasets" / "xbd-joplin"
ORIGIN = (366000.0, 4100000.0)
# class → squares (x0, y0, size) in pixels of the 256² test scene (1 m pixels, UTM 15N)
SQUARES = {
    "destroyed": [(10, 10, 30), (150, 20, 12), (40, 150, 20)],
    "new building": [(200, 200, 24)],
}


def write_labels(path: Path, polygons: list[tuple[str, str | None, list]], epsg: int = 32615, layer="labels"):
    """A GeoPackage layer of polygons (ring coordinates in EPSG:32615 metres, reprojected to `epsg`)."""
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(32615)
    dst.ImportFromEPSG(epsg)
    for s in (src, dst):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = osr.CoordinateTransformation(src, dst)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    lyr = ds.CreateLayer(layer, dst, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("kind", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("note", ogr.OFTString))
    for kind, note, ring in polygons:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("kind", kind)
        if note:
            f.SetField("note", note)
        wkt = "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"
        geom = ogr.CreateGeometryFromWkt(wkt)
        geom.Transform(transform)
        f.SetGeometry(geom)
        lyr.CreateFeature(f)
    ds = None
    return str(path)


def square_ring(x0: int, y0: int, size: int) -> list[tuple[float, float]]:
    ox, oy = ORIGIN
    x1, y1 = x0 + size, y0 + size
    return [
        (ox + x0, oy - y0),
        (ox + x1, oy - y0),
        (ox + x1, oy - y1),
        (ox + x0, oy - y1),
        (ox + x0, oy - y0),
    ]


@pytest.fixture()
def scene(tmp_path) -> dict:
    """A uint16 256² pair (the joint stretch is not the identity) and labels of the squares that changed."""
    rng = np.random.default_rng(0)
    earlier = rng.integers(800, 1200, size=(3, 256, 256), dtype=np.uint16)
    later = earlier.copy()
    polygons = []
    for kind, squares in SQUARES.items():
        for k, (x, y, s) in enumerate(squares):
            later[:, y : y + s, x : x + s] = 3000
            note = "the big square in the corner" if (kind, k) == ("destroyed", 0) else None
            polygons.append((kind, note, square_ring(x, y, s)))
    paths = {
        "earlier": write_geotiff(tmp_path / "earlier.tif", earlier),
        "later": write_geotiff(tmp_path / "later.tif", later),
        "labels": write_labels(tmp_path / "labels.gpkg", polygons),
        "labels_4326": write_labels(tmp_path / "labels_4326.gpkg", polygons, epsg=4326),
    }
    return paths


def options(scene: dict, out: Path, **kw) -> ExportOptions:
    base = {
        "earlier": scene["earlier"],
        "later": scene["later"],
        "labels": scene["labels"],
        "output": str(out),
        "class_field": "kind",
        "description_field": "note",
        "chip": 64,
        "val_fraction": 0.25,
        "block_chips": 2,
    }
    base.update(kw)
    return ExportOptions(**base)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name or ".old-" in p.name)


def test_export_writes_both_layouts_readable_by_the_trainers(scene, tmp_path) -> None:
    out = tmp_path / "export"
    summary = export_training(options(scene, out))
    assert summary.chips["train"] + summary.chips["val"] == 16
    assert summary.chips["val"] >= 4 and summary.chips["train"] >= 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "mtrs-training-export"
    assert manifest["classes"] == ["destroyed", "new building"]
    assert len(manifest["chips"]) == 16 and manifest["crs_name"] == "EPSG:32615"
    for split in ("train", "val"):
        refer = MTRefSegDataset(out / split, image_size=64)
        cd = ChangeDetectionDataset(out / split, image_size=64)
        assert len(cd) == summary.chips[split]
        assert len(refer) == summary.expressions[split]
    # the union label of every chip equals the squares, cut at the chip window
    truth = np.zeros((256, 256), dtype=bool)
    for squares in SQUARES.values():
        for x, y, s in squares:
            truth[y : y + s, x : x + s] = True
    for chip in manifest["chips"]:
        col, row, w, h = chip["window"]
        label = np.array(Image.open(out / chip["split"] / "label" / f"{chip['id']}.png")) > 127
        assert np.array_equal(label, truth[row : row + h, col : col + w]), chip["id"]
        # chip bounds are map coordinates of that window
        assert chip["bounds"] == pytest.approx(
            [ORIGIN[0] + col, ORIGIN[1] - row - h, ORIGIN[0] + col + w, ORIGIN[1] - row]
        )
    assert leftovers(tmp_path) == []


def test_chips_are_what_predict_sees_joint_stretch_and_warp(scene, tmp_path) -> None:
    """The later raster in another CRS is warped and both dates stretched jointly, exactly as in predict."""
    with rasterio.open(scene["later"]) as src:
        data = src.read()
    shifted = write_geotiff(
        tmp_path / "later_shift.tif", data, transform=from_origin(ORIGIN[0] + 0.4, ORIGIN[1], 1, 1)
    )
    out = tmp_path / "export"
    export_training(options(scene, out, later=shifted, val_fraction=0.0))
    pair = align(scene["earlier"], shifted)
    stretch = compute_stretch(pair)
    assert not pair.same_grid and not stretch.identity
    chip = json.loads((out / "manifest.json").read_text())["chips"][5]
    col, row, w, h = chip["window"]
    _, b, valid = pair.read(Window(col, row, w, h))
    expected_b = np.rint(stretch.apply(b)).clip(0, 255).astype(np.uint8)
    expected_b[:, ~valid] = 0
    got_b = np.array(Image.open(out / "train" / "B" / f"{chip['id']}.png"))
    assert np.array_equal(got_b, np.transpose(expected_b, (1, 2, 0)))
    pair.close()


def test_labels_in_another_crs_give_the_same_masks(scene, tmp_path) -> None:
    export_training(options(scene, tmp_path / "utm"))
    export_training(options(scene, tmp_path / "geo", labels=scene["labels_4326"]))
    for split in ("train", "val"):
        for path in sorted((tmp_path / "utm" / split / "label").glob("*.png")):
            a = np.array(Image.open(path)) > 127
            b = np.array(Image.open(tmp_path / "geo" / split / "label" / path.name)) > 127
            assert (a != b).sum() <= 0.02 * max(1, a.sum()) + 4, path.name


def test_expressions_are_deterministic_and_include_negatives_and_descriptions(scene, tmp_path) -> None:
    export_training(options(scene, tmp_path / "a", seed=3))
    export_training(options(scene, tmp_path / "b", seed=3))
    export_training(options(scene, tmp_path / "c", seed=4))

    def texts(folder: Path) -> dict[str, list[str]]:
        return {
            p.name: json.loads(p.read_text())["referring_expressions"]
            for p in sorted(folder.glob("*/referring_expression/*.json"))
        }

    assert texts(tmp_path / "a") == texts(tmp_path / "b")
    assert texts(tmp_path / "a") != texts(tmp_path / "c")
    records = [
        json.loads(p.read_text()) for p in sorted((tmp_path / "a").glob("*/referring_expression/*.json"))
    ]
    kinds = [k for r in records for k in r["kinds"]]
    assert {"class", "negative", "description"} <= set(kinds)
    for record in records:
        split_dir = (
            tmp_path / "a" / ("train" if (tmp_path / "a/train/A" / record["img_A"]).exists() else "val")
        )
        for text, kind, mask in zip(
            record["referring_expressions"], record["kinds"], record["mask"], strict=True
        ):
            pixels = (np.array(Image.open(split_dir / "masks" / mask)) > 127).sum()
            assert (pixels == 0) == (kind == "negative"), (text, kind)
            if kind == "description":
                assert text == "the big square in the corner"


def test_generator_size_and_position_pick_the_right_instance() -> None:
    templates = load_templates()
    masks = []
    for x, y, s in ((5, 5, 20), (90, 90, 8), (90, 5, 12)):
        m = np.zeros((128, 128), dtype=bool)
        m[y : y + s, x : x + s] = True
        masks.append(m)
    instances = [Instance("destroyed", m) for m in masks]
    gen = ExpressionGenerator(templates, ["destroyed", "new building"], seed=0, positional_per_class=3)
    out = gen.generate(0, (128, 128), instances)
    by_kind = {e.kind: e for e in out}
    assert np.array_equal(by_kind["largest"].mask, masks[0])
    assert np.array_equal(by_kind["smallest"].mask, masks[1])
    positions = {e.text: e.mask for e in out if e.kind == "position"}
    assert len(positions) == 3
    for text, mask in positions.items():
        idx = next(i for i, m in enumerate(masks) if np.array_equal(m, mask))
        assert ["north-west", "south-east", "north-east"][idx] in text
    negative = [e for e in out if e.kind == "negative"]
    assert len(negative) == 1 and not negative[0].mask.any()
    assert any(w in negative[0].text for w in ("new building", "newly built", "appeared"))


def test_spatial_split_never_shares_overlapping_chips() -> None:
    slots = [
        ChipSlot(i, r, c, c * 32, r * 32, 64, labelled=(r + c) % 3 == 0)
        for i, (r, c) in enumerate((r, c) for r in range(8) for c in range(8))
    ]
    splits, dropped = assign_splits(slots, 0.25, 2, seed=0)
    train = [s for s in slots if splits[s.index] == "train"]
    val = [s for s in slots if splits[s.index] == "val"]
    assert val and train and dropped > 0
    assert not any(t.overlaps(v) for t in train for v in val)
    assert any(s.labelled for s in val) and any(s.labelled for s in train)


def test_raster_labels_with_a_class_table(scene, tmp_path) -> None:
    codes = np.zeros((256, 256), dtype=np.uint8)
    codes[10:40, 10:40] = 2
    codes[200:224, 200:224] = 5
    raster = write_geotiff(tmp_path / "codes.tif", codes)
    out = tmp_path / "export"
    summary = export_training(
        options(
            scene,
            out,
            labels=raster,
            class_field=None,
            description_field=None,
            class_table={2: "destroyed", 5: "new building"},
        )
    )
    counts = {}
    for split in summary.class_counts.values():
        for k, v in split.items():
            counts[k] = counts.get(k, 0) + v
    assert counts == {"destroyed": 1, "new building": 1}
    with pytest.raises(InputError, match="names no class for code"):
        export_training(
            options(
                scene,
                tmp_path / "x",
                labels=raster,
                class_field=None,
                description_field=None,
                class_table={2: "destroyed"},
            )
        )
    with pytest.raises(InputError, match="class codes"):
        export_training(
            options(scene, tmp_path / "y", labels=raster, class_field=None, description_field=None)
        )
    binary = write_geotiff(tmp_path / "binary.tif", (codes > 0).astype(np.uint8))
    summary = export_training(
        options(
            scene,
            tmp_path / "z",
            labels=binary,
            class_field=None,
            description_field=None,
            change_name="new building",
        )
    )
    assert sum(sum(v.values()) for v in summary.class_counts.values()) == 2
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"class_field": "damage"}, InputError, "no field 'damage'"),
        ({"where": "kind = 'flood'"}, InputError, "no polygon matching"),
        ({"where": "kind === 1"}, InputError, "invalid filter"),
        ({"label_layer": "other"}, InputError, "no layer 'other'"),
        ({"chip": 512}, InputError, "smaller than one chip"),
        ({"val_fraction": 1.5}, InputError, "fraction"),
        ({"labels": "/nonexistent/labels.gpkg"}, InputError, "not found"),
    ],
)
def test_bad_input_gets_one_clear_error_and_leaves_nothing(scene, tmp_path, change, error, match) -> None:
    out = tmp_path / "export"
    with pytest.raises(error, match=match):
        export_training(options(scene, out, **change))
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_labels_outside_the_rasters_and_empty_layers(scene, tmp_path) -> None:
    far = write_labels(tmp_path / "far.gpkg", [("destroyed", None, square_ring(5000, 5000, 10))])
    with pytest.raises(InputError, match="outside the area"):
        export_training(options(scene, tmp_path / "a", labels=far))
    empty = write_labels(tmp_path / "empty.gpkg", [])
    with pytest.raises(InputError, match="no polygon"):
        export_training(options(scene, tmp_path / "b", labels=empty))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_existing_output_is_kept_unless_overwrite_and_inputs_are_protected(scene, tmp_path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        export_training(options(scene, out))
    assert (out / "keep.txt").read_text() == "mine"
    export_training(options(scene, out, overwrite=True))
    assert not (out / "keep.txt").exists() and (out / "manifest.json").exists()
    # a folder that holds an input is never the output, even with --overwrite
    with pytest.raises(OutputError, match="contains the input"):
        export_training(options(scene, tmp_path, overwrite=True))
    assert Path(scene["earlier"]).exists()
    assert leftovers(tmp_path) == []


def test_cancel_mid_run_leaves_nothing(scene, tmp_path) -> None:
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 20

    from engine.errors import Cancelled

    with pytest.raises(Cancelled):
        export_training(options(scene, tmp_path / "export"), cancel=cancel)
    assert not (tmp_path / "export").exists() and leftovers(tmp_path) == []


def test_cli_progress_json_and_exit_codes(scene, tmp_path, capsys) -> None:
    out = tmp_path / "export"
    argv = [
        "export-training",
        scene["earlier"],
        scene["later"],
        "--labels",
        scene["labels"],
        "--class-field",
        "kind",
    ]
    assert mtrs([*argv, "--chip", "64", "-o", str(out), "--progress-json"]) == 0
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]
    assert events[-1]["event"] == "result" and events[-1]["output"] == str(out)
    assert any(e["event"] == "progress" and e["done"] == e["total"] > 0 for e in events)
    assert "validation chips" in captured.out
    assert mtrs([*argv, "--chip", "64", "-o", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_real_xbd_damage_labels_line_up_with_the_imagery(tmp_path) -> None:
    """Destroyed buildings of the human-labelled xBD scene: labelled pixels changed far more than the rest."""
    out = tmp_path / "xbd"
    export_training(
        ExportOptions(
            earlier=str(XBD / "0_pre.tif"),
            later=str(XBD / "0_post.tif"),
            labels=str(XBD / "0_buildings.gpkg"),
            output=str(out),
            class_field="subtype",
            where="subtype = 'destroyed'",
            chip=128,
            extent=[-94.5085, 37.0640, -94.5060, 37.0657],
            extent_crs="EPSG:4326",
        )
    )
    inside, outside = [], []
    for label in out.glob("*/label/*.png"):
        split = label.parents[1]
        m = np.array(Image.open(label)) > 127
        a = np.array(Image.open(split / "A" / label.name)).astype(float)
        b = np.array(Image.open(split / "B" / label.name)).astype(float)
        diff = np.abs(a - b).mean(axis=2)
        inside.append(diff[m])
        outside.append(diff[~m])
    inside, outside = np.concatenate(inside), np.concatenate(outside)
    assert inside.size > 1000
    assert inside.mean() > outside.mean() * 1.2


def test_kinds_limit_the_expressions_written(scene, tmp_path) -> None:
    export_training(options(scene, tmp_path / "k", kinds=("class", "negative")))
    kinds = {
        k
        for p in (tmp_path / "k").glob("*/referring_expression/*.json")
        for k in json.loads(p.read_text())["kinds"]
    }
    assert kinds == {"class", "negative"}
    with pytest.raises(InputError, match="unknown expression kind"):
        export_training(options(scene, tmp_path / "bad", kinds=("class", "shapes")))
    assert not (tmp_path / "bad").exists()


# plain images (no georeference) of 300 × 280 px: squares (x0, y0, size) in pixels that changed
PLAIN_SQUARES = [(20, 30, 40), (150, 100, 25), (250, 220, 30)]


@pytest.fixture()
def plain(tmp_path) -> dict:
    """Two plain RGB PNGs of one size, the change as a 0/255 PNG mask and as pixel polygons without CRS."""
    rng = np.random.default_rng(1)
    earlier = rng.integers(40, 120, size=(280, 300, 3), dtype=np.uint8)
    later = earlier.copy()
    mask = np.zeros((280, 300), dtype=np.uint8)
    for x, y, s in PLAIN_SQUARES:
        later[y : y + s, x : x + s] = 230
        mask[y : y + s, x : x + s] = 255
    paths = {k: str(tmp_path / f"{k}.png") for k in ("earlier", "later", "mask")}
    Image.fromarray(earlier).save(paths["earlier"])
    Image.fromarray(later).save(paths["later"])
    Image.fromarray(mask).save(paths["mask"])
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp_path / "pixels.gpkg"))
    lyr = ds.CreateLayer("labels", None, ogr.wkbPolygon)  # no CRS: x = column, y = row from the top
    for x, y, s in PLAIN_SQUARES:
        f = ogr.Feature(lyr.GetLayerDefn())
        ring = f"{x} {y}, {x + s} {y}, {x + s} {y + s}, {x} {y + s}, {x} {y}"
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON (({ring}))"))
        lyr.CreateFeature(f)
    ds = None
    paths["pixels"] = str(tmp_path / "pixels.gpkg")
    paths["truth"] = mask > 0
    return paths


def plain_options(plain: dict, out: Path, **kw) -> ExportOptions:
    base = {
        "earlier": plain["earlier"],
        "later": plain["later"],
        "labels": plain["mask"],
        "output": str(out),
        "chip": 64,
        "val_fraction": 0.0,  # every chip kept: overlapping edge chips are never dropped by the split
    }
    base.update(kw)
    return ExportOptions(**base)


def label_chips(out: Path) -> dict[str, np.ndarray]:
    return {p.stem: np.array(Image.open(p)) > 127 for p in sorted(out.glob("*/label/*.png"))}


def test_plain_image_pair_exports_pixel_for_pixel_like_predict(plain, tmp_path) -> None:
    out = tmp_path / "export"
    summary = export_training(plain_options(plain, out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["crs"] is None and manifest["crs_name"] is None and manifest["pixel_coordinates"]
    assert summary.chips["train"] + summary.chips["val"] == len(manifest["chips"]) == 25  # 5 × 5 positions
    assert manifest["classes"] == ["changed area"]
    pair = align(plain["earlier"], plain["later"], allow_pixel_coordinates=True)
    stretch = compute_stretch(pair)
    for chip in manifest["chips"]:
        col, row, w, h = chip["window"]
        assert chip["bounds"] == [col, row, col + w, row + h]  # pixels, y = row from the top
        label = np.array(Image.open(out / chip["split"] / "label" / f"{chip['id']}.png")) > 127
        assert np.array_equal(label, plain["truth"][row : row + h, col : col + w]), chip["id"]
        a, b, valid = pair.read(Window(col, row, w, h))
        for name, image in (("A", a), ("B", b)):
            expected = np.rint(stretch.apply(image)).clip(0, 255).astype(np.uint8)
            expected[:, ~valid] = 0
            got = np.array(Image.open(out / chip["split"] / name / f"{chip['id']}.png"))
            assert np.array_equal(got, np.transpose(expected, (1, 2, 0))), (chip["id"], name)
    pair.close()
    # the same change as polygons without CRS in pixel coordinates, and as an RGBA mask (band 1 counts)
    export_training(plain_options(plain, tmp_path / "vector", labels=plain["pixels"]))
    rgba = np.zeros((280, 300, 4), dtype=np.uint8)
    rgba[..., 0] = np.where(plain["truth"], 255, 0)
    rgba[..., 3] = 255
    Image.fromarray(rgba).save(tmp_path / "rgba.png")
    export_training(plain_options(plain, tmp_path / "rgba", labels=str(tmp_path / "rgba.png")))
    reference = label_chips(out)
    for other in ("vector", "rgba"):
        chips = label_chips(tmp_path / other)
        assert chips.keys() == reference.keys()
        assert all(np.array_equal(v, reference[k]) for k, v in chips.items()), other
    assert leftovers(tmp_path) == []


def test_plain_images_with_an_extent_in_pixels(plain, tmp_path) -> None:
    out = tmp_path / "export"
    export_training(plain_options(plain, out, extent=[10.0, 20.0, 150.0, 160.0], val_fraction=0.0))
    windows = [c["window"] for c in json.loads((out / "manifest.json").read_text())["chips"]]
    assert sorted(windows) == sorted([[x, y, 64, 64] for x in (10, 74, 86) for y in (20, 84, 96)])
    with pytest.raises(InputError, match="--extent-crs has no meaning"):
        export_training(
            plain_options(plain, tmp_path / "crs", extent=[0, 0, 100, 100], extent_crs="EPSG:4326")
        )
    assert not (tmp_path / "crs").exists() and leftovers(tmp_path) == []


def test_plain_images_refuse_mismatched_or_georeferenced_labels_and_mixed_pairs(
    plain, scene, tmp_path
) -> None:
    small = tmp_path / "small.png"
    Image.fromarray(np.zeros((256, 256), dtype=np.uint8)).save(small)
    geo_mask = write_geotiff(tmp_path / "geo_mask.tif", np.full((280, 300), 255, dtype=np.uint8))
    cases = [
        ({"labels": str(small)}, "is 256×256 px but the images are 300×280 px"),
        ({"labels": geo_mask}, "is georeferenced but the images are not"),
        ({"labels": scene["labels"]}, "has a coordinate reference system but the images are not"),
        ({"later": scene["later"]}, "earlier.png is not georeferenced but later.tif is"),
        ({"earlier": scene["earlier"], "labels": scene["labels"]}, "later.png is not georeferenced but"),
    ]
    for change, match in cases:
        out = tmp_path / "export"
        with pytest.raises(InputError, match=match):
            export_training(plain_options(plain, out, **change))
        assert not out.exists() and leftovers(tmp_path) == []


def test_cli_exports_a_plain_image_pair(plain, tmp_path, capsys) -> None:
    out = tmp_path / "export"
    argv = ["export-training", plain["earlier"], plain["later"], "--labels", plain["mask"], "--chip", "64"]
    assert mtrs([*argv, "-o", str(out)]) == 0
    assert "validation chips" in capsys.readouterr().out
    assert json.loads((out / "manifest.json").read_text())["crs"] is None

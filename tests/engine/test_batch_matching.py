"""Pairs from two folders of real GeoTIFFs and from two STAC ItemCollections written with pystac.

The scene: tiles A and B near Joplin (UTM 15N), each written in another CRS on each side (UTM, Web Mercator,
lon/lat) with dates in tags or names; a tile only before, one only after, one overlapping A by a third, an
unreadable file, a text file. Every expected pair, swap and note follows from those footprints and dates.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_bounds
from rasterio.warp import transform_bounds

from engine.batch import dates, matching
from engine.batch.matching import match_folders, match_stac
from engine.errors import InputError

UTM = "EPSG:32615"
SIZE = 640.0  # metres: each tile is 640 m square in UTM
A = (366000.0, 4099360.0, 366000.0 + SIZE, 4100000.0)
B = (370000.0, 4099360.0, 370000.0 + SIZE, 4100000.0)
FAR = (380000.0, 4099360.0, 380000.0 + SIZE, 4100000.0)
ALONE = (390000.0, 4099360.0, 390000.0 + SIZE, 4100000.0)


def shifted(bounds, dx: float = 0.0, dy: float = 0.0):
    return (bounds[0] + dx, bounds[1] + dy, bounds[2] + dx, bounds[3] + dy)


def write_raster(path: Path, utm_bounds, crs: str = UTM, tags=None, imagery=None, size: int = 16) -> Path:
    """A small 3-band GeoTIFF covering `utm_bounds` (given in UTM 15N), written in `crs`."""
    bounds = transform_bounds(UTM, crs, *utm_bounds) if crs != UTM else utm_bounds
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 3,
        "dtype": "uint8",
        "crs": crs,
        "transform": from_bounds(*bounds, size, size),
    }
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(np.full((3, size, size), 100, np.uint8))
        if tags:
            ds.update_tags(**tags)
        if imagery:
            ds.update_tags(ns="IMAGERY", **imagery)
    return path


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("folders")
    before, after = root / "before", root / "after"
    before.mkdir()
    after.mkdir()
    write_raster(before / "a_2020-06-01.tif", A)  # date in the name
    write_raster(
        before / "b.tif", B, crs="EPSG:4326", imagery={"ACQUISITIONDATETIME": "2020-06-02T10:00:00Z"}
    )
    write_raster(before / "far.tif", FAR)  # nothing after overlaps it
    (before / "broken.tif").write_bytes(b"not a tiff at all")
    (before / "readme.txt").write_text("not a raster")
    write_raster(after / "a_20210601.tif", shifted(A, dx=64.0), crs="EPSG:3857")  # 90 % of A
    write_raster(after / "b_later.tif", B, tags={"TIFFTAG_DATETIME": "2019:01:01 12:00:00"})  # older than b
    write_raster(after / "half.tif", shifted(A, dx=SIZE * 2 / 3))  # a third of A: below the minimum
    write_raster(after / "lonely.tif", ALONE)
    return before, after


def test_folders_pair_by_footprint_across_crss_and_swap_by_date(folders):
    before, after = folders
    matches = match_folders(str(before), str(after))
    assert list(matches) == [
        ("a_20210601", str(before / "a_2020-06-01.tif"), str(after / "a_20210601.tif")),
        # b.tif (metadata: 2020-06-02) is newer than b_later.tif (TIFF tag: 2019-01-01): swapped
        ("b_later", str(after / "b_later.tif"), str(before / "b.tif")),
    ]
    notes = "\n".join(matches.notes)
    assert "pair b_later: swapped" in notes and "2019-01-01" in notes and "2020-06-02" in notes
    assert "earlier far.tif not paired: no later raster overlaps it" in notes
    assert "later lonely.tif not paired: no earlier raster overlaps it" in notes
    assert "later half.tif not paired: it overlaps at most 33% with an earlier raster (below 50%)" in notes
    assert "earlier raster broken.tif left out: not a raster GDAL can read" in notes
    assert "readme" not in notes  # not a raster by its name: ignored, not reported
    assert len(matches.notes) == 5


def test_lower_minimum_overlap_pairs_the_third(folders):
    before, after = folders
    matches = match_folders(str(before), str(after), min_overlap=0.3)
    half = [pair for pair in matches if pair[0] == "half"]
    assert half == [("half", str(before / "a_2020-06-01.tif"), str(after / "half.tif"))]


def test_equally_good_earlier_rasters_nearest_date_then_name(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    for name in ("x_2019-05-01.tif", "y_2020-05-01.tif", "z_2022-05-01.tif"):
        write_raster(before / name, A)
    write_raster(after / "scene_2021-05-01.tif", A, crs="EPSG:4326")
    matches = match_folders(str(before), str(after))
    assert list(matches) == [
        ("scene_2021-05-01", str(before / "y_2020-05-01.tif"), str(after / "scene_2021-05-01.tif"))
    ]
    (note,) = [n for n in matches.notes if "equally" in n]
    assert "chose y_2020-05-01.tif (nearest date before the later raster)" in note
    # without dates: the first by name, said so
    undated, later = tmp_path / "undated", tmp_path / "undated_after"
    undated.mkdir()
    later.mkdir()
    for name in ("q.tif", "p.tif", "r.tif"):
        write_raster(undated / name, A)
    write_raster(later / "scene.tif", A)
    matches = match_folders(str(undated), str(later))
    assert [pair[1] for pair in matches] == [str(undated / "p.tif")]
    assert any("chose p.tif (first by name)" in n for n in matches.notes)
    assert sum("not paired" in n for n in matches.notes) == 2  # q.tif and r.tif, each said


def test_pair_ids_are_safe_unique_stems(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    write_raster(before / "mosaic.tif", (366000.0, 4090000.0, 400000.0, 4100000.0), size=32)
    for i, name in enumerate(("merged.tif", "a b#c.tif", "tile.tif", "TILE.tiff")):
        write_raster(after / name, shifted(A, dx=1000.0 * i))
    matches = match_folders(str(before), str(after))
    ids = [pair[0] for pair in matches]
    assert sorted(ids) == sorted(["merged_pair", "a_b_c", "TILE", "tile-2"])  # by name: "TILE" first
    assert all(pair[1] == str(before / "mosaic.tif") for pair in matches)  # one earlier serves them all
    assert matching.safe_id("...") == "pair"
    assert matching.safe_id("Summary") == "Summary_pair"
    taken: set[str] = set()
    long_ids = [matching.unique_id("x" * 150, taken) for _ in range(2)]
    assert long_ids == ["x" * 100, "x" * 98 + "-2"]


def test_folder_errors_are_clear(tmp_path, folders):
    before, _after = folders
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no raster in the later folder") as info:
        match_folders(str(before), str(empty))
    assert "it is empty" in info.value.hint
    (empty / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="no raster in the later folder") as info:
        match_folders(str(before), str(empty))
    assert "notes.txt" in info.value.hint and ".tif" in info.value.hint
    with pytest.raises(InputError, match="earlier folder not found"):
        match_folders(str(tmp_path / "missing"), str(before))
    with pytest.raises(InputError, match="are the same"):
        match_folders(str(before), str(before) + os.sep)
    plain = tmp_path / "plain"
    plain.mkdir()
    with rasterio.open(
        plain / "photo.tif", "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8"
    ) as ds:
        ds.write(np.zeros((1, 8, 8), np.uint8))
    with pytest.raises(InputError, match="no georeferenced raster") as info:
        match_folders(str(before), str(plain))
    assert "manifest" in info.value.hint


def test_no_overlap_at_all_says_where_each_side_lies(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    write_raster(before / "a.tif", A)
    write_raster(after / "elsewhere.tif", ALONE)
    with pytest.raises(InputError, match=r"no raster of .*after overlaps a raster of .*before") as info:
        match_folders(str(before), str(after))
    assert "lon -94" in info.value.hint and "lat 37" in info.value.hint and "CRS" in info.value.hint
    (after / "elsewhere.tif").unlink()
    write_raster(after / "edge.tif", shifted(A, dx=SIZE * 0.8))
    with pytest.raises(InputError, match="no pair overlaps by at least 50%") as info:
        match_folders(str(before), str(after))
    assert "edge.tif with a.tif (20%)" in info.value.hint


# -- dates ---------------------------------------------------------------------------------------------------


def test_dates_from_metadata_names_and_tiff_tags():
    assert dates.name_date("S2A_MSIL2A_20200601T103031_N0214_R108_T15SUC_20200601T134512") == datetime(
        2020, 6, 1
    )
    assert dates.name_date("tile_2021_02_03_v2") == datetime(2021, 2, 3)
    assert dates.name_date("tile_2021-02-30_then_2021.03.04") == datetime(2021, 3, 4)
    assert dates.name_date("tile_2021-0203") is None  # mixed separators: not a date
    assert dates.name_date("id_120200601") is None  # part of a longer number
    assert dates.parse_date("2020-06-01T23:30:00+02:00") == datetime(2020, 6, 1, 21, 30)
    assert dates.parse_date("0000:00:00 00:00:00") is None
    tiff = {"TIFFTAG_DATETIME": "2018:01:01 00:00:00"}
    assert dates.acquisition_date(tiff, "x.tif") == (datetime(2018, 1, 1), "TIFF tag")
    assert dates.acquisition_date(tiff, "x_2019-02-02.tif") == (datetime(2019, 2, 2), "file name")
    meta = {**tiff, "IMAGERY:ACQUISITIONDATETIME": "2017-03-03T08:00:00Z"}
    assert dates.acquisition_date(meta, "x_2019-02-02.tif") == (datetime(2017, 3, 3, 8), "metadata")
    assert dates.acquisition_date({"datetime": None}, "x") == (None, "")


# -- STAC ----------------------------------------------------------------------------------------------------


def stac_item(item_id: str, utm_bounds, when: datetime | None, assets: dict, start: str | None = None):
    import pystac
    from shapely.geometry import box, mapping

    lonlat = transform_bounds(UTM, "EPSG:4326", *utm_bounds)
    props = {"start_datetime": start, "end_datetime": start} if start else {}
    item = pystac.Item(item_id, mapping(box(*lonlat)), list(lonlat), when, props)
    for key, asset in assets.items():
        item.add_asset(key, asset)
    return item


def geotiff_asset(href: str, roles=("data",)):
    import pystac

    return pystac.Asset(href, media_type=pystac.MediaType.COG, roles=list(roles))


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory) -> tuple[Path, Path]:
    import pystac

    root = tmp_path_factory.mktemp("stac")
    (root / "before").mkdir()
    (root / "after" / "tiles").mkdir(parents=True)
    write_raster(root / "before" / "a.tif", A)
    write_raster(root / "after" / "tiles" / "a2.tif", A)
    earlier = pystac.ItemCollection(
        [
            stac_item(
                "a-2020",
                A,
                datetime(2020, 6, 1),
                {
                    "thumbnail": pystac.Asset("a.png", media_type=pystac.MediaType.PNG, roles=["thumbnail"]),
                    "visual": geotiff_asset("./a.tif"),
                },
            ),
            stac_item("b-2022", B, datetime(2022, 6, 1), {"image": geotiff_asset("/data/b.tif", roles=())}),
            stac_item("far", FAR, datetime(2020, 6, 1), {"data": geotiff_asset("https://example.org/f.tif")}),
        ]
    )
    later = pystac.ItemCollection(
        [
            stac_item(
                "a-2021", shifted(A, dy=64.0), datetime(2021, 6, 1), {"d": geotiff_asset("tiles/a2.tif")}
            ),
            stac_item(
                "b-2021", B, None, {"d": geotiff_asset("file:///data/b%202021.tif")}, start="2021-01-01"
            ),
            stac_item(
                "thumb-only",
                A,
                datetime(2021, 6, 1),
                {"t": pystac.Asset("t.png", media_type=pystac.MediaType.PNG, roles=["thumbnail"])},
            ),
        ]
    )
    e_path, l_path = root / "before" / "items.json", root / "after" / "items.json"
    earlier.save_object(dest_href=str(e_path))
    later.save_object(dest_href=str(l_path))
    return e_path, l_path


def test_stac_item_collections_pair_by_geometry_and_datetime(catalogues):
    e_path, l_path = catalogues
    matches = match_stac(str(e_path), str(l_path))
    assert list(matches) == [
        ("a-2021", str(e_path.parent / "a.tif"), str(l_path.parent / "tiles" / "a2.tif")),
        (
            "b-2021",
            "/data/b 2021.tif",
            "/data/b.tif",
        ),  # b-2022 is newer than b-2021 (start_datetime): swapped
    ]
    assert all(os.path.isfile(p) for p in matches[0][1:])  # relative hrefs resolved from the file's folder
    notes = "\n".join(matches.notes)
    assert "later item thumb-only left out: no 'data' asset and no GeoTIFF asset" in notes
    assert "pair b-2021: swapped" in notes
    assert "earlier far not paired: no later raster overlaps it" in notes


def test_invalid_stac_files_are_clear_errors(catalogues, tmp_path):
    e_path, l_path = catalogues
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not a valid ItemCollection") as info:
        match_stac(str(bad), str(l_path))
    assert "FeatureCollection" in info.value.hint
    bad.write_text(json.dumps({"type": "Feature", "id": "one item"}))
    with pytest.raises(InputError, match="not a valid ItemCollection"):
        match_stac(str(e_path), str(bad))
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(InputError, match="has no items"):
        match_stac(str(e_path), str(bad))
    with pytest.raises(InputError, match="later STAC file not found"):
        match_stac(str(e_path), str(tmp_path / "missing.json"))
    with pytest.raises(InputError, match="are the same"):
        match_stac(str(e_path), str(e_path))


# -- through `mtrs batch` ------------------------------------------------------------------------------------


def test_mtrs_batch_runs_matched_folders_and_prints_the_notes(folders, tmp_path, capsys):
    from engine.cli import main

    before, after = folders
    out = tmp_path / "out"
    args = ["batch", "--earlier-dir", str(before), "--later-dir", str(after), "--output-dir", str(out)]
    code = main([*args, "--prompt", "brighter", "--model", "null:brighter", "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "note: pair b_later: swapped" in err and "note: later lonely.tif not paired" in err
    rows = {r["pair"]: r for r in csv.DictReader((out / "summary.csv").read_text().splitlines())}
    assert {p: r["status"] for p, r in rows.items()} == {"a_20210601": "done", "b_later": "done"}
    record = json.loads((out / "b_later.run.json").read_text())
    assert record["request"]["earlier"] == str(after / "b_later.tif")  # the swap reached the analysis


def test_mtrs_batch_dry_run_of_stac_pairs(catalogues, tmp_path, capsys):
    from engine.cli import main

    e_path, l_path = catalogues
    args = ["batch", "--earlier-stac", str(e_path), "--later-stac", str(l_path), "--all-changes"]
    assert main([*args, "--output-dir", str(tmp_path / "out"), "--dry-run"]) == 0
    captured = capsys.readouterr()
    lines = {line.split("\t")[0]: line for line in captured.out.splitlines()}
    assert "\ttodo\t" in lines["a-2021"] and "will fail" in lines["b-2021"]  # /data/b.tif does not exist
    assert "note: later item thumb-only left out" in captured.err
    assert not (tmp_path / "out").exists()

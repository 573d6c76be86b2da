"""Reliability, worst first: data loss and corrupt results reported as success (cases L01–L11, L46), and the
output-side cases of the extended campaign (N01–N16, N71: formats, paths, collisions, concurrency)."""

from __future__ import annotations

import os
import stat
import threading

import numpy as np
import pytest
import rasterio

from tests.reliability.conftest import (
    NULL,
    assert_clean_failure,
    assert_success,
    geotiff,
    joplin_full,
    mtrs,
    no_temp_dirs,
    read_features,
    run_record,
    snapshot,
    square_pair,
)

P = ["--prompt", "brighter", "--quiet"]


# -- L01–L04: outputs that collide with inputs or with each other --------------------------------------------
@pytest.mark.parametrize("which", ["earlier", "later"])
def test_L01_probabilities_equal_to_an_input_is_refused(pair, tmp_path, which) -> None:
    target = pair[0] if which == "earlier" else pair[1]
    before = snapshot(tmp_path)
    run = mtrs(
        "predict", *pair, *NULL, *P, "-o", tmp_path / "o.gpkg", "--probabilities", target, "--overwrite"
    )
    assert_clean_failure(run, before, tmp_path, "is an input of this run")


def test_L02_output_equal_to_an_input_geopackage_raster_is_refused(tmp_path) -> None:
    e = np.full((3, 64, 64), 90, np.uint8)
    later = e.copy()
    later[:, 10:30, 10:30] = 230
    gpkg = geotiff(tmp_path / "later.gpkg", later, driver="GPKG", tiled=False, compress=None)
    earlier = geotiff(tmp_path / "e.tif", e)
    before = snapshot(tmp_path)
    run = mtrs("predict", earlier, gpkg, *NULL, *P, "-o", gpkg, "--overwrite")
    assert_clean_failure(run, before, tmp_path, "is an input of this run")


def test_L03_second_format_does_not_replace_the_first_run_record(pair, tmp_path) -> None:
    assert_success(mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "out.gpkg"))
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "out.geojson")
    assert_clean_failure(run, before, tmp_path, "out.run.json")


def test_L04_output_path_that_is_a_folder_is_refused(pair, tmp_path) -> None:
    (tmp_path / "out.gpkg").mkdir()
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "out.gpkg", "--overwrite")
    assert_clean_failure(run, before, tmp_path, "is a folder")


# -- L05–L07: full disks -------------------------------------------------------------------------------------
def test_L05_full_disk_while_writing_the_geopackage(tmp_path, small_disk) -> None:
    disk = small_disk(200)
    pre, post = joplin_full(tmp_path)
    before = snapshot(tmp_path)
    run = mtrs("predict", pre, post, *NULL, *P, "-o", disk / "out.gpkg")
    message = assert_clean_failure(run, before, tmp_path, "could not write")
    assert "full" in message


def test_L06_probabilities_onto_a_full_disk_commit_nothing(tmp_path, small_disk) -> None:
    disk = small_disk(200)
    pre, post = joplin_full(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(tmp_path)
    run = mtrs("predict", pre, post, *NULL, *P, "-o", out / "o.gpkg", "--probabilities", disk / "p.tif")
    message = assert_clean_failure(run, before, tmp_path, "could not write")  # the GeoPackage is not in place
    assert "p.tif" in message and "full" in message


def test_L07_full_temporary_folder_gives_a_correct_result(tmp_path, small_disk, monkeypatch) -> None:
    """TMPDIR on a full 200 kB disk: the probability raster (1024², noisy values) used to be built there
    and came out corrupt with exit 0. Now every output is built beside its destination."""
    import tempfile

    disk = small_disk(200)
    monkeypatch.setenv("TMPDIR", str(disk))
    monkeypatch.setattr(tempfile, "tempdir", str(disk))
    pre, post = joplin_full(tmp_path)
    run = mtrs(
        "predict", pre, post, *NULL, *P, "-o", tmp_path / "o.gpkg", "--probabilities", tmp_path / "p.tif"
    )
    assert_success(run)
    with rasterio.open(tmp_path / "p.tif") as ds:
        prob = ds.read(1)  # every block reads back
    valid = prob[prob != -1]
    assert prob.shape == (1024, 1024) and valid.size > 0.9 * prob.size and ((valid >= 0) & (valid <= 1)).all()
    assert len(read_features(tmp_path / "o.gpkg")[0]) == run_record(tmp_path / "o.gpkg")["n_polygons"] > 0
    assert os.listdir(disk) == []


# -- L08–L09: formats that lost data -------------------------------------------------------------------------
def test_L08_shapefile_keeps_perimeter_and_model_revision(pair, tmp_path) -> None:
    assert_success(mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "o.shp"))
    feats, epsg = read_features(tmp_path / "o.shp")
    assert epsg == "32615" and len(feats) == 1
    assert feats[0]["perim_m"] == pytest.approx(80) and feats[0]["area_m2"] == pytest.approx(400)


def test_L09_csv_output_has_the_geometry(pair, tmp_path) -> None:
    assert_success(mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "o.csv"))
    text = (tmp_path / "o.csv").read_text()
    assert "MULTIPOLYGON" in text.splitlines()[1] and read_features(tmp_path / "o.csv")[0][0]["_wkt"]


# -- L10–L11: NaN inputs and NaN weights ---------------------------------------------------------------------
def test_L10_nan_patch_is_nodata_not_nan_probabilities(tmp_path) -> None:
    e = np.broadcast_to(np.linspace(500.0, 1500.0, 256, dtype=np.float32), (3, 256, 256)).copy()
    later = e.copy()
    later[:, 150:190, 150:190] = 3000.0
    later[:, 30:60, 30:60] = np.nan  # 0.14 % of the pixels
    pe, pl = geotiff(tmp_path / "e.tif", e), geotiff(tmp_path / "l.tif", later)
    run = mtrs("predict", pe, pl, *NULL, *P, "-o", tmp_path / "o.gpkg", "--probabilities", tmp_path / "p.tif")
    assert_success(run)
    with rasterio.open(tmp_path / "p.tif") as ds:
        prob = ds.read(1)
    assert not np.isnan(prob).any()
    assert (prob[30:60, 30:60] == -1).all() and (prob[60:, 60:] != -1).all()
    assert (prob[150:190, 150:190] > 0.5).all()
    feats, _ = read_features(tmp_path / "o.gpkg")
    assert len(feats) == 1 and feats[0]["area_m2"] == pytest.approx(1600)


def test_L11_checkpoint_with_flipped_bytes_is_refused(pair, tmp_path, tiny_checkpoint) -> None:
    model = tmp_path / "model"
    model.mkdir()
    for f in tiny_checkpoint.iterdir():
        (model / f.name).write_bytes(f.read_bytes())
    data = bytearray((model / "model.safetensors").read_bytes())
    header = 8 + int.from_bytes(data[:8], "little")
    for i in range(header + 1000, len(data), len(data) // 7):  # exponent bytes of a few float32 values
        data[i | 3] = 0x7F
        data[(i | 3) - 1] |= 0x80
    (model / "model.safetensors").write_bytes(bytes(data))
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--model", model, *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "NaN")


# -- N01–N16: output formats and paths (extended campaign) ---------------------------------------------------
@pytest.mark.parametrize(("case", "ext"), [("N01", ".geojson"), ("N02", ".fgb"), ("N03", ".gpkg")])
def test_N01_N03_vector_formats_round_trip(pair, tmp_path, case, ext) -> None:
    out = tmp_path / f"o{ext}"
    assert_success(mtrs("predict", *pair, *NULL, *P, "-o", out))
    feats, _ = read_features(out)
    assert len(feats) == 1 and feats[0]["area_m2"] == pytest.approx(400) and feats[0]["prompt"] == "brighter"
    assert run_record(out)["n_polygons"] == 1 and no_temp_dirs(tmp_path)


@pytest.mark.parametrize(
    ("ext", "why"),
    [(".xlsx", "stores no polygon geometry"), (".gpx", "not supported"), (".tab", "unsupported field type")],
)
def test_N04_formats_that_cannot_hold_the_layer_are_refused_before_work(pair, tmp_path, ext, why) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / f"o{ext}")
    message = assert_clean_failure(run, before, tmp_path, "cannot hold the change polygons")
    assert why in message


@pytest.mark.parametrize(
    ("case", "name", "phrase"), [("N05", "o", "no extension"), ("N06", "o.xyz", "no OGR")]
)
def test_N05_N06_output_without_usable_extension(pair, tmp_path, case, name, phrase) -> None:
    before = snapshot(tmp_path)
    assert_clean_failure(mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / name), before, tmp_path, phrase)


def test_N07_existing_output_is_kept_without_overwrite(pair, tmp_path) -> None:
    assert_success(mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "o.gpkg"))
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, "--prompt", "other", "--quiet", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "already exists")


def test_N08_overwrite_replaces_output_and_run_record_together(pair, tmp_path) -> None:
    assert_success(mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "o.gpkg"))
    assert_success(
        mtrs("predict", *pair, *NULL, "--prompt", "z", "--quiet", "-o", tmp_path / "o.gpkg", "--overwrite")
    )
    assert read_features(tmp_path / "o.gpkg")[0][0]["prompt"] == "z"
    assert run_record(tmp_path / "o.gpkg")["request"]["prompts"] == ["z"] and no_temp_dirs(tmp_path)


def test_N09_stale_shapefile_sidecar_is_not_replaced(pair, tmp_path) -> None:
    (tmp_path / "o.dbf").write_bytes(b"someone else's table")
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "o.shp")
    assert_clean_failure(run, before, tmp_path, "o.dbf")


def test_N10_probabilities_not_a_geotiff(pair, tmp_path) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "o.gpkg", "--probabilities", tmp_path / "p.jpg")
    assert_clean_failure(run, before, tmp_path, "must be a GeoTIFF")


def test_N11_output_through_a_symlink_to_an_input(pair, tmp_path) -> None:
    (tmp_path / "alias.tif").symlink_to(pair[1])
    before = snapshot(tmp_path)
    run = mtrs(
        "predict",
        *pair,
        *NULL,
        *P,
        "-o",
        tmp_path / "o.gpkg",
        "--probabilities",
        tmp_path / "alias.tif",
        "--overwrite",
    )
    assert_clean_failure(run, before, tmp_path, "is an input")


def test_N12_output_that_is_a_hard_link_of_an_input(pair, tmp_path) -> None:
    os.link(pair[0], tmp_path / "same.tif")
    before = snapshot(tmp_path)
    run = mtrs(
        "predict",
        *pair,
        *NULL,
        *P,
        "-o",
        tmp_path / "o.gpkg",
        "--probabilities",
        tmp_path / "same.tif",
        "--overwrite",
    )
    assert_clean_failure(run, before, tmp_path, "is an input")


def test_N13_output_folder_missing(pair, tmp_path) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "nope" / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "does not exist")


def test_N14_read_only_output_folder(pair, tmp_path, small_disk) -> None:
    disk = small_disk(64, ro=True)
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", disk / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "not writable")


def test_N15_output_into_the_model_folder_is_refused(pair, tmp_path, tiny_checkpoint) -> None:
    model = tmp_path / "model"
    model.mkdir()
    for f in tiny_checkpoint.iterdir():
        (model / f.name).write_bytes(f.read_bytes())
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--model", model, *P, "-o", model / "config.json", "--overwrite")
    assert_clean_failure(run, before, tmp_path, "is an input")


def test_L46_probability_raster_mode_follows_the_umask(pair, tmp_path) -> None:
    """The probability raster is created like any other file (0644 with umask 022), not 0600."""
    old = os.umask(0o022)
    try:
        assert_success(
            mtrs(
                "predict", *pair, *NULL, *P, "-o", tmp_path / "o.gpkg", "--probabilities", tmp_path / "p.tif"
            )
        )
    finally:
        os.umask(old)
    for name in ("p.tif", "o.gpkg", "o.run.json"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644, name


# -- N16, N71: concurrency -----------------------------------------------------------------------------------
def _two_at_once(pair, out, extra=()) -> list:
    """Two runs writing the same output at the same time (threads of this process: the commit step is
    what is raced, and it is the same code in two processes)."""
    from engine.errors import MtrsError
    from engine.pipeline import AnalysisRequest, analyse
    from engine.pipeline.null_model import NullModel

    results: list = [None, None]
    barrier = threading.Barrier(2)

    def go(i: int) -> None:
        req = AnalysisRequest(
            earlier=str(pair[0]),
            later=str(pair[1]),
            prompts=[f"p{i}"],
            output=str(out),
            tile=64,
            overlap=16,
            **dict(extra),
        )
        barrier.wait()
        try:
            results[i] = analyse(req, model=NullModel())
        except MtrsError as exc:
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_N16_two_runs_writing_the_same_output(tmp_path) -> None:
    from engine.errors import OutputError

    pair = square_pair(tmp_path, size=192)
    out = tmp_path / "o.gpkg"
    results = _two_at_once(pair, out)
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) <= 1 and len(won) + len(lost) == 2
    assert all(isinstance(e, OutputError) and "already exists" in str(e) for e in lost), lost
    feats, _ = read_features(out)  # whoever won, the output is whole and its run record matches it
    assert len(feats) == 1 and run_record(out)["request"]["prompts"] == [feats[0]["prompt"]]
    assert no_temp_dirs(tmp_path)


def test_N71_two_overwriting_runs_leave_one_whole_output(tmp_path) -> None:
    pair = square_pair(tmp_path, size=192)
    out = tmp_path / "o.gpkg"
    results = _two_at_once(pair, out, {"overwrite": True}.items())
    assert not any(isinstance(r, Exception) for r in results), results
    feats, _ = read_features(out)
    assert len(feats) == 1 and feats[0]["prompt"] in ("p0", "p1") and no_temp_dirs(tmp_path)

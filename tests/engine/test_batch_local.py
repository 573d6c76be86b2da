"""`mtrs batch` on this machine, on generated GeoTIFF pairs with the null model (exact answers) and once with
the bundled tiny demo model: outputs equal per-pair `analyse`, a pool of 2 equals 1 worker, resume redoes
exactly the stale pairs, a broken pair fails alone, the merged layer and the summary add up, a dry run writes
nothing and a cancel leaves no partial file."""

from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from osgeo import ogr
from shapely import wkb

from engine.batch.keys import work_key
from engine.batch.local_pool import run_local
from engine.batch.manifest import read_manifest
from engine.batch.work import WorkItem
from engine.cli import main
from engine.pipeline import AnalysisRequest, analyse
from tests.conftest import write_geotiff

OPTIONS = ["--model", "null:brighter", "--tile", "64", "--overlap", "16", "--quiet"]
DEFAULTS = {"model": "null:brighter", "tile": 64, "overlap": 16}


def _pair(
    folder: Path, name: str, box: tuple[int, int, int, int], crs: str = "EPSG:32615"
) -> tuple[str, str]:
    """A 96×128 px pair: the box (rows, cols) is brighter in the later image (the null model's change)."""
    e = np.full((3, 96, 128), 90, np.uint8)
    l_ = e.copy()
    r0, r1, c0, c1 = box
    l_[:, r0:r1, c0:c1] = 220
    return (
        write_geotiff(folder / f"{name}_e.tif", e, crs=crs),
        write_geotiff(folder / f"{name}_l.tif", l_, crs=crs),
    )


@pytest.fixture
def job(tmp_path):
    """Three pairs (two prompts on the first) and their CSV manifest; outputs go to tmp/out."""
    data = tmp_path / "data"
    data.mkdir()
    _pair(data, "p1", (10, 40, 10, 50))
    _pair(data, "p2", (50, 90, 70, 120))
    _pair(data, "p3", (5, 20, 5, 20))
    manifest = tmp_path / "jobs.csv"
    manifest.write_text(
        "id,earlier,later,prompts\n"
        "p1,data/p1_e.tif,data/p1_l.tif,new roofs|new roads\n"
        "p2,data/p2_e.tif,data/p2_l.tif,new roofs\n"
        "p3,data/p3_e.tif,data/p3_l.tif,new roofs\n",
        encoding="utf-8",
    )
    return tmp_path, manifest, tmp_path / "out"


def _batch(manifest, out, *extra) -> int:
    return main(["batch", str(manifest), "--output-dir", str(out), *OPTIONS, *extra])


def _features(path, layer=None) -> list[dict]:
    ds = ogr.Open(str(path))
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    out = []
    for f in lyr:
        attrs = {k: f.GetField(k) for k in f.keys()}  # noqa: SIM118
        attrs["geom"] = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))
        out.append(attrs)
    return out


def _summary(out) -> list[dict]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _mtimes(out) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(Path(out).glob("p*.*"))}


def _leftovers(folder) -> list[str]:
    return [p.name for p in Path(folder).iterdir() if p.name.startswith(".mtrs-tmp")]


def test_outputs_equal_per_pair_analyse_and_the_merged_layer_adds_up(job, capsys) -> None:
    root, manifest, out = job
    assert _batch(manifest, out, "--progress-json") == 0
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    logs = [e["message"] for e in events if e["event"] == "log"]
    assert [m.split(":")[0] for m in logs] == ["p1", "p2", "p3"] and logs[0].startswith(
        "p1: done, 2 polygon(s)"
    )
    result = events[-1]
    assert result["event"] == "result" and (result["done"], result["skipped"], result["failed"]) == (3, 0, 0)
    assert result["merged"] == str(out / "merged.gpkg") and result["summary"] == str(out / "summary.csv")
    assert [e["done"] for e in events if e["event"] == "progress"] == [0, 1, 2, 3]

    total = 0
    for pid in ("p1", "p2", "p3"):
        request = AnalysisRequest(
            earlier=str(root / "data" / f"{pid}_e.tif"),
            later=str(root / "data" / f"{pid}_l.tif"),
            prompts=["new roofs", "new roads"] if pid == "p1" else ["new roofs"],
            output=str(root / f"single_{pid}.gpkg"),
            **DEFAULTS,
        )
        analyse(request)
        single = _features(request.output)
        batch = _features(out / f"{pid}.gpkg", pid)
        skip = ("run_utc",)
        assert [{k: v for k, v in f.items() if k not in skip} for f in batch] == [
            {k: v for k, v in f.items() if k not in skip} for f in single
        ]
        assert len(batch) >= 1
        total += len(batch)
        record = json.loads((out / f"{pid}.run.json").read_text())
        assert len(record["batch_key"]) == 64

    merged = _features(out / "merged.gpkg", "changes")
    assert len(merged) == total == result["polygons"]
    by_pair = {pid: [f for f in merged if f["pair_id"] == pid] for pid in ("p1", "p2", "p3")}
    assert [len(v) for v in by_pair.values()] == [2, 1, 1]
    assert sorted(f["prompt"] for f in by_pair["p1"]) == ["new roads", "new roofs"]
    assert by_pair["p2"][0]["area_m2"] == pytest.approx(40 * 50)
    ds = ogr.Open(str(out / "merged.gpkg"))
    assert ds.GetLayerByName("changes").GetSpatialRef().GetAuthorityCode(None) == "32615"

    rows = _summary(out)
    assert [(r["pair"], r["prompt"], r["polygons"], r["status"]) for r in rows] == [
        ("p1", "new roofs", "1", "done"),
        ("p1", "new roads", "1", "done"),
        ("p2", "new roofs", "1", "done"),
        ("p3", "new roofs", "1", "done"),
    ]
    assert float(rows[0]["area"]) == pytest.approx(30 * 40) and rows[0]["area_unit"] == "m2"
    assert rows[0]["worker"] == "local-0" and not _leftovers(out)


def test_rerun_skips_up_to_date_pairs_and_redoes_exactly_the_stale_ones(job, capsys) -> None:
    root, manifest, out = job
    assert _batch(manifest, out) == 0
    first = _mtimes(out)
    assert _batch(manifest, out) == 0
    assert _mtimes(out) == first  # no work
    assert {r["status"] for r in _summary(out)} == {"skipped"}
    assert [int(r["polygons"]) for r in _summary(out)] == [1, 1, 1, 1]  # figures of the stored outputs

    # another prompt for p2, and p3's later raster touched: those two only
    manifest.write_text(manifest.read_text().replace("p2_l.tif,new roofs", "p2_l.tif,new pools"))
    st = os.stat(root / "data" / "p3_l.tif")
    os.utime(root / "data" / "p3_l.tif", ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert _batch(manifest, out) == 0
    status = {r["pair"]: r["status"] for r in _summary(out)}
    assert status == {"p1": "skipped", "p2": "done", "p3": "done"}
    now = _mtimes(out)
    assert now["p1.gpkg"] == first["p1.gpkg"] and now["p2.gpkg"] != first["p2.gpkg"]
    assert {f["prompt"] for f in _features(out / "p2.gpkg")} == {"new pools"}

    # an option given on the command line changes every pair's key
    assert _batch(manifest, out, "--threshold", "0.6") == 0
    assert {r["status"] for r in _summary(out)} == {"done"}
    # --force redoes up-to-date pairs
    assert _batch(manifest, out, "--threshold", "0.6", "--force") == 0
    assert {r["status"] for r in _summary(out)} == {"done"}
    capsys.readouterr()


def test_a_broken_pair_fails_alone_and_is_reported(job, capsys) -> None:
    root, manifest, out = job
    (root / "data" / "p2_l.tif").write_bytes(b"II*\x00 this is not a GeoTIFF" * 10)
    with open(manifest, "a", encoding="utf-8") as fh:
        fh.write("p4,data/p1_e.tif,data/missing.tif,new roofs\n")
    assert _batch(manifest, out) == 1
    err = capsys.readouterr().err
    rows = {r["pair"]: r for r in _summary(out)}
    assert {p: r["status"] for p, r in rows.items()} == {
        "p1": "done",
        "p2": "failed",
        "p3": "done",
        "p4": "failed",
    }
    assert rows["p2"]["error"].startswith("InputError: ") and "p2_l.tif" in rows["p2"]["error"]
    assert rows["p4"]["error"].startswith("InputError: input raster not found")
    assert "failed: p2: InputError" in err
    assert not (out / "p2.gpkg").exists() and not (out / "p4.gpkg").exists()
    merged = _features(out / "merged.gpkg", "changes")
    assert sorted({f["pair_id"] for f in merged}) == ["p1", "p3"] and len(merged) == 3
    assert not _leftovers(out)
    # the good pairs are now up to date; the broken ones are tried again (and fail again)
    assert _batch(manifest, out) == 1
    assert {p: r["status"] for p, r in ((r["pair"], r) for r in _summary(out))} == {
        "p1": "skipped",
        "p2": "failed",
        "p3": "skipped",
        "p4": "failed",
    }
    capsys.readouterr()


def test_an_output_no_batch_wrote_is_kept_unless_forced(job, capsys) -> None:
    _, manifest, out = job
    out.mkdir()
    mine = b"the analyst's own result"
    (out / "p2.gpkg").write_bytes(mine)
    assert _batch(manifest, out, "--dry-run") == 0
    assert "will fail: " in capsys.readouterr().out
    assert _batch(manifest, out) == 1
    rows = {r["pair"]: r for r in _summary(out)}
    assert rows["p2"]["status"] == "failed" and "not written by mtrs batch" in rows["p2"]["error"]
    assert rows["p1"]["status"] == rows["p3"]["status"] == "done"
    assert (out / "p2.gpkg").read_bytes() == mine
    assert "--force" in capsys.readouterr().err
    assert _batch(manifest, out, "--force") == 0
    assert (out / "p2.gpkg").read_bytes() != mine and _features(out / "p2.gpkg")


def test_dry_run_lists_the_work_and_writes_nothing(job, capsys) -> None:
    root, manifest, out = job
    assert _batch(manifest, out, "--dry-run") == 0
    assert not out.exists()
    text = capsys.readouterr().out
    assert "p1\ttodo\t6\t" in text  # 96×128 px in 64-px tiles 48 px apart: 2 rows × 3 columns
    assert "3 of 3 pair(s) to run (0 up to date), 18 tile(s)" in text
    assert _batch(manifest, out) == 0
    listing = sorted(os.listdir(out))
    os.remove(root / "data" / "p3_l.tif")
    capsys.readouterr()
    assert _batch(manifest, out, "--dry-run") == 0
    text = capsys.readouterr().out
    assert "p1\tup to date\t" in text and "p3\twill fail: input raster not found" in text
    assert "0 of 3 pair(s) to run" not in text and sorted(os.listdir(out)) == listing


def test_two_workers_give_the_outputs_of_one(job, tmp_path) -> None:
    _, manifest, _ = job
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        out.mkdir()
        items = read_manifest(manifest, DEFAULTS, out)
        calls: list[tuple] = []
        outcomes = run_local(items, workers, progress=lambda *a, calls=calls: calls.append(a))
        outcomes = sorted(outcomes, key=lambda o: o.pair_id)
        assert [o.status for o in outcomes] == ["done"] * 3
        assert {o.worker for o in outcomes} <= {f"local-{i}" for i in range(workers)}
        # tile progress reaches the caller from the pool's workers too, added up over the running pairs
        tiles = json.loads(Path(outcomes[0].output).with_suffix(".run.json").read_text())["tiling"]["tiles"]
        assert calls and all(0 <= done <= total for done, total, _ in calls)
        assert max(total for _, total, _ in calls) >= tiles
        outs[workers] = {
            o.pair_id: [(f["prompt"], f["geom"].wkb, f["area_m2"]) for f in _features(o.output)]
            for o in outcomes
        }
    assert outs[1] == outs[2]


def test_an_interrupt_leaves_no_partial_file(job, monkeypatch, capsys) -> None:
    """Ctrl-C while the second pair runs: the first pair's output is complete, nothing else is written (no
    half output, no staging folder, no summary or merged layer); a rerun resumes after the first pair."""
    analyse_module = importlib.import_module("engine.pipeline.analyse")  # the module, not the function

    _, manifest, out = job
    real = analyse_module.analyse
    calls = []

    def interrupted(request, progress=None, cancel=None, **kw):
        calls.append(request.output)
        if len(calls) < 2:
            return real(request, progress, cancel, **kw)

        def stop(done, total, message):
            if done >= 2:
                raise KeyboardInterrupt

        return real(request, stop, cancel, **kw)

    monkeypatch.setattr(analyse_module, "analyse", interrupted)
    assert _batch(manifest, out) == 130
    assert sorted(os.listdir(out)) == ["p1.gpkg", "p1.run.json"]
    monkeypatch.setattr(analyse_module, "analyse", real)
    assert _batch(manifest, out) == 0
    assert [r["status"] for r in _summary(out)] == ["skipped", "skipped", "done", "done"]
    capsys.readouterr()


def test_pairs_in_other_crs_and_plain_images_in_the_merged_layer(tmp_path, capsys) -> None:
    from PIL import Image

    _pair(tmp_path, "utm", (10, 40, 10, 50))
    _pair(tmp_path, "merc", (10, 40, 10, 50), crs="EPSG:3857")
    e = np.full((96, 128, 3), 90, np.uint8)
    l_ = e.copy()
    l_[10:30, 10:30] = 220
    Image.fromarray(e).save(tmp_path / "img_e.png")
    Image.fromarray(l_).save(tmp_path / "img_l.png")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        "\n".join(
            json.dumps({"earlier": f"{n}_e.{x}", "later": f"{n}_l.{x}", "prompt": "new", **extra})
            for n, x, extra in (
                ("utm", "tif", {}),
                ("merc", "tif", {"output": "merc.shp"}),
                ("img", "png", {}),
            )
        )
    )
    out = tmp_path / "out"
    assert _batch(manifest, out, "--merged", str(out / "all.fgb")) == 0
    captured = capsys.readouterr()
    assert "img_l: pixel coordinates (plain images); left out of the merged layer" in captured.err
    assert "merged layer in EPSG:4326" in captured.err
    merged = _features(out / "all.fgb")
    assert sorted(f["pair_id"] for f in merged) == ["merc_l", "utm_l"]
    assert {f["area_m2"] for f in merged} == {1200.0}  # measured per pair, in its own CRS
    assert {f["perimeter_m"] for f in merged} == {
        140.0
    }  # the Shapefile's short "perim_m" under its full name
    assert "perim_m" not in merged[0]
    lon_lat = [f["geom"].centroid for f in merged]
    assert all(-180 <= p.x <= 180 and -90 <= p.y <= 90 for p in lon_lat)
    rows = {r["pair"]: r for r in _summary(out)}
    assert rows["img_l"]["area_unit"] == "px" and rows["img_l"]["polygons"] == "1"


def test_the_bundled_demo_model_through_the_batch(tmp_path, capsys) -> None:
    from engine.model.loading import DEMO_MODEL_DIR

    _pair(tmp_path, "d", (20, 70, 30, 90))
    manifest = tmp_path / "m.yaml"
    manifest.write_text("- {id: demo, earlier: d_e.tif, later: d_l.tif, prompts: [new buildings]}\n")
    out = tmp_path / "out"
    assert (
        main(["batch", str(manifest), "--output-dir", str(out), "--model", str(DEMO_MODEL_DIR), "--quiet"])
        == 0
    )
    single = tmp_path / "single.gpkg"
    analyse(
        AnalysisRequest(
            earlier=str(tmp_path / "d_e.tif"),
            later=str(tmp_path / "d_l.tif"),
            prompts=["new buildings"],
            output=str(single),
            model=str(DEMO_MODEL_DIR),
        )
    )
    got = [(f["geom"].wkb, f["prob_mean"]) for f in _features(out / "demo.gpkg")]
    assert got == [(f["geom"].wkb, f["prob_mean"]) for f in _features(single)]
    record = json.loads((out / "demo.run.json").read_text())
    assert record["model"]["id"] == str(DEMO_MODEL_DIR)
    assert _summary(out)[0]["status"] == "done"
    capsys.readouterr()


def test_a_cancelled_pool_stops_and_leaves_only_complete_outputs(job) -> None:
    from engine.errors import Cancelled

    _, manifest, out = job
    out.mkdir()
    items = read_manifest(manifest, DEFAULTS, out)
    seen = []
    with pytest.raises(Cancelled):
        for outcome in run_local(items, 2, cancel=lambda: bool(seen)):
            seen.append(outcome)
    assert seen and not _leftovers(out)
    for gpkg in out.glob("*.gpkg"):  # finished pairs only, each with its run record
        assert json.loads(gpkg.with_suffix(".run.json").read_text())["batch_key"]
    assert len(list(out.glob("*.gpkg"))) == len(list(out.glob("*.run.json")))


def test_items_with_another_model_load_it_in_the_worker(job) -> None:
    _, manifest, out = job
    out.mkdir()
    items = read_manifest(manifest, DEFAULTS, out)
    request = dataclasses.replace(items[1].request, model="null:constant", output=str(out / "p2c.gpkg"))
    other = WorkItem("p2c", request, work_key(request))
    outcomes = {o.pair_id: o for o in run_local([items[0], other, items[2]], 1)}
    assert outcomes["p2c"].status == "done" and outcomes["p2c"].polygons == 0  # the constant model: no change
    assert outcomes["p1"].polygons == 2 and outcomes["p3"].polygons == 1

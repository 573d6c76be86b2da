"""`mtrs:batch` from QGIS: a manifest of generated GeoTIFF pairs through qgis_process (merged layer and
summary read back, resume, a broken pair among good ones) and a cancel through processing.run.

The null model `null:brighter` marks where the later image is brighter, so each pair's polygons are the bright
squares painted into its later raster (1 m pixels: a 16 px square is 256 m²) and the run takes seconds.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsVectorLayer

from tests.conftest import write_geotiff

pytestmark = [pytest.mark.qgis, pytest.mark.slow]

X0, Y0 = 366000.0, 4100000.0
SIZE = 128
SQUARE = 16  # px = m: 256 m² per square


def write_pair(folder: Path, name: str, squares: int, dx: float = 0.0) -> tuple[str, str]:
    """earlier/later GeoTIFFs (UTM 15N, 1 m) whose later one has `squares` bright squares; `dx` moves the
    later raster east (far enough and the pair does not overlap)."""
    rng = np.random.default_rng(len(name) + squares)
    earlier = rng.integers(60, 90, (3, SIZE, SIZE)).astype(np.uint8)
    later = earlier.copy()
    for i in range(squares):
        row, col = 16 + 40 * i, 24 + 32 * i
        later[:, row : row + SQUARE, col : col + SQUARE] = 240
    write_geotiff(folder / f"{name}_pre.tif", earlier, transform=Affine(1.0, 0.0, X0, 0.0, -1.0, Y0))
    write_geotiff(folder / f"{name}_post.tif", later, transform=Affine(1.0, 0.0, X0 + dx, 0.0, -1.0, Y0))
    return f"{name}_pre.tif", f"{name}_post.tif"


def write_manifest(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A CSV manifest with relative paths (taken from the manifest's folder) and the null model per row."""
    path = folder / "pairs.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "earlier", "later", "prompts", "model"])
        for pair_id, earlier, later in rows:
            writer.writerow([pair_id, earlier, later, "bright", "null:brighter"])
    return path


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch_scene")
    write_pair(folder, "one", 1)
    write_pair(folder, "two", 2)
    write_pair(folder, "apart", 1, dx=10_000.0)  # the later raster lies 10 km away: no overlap
    return folder


def run_batch(qgis_process, *params: str):
    proc = qgis_process("run", "mtrs:batch", "--json", "--", *params, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout[proc.stdout.index("{") :]), proc.stdout + proc.stderr


def read_summary(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def merged_features(path) -> list[tuple[str, float]]:
    layer = QgsVectorLayer(str(path), "merged", "ogr")
    assert layer.isValid(), path
    rows = sorted((f["pair_id"], f["area_m2"]) for f in layer.getFeatures())
    del layer
    return rows


def test_batch_through_qgis_process_writes_merged_layer_and_summary(qgis_process, scene, tmp_path):
    manifest = write_manifest(
        scene, [("one", "one_pre.tif", "one_post.tif"), ("two", "two_pre.tif", "two_post.tif")]
    )
    out = tmp_path / "out"
    payload, _log = run_batch(qgis_process, f"MANIFEST={manifest}", f"OUTPUT_DIR={out}", "WORKERS=1")
    results = payload["results"]
    assert (results["PAIRS"], results["DONE"], results["SKIPPED"], results["FAILED"]) == (2, 2, 0, 0)
    assert results["POLYGONS"] == 3
    assert json.loads(results["FAILURES"]) == {}
    assert results["MERGED"] == str(out / "merged.gpkg")
    assert merged_features(out / "merged.gpkg") == [
        ("one", pytest.approx(256.0)),
        ("two", pytest.approx(256.0)),
        ("two", pytest.approx(256.0)),
    ]
    assert results["SUMMARY"] == str(out / "summary.csv")
    rows = {r["pair"]: r for r in read_summary(out / "summary.csv")}
    assert set(rows) == {"one", "two"}
    assert [rows[p]["status"] for p in ("one", "two")] == ["done", "done"]
    assert [int(rows[p]["polygons"]) for p in ("one", "two")] == [1, 2]
    assert float(rows["two"]["area"]) == pytest.approx(512.0)
    assert rows["one"]["prompt"] == "bright"
    assert (out / "one.gpkg").is_file() and (out / "two.gpkg").is_file()

    # run again: both outputs are up to date, nothing is analysed, the merged layer is the same
    payload, log = run_batch(
        qgis_process,
        f"MANIFEST={manifest}",
        f"OUTPUT_DIR={out}",
        f"MERGED={tmp_path / 'again.gpkg'}",
        f"SUMMARY={tmp_path / 'again.csv'}",
    )
    results = payload["results"]
    assert (results["DONE"], results["SKIPPED"], results["FAILED"]) == (0, 2, 0)
    assert results["MERGED"] == str(tmp_path / "again.gpkg")
    assert merged_features(tmp_path / "again.gpkg") == merged_features(out / "merged.gpkg")
    assert {r["status"] for r in read_summary(tmp_path / "again.csv")} == {"skipped"}
    assert "one: skipped (up to date)" in log


def test_a_broken_pair_is_reported_and_the_others_complete(qgis_process, scene, tmp_path):
    manifest = write_manifest(
        scene,
        [
            ("one", "one_pre.tif", "one_post.tif"),
            ("apart", "apart_pre.tif", "apart_post.tif"),
            ("two", "two_pre.tif", "two_post.tif"),
        ],
    )
    out = tmp_path / "out"
    payload, log = run_batch(qgis_process, f"MANIFEST={manifest}", f"OUTPUT_DIR={out}", "WORKERS=1")
    results = payload["results"]
    assert (results["PAIRS"], results["DONE"], results["FAILED"]) == (3, 2, 1)
    failures = json.loads(results["FAILURES"])
    assert list(failures) == ["apart"] and "overlap" in failures["apart"]
    assert "apart failed:" in log and "overlap" in log
    assert {pair for pair, _area in merged_features(results["MERGED"])} == {"one", "two"}
    rows = {r["pair"]: r for r in read_summary(results["SUMMARY"])}
    assert rows["apart"]["status"] == "failed" and "overlap" in rows["apart"]["error"]
    assert rows["one"]["status"] == rows["two"]["status"] == "done"
    assert not (out / "apart.gpkg").exists()


def test_bad_manifest_is_one_clear_error(qgis_process, tmp_path):
    manifest = tmp_path / "pairs.csv"
    manifest.write_text("id,earlier\nx,a.tif\n", encoding="utf-8")
    proc = qgis_process(
        "run", "mtrs:batch", "--", f"MANIFEST={manifest}", f"OUTPUT_DIR={tmp_path / 'out'}", timeout=300
    )
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "later" in text and "Traceback" not in text


# -- cancel, through processing.run in this QGIS ----------------------------------------------------------


class CancellingFeedback(QgsProcessingFeedback):
    """Cancels once the batch reports its first finished pair (a progress step over pairs)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.infos: list[str] = []

    def setProgressText(self, text: str) -> None:
        self.texts.append(text)

    def pushInfo(self, info: str) -> None:
        self.infos.append(info)

    def setProgress(self, progress: float) -> None:
        super().setProgress(progress)
        if progress > 0 and not self.isCanceled():
            self.cancel()


def test_cancel_stops_the_batch_and_keeps_finished_pairs(provider, tmp_path):
    import processing

    folder = tmp_path / "many"
    folder.mkdir()
    rows = []
    for i in range(12):
        earlier, later = write_pair(folder, f"p{i:02d}", 1 + i % 3)
        rows.append((f"p{i:02d}", earlier, later))
    manifest = write_manifest(folder, rows)
    out = tmp_path / "out"
    feedback = CancellingFeedback()
    started = time.monotonic()
    with pytest.raises(QgsProcessingException, match="finished so far are kept"):
        processing.run(
            "mtrs:batch", {"MANIFEST": str(manifest), "OUTPUT_DIR": str(out), "WORKERS": 1}, feedback=feedback
        )
    assert feedback.isCanceled()
    assert time.monotonic() - started < 120
    finished = sorted(p.stem for p in out.glob("p*.gpkg"))
    assert 1 <= len(finished) < len(rows), finished  # stopped after the first pair, before the end
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{stem}.gpkg" for stem in finished] + [f"{stem}.run.json" for stem in finished]
    )  # whole pairs only: nothing half-written, no merged layer or summary of a stopped run
    # a second run resumes: the finished pairs are skipped, the others analysed
    results = processing.run("mtrs:batch", {"MANIFEST": str(manifest), "OUTPUT_DIR": str(out), "WORKERS": 1})
    assert (results["SKIPPED"], results["DONE"], results["FAILED"]) == (
        len(finished),
        len(rows) - len(finished),
        0,
    )
    assert {pair for pair, _area in merged_features(results["MERGED"])} == {r[0] for r in rows}

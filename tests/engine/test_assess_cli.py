"""`mtrs assess` as a process, the way QGIS Processing runs it: flags and result event of the CLI contract,
a human summary on stdout, one error line (no traceback) and nothing on disk for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from rasterio.transform import from_origin

from engine.cli import main
from tests.conftest import write_geotiff
from tests.engine.test_assess import X0, Y0, box, write_vector

MTRS = Path(sys.executable).with_name("mtrs")


def mtrs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(MTRS), "assess", *map(str, args)], capture_output=True, text=True, timeout=120)


def events(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def test_progress_json_result_event_and_outputs(tmp_path: Path) -> None:
    prob = np.zeros((40, 40), dtype=np.float32)
    prob[10:20, 0:10] = 0.8  # ground x 0..10, y 20..30: exactly the first reference square
    prob[30:40, 30:40] = 0.3  # below the threshold
    pred = write_geotiff(tmp_path / "prob.tif", prob, transform=from_origin(X0, Y0 + 40, 1, 1), nodata=-1.0)
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 20, 10), box(30, 0, 10)], {"dmg": ["a", "b"]})
    out = mtrs(
        pred,
        ref,
        "-o",
        tmp_path / "report.html",
        "--errors",
        tmp_path / "errors.gpkg",
        "--json",
        tmp_path / "metrics.json",
        "--class-field",
        "dmg",
        "--extent",
        f"{X0},{Y0},{X0 + 40},{Y0 + 40}",
        "--extent-crs",
        "EPSG:32615",
        "--threshold",
        "0.5",
        "--min-iou",
        "0.5",
        "--progress-json",
    )
    assert out.returncode == 0, out.stderr
    evs = events(out.stderr)
    progress = [e for e in evs if e["event"] == "progress"]
    assert progress and progress[-1]["done"] == progress[-1]["total"]
    (result,) = [e for e in evs if e["event"] == "result"]
    assert result["report"] == str(tmp_path / "report.html")
    assert result["errors"] == str(tmp_path / "errors.gpkg")
    pixel = result["metrics"]["pixel"]
    assert set(pixel) == {"iou", "precision", "recall", "f1", "oa"}
    assert pixel["iou"] == 0.5 and pixel["precision"] == 1.0 and pixel["recall"] == 0.5
    assert {k: result["metrics"]["objects"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 0, "fn": 1}
    assert "IoU 50.0 %" in out.stdout and "TP 1  FP 0  FN 1" in out.stdout
    for name in ("report.html", "report.png", "errors.gpkg", "metrics.json"):
        assert (tmp_path / name).is_file(), name
    assert json.loads((tmp_path / "metrics.json").read_text())["objects"]["per_class"]["b"]["fn"] == 1


def test_errors_are_one_line_and_leave_nothing(tmp_path: Path, capsys) -> None:
    """In-process through `engine.cli.main`: the console script's code path, without its start-up time."""
    ref = write_vector(tmp_path / "ref.gpkg", [box(0, 0, 10)], {"dmg": ["a"]})
    pred = write_vector(tmp_path / "pred.gpkg", [box(0, 0, 10)])
    before = sorted(os.listdir(tmp_path))

    def run(*args) -> tuple[int, str, str]:
        code = main(["assess", *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, _, err = run(pred, ref, "-o", tmp_path / "r.md", "--class-field", "nope", "--progress-json")
    assert code == 2
    assert "mtrs assess: error: the reference layer ref.gpkg has no field 'nope'" in err
    assert "Traceback" not in err and not [e for e in events(err) if e["event"] == "result"]
    code, _, err = run(pred, ref, "-o", tmp_path / "r.md", "--extent", "1,2,3")
    assert code == 2 and "--extent must be xmin,ymin,xmax,ymax" in err
    code, _, err = run(pred, ref, "-o", tmp_path / "r.md", "--reference-codes", "4")
    assert code == 2 and "--reference-codes applies to a reference raster" in err
    assert sorted(os.listdir(tmp_path)) == before
    (tmp_path / "r.md").write_text("keep me")
    code, _, err = run(pred, ref, "-o", tmp_path / "r.md")
    assert code == 2 and "already exists" in err and "--overwrite" in err
    assert (tmp_path / "r.md").read_text() == "keep me" and not (tmp_path / "r.png").exists()
    code, out, _ = run(pred, ref, "-o", tmp_path / "r.md", "--overwrite", "--quiet")
    assert code == 0 and "TP 1  FP 0  FN 0" in out
    assert (tmp_path / "r.md").read_text().startswith("# Change accuracy assessment")

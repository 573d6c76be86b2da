"""`mtrs` must answer `--help` and reject bad input before importing torch (about 2 s and 650 MB) or, for the
cheap checks, rasterio and GDAL: each test runs the command in a fresh interpreter and lists what it imported.
Not timed (timings on a shared machine are noise); docs/BENCHMARKS.md has the measured start-up times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.conftest import write_geotiff

HEAVY = ("torch", "rasterio", "osgeo", "shapely", "scipy", "numpy")

PROBE = """
import json, sys
from engine.cli import main
rc = main({argv!r})
print(json.dumps({{"rc": rc, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def run_cli(argv: list[str], cwd: Path) -> tuple[int, list[str], str]:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=cwd)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["rc"], result["heavy"], out.stderr


def test_import_engine_cli_and_pipeline_import_no_heavy_module() -> None:
    code = (
        "import sys, engine.cli, engine.pipeline; engine.cli.build_parser();"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_mtrs_help_imports_no_torch() -> None:
    """The console script itself, with CPython's import log (every module it imported, on stderr)."""
    mtrs = Path(sys.executable).with_name("mtrs")
    out = subprocess.run(
        [str(mtrs), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert out.returncode == 0 and "predict" in out.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert "engine.cli" in imported  # the log is there
    assert not {"torch", "rasterio", "numpy"} & imported


def test_predict_missing_input_fails_before_heavy_imports(tmp_path: Path) -> None:
    rc, heavy, err = run_cli(
        ["predict", "missing.tif", "other.tif", "--prompt", "x", "-o", "o.gpkg"], tmp_path
    )
    assert rc == 2 and "input raster not found: missing.tif" in err
    assert heavy == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written


def test_predict_existing_output_fails_before_heavy_imports(tmp_path: Path) -> None:
    a = write_geotiff(tmp_path / "a.tif", np.zeros((3, 40, 40), np.uint8))
    b = write_geotiff(tmp_path / "b.tif", np.zeros((3, 40, 40), np.uint8))
    (tmp_path / "o.gpkg").write_bytes(b"x")
    rc, heavy, err = run_cli(["predict", str(a), str(b), "--prompt", "x", "-o", "o.gpkg"], tmp_path)
    assert rc != 0 and "o.gpkg" in err
    assert heavy == []


def test_predict_input_that_is_not_a_raster_fails_before_torch(tmp_path: Path) -> None:
    """Found while aligning (GDAL needed), still before the device and model stage imports torch."""
    (tmp_path / "a.tif").write_text("not a raster")
    b = write_geotiff(tmp_path / "b.tif", np.zeros((3, 40, 40), np.uint8))
    rc, heavy, err = run_cli(["predict", "a.tif", str(b), "--prompt", "x", "-o", "o.gpkg"], tmp_path)
    assert rc == 2 and "not a raster" in err
    assert "rasterio" in heavy and "torch" not in heavy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tif", "b.tif"]

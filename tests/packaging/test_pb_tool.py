"""The plugin archive is what an analyst installs: check pb_tool builds it with everything the plugin needs at
run time (engine included, compiled Qt assets present) and nothing it must not carry (tests, venv)."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PB_TOOL = Path(sys.executable).with_name("pb_tool")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("zip") is None:
        pytest.fail("the `zip` program is missing: run scripts/setup.sh (it installs it)")
    work = tmp_path_factory.mktemp("pbtool")
    # pb_tool works on the current directory; run it on a copy so the checkout is not touched.
    src = work / "src"
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "zip_build", "*.pyc", "datasets", "tests")
    shutil.copytree(ROOT, src, ignore=ignore, symlinks=True)
    plugins = work / "plugins"
    env = {**os.environ, "HOME": str(work)}
    run = dict(cwd=src, env=env, capture_output=True, text=True, timeout=300)
    deploy = subprocess.run([str(PB_TOOL), "deploy", "-y", "-n", "-p", str(plugins)], **run)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    pack = subprocess.run([str(PB_TOOL), "zip", "-q", "-n", "-p", str(plugins)], **run)
    assert pack.returncode == 0, pack.stdout + pack.stderr
    return plugins / "mtrs", src / "mtrs.zip"


def test_deploy_contains_plugin_and_engine(deployed: tuple[Path, Path]) -> None:
    plugin_dir, _ = deployed
    for needed in (
        "metadata.txt",
        "__init__.py",
        "mtrs_qgis_plugin/__init__.py",
        "engine/__init__.py",
        "engine/worker.py",
        "resources/resources_rc.py",
        "requirements/engine.txt",
    ):
        assert (plugin_dir / needed).is_file(), f"{needed} missing from the deployed plugin"
    assert list((plugin_dir / "i18n").glob("*.qm")), "compiled translations (.qm) missing"
    assert not (plugin_dir / "tests").exists()
    assert not (plugin_dir / ".venv").exists()


def test_zip_is_installable_layout(deployed: tuple[Path, Path]) -> None:
    _, archive = deployed
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        metadata = zf.read("mtrs/metadata.txt").decode()
    # QGIS's installer expects exactly one top-level folder named like the plugin.
    assert {n.split("/")[0] for n in names} == {"mtrs"}
    for needed in (
        "mtrs/__init__.py",
        "mtrs/mtrs_qgis_plugin/plugin.py",
        "mtrs/engine/pipeline/__init__.py",
        "mtrs/resources/resources_rc.py",
    ):
        assert needed in names, f"{needed} missing from the zip"
    assert any(n.startswith("mtrs/i18n/") and n.endswith(".qm") for n in names)
    assert not any("__pycache__" in n or n.startswith("mtrs/tests/") for n in names)
    cfg = configparser.ConfigParser()
    cfg.read_string(metadata)
    from engine import __version__

    assert cfg["general"]["version"] == __version__
    assert cfg["general"]["qgisMinimumVersion"] == "3.22"

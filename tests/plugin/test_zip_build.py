"""`make zip` in a fresh checkout: no engine venv, no pb_tool, no Qt tools, no question asked; the archive it
writes installs as a plugin that QGIS loads (qgis_process lists its algorithms) and that imports its dock,
icons and translations from the unzipped folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.plugin.conftest import REPO, qgis_process_env

pytestmark = [pytest.mark.qgis]

TOOLS = ("bash", "sh", "make", "git", "find", "dirname", "env", "python3")


@pytest.fixture(scope="module")
def fresh_zip(tmp_path_factory) -> tuple[Path, Path, str]:
    """The repository's files (as a clone would have them once committed) built by `make zip` with only
    basic tools on PATH; returns (checkout, archive, make's output)."""
    work = tmp_path_factory.mktemp("zipbuild")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    clone = work / "clone"
    for rel in filter(None, listed.split("\0")):
        if (REPO / rel).is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, clone / rel)
    subprocess.run(["git", "init", "-q"], cwd=clone, check=True)
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    # the .ts files look newer than their .qm (checkout order): without lrelease the committed .qm are kept
    for ts in (clone / "i18n").glob("*.ts"):
        os.utime(ts, (time.time() + 60, time.time() + 60))
    bin_dir = work / "bin"  # no pyrcc5/lrelease, no pb_tool, no .venv
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool) if tool != "python3" else "/usr/bin/python3"
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "HOME": str(work), "LANG": "C.UTF-8"}
    start = time.monotonic()
    made = subprocess.run(
        ["make", "zip"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    seconds = time.monotonic() - start
    assert made.returncode == 0, made.stdout + made.stderr
    assert seconds < 30, seconds
    assert not (clone / ".venv").exists()
    return clone, clone / "dist" / "mtrs.zip", made.stdout + made.stderr


def test_archive_layout(fresh_zip):
    clone, archive, output = fresh_zip
    assert "lrelease not found: keeping the committed i18n/mtrs_de.qm" in output
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert zf.testzip() is None
        init = zf.read("mtrs/__init__.py").decode()
    assert {n.split("/")[0] for n in names} == {"mtrs"}
    for needed in (
        "mtrs/metadata.txt",
        "mtrs/__init__.py",
        "mtrs/LICENSE",
        "mtrs/mtrs_qgis_plugin/plugin.py",
        "mtrs/mtrs_qgis_plugin/algorithms/referring_change.py",
        "mtrs/engine/worker.py",
        "mtrs/engine/bundled/mtrefseg-r1-tiny-demo/model.safetensors",
        "mtrs/resources/resources_rc.py",
        "mtrs/resources/icon.png",
        "mtrs/i18n/mtrs_de.qm",
        "mtrs/i18n/mtrs_zh_CN.qm",
        "mtrs/requirements/engine.txt",
    ):
        assert needed in names, needed
    assert "def classFactory(iface)" in init
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(
        n.split("/")[1] in ("tests", "datasets", ".venv", "docs", "scripts", ".git") for n in names
    )
    # what the archive carries from the listed folders is what git knows there, nothing else
    tracked = subprocess.run(
        ["git", "ls-files", "engine", "mtrs_qgis_plugin"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {f"mtrs/{p}" for p in tracked} == {
        n for n in names if n.split("/")[1] in ("engine", "mtrs_qgis_plugin")
    }


def test_unzipped_plugin_loads_in_qgis(fresh_zip, tmp_path):
    _, archive, _ = fresh_zip
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(plugins)
    env = qgis_process_env(plugins, tmp_path / "home")
    exe = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"
    run = dict(env=env, capture_output=True, text=True, timeout=120)
    enabled = subprocess.run([exe, "plugins", "enable", "mtrs"], **run)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    listed = subprocess.run([exe, "list"], **run)
    assert "mtrs:referringchange" in listed.stdout and "mtrs:allchanges" in listed.stdout, listed.stdout
    # the GUI half: the dock module, the icons and the German catalogue, all from the unzipped folder
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from qgis.core import QgsApplication\n"
        "app = QgsApplication([], False); app.initQgis()\n"
        "import mtrs\n"
        "assert mtrs.__file__.startswith(sys.argv[1]), mtrs.__file__\n"
        "from mtrs.mtrs_qgis_plugin import dock_widget, i18n\n"
        "from mtrs.resources import resources_rc\n"
        "from qgis.PyQt.QtCore import QFile\n"
        "assert QFile.exists(':/plugins/mtrs/icon.svg') or QFile.exists(':/plugins/mtrs/icon.png')\n"
        "path = i18n.install_translator(sys.argv[1] + '/mtrs', 'de_DE')\n"
        "assert path and path.startswith(sys.argv[1]), path\n"
        "assert i18n.engine_text('tile 1/2') == 'Kachel 1/2'\n"
        "print('ok')\n"
    )
    checked = subprocess.run([sys.executable, "-c", code, str(plugins)], **run)
    assert checked.returncode == 0 and checked.stdout.strip().endswith("ok"), checked.stdout + checked.stderr

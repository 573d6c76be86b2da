"""Fixtures for the plugin suite: the plugin installed as `mtrs` in a temporary plugin folder, loaded into the
real (offscreen) QGIS that pytest-qgis starts, small real GeoTIFFs, and a tiny real checkpoint for the worker.

Worker-backed fixtures are session-scoped: one checkpoint, one pair of 256 px crops and one warm worker are
shared, which keeps the whole suite within a few minutes on two CPU cores.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = REPO / ".venv" / "bin" / "python"
JOPLIN = REPO / "tests" / "data" / "joplin"


@pytest.fixture(scope="session")
def plugin_path(tmp_path_factory) -> Path:
    """A QGIS plugin folder holding `mtrs -> <repo>`, on sys.path (as QGIS would put it)."""
    folder = tmp_path_factory.mktemp("plugins")
    (folder / "mtrs").symlink_to(REPO, target_is_directory=True)
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


@pytest.fixture(scope="session")
def mtrs_package(plugin_path, qgis_app):
    """The plugin package imported under its installed name."""
    return importlib.import_module("mtrs")


@pytest.fixture()
def plugin(mtrs_package, qgis_iface, qgis_processing):
    """The plugin, loaded like QGIS does (classFactory, initGui), and unloaded afterwards."""
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    yield instance
    instance.unload()


@pytest.fixture(scope="session")
def worker_ready() -> bool:
    """True when the engine worker exists in this checkout (it is built in parallel with the plugin)."""
    return (REPO / "engine" / "worker.py").is_file() and ENGINE_PYTHON.is_file()


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory, worker_ready) -> Path:
    """A random-weight checkpoint of the tiny preset, saved in the real on-disk format by the engine venv."""
    if not worker_ready:
        pytest.fail("engine/worker.py is missing: the plugin tests need the engine worker")
    out = tmp_path_factory.mktemp("ckpt") / "tiny"
    code = (
        "import sys, torch; torch.manual_seed(0)\n"
        "from engine.model import build_model, ModelConfig\n"
        "build_model(ModelConfig.from_preset('mtrefseg-r1-tiny')).save_pretrained(sys.argv[1])\n"
    )
    subprocess.run([str(ENGINE_PYTHON), "-c", code, str(out)], cwd=REPO, check=True, timeout=600)
    return out


@pytest.fixture(scope="session")
def joplin_pair(tmp_path_factory) -> tuple[Path, Path]:
    """256 px crops of the real Joplin pair (EPSG:32615; the later one on a sub-pixel shifted grid)."""
    from osgeo import gdal

    folder = tmp_path_factory.mktemp("joplin")
    out = []
    for name in ("0_pre.tif", "0_post.tif"):
        dst = folder / name
        gdal.Translate(
            str(dst), str(JOPLIN / name), srcWin=[384, 384, 256, 256], creationOptions=["COMPRESS=DEFLATE"]
        )
        out.append(dst)
    return out[0], out[1]


@pytest.fixture()
def isolated_settings():
    """Forget stored plugin options before and after a test (QgsSettings are global to the profile)."""
    from mtrs.mtrs_qgis_plugin import settings

    settings.reset()
    yield settings
    settings.reset()


@pytest.fixture(scope="session")
def engine_service(mtrs_package, worker_ready):
    """The plugin's shared worker service pinned to the repository's engine venv."""
    if not worker_ready:
        pytest.fail("engine/worker.py is missing: the plugin tests need the engine worker")
    from mtrs.mtrs_qgis_plugin import service

    service.set_interpreter_override(str(ENGINE_PYTHON))
    yield service
    service.shutdown()
    service.set_interpreter_override(None)


@pytest.fixture(scope="module")
def provider(mtrs_package, qgis_processing, engine_service):
    """The MTRS Processing provider alone (no dock), for processing.run with a feedback the test controls;
    the worker stays warm across the module's tests."""
    from mtrs.mtrs_qgis_plugin.provider import MtrsProvider
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    if registry.providerById("mtrs") is None:
        registry.addProvider(MtrsProvider())
    yield registry.providerById("mtrs")
    registry.removeProvider("mtrs")


def qgis_process_env(plugin_path: Path, home: Path) -> dict[str, str]:
    """Environment for qgis_process.bin: offscreen, our plugin folder, a throw-away profile."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QGIS_PLUGINPATH=str(plugin_path),
        XDG_DATA_HOME=str(home / "xdg"),
        HOME=str(home),
        QGIS_CUSTOM_CONFIG_PATH=str(home / "config"),
        QGIS_OPTIONS_PATH=str(home / "config"),
    )
    return env


@pytest.fixture(scope="session")
def qgis_process(plugin_path, tmp_path_factory):
    """Run `qgis_process.bin` with the plugin enabled in a temporary profile; returns a runner."""
    exe = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"
    if not os.path.exists(exe):
        pytest.fail("qgis_process.bin is not installed: run scripts/setup.sh")
    home = tmp_path_factory.mktemp("qgis_process_home")
    env = qgis_process_env(plugin_path, home)

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=timeout)

    enabled = run("plugins", "enable", "mtrs", timeout=120)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    run.home = home  # the throw-away profile, for tests that read what an algorithm stored in its settings
    return run


@pytest.fixture()
def wait_for(qgis_app):
    """`wait_for(predicate, timeout)`: process Qt events until predicate() is true."""
    return lambda predicate, timeout=300.0: _wait_for(predicate, qgis_app, timeout)


def _wait_for(predicate, qgis_app, timeout: float = 300.0, step: float = 0.05) -> bool:
    """Process Qt events until predicate() is true (tasks report back through the event loop)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        qgis_app.processEvents()
        if predicate():
            return True
        time.sleep(step)
    qgis_app.processEvents()
    return predicate()

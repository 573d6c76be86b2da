"""Regenerate docs/img/qgis-dock.png: QGIS desktop under Xvfb, the MTRS dock filled in, a result on the map.

Runs real QGIS (`qgis --code`) in a throw-away profile with the plugin enabled from this checkout, loads the
Joplin tornado pair from tests/data, fills the dock, presses Run, waits for the result layer and grabs the
main window. The model is the bundled one when present, else $MTRS_SCREENSHOT_MODEL, else a tiny
random-weight checkpoint (the picture then shows the UI, not meaningful polygons).

Usage: .venv/bin/python scripts/screenshot.py [--out docs/img/qgis-dock.png] [--timeout 600]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENGINE_PYTHON = REPO / ".venv" / "bin" / "python"

IN_QGIS = r"""
import os, sys, traceback
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.utils import iface, plugins

CFG = {cfg!r}
state = {{"waited": 0}}

def fail(msg):
    with open(CFG["status"], "w") as fh:
        fh.write("FAIL " + msg)
    QgsApplication.exit(1)

def start():
    try:
        plugin = plugins.get("mtrs")
        if plugin is None:
            return fail("plugin mtrs not loaded: " + ", ".join(plugins))
        iface.mainWindow().resize(1600, 1000)
        pre = QgsRasterLayer(CFG["earlier"], "Joplin 2011-05-20 (before)", "gdal")
        post = QgsRasterLayer(CFG["later"], "Joplin 2011-05-24 (after)", "gdal")
        QgsProject.instance().addMapLayers([pre, post])
        plugin.action.setChecked(True)
        dock = plugin.dock
        dock.earlier.setLayer(pre)
        dock.later.setLayer(post)
        if CFG["model"]:
            dock.model_kind.setCurrentIndex(dock.model_kind.findData("folder"))
            dock.model_folder.setFilePath(CFG["model"])
        dock.prompt.setEditText(CFG["prompt"])
        iface.mainWindow().resizeDocks([dock], [470], Qt.Horizontal)
        iface.mapCanvas().setExtent(pre.extent())
        state["dock"] = dock
        QTimer.singleShot(3000, run)
    except Exception:
        fail(traceback.format_exc())

def run():
    dock = state["dock"]
    if dock.run() is None:
        return fail("run refused: " + dock.status_label.text())
    QTimer.singleShot(1000, poll)

def poll():
    dock = state["dock"]
    state["waited"] += 1
    if dock.task is None and dock.last_outcome is not None:
        if dock.last_outcome.error is not None:
            return fail(str(dock.last_outcome.error))
        iface.mapCanvas().refreshAllLayers()
        QTimer.singleShot(4000, shoot)
    elif state["waited"] > CFG["timeout"]:
        fail("timeout")
    else:
        QTimer.singleShot(1000, poll)

def shoot():
    iface.mainWindow().grab().save(CFG["out"])
    with open(CFG["status"], "w") as fh:
        fh.write("OK")
    QgsApplication.exit(0)

QTimer.singleShot(2000, start)
"""


def model_dir(tmp: Path) -> str:
    """The checkpoint to show: bundled, $MTRS_SCREENSHOT_MODEL, or a fresh tiny random one."""
    if os.environ.get("MTRS_SCREENSHOT_MODEL"):
        return os.environ["MTRS_SCREENSHOT_MODEL"]
    if (REPO / "engine" / "bundled" / "mtrefseg-r1-lite" / "config.json").is_file():
        return ""  # the dock's default: bundled model
    out = tmp / "tiny-model"
    code = (
        "import sys, torch; torch.manual_seed(0)\n"
        "from engine.model import build_model, ModelConfig\n"
        "build_model(ModelConfig.from_preset('mtrefseg-r1-tiny')).save_pretrained(sys.argv[1])\n"
    )
    subprocess.run([str(ENGINE_PYTHON), "-c", code, str(out)], cwd=REPO, check=True)
    return str(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "img" / "qgis-dock.png"))
    parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the analysis")
    parser.add_argument("--prompt", default="buildings destroyed along the tornado track")
    args = parser.parse_args()
    for tool in ("xvfb-run", "qgis"):
        if shutil.which(tool) is None:
            print(f"[screenshot] '{tool}' is missing: run 'make setup' first", file=sys.stderr)
            return 2
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mtrs-shot-") as tmp_name:
        tmp = Path(tmp_name)
        plugins = tmp / "plugins"
        plugins.mkdir()
        (plugins / "mtrs").symlink_to(REPO, target_is_directory=True)
        ini = tmp / "profiles" / "shot" / "QGIS" / "QGIS3.ini"
        ini.parent.mkdir(parents=True)
        ini.write_text(
            textwrap.dedent(
                """
                [PythonPlugins]
                mtrs=true
                [qgis]
                showTips=false
                checkVersion=false
                [UI]
                UI\\hideWelcomePage=true
                """
            ),
            encoding="utf-8",
        )
        status = tmp / "status.txt"
        cfg = {
            "earlier": str(REPO / "tests" / "data" / "joplin" / "0_pre.tif"),
            "later": str(REPO / "tests" / "data" / "joplin" / "0_post.tif"),
            "model": model_dir(tmp),
            "prompt": args.prompt,
            "out": str(out),
            "status": str(status),
            "timeout": args.timeout,
        }
        code = tmp / "shoot.py"
        code.write_text(IN_QGIS.format(cfg=cfg), encoding="utf-8")
        env = dict(os.environ, QGIS_PLUGINPATH=str(plugins))
        env.pop("QT_QPA_PLATFORM", None)  # a real X server (Xvfb) this time
        cmd = [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            "qgis",
            "--profiles-path",
            str(tmp),
            "--profile",
            "shot",
            "--nologo",
            "--noversioncheck",
            "--code",
            str(code),
        ]
        try:
            subprocess.run(cmd, env=env, timeout=args.timeout + 180, check=False)
        except subprocess.TimeoutExpired:
            print("[screenshot] QGIS did not finish in time", file=sys.stderr)
            return 1
        result = status.read_text(encoding="utf-8") if status.exists() else "FAIL no status (QGIS crashed?)"
    if not result.startswith("OK"):
        print(f"[screenshot] {result}", file=sys.stderr)
        return 1
    print(f"[screenshot] wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

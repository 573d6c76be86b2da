"""Finding, checking and (re)creating the engine's Python environment.

The engine needs torch & co., which must never be installed into QGIS's own Python (numpy/PROJ ABI clashes
are the first failure of every comparable plugin). So the engine lives in a separate venv and this module
answers three questions without importing any of it: which interpreter, is it complete, and which exact
commands would create or repair it. The commands are shown to the user verbatim before anything runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field


def QT_TRANSLATE_NOOP(_context: str, text: str) -> str:
    """Mark `text` for translation without translating it here (this module stays Qt-free)."""
    return text


#: Modules the worker needs; checked with find_spec (no import: fast, and no side effects).
REQUIRED_MODULES = (
    "torch",
    "torchvision",
    "timm",
    "transformers",
    "safetensors",
    "rasterio",
    "shapely",
    "numpy",
)

_PROBE = r"""
import importlib.util, json, sys
mods = {mods!r}
missing = [m for m in mods if importlib.util.find_spec(m) is None]
version = None
try:
    import engine
    version = getattr(engine, "__version__", None)
    engine_path = engine.__file__
except Exception as exc:  # noqa: BLE001
    engine_path = None
    missing.append("engine (" + type(exc).__name__ + ")")
print(json.dumps({{"python": sys.version.split()[0], "missing": missing, "engine_version": version,
                  "engine_path": engine_path}}))
"""


def plugin_dir() -> str:
    """The plugin's root folder (the folder holding metadata.txt and engine/)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plugin_version(root: str | None = None) -> str:
    """The version in metadata.txt: the engine must report the same one."""
    path = os.path.join(root or plugin_dir(), "metadata.txt")
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("version="):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def venv_python(venv_dir: str) -> str:
    """The interpreter inside a venv on this platform."""
    if sys.platform == "win32":
        return os.path.join(venv_dir, "Scripts", "python.exe")
    return os.path.join(venv_dir, "bin", "python")


def managed_venv_dir() -> str:
    """Where the plugin creates its own engine venv: in the QGIS profile, so plugin updates keep it."""
    try:
        from qgis.core import QgsApplication

        base = QgsApplication.qgisSettingsDirPath()
    except Exception:
        base = os.path.join(os.path.expanduser("~"), ".mtrs")
    return os.path.join(base, "mtrs", "engine-venv")


def candidate_interpreters(configured: str = "", root: str | None = None) -> list[str]:
    """Interpreters to try, best first: the configured one, the plugin's .venv, the managed venv."""
    root = root or plugin_dir()
    out = []
    if configured:
        out.append(configured)
    out.append(venv_python(os.path.join(root, ".venv")))
    out.append(venv_python(managed_venv_dir()))
    return out


def base_python() -> str:
    """The interpreter a new venv is created from.

    On Linux the system python3 (the one whose site-packages hold the qgis bindings QGIS itself uses);
    elsewhere the python that ships with QGIS (next to sys.executable on Windows / macOS bundles).
    """
    if sys.platform.startswith("linux") and os.path.exists("/usr/bin/python3"):
        return "/usr/bin/python3"
    exe_dir = os.path.dirname(sys.executable)
    for name in ("python3.exe", "python.exe", "python3", "python"):
        path = os.path.join(exe_dir, name)
        if os.path.isfile(path):
            return path
    return sys.executable


@dataclass
class EngineStatus:
    """Outcome of checking one interpreter. `ok` means the worker can be started with it."""

    interpreter: str
    exists: bool = False
    python: str = ""
    missing: list[str] = field(default_factory=list)
    engine_version: str | None = None
    expected_version: str = ""
    error: str = ""

    @property
    def version_mismatch(self) -> bool:
        return bool(
            self.engine_version and self.expected_version and self.engine_version != self.expected_version
        )

    @property
    def ok(self) -> bool:
        return self.exists and not self.missing and not self.error and not self.version_mismatch


def check_interpreter(python: str, root: str | None = None, timeout: float = 60.0) -> EngineStatus:
    """Ask `python` (in a subprocess, with the worker's environment) what it lacks. Never raises."""
    root = root or plugin_dir()
    status = EngineStatus(interpreter=python, expected_version=plugin_version(root))
    if not python or not os.path.isfile(python):
        status.error = "not found"
        return status
    status.exists = True
    try:
        proc = subprocess.run(
            [python, "-c", _PROBE.format(mods=list(REQUIRED_MODULES))],
            cwd=root,
            env=worker_environment(root),
            capture_output=True,
            text=True,
            timeout=timeout,
            **hidden_window_kwargs(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        status.error = str(exc)
        return status
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        status.error = (proc.stderr or proc.stdout or "no output").strip()[-500:]
        return status
    status.python = info.get("python", "")
    status.missing = list(info.get("missing", []))
    status.engine_version = info.get("engine_version")
    return status


def find_engine(configured: str = "", root: str | None = None) -> EngineStatus:
    """The first working interpreter, or the status of the most relevant broken one (for the panel)."""
    statuses = [check_interpreter(p, root) for p in candidate_interpreters(configured, root)]
    for status in statuses:
        if status.ok:
            return status
    for status in statuses:  # prefer reporting one that exists (it tells what is missing)
        if status.exists:
            return status
    return statuses[0]


def worker_environment(root: str | None = None) -> dict[str, str]:
    """Environment for engine subprocesses.

    QGIS sets variables for its own Python and GDAL (PYTHONHOME, PYTHONPATH, PROJ_LIB, GDAL_DATA ...).
    Passed on, they make the venv import QGIS's numpy or break the rasterio wheel's PROJ database, so they
    are dropped; the plugin folder goes on PYTHONPATH so `engine` imports even without `pip install -e`.
    """
    root = root or plugin_dir()
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_VARS}
    env["PYTHONPATH"] = root
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    return env


_DROPPED_VARS = frozenset(
    {
        "PYTHONHOME",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PROJ_LIB",
        "PROJ_DATA",
        "GDAL_DATA",
        "GDAL_DRIVER_PATH",
        "VIRTUAL_ENV",
    }
)


def hidden_window_kwargs() -> dict:
    """On Windows, keep subprocesses from flashing a console window."""
    if sys.platform == "win32":
        return {"creationflags": 0x08000000}  # CREATE_NO_WINDOW
    return {}


@dataclass
class InstallStep:
    """One command of the install plan, with a one-line explanation for the panel."""

    title: str
    argv: list[str]

    def command_line(self) -> str:
        """Shell-quoted form, so users can copy it into a terminal and run it themselves."""
        import shlex

        if sys.platform == "win32":
            return subprocess.list2cmdline(self.argv)
        return shlex.join(self.argv)


def install_plan(
    venv_dir: str | None = None, root: str | None = None, python: str | None = None
) -> list[InstallStep]:
    """The exact commands that create (or repair) the engine venv. Nothing touches QGIS's own Python.

    `--system-site-packages` lets the engine reuse the system GDAL bindings on Linux; pins come from the
    project's constraints file so every machine gets the tested versions.
    """
    root = root or plugin_dir()
    venv_dir = venv_dir or managed_venv_dir()
    vpy = venv_python(venv_dir)
    req = os.path.join(root, "requirements", "engine.txt")
    cons = os.path.join(root, "requirements", "constraints.txt")
    steps = []
    if not os.path.isfile(vpy):
        steps.append(
            InstallStep(
                QT_TRANSLATE_NOOP("@default", "Create the virtual environment"),
                [python or base_python(), "-m", "venv", "--system-site-packages", venv_dir],
            )
        )
    steps.append(
        InstallStep(
            QT_TRANSLATE_NOOP("@default", "Install the pinned engine requirements"),
            [vpy, "-m", "pip", "install", "-r", req, "-c", cons],
        )
    )
    steps.append(
        InstallStep(
            QT_TRANSLATE_NOOP("@default", "Install the MTRS engine itself"),
            [vpy, "-m", "pip", "install", "-e", root],
        )
    )
    return steps

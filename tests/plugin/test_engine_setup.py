"""Engine management: the dock works without an engine and shows the exact commands that create one."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def no_engine(mtrs_package, tmp_path, monkeypatch):
    """Point the plugin at an interpreter that does not exist, and hide the repo venv and managed venv."""
    from mtrs.mtrs_qgis_plugin import engine_env, service

    monkeypatch.setattr(engine_env, "managed_venv_dir", lambda: str(tmp_path / "managed-venv"))
    service.set_interpreter_override(str(tmp_path / "missing" / "bin" / "python"))
    yield tmp_path / "managed-venv"
    service.set_interpreter_override(None)


def test_dock_shows_install_panel_when_engine_missing(
    no_engine, mtrs_package, qgis_iface, qgis_processing, isolated_settings
):
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    try:
        dock = instance.ensure_dock()
        assert not dock.engine_panel.isHidden()
        assert not dock.run_button.isEnabled()
        assert "not installed" in dock.badge.text()
        assert "No engine environment" in dock.engine_panel.problem.text()
        from mtrs.mtrs_qgis_plugin import engine_env

        root = Path(engine_env.plugin_dir())  # the installed plugin folder (here: the symlink)
        lines = dock.engine_panel.plan_text().splitlines()
        venv = str(no_engine)
        vpy = f"{venv}/bin/python"
        assert shlex.split(lines[0]) == ["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv]
        assert shlex.split(lines[1]) == [
            vpy,
            "-m",
            "pip",
            "install",
            "-r",
            str(root / "requirements" / "engine.txt"),
            "-c",
            str(root / "requirements" / "constraints.txt"),
        ]
        assert shlex.split(lines[2]) == [vpy, "-m", "pip", "install", "-e", str(root)]
    finally:
        instance.unload()


def test_incomplete_environment_lists_missing_modules(mtrs_package):
    """/usr/bin/python3 exists but has no torch: the check names what is missing instead of failing."""
    from mtrs.mtrs_qgis_plugin import engine_env

    status = engine_env.check_interpreter("/usr/bin/python3")
    assert status.exists and not status.ok
    assert "torch" in status.missing
    assert status.expected_version == "0.1.0"


def test_repo_engine_environment_is_complete(mtrs_package):
    from mtrs.mtrs_qgis_plugin import engine_env

    python = REPO / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.fail("no engine venv in this checkout: run scripts/setup.sh")
    status = engine_env.check_interpreter(str(python))
    assert status.ok, (status.missing, status.error)
    assert status.engine_version == "0.1.0"


def test_installer_streams_output_and_can_be_cancelled(mtrs_package, wait_for, tmp_path):
    """The installer runs real commands through QProcess, streams their output and stops on Cancel."""
    from mtrs.mtrs_qgis_plugin.engine_env import InstallStep
    from mtrs.mtrs_qgis_plugin.engine_installer import EngineInstaller

    venv = tmp_path / "v"
    steps = [
        InstallStep("venv", ["/usr/bin/python3", "-m", "venv", "--without-pip", str(venv)]),
        InstallStep("echo", [str(venv / "bin" / "python"), "-c", "print('hello from the venv')"]),
    ]
    installer = EngineInstaller(steps)
    out, done = [], []
    installer.output.connect(out.append)
    installer.done.connect(lambda ok, msg: done.append(ok))
    installer.start()
    assert wait_for(lambda: done, timeout=120)
    assert done == [True]
    assert "hello from the venv" in "".join(out)

    slow = EngineInstaller([InstallStep("sleep", ["/usr/bin/python3", "-c", "import time; time.sleep(60)"])])
    done2 = []
    slow.done.connect(lambda ok, msg: done2.append((ok, msg)))
    slow.start()
    wait_for(lambda: slow.is_running(), timeout=10)
    slow.cancel()
    assert wait_for(lambda: done2, timeout=20)
    assert done2[0][0] is False and "Cancelled" in done2[0][1]

"""The `mtrs` console command is the ML developer's door: it must start without heavy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine import __version__

MTRS = Path(sys.executable).with_name("mtrs")


def test_version_runs() -> None:
    out = subprocess.run([str(MTRS), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"mtrs {__version__}"


def test_help_lists_commands() -> None:
    out = subprocess.run([str(MTRS), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for command in ("predict", "train", "eval", "info", "synth", "bench", "serve"):
        assert command in out.stdout


def test_help_does_not_import_torch() -> None:
    code = "import sys; from engine.cli import build_parser; build_parser(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"

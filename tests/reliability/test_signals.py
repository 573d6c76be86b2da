"""Reliability under signals and leftovers: `mtrs predict` as a real process stopped with SIGTERM, SIGINT
or SIGKILL (cases L30, L31 and N72–N75, N78)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.reliability.conftest import NULL, assert_success, mtrs, mtrs_process, no_temp_dirs, square_pair

SLOW = ["--model", "null:brighter:32", "--overlap", "0", "--batch-size", "1", "--prompt", "x", "--quiet"]


def _start_slow_run(tmp_path: Path, out: Path):
    """A run of ~1000 tiny tiles; returns once its staging folder exists (the run is in the middle)."""
    e, l_ = square_pair(tmp_path, size=1024)
    proc = mtrs_process("predict", e, l_, *SLOW, "-o", out, "--probabilities", out.with_suffix(".tif"))
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".mtrs-tmp-") for p in out.parent.iterdir()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.02)
    return proc


def test_L30_sigterm_mid_run_removes_every_temporary_folder(tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = _start_slow_run(tmp_path, out_dir / "o.gpkg")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert os.listdir(out_dir) == [] and no_temp_dirs(tmp_path)


def test_N72_ctrl_c_mid_run_removes_every_temporary_folder(tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = _start_slow_run(tmp_path, out_dir / "o.gpkg")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert os.listdir(out_dir) == []


def test_L31_leftovers_of_a_killed_run_are_removed_by_the_next_run(tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = _start_slow_run(tmp_path, out_dir / "o.gpkg")
    proc.kill()  # SIGKILL: no cleanup can run
    proc.communicate(timeout=60)
    stale = [p.name for p in out_dir.iterdir() if p.name.startswith(".mtrs-tmp-")]
    assert stale and f"-{proc.pid}-" in stale[0]
    e, l_ = square_pair(tmp_path, size=64)
    assert_success(mtrs("predict", e, l_, *NULL, "--prompt", "x", "--quiet", "-o", out_dir / "next.gpkg"))
    assert sorted(os.listdir(out_dir)) == ["next.gpkg", "next.run.json"]


def test_N73_staging_folders_of_live_processes_are_kept(tmp_path) -> None:
    from engine.tempdirs import STAGING_PREFIX, make_temp_dir

    live = Path(make_temp_dir(STAGING_PREFIX, tmp_path))  # this process is alive
    e, l_ = square_pair(tmp_path, size=64)
    assert_success(mtrs("predict", e, l_, *NULL, "--prompt", "x", "--quiet", "-o", tmp_path / "o.gpkg"))
    assert live.is_dir()
    live.rmdir()


def test_N74_staging_folders_of_other_hosts_are_kept(tmp_path) -> None:
    """On a shared network folder a folder of another machine may belong to a live run there."""
    other = tmp_path / ".mtrs-tmp-someotherhost-1-abcdef12"
    other.mkdir()
    e, l_ = square_pair(tmp_path, size=64)
    assert_success(mtrs("predict", e, l_, *NULL, "--prompt", "x", "--quiet", "-o", tmp_path / "o.gpkg"))
    assert other.is_dir()


def test_N75_unrelated_hidden_folders_are_never_touched(tmp_path) -> None:
    from engine.tempdirs import _host

    mine = tmp_path / f".mtrs-tmp-{_host()}-999999-not_ours_but_similar.d"  # not the exact pattern
    mine.mkdir()
    e, l_ = square_pair(tmp_path, size=64)
    assert_success(mtrs("predict", e, l_, *NULL, "--prompt", "x", "--quiet", "-o", tmp_path / "o.gpkg"))
    assert mine.is_dir()


def test_N78_scratch_folders_of_killed_runs_are_swept_at_start_up(tmp_path, monkeypatch) -> None:
    """`mtrs` removes `mtrs-<host>-<dead pid>-*` folders from the temporary folder when it starts."""
    import tempfile

    from engine.tempdirs import SCRATCH_PREFIX, _host

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    dead = scratch / f"{SCRATCH_PREFIX}{_host()}-999999-abc123"
    alive = scratch / f"{SCRATCH_PREFIX}{_host()}-{os.getpid()}-abc123"
    for d in (dead, alive):
        d.mkdir()
        (d / "part.tif").write_bytes(b"x")
    e, l_ = square_pair(tmp_path, size=64)
    assert_success(mtrs("predict", e, l_, *NULL, "--prompt", "x", "--quiet", "-o", tmp_path / "o.gpkg"))
    assert not dead.exists() and alive.is_dir()

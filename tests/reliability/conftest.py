"""The reliability harness: bad inputs made on the fly, `mtrs predict` run in-process (or as a real process
where signals or a fresh interpreter matter), and the checks every case shares.

Every case checks: the exit code, ONE clear message (`mtrs predict: error: ...`, no traceback, no library
warning), nothing partial on disk (no new file, no temporary folder), inputs untouched and existing
outputs untouched (SHA-256 of every file of the case's folder before and after).

In-process runs call `engine.cli.main(argv)` with stdout/stderr captured: an exception escaping `main` is
exactly what a user would see as a traceback, so it is recorded, not raised. Inputs are tiny (64–256 px)
so that the whole suite runs in about two minutes on two CPU cores.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

from tests.conftest import write_geotiff

REPO = Path(__file__).resolve().parents[2]
JOPLIN_PRE = REPO / "demo" / "joplin" / "2_pre.tif"
JOPLIN_POST = REPO / "demo" / "joplin" / "2_post.tif"
ORIGIN = (366000.0, 4100000.0)
NULL = ["--model", "null:brighter"]


# -- running -------------------------------------------------------------------------------------------------
@dataclass
class Run:
    rc: int | None
    out: str
    err: str
    exception: str | None = None  # a traceback that escaped main()
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("mtrs predict: error:")]

    @property
    def notes(self) -> list[str]:
        return [line[len("note: ") :] for line in self.err.splitlines() if line.startswith("note: ")]


def mtrs(*argv: str | os.PathLike) -> Run:
    """`mtrs ARGV` in this process (fast: torch and GDAL are imported once for the whole suite)."""
    from engine.cli import main

    old_term = signal.getsignal(signal.SIGTERM)
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, _c_stderr() as c_err:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc, exc = main([str(a) for a in argv]), None
            except SystemExit as e:  # argparse
                rc, exc = int(e.code or 0), None
            except BaseException:
                rc, exc = None, traceback.format_exc()
    signal.signal(signal.SIGTERM, old_term)
    noisy = [f"{w.category.__name__}: {w.message} ({w.filename})" for w in caught if _user_visible(w)]
    return Run(rc, out.getvalue(), err.getvalue() + c_err.read(), exc, noisy, time.perf_counter() - t0)


@contextlib.contextmanager
def _c_stderr():
    """What C libraries (GDAL, libtiff, SQLite) print on file descriptor 2 meanwhile: a user sees it too."""
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        text = io.StringIO()
        try:
            yield text
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text.write(tmp.read().decode("utf-8", errors="replace"))
            text.seek(0)


def _user_visible(w: warnings.WarningMessage) -> bool:
    """Warnings a user of the CLI would see (deprecations of libraries are hidden by default)."""
    return not issubclass(w.category, DeprecationWarning | PendingDeprecationWarning | ResourceWarning)


def mtrs_process(*argv: str | os.PathLike, env: dict | None = None, **kw) -> subprocess.Popen:
    """`mtrs ARGV` as a real process (signals, fresh interpreter)."""
    return subprocess.Popen(
        [sys.executable, "-m", "engine.cli", *[str(a) for a in argv]],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


# -- checking ------------------------------------------------------------------------------------------------
def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` (hidden ones and folders included: a folder maps to 'dir')."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# libtiff (bundled with rasterio) prints a failed write of a GeoTIFF straight to the terminal, before MTRS
# reports it; these lines repeat the cause and are the only text besides MTRS's message that is allowed.
LIBTIFF_DISK_FULL = ("_tiffWriteProc: No space left on device.", "_tiffSeekProc: No space left on device.")


def assert_clean_failure(run: Run, before: dict, folder: Path, phrase: str, rc: int = 2) -> str:
    """Exit code `rc`, one `error:` line containing `phrase` (case-insensitive), no traceback, no library
    warning, and the folder exactly as before (nothing partial, inputs and existing outputs untouched).
    Returns the message (with its hint)."""
    assert run.exception is None, f"traceback instead of an error:\n{run.exception}"
    assert "Traceback" not in run.err, run.err
    assert run.rc == rc, f"exit {run.rc}, expected {rc}\n{run.err}"
    assert len(run.errors) == 1, f"expected one error line:\n{run.err}"
    extra = [
        line
        for line in run.err.splitlines()
        if line.strip()
        and not line.startswith(("mtrs predict: error:", "  hint:", "note: "))
        and line not in LIBTIFF_DISK_FULL
    ]
    assert not extra, f"more than one clear message on stderr: {extra}"
    message = run.err[run.err.index("mtrs predict: error:") :]
    assert phrase.lower() in message.lower(), f"{phrase!r} not in {message!r}"
    assert not run.warnings, run.warnings
    assert snapshot(folder) == before, _diff(before, snapshot(folder))
    return message


def assert_success(run: Run) -> None:
    assert run.exception is None, run.exception
    assert run.rc == 0, run.err
    assert "Traceback" not in run.err and not run.errors, run.err
    assert not run.warnings, run.warnings
    extra = [line for line in run.err.splitlines() if line.strip() and not line.startswith("note: ")]
    assert not extra, f"unexpected output on stderr: {extra}"


def _diff(a: dict, b: dict) -> str:
    added = sorted(set(b) - set(a))
    removed = sorted(set(a) - set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return f"added {added}, removed {removed}, changed {changed}"


def no_temp_dirs(*folders: Path) -> bool:
    return not any(p.name.startswith((".mtrs-tmp-", "mtrs-")) for f in folders for p in Path(f).iterdir())


def read_features(path: Path) -> tuple[list[dict], object]:
    from osgeo import ogr

    ds = ogr.Open(str(path))
    assert ds is not None, f"{path} is not readable"
    layer = ds.GetLayer(0)
    feats = []
    for f in layer:
        item = {
            layer.GetLayerDefn().GetFieldDefn(i).GetName(): f.GetField(i) for i in range(f.GetFieldCount())
        }
        g = f.GetGeometryRef()
        item["_wkt"] = g.ExportToWkt() if g is not None else None
        feats.append(item)
    srs = layer.GetSpatialRef()
    return feats, (srs.GetAuthorityCode(None) if srs is not None else None)


def run_record(output: Path) -> dict:
    return json.loads(output.with_name(output.stem + ".run.json").read_text(encoding="utf-8"))


# -- inputs --------------------------------------------------------------------------------------------------
def square_pair(folder: Path, size: int = 96, dtype: str = "uint8", **kw) -> tuple[Path, Path]:
    """Earlier grey, later with a bright 20×20 square at (20, 20): the null model finds 400 m² exactly."""
    e = np.full((3, size, size), 90, dtype)
    l_ = e.copy()
    l_[:, 20:40, 20:40] = 230
    return (
        Path(write_geotiff(folder / "e.tif", e, **kw)),
        Path(write_geotiff(folder / "l.tif", l_, **kw)),
    )


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    return square_pair(tmp_path)


@pytest.fixture(scope="session")
def joplin_crops(tmp_path_factory) -> tuple[Path, Path]:
    """256² crops of the real Joplin pair (as the campaign used)."""
    folder = tmp_path_factory.mktemp("joplin")
    paths = []
    for src_path, name in ((JOPLIN_PRE, "pre.tif"), (JOPLIN_POST, "post.tif")):
        with rasterio.open(src_path) as src:
            win = Window(384, 384, 256, 256)
            data = src.read(window=win)
            paths.append(
                Path(write_geotiff(folder / name, data, crs=src.crs, transform=src.window_transform(win)))
            )
    return paths[0], paths[1]


@pytest.fixture
def joplin(tmp_path, joplin_crops) -> tuple[Path, Path]:
    """The crops copied into this case's folder (so the folder snapshot covers them)."""
    out = []
    for p in joplin_crops:
        target = tmp_path / p.name
        target.write_bytes(p.read_bytes())
        out.append(target)
    return out[0], out[1]


def joplin_full(folder: Path) -> tuple[Path, Path]:
    """The full 1024² Joplin pair copied into `folder`."""
    out = []
    for p in (JOPLIN_PRE, JOPLIN_POST):
        (folder / p.name).write_bytes(p.read_bytes())
        out.append(folder / p.name)
    return out[0], out[1]


# -- small file systems --------------------------------------------------------------------------------------
def _can_mount() -> str | None:
    """None when tmpfs mounts work here, else the reason they do not."""
    if sys.platform != "linux":
        return "tmpfs mounts need Linux"
    if os.geteuid() != 0:
        return "mounting a small tmpfs needs root"
    return None


@pytest.fixture
def small_disk(tmp_path):
    """`small_disk(size_kb, ro=False)` → a freshly mounted tmpfs of that size (unmounted afterwards); the
    case is skipped with the reason where this machine cannot mount one."""
    reason = _can_mount()
    if reason:
        pytest.skip(reason)
    mounts = []

    def make(size_kb: int, ro: bool = False) -> Path:
        point = tmp_path / f"disk{len(mounts)}"
        point.mkdir()
        opts = f"size={size_kb}k" + (",ro" if ro else "")
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(point)], capture_output=True)
        if res.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode(errors='replace').strip()}")
        mounts.append(point)
        return point

    yield make
    for point in reversed(mounts):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


# -- the worker ----------------------------------------------------------------------------------------------
class Worker:
    """`python -m engine.worker` in a real subprocess; bytes in, JSON lines out, with timeouts."""

    def __init__(self, env: dict | None = None):
        self.p = subprocess.Popen(
            [sys.executable, "-m", "engine.worker"],
            cwd=REPO,
            env={**os.environ, "MTRS_CACHE_DISK_BYTES": "0", **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        ready = self.read()
        assert ready["event"] == "ready", ready

    def _pump(self) -> None:
        """Lines of stdout into a queue (select() on a buffered pipe misses lines already buffered)."""
        for line in self.p.stdout:
            self.lines.put(line)
        self.lines.put(b"")

    def raw(self, data: bytes) -> None:
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, rid, cmd, params=None, **kw) -> None:
        msg = {"id": rid, "cmd": cmd, "params": params if params is not None else kw}
        self.raw(json.dumps(msg).encode() + b"\n")

    def read(self, timeout: float = 60.0) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the worker answered nothing within {timeout} s") from None
        assert line, "the worker closed stdout"
        return json.loads(line)

    def until_done(self, rid, timeout: float = 60.0) -> list[dict]:
        events = []
        deadline = time.monotonic() + timeout
        while True:
            ev = self.read(max(0.1, deadline - time.monotonic()))
            if ev.get("id") == rid:
                events.append(ev)
                if ev["event"] in ("result", "error"):
                    return events

    def alive_and_answering(self) -> bool:
        """The reader thread and the main loop still work: an unknown command is answered (without the
        seconds a `status` would spend importing torch)."""
        self.send("ping", "ping")
        err = self.until_done("ping", 30)[-1].get("error") or {}
        return err.get("code") == "input_error" and "unknown command" in err.get("message", "")

    def shutdown(self) -> int:
        self.send("bye", "shutdown")
        assert self.until_done("bye", 30)[-1]["result"] == {}
        return self.p.wait(30)

    def close(self) -> None:
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait(10)
        for s in (self.p.stdin, self.p.stdout, self.p.stderr):
            with contextlib.suppress(Exception):
                s.close()


@pytest.fixture(scope="module")
def warm_worker():
    """One worker shared by the cases of a module that run analyses (torch is imported once)."""
    w = Worker()
    yield w
    w.close()


@pytest.fixture
def worker():
    workers = []

    def make(env: dict | None = None) -> Worker:
        w = Worker(env)
        workers.append(w)
        return w

    yield make
    for w in workers:
        w.close()


def geotiff(path: Path, array: np.ndarray, **kw) -> Path:
    return Path(write_geotiff(path, array, **kw))


def transform_at(x: float = ORIGIN[0], y: float = ORIGIN[1], px: float = 1.0):
    return from_origin(x, y, px, px)

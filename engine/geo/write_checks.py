"""The ONE place where failures of the write path become OutputError: OGR return codes and GDAL error states,
rasterio/OS write errors, and the "disk full" hint.

Why: with GDAL 3.6, `gdal.UseExceptions()` does not make OGR raise: `CreateFeature`, `CommitTransaction`,
`CreateField` return an error code, `SetField` and `FlushCache` return nothing, and a full disk only shows in
`gdal.GetLastErrorType()`. Unchecked, a run on a full disk reported success and left a file that is not a
GeoPackage. Every OGR write goes through `OgrCheck`; every raster/JSON write through `raster_write_errors`.

Checking costs nothing per value: GDAL keeps the last error until it is reset, so a batch of `SetField` and
`CreateFeature` calls is checked once at its end (`reset` before, `check` after), plus each return code.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from engine.errors import OutputError

_DISK_FULL = ("no space left", "disk is full", "disk full", "quota exceeded", "file too large")


def write_failure(path: str, detail: str) -> OutputError:
    """OutputError for a failed write of `path`, with a hint when the cause is a full disk or quota."""
    text = " ".join(str(detail).split())
    low = text.lower()
    hint = None
    if any(s in low for s in _DISK_FULL) or _nearly_full(path):
        folder = os.path.dirname(os.path.abspath(path))
        hint = f"the disk holding {folder} is full: free space or write elsewhere"
    elif "permission denied" in low or "read-only" in low:
        hint = "choose a folder you can write to"
    return OutputError(f"could not write {path}: {text}", hint=hint)


def _nearly_full(path: str) -> bool:
    """GDAL often reports a full disk as "write error at scanline N": look at the free space instead."""
    import shutil

    try:
        return shutil.disk_usage(os.path.dirname(os.path.abspath(path)) or ".").free < 4 * 1024 * 1024
    except OSError:
        return False


def _messages(exc: BaseException) -> str:
    """The message of `exc` and of the exceptions chained to it (rasterio puts GDAL's cause there)."""
    parts, seen = [], set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        text = str(cur).splitlines()[0] if str(cur) else type(cur).__name__
        if "see previous exception" not in text.lower():
            parts.append(text)
        cur = cur.__cause__ or cur.__context__
    return "; ".join(parts) or type(exc).__name__


class OgrCheck:
    """Checks OGR/GDAL write calls for one output file; raises OutputError naming the file and the step."""

    def __init__(self, path: str):
        self.path = path

    @staticmethod
    def reset() -> None:
        from osgeo import gdal

        gdal.ErrorReset()

    def check(self, what: str) -> None:
        """Raise if GDAL reported a failure since the last `reset` (also of calls that return nothing)."""
        from osgeo import gdal

        if gdal.GetLastErrorType() >= gdal.CE_Failure:
            msg = gdal.GetLastErrorMsg() or "unknown GDAL error"
            gdal.ErrorReset()
            raise write_failure(self.path, f"{what}: {msg}")

    def code(self, rc: Any, what: str) -> Any:
        """An OGRErr / CPLErr return code: anything but 0 (or None) is a failure."""
        if isinstance(rc, int) and not isinstance(rc, bool) and rc != 0:
            from osgeo import gdal

            msg = gdal.GetLastErrorMsg() or f"error code {rc}"
            gdal.ErrorReset()
            raise write_failure(self.path, f"{what}: {msg}")
        return rc

    def call(
        self, what: str, fn: Callable[..., Any], *args: Any, need_result: bool = False, **kw: Any
    ) -> Any:
        """Run one OGR call and check its return code, GDAL's error state and (need_result) a None result."""
        self.reset()
        try:
            rc = fn(*args, **kw)
        except RuntimeError as exc:  # with exceptions enabled for that module
            raise write_failure(self.path, f"{what}: {exc}") from None
        self.code(rc, what)
        self.check(what)
        if need_result and rc is None:
            raise write_failure(self.path, f"{what} failed")
        return rc


@contextlib.contextmanager
def raster_write_errors(path: str) -> Iterator[None]:
    """Turn rasterio / OS errors raised while writing `path` (disk full, permissions) into OutputError."""
    from rasterio.errors import RasterioError

    try:
        yield
    except (RasterioError, OSError) as exc:
        raise write_failure(path, _messages(exc)) from None


def verify_raster(staged: str, target: str, shape: tuple[int, int, int], read_all: bool = False) -> None:
    """Open a raster we just wrote and closed: it must have `shape` (bands, rows, columns) and, for a
    GeoTIFF, every block written inside the file (`read_all`: every pixel read back, for small files).

    Why: a write that fails while the dataset is closed (the last blocks flushed onto a full disk) is
    printed by GDAL but not raised by rasterio; without this the corrupt file was moved into place."""
    import warnings

    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioError

    from engine.geo.raster import incomplete_blocks

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(staged) as ds:
                if (ds.count, ds.height, ds.width) != tuple(shape):
                    problem = f"{ds.count}×{ds.height}×{ds.width} instead of {'×'.join(map(str, shape))}"
                else:
                    problem = incomplete_blocks(ds, staged, allow_sparse=False)
                    if problem is None and read_all:
                        ds.read()
    except RasterioError as exc:
        problem = f"it cannot be read back: {_messages(exc)}"
    if problem:
        raise write_failure(target, f"the written raster is incomplete ({problem})")

"""Opening input rasters with checks that turn GDAL's low-level failures into one clear InputError each.

Why a module of its own: every surface (CLI, worker, `check_alignment`) must reject a bad input the same way
and before any heavy work starts (no model load, no temp files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import rasterio
from rasterio.errors import RasterioIOError

from engine.errors import InputError


@dataclass(frozen=True)
class RasterInfo:
    """What the pipeline needs to know about one input, read from metadata only."""

    path: str
    width: int
    height: int
    count: int
    dtypes: tuple[str, ...]
    crs_wkt: str
    transform: tuple[float, ...]
    bands: tuple[int, ...]  # 1-based selection (length 1 or 3; 1 band is replicated to 3 at read time)
    mtime: float
    size: int


def parse_bands(text: str | list[int] | tuple[int, ...] | None) -> list[int] | None:
    """'1,2,3' or [1, 2, 3] -> [1, 2, 3]; None stays None (= default selection)."""
    if text is None or text == "" or text == []:
        return None
    if isinstance(text, str):
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError:
            raise InputError(f"bands must be comma-separated integers, got '{text}'") from None
    return [int(b) for b in text]


def select_bands(count: int, requested: list[int] | None, path: str) -> tuple[int, ...]:
    """Default: the first three bands (or the one band of a grey image). Explicit: 1 or 3 bands that exist."""
    if requested is None:
        return (1, 2, 3) if count >= 3 else (1,)
    if len(requested) not in (1, 3):
        raise InputError(
            f"{len(requested)} bands selected for {os.path.basename(path)}: select 1 band (replicated) or 3",
            hint="e.g. --bands-earlier 3,2,1",
        )
    bad = [b for b in requested if b < 1 or b > count]
    if bad:
        raise InputError(
            f"band {bad[0]} does not exist in {os.path.basename(path)} (it has {count} band(s))",
            hint=f"choose bands between 1 and {count}",
        )
    return tuple(requested)


def open_checked(path: str, bands: list[int] | None = None) -> tuple[rasterio.io.DatasetReader, RasterInfo]:
    """Open `path` for reading; raise InputError for a missing file, a non-raster, a raster without CRS or
    geotransform, or an unknown band. The caller closes the dataset."""
    path = os.fspath(path)
    if not os.path.exists(path) and "://" not in path and not path.startswith("/vsi"):
        raise InputError(f"input raster not found: {path}")
    try:
        ds = rasterio.open(path)
    except RasterioIOError as exc:
        raise InputError(f"not a raster GDAL can read: {path}", hint=str(exc).splitlines()[0]) from None
    try:
        if ds.crs is None:
            raise InputError(
                f"{os.path.basename(path)} has no coordinate reference system",
                hint="assign one (QGIS: Raster > Projections > Assign Projection; GDAL: gdal_edit -a_srs)",
            )
        if ds.transform.is_identity:
            raise InputError(f"{os.path.basename(path)} has no geotransform (it is not georeferenced)")
        selected = select_bands(ds.count, bands, path)
        stat = os.stat(path) if os.path.exists(path) else None
        info = RasterInfo(
            path=os.path.abspath(path) if stat else path,
            width=ds.width,
            height=ds.height,
            count=ds.count,
            dtypes=tuple(ds.dtypes[b - 1] for b in selected),
            crs_wkt=ds.crs.to_wkt(),
            transform=tuple(ds.transform)[:6],
            bands=selected,
            mtime=stat.st_mtime if stat else 0.0,
            size=stat.st_size if stat else 0,
        )
    except BaseException:
        ds.close()
        raise
    return ds, info

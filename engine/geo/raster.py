"""Opening input rasters with checks that turn GDAL's low-level failures into one clear InputError each.

Why a module of its own: every surface (CLI, worker, `check_alignment`) must reject a bad input the same way
and before any heavy work starts (no model load, no temp files).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import rasterio
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

from engine.errors import InputError
from engine.geo.input_files import check_input_file, is_local, parse_bands  # noqa: F401 (parse_bands: API)

MAX_CHECKED_BLOCKS = 200_000  # header look-ups per band for the truncation check (about 0.5 s)


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
    georef: str = "transform"  # "transform", "gcps" (warped with its GCPs) or "none" (pixel coordinates)


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


def open_checked(
    path: str,
    bands: list[int] | None = None,
    *,
    allow_ungeoreferenced: bool = False,
    allow_gcps: bool = False,
) -> tuple[rasterio.io.DatasetReader, RasterInfo]:
    """Open `path` for reading; raise InputError for a missing file, a folder, a non-raster, a truncated
    GeoTIFF, a raster without CRS or geotransform, or an unknown band. The caller closes the dataset.

    `allow_gcps`: a raster georeferenced only by ground control points is accepted (the caller warps it
    with them). `allow_ungeoreferenced`: a plain image (no CRS, no geotransform, no GCPs: PNG, JPEG) is
    accepted; its info then has `georef == "none"` (the caller decides what that means)."""
    path = os.fspath(path)
    name = os.path.basename(path) or path
    local = is_local(path)
    check_input_file(path)
    try:
        with warnings.catch_warnings():
            # plain images are reported below in words; rasterio's warning would print a library path
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            ds = rasterio.open(path)
    except RasterioIOError as exc:
        raise InputError(f"not a raster GDAL can read: {path}", hint=str(exc).splitlines()[0]) from None
    try:
        if local:
            check_complete(ds, path)
        georef = _georeference(ds)
        if georef == "none" and not allow_ungeoreferenced:
            raise InputError(
                f"{name} is not georeferenced (no coordinate reference system, no geotransform)",
                hint="georeference it first (QGIS: Raster > Georeferencer); `mtrs predict` also takes two "
                "plain images of the same size and works in pixel coordinates",
            )
        if georef == "gcps" and not allow_gcps:
            raise InputError(
                f"{name} is georeferenced by ground control points only",
                hint="warp it first (gdalwarp, or QGIS: Raster > Projections > Warp)",
            )
        if georef == "no-crs":
            raise InputError(
                f"{name} has no coordinate reference system",
                hint="assign one (QGIS: Raster > Projections > Assign Projection; GDAL: gdal_edit -a_srs)",
            )
        if georef == "no-transform":
            raise InputError(
                f"{name} has a coordinate reference system but no geotransform (it is not georeferenced)",
                hint="georeference it first (QGIS: Raster > Georeferencer)",
            )
        selected = select_bands(ds.count, bands, path)
        stat = os.stat(path) if os.path.exists(path) else None
        crs = ds.crs if georef != "gcps" else ds.gcps[1]
        info = RasterInfo(
            path=os.path.abspath(path) if stat else path,
            width=ds.width,
            height=ds.height,
            count=ds.count,
            dtypes=tuple(ds.dtypes[b - 1] for b in selected),
            crs_wkt=crs.to_wkt() if crs is not None else "",
            transform=tuple(ds.transform)[:6],
            bands=selected,
            mtime=stat.st_mtime if stat else 0.0,
            size=stat.st_size if stat else 0,
            georef=georef,
        )
    except BaseException:
        ds.close()
        raise
    return ds, info


def _georeference(ds) -> str:
    """'transform' (CRS + geotransform), 'gcps' (ground control points with a CRS), 'none' (a plain
    image), or what is missing: 'no-crs' (a geotransform without CRS), 'no-transform' (a CRS only)."""
    has_transform = not ds.transform.is_identity
    if ds.crs is not None and has_transform:
        return "transform"
    gcps, gcp_crs = ds.gcps
    if gcps and gcp_crs is not None:
        return "gcps"
    if has_transform:
        return "no-crs"
    return "none" if ds.crs is None else "no-transform"


def check_complete(ds, path: str) -> None:
    """InputError if a GeoTIFF's image blocks reach past the end of the file (a truncated copy or download).

    Why: GDAL opens a truncated GeoTIFF (its header is at the start) and fails only when the missing blocks
    are read, minutes into a run. The block offsets and sizes are in the header: checking them costs
    microseconds per block and no pixel read."""
    problem = incomplete_blocks(ds, path, allow_sparse=True)
    if problem:
        raise InputError(
            f"{os.path.basename(path)} is truncated: {problem}", hint="copy or download the file again"
        )


def incomplete_blocks(ds, path: str, allow_sparse: bool = True) -> str | None:
    """What is wrong with a GeoTIFF's blocks (None: nothing, or not a GeoTIFF): a block beyond the end of the
    file, or (`allow_sparse=False`, for a file we wrote in full) a block that was never written."""
    if ds.driver != "GTiff":
        return None
    try:
        size = os.path.getsize(path)
    except OSError:
        return None
    bands = [1] if ds.interleaving is not None and ds.interleaving.name == "PIXEL" else range(1, ds.count + 1)
    for b in bands:
        bh, bw = ds.block_shapes[b - 1]
        rows, cols = -(-ds.height // bh), -(-ds.width // bw)
        blocks = [(i, j) for i in range(rows) for j in range(cols)]
        if len(blocks) > MAX_CHECKED_BLOCKS:  # very large rasters: the last blocks and an even sample
            step = len(blocks) // MAX_CHECKED_BLOCKS + 1
            blocks = blocks[::step] + blocks[-1024:]
        for i, j in blocks:
            off = int(ds.get_tag_item(f"BLOCK_OFFSET_{j}_{i}", "TIFF", bidx=b) or 0)
            if off == 0:  # sparse block: legal in a file read (reads as nodata), a failed write in ours
                if not allow_sparse:
                    return f"block ({i}, {j}) of band {b} was not written"
                continue
            length = int(ds.get_tag_item(f"BLOCK_SIZE_{j}_{i}", "TIFF", bidx=b) or 0)
            if off + length > size:
                return f"image data ends at byte {size:,} but the file needs {off + length:,}"
    return None

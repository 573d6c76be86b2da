"""Checks of a run that come before any heavy work: the files it will write (and that none of them is one
of its inputs), what plain images allow, the tile size and the memory of the pipeline's buffers.

Why here: the user learns about a typo, an output that would replace an input or a tile that cannot fit in
milliseconds, before the model is loaded or anything is written (engine.pipeline.analyse calls these in
that order)."""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import InputError, OutputError
from engine.geo.outputs import (
    check_collisions,
    check_folder,
    check_targets,
    input_files,
    planned_files,
    run_record_path,
)
from engine.geo.writer import check_output, driver_for
from engine.pipeline.request import AnalysisRequest

if TYPE_CHECKING:  # the output checks run before rasterio, GDAL and NumPy are imported (fast input errors)
    from engine.geo.align import AlignedPair
    from engine.geo.tiling import TileGrid

PNG = ".png"
MEMORY_FRACTION = 1.0  # of the available RAM the pipeline's buffers may take


def check_outputs(request: AnalysisRequest, mask_png: bool) -> list[str]:
    """Every file the run will write (outputs, sidecars, run record): folder, format, no folder in the way,
    nothing existing without overwrite. Returns them for the collision check against the inputs."""
    if mask_png:
        check_folder(request.output)
        files = [request.output, run_record_path(request.output)]
    else:
        check_output(request.output, request.overwrite)
        files = planned_files(request.output, driver_for(request.output))
    if request.probabilities:
        suffix = Path(request.probabilities).suffix.lower()
        if suffix not in (".tif", ".tiff", PNG):
            raise OutputError(
                f"the probability raster must be a GeoTIFF (.tif), got {request.probabilities}",
                hint="plain (non-georeferenced) images may also write a .png",
            )
        check_folder(request.probabilities)
        files.append(request.probabilities)
    check_targets(files, request.overwrite)
    check_collisions(files, [])  # two outputs of this run that are the same file
    return files


def check_pair_outputs(
    pair: AlignedPair, request: AnalysisRequest, mask_png: bool, outputs: list[str]
) -> None:
    """Checks that need the opened inputs: no output is an input file (the rasters with every sidecar GDAL
    lists, the model folder), and PNG outputs / output CRS fit the pair's kind (plain images or geodata)."""
    inputs = input_files([*_dataset_files(pair), request.model if request.model else None])
    check_collisions(outputs, inputs)
    png_prob = bool(request.probabilities) and Path(request.probabilities).suffix.lower() == PNG
    if (mask_png or png_prob) and not pair.pixel_mode:
        raise OutputError(
            "PNG outputs are for plain (non-georeferenced) images: a PNG would lose the georeference",
            hint="write polygons (.gpkg) and --probabilities as a GeoTIFF (.tif)",
        )
    if (mask_png or png_prob) and (len(request.prompts) > 1):
        raise InputError(
            "a PNG holds the result of one prompt", hint="run one prompt per PNG, or write a .gpkg and a .tif"
        )
    if pair.pixel_mode and request.output_crs:
        raise InputError(
            "--output-crs has no meaning for images that are not georeferenced",
            hint="leave it out: the output is in pixel coordinates",
        )


def _dataset_files(pair: AlignedPair) -> list[str]:
    """Files GDAL reads for both inputs (the raster, .aux.xml, .ovr, world files, .msk, ...)."""
    files: list[str] = []
    for ds in (pair.earlier, pair.later_src, *pair.owned):
        with contextlib.suppress(Exception):
            files += [f for f in (ds.files or []) if f]
    return [*files, pair.earlier_info.path, pair.later_info.path]


def tile_size(request: AnalysisRequest, model: Any, pair: AlignedPair) -> int:
    """The model's own size, or --tile; a --tile larger than the model's size is bounded by the region (a
    tile bigger than the raster only costs memory: 100000 px on a 256² raster allocated 37 GiB)."""
    native = int(model.config.image_size)
    if not request.tile:
        return native
    tile = int(request.tile)
    if tile > native:
        fit = 32 * math.ceil(max(pair.width, pair.height) / 32)
        tile = max(native, min(tile, fit))
    return tile


def pipeline_bytes(grid: TileGrid, heads: int, batch: int, itemsize: int) -> int:
    """Memory of the pipeline's own buffers (the model's activations come on top): the row band of both
    dates and the prefetched next one (3 channels each), the two normalised batch spans (float32), and per
    head the blender's sums and weights, the strip being flushed and up to two strips queued for the
    polygoniser (float32)."""
    strip = grid.tile * grid.width
    span = min(grid.width, max(1, batch) * grid.tile)
    return strip * (2 * 2 * 3 * itemsize + (4 * heads + 1) * 4) + 2 * 3 * grid.tile * span * 4


def check_memory(grid: TileGrid, heads: int, batch: int, pair: AlignedPair) -> None:
    """InputError when the pipeline's own buffers for this tile size cannot fit in the available memory
    (a huge --tile used to allocate tens of GB before failing)."""
    import numpy as np

    try:
        import psutil

        available = psutil.virtual_memory().available
    except Exception:
        return
    itemsize = max(np.dtype(d).itemsize for d in (*pair.earlier_info.dtypes, *pair.later_info.dtypes))
    need = pipeline_bytes(grid, heads, batch, itemsize)
    if need > MEMORY_FRACTION * available:
        raise InputError(
            f"a tile of {grid.tile} px on a {grid.width}-px wide area needs about {need / 1e9:,.1f} GB of "
            f"memory; {available / 1e9:,.1f} GB are available",
            hint="use a smaller --tile (or leave it out), or a smaller --extent",
        )

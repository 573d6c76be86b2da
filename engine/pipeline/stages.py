"""The stages of one analysis after its cheap checks, in the order engine.pipeline.analyse runs them:

    open_pair  → alignment of the two dates and the checks that need the opened inputs
    prepare    → device, model, prompts, tile grid, memory check, radiometric stretch: a `Plan`
    infer      → read, predict and blend every tile, handing finished strips to the OutputChain
    run_record → what was run, with what, and what came out (written beside the result)
    commit     → every output moved into place together

This module imports rasterio and GDAL; torch is imported by `prepare` (the device), so that a bad input
found while aligning costs no torch import either.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio

from engine import __version__
from engine.errors import InputError
from engine.geo.align import AlignedPair, align, parse_crs
from engine.geo.blend import StripBlender
from engine.geo.normalise import Stretch, compute_stretch
from engine.geo.outputs import Staging, commit
from engine.geo.tiling import TileGrid
from engine.geo.writer import utc_now
from engine.pipeline.image_outputs import finish_images, stage_record
from engine.pipeline.request import AnalysisRequest
from engine.pipeline.run_checks import check_memory, check_pair_outputs, tile_size

if TYPE_CHECKING:
    from collections.abc import Callable

    import torch

    from engine.pipeline.cache import FeatureCache
    from engine.pipeline.inference import InferenceStats
    from engine.pipeline.model_protocol import ChangeModel
    from engine.pipeline.output_chain import OutputChain

ALL_CHANGES_LABEL = "(all changes)"


@dataclass
class Plan:
    """Everything decided before the first tile is read."""

    request: AnalysisRequest
    pair: AlignedPair
    out_crs: Any  # rasterio CRS of the output, None for plain images
    mask_png: bool
    device: torch.device
    model: ChangeModel
    grid: TileGrid
    batch: int
    stretch: Stretch
    heads: list[str | None]  # a prompt, or ALL_CHANGES (the stage-1 head)
    labels: list[str]  # what each head is called in the outputs
    pair_key: tuple
    layer: str
    run_utc: str


@dataclass
class Inference:
    stats: InferenceStats
    threads: int  # torch intra-op threads during the run
    valid_fraction: float  # of the region's pixels, valid in both dates


def open_pair(request: AnalysisRequest, mask_png: bool, outputs: list[str]) -> tuple[AlignedPair, Any]:
    """The aligned pair (closed again on a failure here) and the output CRS."""
    pair = align(
        request.earlier,
        request.later,
        request.bands_earlier,
        request.bands_later,
        request.extent,
        request.extent_crs,
        request.extent_wkt,
        request.resampling,
        allow_pixel_coordinates=True,
    )
    try:
        check_pair_outputs(pair, request, mask_png, outputs)
        return pair, parse_crs(request.output_crs, pair.crs)
    except BaseException:
        pair.close()
        raise


def prepare(
    request: AnalysisRequest,
    pair: AlignedPair,
    out_crs: Any,
    mask_png: bool,
    model: ChangeModel | None,
    cache: FeatureCache | None,
    timings: dict[str, float],
) -> Plan:
    """Device and model (loaded unless given), prompt checks, tile grid, memory check, joint stretch."""
    t = time.perf_counter()
    from engine.pipeline.device import resolve_device  # torch
    from engine.pipeline.inference import ALL_CHANGES

    timings["imports"] = timings.get("imports", 0.0) + time.perf_counter() - t

    device = resolve_device(request.device)
    if model is None:
        from engine.pipeline.loading import load

        t = time.perf_counter()
        model = load(request.model, revision=request.revision, device=str(device))
        timings["load_model"] = time.perf_counter() - t
    else:
        _move_model(model, device)
    for prompt in request.prompts:
        model.tokenize_check(prompt)
    tile = tile_size(request, model, pair)
    if request.overlap >= tile:
        raise InputError(
            f"the overlap of {request.overlap} px must be smaller than the tile of {tile} px",
            hint=f"pass --overlap {tile // 4} (or less)",
        )
    grid = TileGrid(pair.width, pair.height, tile, request.overlap)
    batch = request.batch_size or _model_batch_size(model, device)
    check_memory(grid, len(request.prompts) or 1, batch, pair)
    t = time.perf_counter()
    stretch = _cached_stretch(pair, request, cache)
    timings["statistics"] = time.perf_counter() - t
    return Plan(
        request=request,
        pair=pair,
        out_crs=out_crs,
        mask_png=mask_png,
        device=device,
        model=model,
        grid=grid,
        batch=batch,
        stretch=stretch,
        heads=[ALL_CHANGES] if request.all_changes else list(request.prompts),
        labels=[ALL_CHANGES_LABEL] if request.all_changes else list(request.prompts),
        pair_key=_pair_key(pair, grid, stretch.to_json(), request, model),
        layer=layer_name(request.output),
        run_utc=utc_now(),
    )


def infer(
    plan: Plan,
    chain: OutputChain,
    cache: FeatureCache | None,
    progress: Callable[[int, int, str], None] | None,
    cancel: Callable[[], bool] | None,
) -> Inference:
    """Every tile read, predicted and blended; each finished strip goes to `chain.sink` (polygonised in the
    background while the next row is predicted). Returns when the last strip's polygonising is done."""
    from engine.pipeline.device import cpu_threads
    from engine.pipeline.inference import run_tiles

    blender = StripBlender(chain.sink, plan.grid, len(plan.heads))
    with cpu_threads(plan.device) as threads:
        stats = run_tiles(
            plan.model,
            plan.pair,
            plan.stretch,
            plan.grid,
            plan.heads,
            blender,
            plan.device,
            plan.batch,
            plan.pair_key,
            cache,
            progress,
            cancel,
            presence_threshold=plan.request.presence_threshold,
        )
        chain.drain()
    if blender.valid_pixels == 0:
        raise InputError(
            "there is no valid pixel where both rasters overlap: everything is nodata, masked or NaN",
            hint="check the rasters' nodata values, masks and bands (--bands-earlier, --bands-later)",
        )
    valid_fraction = blender.valid_pixels / max(1, plan.pair.width * plan.pair.height)
    return Inference(stats, threads, valid_fraction)


def run_record(
    plan: Plan,
    chain: OutputChain,
    inference: Inference,
    presence: dict | None,
    notes: list[str],
    timings: dict[str, float],
) -> dict:
    """The run record (INTERFACES §2): request, versions, model, alignment, tiling, results, timings."""
    pair, model, stats, out_crs = plan.pair, plan.model, inference.stats, plan.out_crs
    return {
        "run_utc": plan.run_utc,
        "request": plan.request.to_json(),
        "versions": _versions(),
        "model": {
            "id": str(model.model_id),
            "revision": model.revision,
            "image_size": int(model.config.image_size),
        },
        "device": str(plan.device),
        "alignment": {
            "same_grid": pair.same_grid,
            "warnings": pair.warnings,
            "crs": pair.crs.to_string() if pair.crs is not None else None,
            "pixel_coordinates": pair.pixel_mode,
            "resolution_ratio": pair.resolution_ratio,
            "region": [int(pair.region.col_off), int(pair.region.row_off), pair.width, pair.height],
            "transform": list(pair.transform)[:6],
            "bands_earlier": list(pair.earlier_info.bands),
            "bands_later": list(pair.later_info.bands),
        },
        "normalisation": plan.stretch.to_json(),
        "tiling": {"tile": plan.grid.tile, "overlap": plan.request.overlap, "tiles": stats.tiles},
        "torch_threads": inference.threads,
        "batch_size": {
            "requested": plan.batch,
            "final": stats.batch_size,
            "oom_backoffs": stats.oom_backoffs,
        },
        "cache_hits": stats.cache_hits,
        "output_crs": out_crs.to_string() if out_crs is not None else None,
        "n_polygons": chain.n_polygons,
        "total_area_m2": float(chain.total_area),
        "presence": presence,
        "area_unit": "px" if pair.pixel_mode else "m2",
        "valid_fraction": inference.valid_fraction,
        "warnings": notes,
        "timings_s": timings,  # the same dict: "write" and "total" are added after the commit
    }


def commit_outputs(plan: Plan, chain: OutputChain, record: dict, staging: Staging) -> None:
    """Every output of the run moved into place together (the main file last), or none."""
    request = plan.request
    moves = finish_images(chain.images)
    if chain.features is not None:
        chain.features.commit(record, extra=moves)
    else:  # a mask PNG: its run record beside it
        moves.append(stage_record(staging, request.output, record))
        moves.sort(key=lambda m: m[1] == os.path.abspath(request.output))  # main file last
        commit(moves, request.overwrite)


def layer_name(output: str) -> str:
    stem = Path(output).stem
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in stem) or "changes"


def _model_batch_size(model: ChangeModel, device: torch.device) -> int:
    """Tiles per model call: the model's own `preferred_batch_size` when it declares one (a cheap model, such
    as the diagnostic null model, amortises the per-call overhead over a whole row of tiles), else the
    device default."""
    from engine.pipeline.device import default_batch_size

    hint = getattr(model, "preferred_batch_size", None)
    return int(hint) if hint else default_batch_size(device)


def _move_model(model: ChangeModel, device: torch.device) -> None:
    params = getattr(model, "parameters", None)
    if params is None:
        return
    first = next(iter(params()), None)
    if first is not None and first.device != device:
        model.to(device)


def _pair_key(
    pair: AlignedPair, grid: TileGrid, stretch: dict, request: AnalysisRequest, model: ChangeModel
) -> tuple:
    """Everything the visual features of a tile depend on (see engine.pipeline.cache)."""
    e, l_ = pair.earlier_info, pair.later_info
    return (
        (e.path, e.mtime, e.size, e.bands),
        (l_.path, l_.mtime, l_.size, l_.bands),
        (int(pair.region.col_off), int(pair.region.row_off), pair.width, pair.height),
        grid.key(),
        repr(sorted(stretch.items())),
        request.resampling,
        request.extent_wkt,
        request.extent_crs,
        str(model.model_id),
        model.revision,
        id(model),
    )


def _cached_stretch(pair: AlignedPair, request: AnalysisRequest, cache: FeatureCache | None) -> Stretch:
    """The joint stretch, cached for re-queries (computing it reads a decimated copy of both dates)."""
    e, l_ = pair.earlier_info, pair.later_info
    key = (
        "stretch",
        (e.path, e.mtime, e.size, e.bands),
        (l_.path, l_.mtime, l_.size, l_.bands),
        (int(pair.region.col_off), int(pair.region.row_off), pair.width, pair.height),
        request.resampling,
        request.extent_wkt,
        request.extent_crs,
    )
    if cache is not None and cache.has(key):
        return cache.get(key, count=False)
    stretch = compute_stretch(pair)
    if cache is not None:
        cache.put(key, stretch)
    return stretch


def _versions() -> dict[str, str]:
    import shapely
    import torch
    from osgeo import gdal

    return {
        "mtrs": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "rasterio": rasterio.__version__,
        "gdal": gdal.__version__,
        "shapely": shapely.__version__,
    }

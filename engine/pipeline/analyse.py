"""`analyse(request)`: the ONE analysis entry point of the CLI, the worker (dock, Processing) and scripts.

Order matters for the user: every cheap check (options, output path, inputs, alignment, collisions between
outputs and inputs, prompts) runs before the model is loaded or any file is created, so a typo costs
milliseconds, not minutes. Every output is built in a hidden staging folder beside its destination, removed
whatever happens (errors, cancel, Ctrl-C, SIGTERM; leftovers of killed runs are removed by the next run);
all outputs of a run are moved into place together at the end, or none (engine.geo.outputs.commit).

Two plain images without georeference (PNG, JPEG of the same size) are analysed in pixel coordinates:
polygons in pixels (x = column, y = row), `area_px`/`perimeter_px` fields, and `-o mask.png` /
`--probabilities prob.png` give 8-bit images; the result's `warnings` say so.
"""

from __future__ import annotations

import contextlib
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import torch

from engine import __version__
from engine.errors import Cancelled, InputError
from engine.geo.align import AlignedPair, align, parse_crs
from engine.geo.blend import ProbabilityWriter, StripBlender
from engine.geo.measure import Measurer
from engine.geo.normalise import Stretch, compute_stretch
from engine.geo.outputs import Staging, commit
from engine.geo.tiling import TileGrid
from engine.geo.vectorise import StripPolygoniser, location_name
from engine.geo.writer import PIXEL_FIELD_NAMES, Feature, FeatureWriter, utc_now
from engine.pipeline.background import OrderedWorker
from engine.pipeline.cache import FeatureCache
from engine.pipeline.device import cpu_threads, default_batch_size, resolve_device
from engine.pipeline.image_outputs import checked_sink, finish_images, image_outputs, open_image, stage_record
from engine.pipeline.inference import ALL_CHANGES, run_tiles
from engine.pipeline.request import AnalysisRequest, AnalysisResult
from engine.pipeline.run_checks import PNG, check_memory, check_outputs, check_pair_outputs, tile_size

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]
ALL_CHANGES_LABEL = "(all changes)"
GDAL_CACHE_BYTES = int(os.environ.get("MTRS_GDAL_CACHE_MB", "64")) * 1024 * 1024
NODATA_NOTE_FRACTION = 0.001  # report invalid (nodata/NaN) areas above this fraction


def analyse(
    request: AnalysisRequest | dict,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    model: Any = None,
    cache: FeatureCache | None = None,
) -> AnalysisResult:
    """Run one analysis end to end and return its result (see INTERFACES §2). Raises engine.errors classes."""
    # GDAL's block cache defaults to 5 % of the RAM and keeps every block it decoded until full: with it, the
    # peak memory grows with the raster size. The pipeline reads each input block about twice (row bands
    # overlap by the tile overlap), so a small cache loses nothing.
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_BYTES):
        return _analyse(request, progress, cancel, model, cache)


def _analyse(
    request: AnalysisRequest | dict,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    model: Any,
    cache: FeatureCache | None,
) -> AnalysisResult:
    t0 = time.perf_counter()
    if isinstance(request, dict):
        request = AnalysisRequest.from_json(request)
    request.validate()
    mask_png = Path(request.output).suffix.lower() == PNG
    outputs = check_outputs(request, mask_png)
    timings: dict[str, float] = {}
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
    staging = Staging()
    output = None
    try:
        check_pair_outputs(pair, request, mask_png, outputs)
        out_crs = parse_crs(request.output_crs, pair.crs)
        timings["align"] = time.perf_counter() - t0
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
        heads: list[str | None] = [ALL_CHANGES] if request.all_changes else list(request.prompts)
        labels = [ALL_CHANGES_LABEL] if request.all_changes else list(request.prompts)
        pair_key = _pair_key(pair, grid, stretch.to_json(), request, model)

        t = time.perf_counter()
        measurer = Measurer(pair.crs)
        run_utc = utc_now()
        layer = _layer_name(request.output)
        # polygons go to a temporary file beside the output as soon as they are final (memory flat in the
        # number of polygons); it is moved into place only when the run completes, removed otherwise
        if not mask_png:
            output = FeatureWriter(
                request.output,
                layer,
                out_crs.to_wkt() if out_crs is not None else None,
                request.overwrite,
                field_names=PIXEL_FIELD_NAMES if pair.pixel_mode else None,
            )
        transformer = _transformer(pair.crs, out_crs)
        totals = {"n": 0, "area": 0.0}

        def emitter(label: str) -> Callable[[list], None]:
            def emit(polygons: list) -> None:
                # runs in the polygonising thread (and its final call after that thread is drained)
                features = []
                for poly in polygons:
                    geom = poly.geom if transformer is None else _reproject(poly.geom, transformer)
                    c = geom.centroid
                    totals["n"] += 1
                    area = round(poly.area_m2, 3)
                    totals["area"] += area
                    features.append(
                        Feature(
                            geom,
                            {
                                "id": totals["n"],
                                "area_m2": area,
                                "perimeter_m": round(poly.perimeter_m, 3),
                                "prob_mean": round(poly.prob_mean, 4),
                                "prob_max": round(poly.prob_max, 4),
                                "centroid_x": c.x,
                                "centroid_y": c.y,
                                "location": location_name(*poly.pixel_centroid, pair.width, pair.height),
                                "prompt": label,
                                "model": str(model.model_id),
                                "model_revision": model.revision,
                                "earlier": pair.earlier_info.path,
                                "later": pair.later_info.path,
                                "run_utc": run_utc,
                            },
                        )
                    )
                if output is not None:
                    output.write(features)

            return emit

        polygonisers = [
            StripPolygoniser(
                pair.width,
                pair.height,
                pair.transform,
                measurer,
                threshold=request.threshold,
                min_area=request.min_area,
                fill_holes=request.fill_holes,
                simplify=request.simplify,
                emit=emitter(label),
            )
            for label in labels
        ]
        images = image_outputs(request, mask_png, staging)
        with contextlib.ExitStack() as stack:
            writers = []
            for image in images:
                dst = stack.enter_context(open_image(image, pair, len(heads), labels))
                writers.append(
                    checked_sink(ProbabilityWriter(dst, image.byte, request.threshold), image.target)
                )
            background = stack.enter_context(OrderedWorker(name="mtrs-vectorise"))

            def polygonise_strip(top: int, strip: np.ndarray) -> None:
                ts = time.perf_counter()
                for poly, band in zip(polygonisers, strip, strict=True):
                    poly.add_strip(top, band)
                timings["vectorise"] = timings.get("vectorise", 0.0) + time.perf_counter() - ts

            def sink(top: int, strip: np.ndarray) -> None:
                # each strip is polygonised (in the background, while the next row is predicted) as the
                # blender releases it: no full-scene array, no temporary raster read back
                background.submit(polygonise_strip, top, strip)
                for writer in writers:
                    writer(top, strip)

            blender = StripBlender(sink, grid, len(heads))
            threads = stack.enter_context(cpu_threads(device))
            stats = run_tiles(
                model,
                pair,
                stretch,
                grid,
                heads,
                blender,
                device,
                batch,
                pair_key,
                cache,
                progress,
                cancel,
                presence_threshold=request.presence_threshold,
            )
            background.drain()
            # wall time of reading + predicting + blending; "vectorise" overlaps with it
            timings["inference"] = time.perf_counter() - t
            valid_fraction = blender.valid_pixels / max(1, pair.width * pair.height)
            if blender.valid_pixels == 0:
                raise InputError(
                    "there is no valid pixel where both rasters overlap: everything is nodata, masked or NaN",
                    hint="check the rasters' nodata values, masks and bands (--bands-earlier, --bands-later)",
                )

            t = time.perf_counter()
            for label, polygoniser in zip(labels, polygonisers, strict=True):
                if progress is not None:
                    progress(len(grid), len(grid), f"polygonising '{label}'")
                if cancel is not None and cancel():
                    raise Cancelled("cancelled while polygonising")
                # the parts still waiting on the last seam, in the same thread as the others
                background.submit(polygoniser.finish)
            background.drain()
            timings["vectorise"] = timings.get("vectorise", 0.0) + time.perf_counter() - t
            if cancel is not None and cancel():
                raise Cancelled("analysis cancelled")

        n_polygons, total_area = totals["n"], float(totals["area"])
        presence = presence_summary(labels, stats.presence, request.presence_threshold)
        notes = list(pair.warnings) + absence_notes(presence, request.presence_threshold)
        if 1.0 - valid_fraction >= NODATA_NOTE_FRACTION:
            notes.append(
                f"{100 * (1 - valid_fraction):.1f} % of the analysed area has no valid data in one date or "
                "both (nodata, mask or NaN): no change is reported there"
            )
        record = {
            "run_utc": run_utc,
            "request": request.to_json(),
            "versions": _versions(),
            "model": {
                "id": str(model.model_id),
                "revision": model.revision,
                "image_size": int(model.config.image_size),
            },
            "device": str(device),
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
            "normalisation": stretch.to_json(),
            "tiling": {"tile": tile, "overlap": request.overlap, "tiles": stats.tiles},
            "torch_threads": threads,
            "batch_size": {
                "requested": batch,
                "final": stats.batch_size,
                "oom_backoffs": stats.oom_backoffs,
            },
            "cache_hits": stats.cache_hits,
            "output_crs": out_crs.to_string() if out_crs is not None else None,
            "n_polygons": n_polygons,
            "total_area_m2": total_area,
            "presence": presence,
            "area_unit": "px" if pair.pixel_mode else "m2",
            "valid_fraction": valid_fraction,
            "warnings": notes,
            "timings_s": timings,
        }
        t = time.perf_counter()
        moves = finish_images(images)
        if output is not None:
            output.commit(record, extra=moves)
        else:  # a mask PNG: its run record beside it
            moves.append(stage_record(staging, request.output, record))
            moves.sort(key=lambda m: m[1] == os.path.abspath(request.output))  # main file last
            commit(moves, request.overwrite)
        timings["write"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        return AnalysisResult(
            output=os.path.abspath(request.output),
            layer=layer,
            n_polygons=n_polygons,
            total_area_m2=total_area,
            seconds=timings["total"],
            device=str(device),
            tiles=stats.tiles,
            cache_hits=stats.cache_hits,
            probabilities=os.path.abspath(request.probabilities) if request.probabilities else None,
            run_record=record,
            prompts=labels,
            warnings=notes,
            presence=presence,
        )
    finally:
        pair.close()
        if output is not None:
            output.abort()  # nothing left behind unless committed (then this is a no-op)
        staging.abort()


def presence_summary(
    labels: list[str], tile_presence: list[list[float]], threshold: float
) -> dict[str, dict[str, Any]] | None:
    """Per prompt: is the described change anywhere in the analysed area (its most confident tile), and in
    how many tiles. None when the model has no presence head (no tile scored)."""
    if not any(tile_presence):
        return None
    out = {}
    for label, scores in zip(labels, tile_presence, strict=True):
        if not scores:  # the all-changes head has no presence score
            continue
        best = max(scores)
        out[label] = {
            "probability": round(best, 4),
            "present": best >= threshold,
            "tiles_present": sum(p >= threshold for p in scores),
            "tiles": len(scores),
        }
    return out


def absence_notes(presence: dict[str, dict[str, Any]] | None, threshold: float) -> list[str]:
    """One sentence per prompt the model found nowhere: the user must read "not here", not "nothing
    detected because something failed"."""
    return [
        f"'{label}': no such change found in the analysed area (presence {v['probability']:.2f} < "
        f"{threshold:.2f} in every tile), so it has no polygons"
        for label, v in (presence or {}).items()
        if not v["present"]
    ]


def _model_batch_size(model: Any, device: torch.device) -> int:
    """Tiles per model call: the model's own `preferred_batch_size` when it declares one (a cheap model, such
    as the diagnostic null model, amortises the per-call overhead over a whole row of tiles), else the
    device default."""
    hint = getattr(model, "preferred_batch_size", None)
    return int(hint) if hint else default_batch_size(device)


def _move_model(model: Any, device: torch.device) -> None:
    params = getattr(model, "parameters", None)
    if params is None:
        return
    first = next(iter(params()), None)
    if first is not None and first.device != device:
        model.to(device)


def _pair_key(
    pair: AlignedPair, grid: TileGrid, stretch: dict, request: AnalysisRequest, model: Any
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


def _layer_name(output: str) -> str:
    stem = Path(output).stem
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in stem) or "changes"


def _transformer(src, dst):
    if src is None or dst is None or src == dst:
        return None
    from pyproj import Transformer

    return Transformer.from_crs(src.to_wkt(), dst.to_wkt(), always_xy=True)


def _reproject(geom, transformer):
    import shapely

    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _versions() -> dict[str, str]:
    import shapely
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

"""`analyse(request)`: the ONE analysis entry point of the CLI, the worker (dock, Processing) and scripts.

Order matters for the user: every cheap check (options, output path, input files) runs before rasterio,
GDAL or torch is even imported, then alignment, collisions between outputs and inputs and the prompts are
checked before the model is loaded or any file is created, so a typo costs milliseconds, not minutes. Every
output is built in a hidden staging folder beside its destination, removed whatever happens (errors, cancel,
Ctrl-C, SIGTERM; leftovers of killed runs are removed by the next run); all outputs of a run are moved into
place together at the end, or none (engine.geo.outputs.commit).

The stages, in order (engine.pipeline.stages, engine.pipeline.output_chain):

    preflight    request validation, output files, input files          (here; no heavy import)
    open_pair    alignment + checks needing the opened inputs           (rasterio, GDAL)
    prepare      device, model, prompts, tile grid, memory, stretch     (torch)
    infer        tiles → blender → OutputChain.sink (polygons, images)
    run_record   what was run and what came out
    commit       all outputs into place together

Two plain images without georeference (PNG, JPEG of the same size) are analysed in pixel coordinates:
polygons in pixels (x = column, y = row), `area_px`/`perimeter_px` fields, and `-o mask.png` /
`--probabilities prob.png` give 8-bit images; the result's `warnings` say so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import Cancelled
from engine.geo.input_files import check_input_file
from engine.geo.outputs import Staging
from engine.pipeline.request import AnalysisRequest, AnalysisResult
from engine.pipeline.run_checks import PNG, check_outputs

if TYPE_CHECKING:
    from engine.geo.align import AlignedPair
    from engine.pipeline.cache import FeatureCache
    from engine.pipeline.model_protocol import ChangeModel

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]
GDAL_CACHE_BYTES = int(os.environ.get("MTRS_GDAL_CACHE_MB", "64")) * 1024 * 1024
NODATA_NOTE_FRACTION = 0.001  # report invalid (nodata/NaN) areas above this fraction


def analyse(
    request: AnalysisRequest | dict,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    model: ChangeModel | None = None,
    cache: FeatureCache | None = None,
    record_extra: dict[str, Any] | None = None,
) -> AnalysisResult:
    """Run one analysis end to end and return its result (see INTERFACES §2). Raises engine.errors classes.

    `record_extra`: top-level entries added to the run record before it is committed, so that they travel
    atomically with the output (`mtrs batch` stores its resume key there: no second file to keep in step)."""
    t0 = time.perf_counter()
    request, mask_png, outputs = preflight(request)
    t = time.perf_counter()
    import rasterio  # the geodata stack only for a request that passed the cheap checks

    from engine.pipeline import output_chain, stages  # noqa: F401 (imported here to be timed)

    timings = {"imports": time.perf_counter() - t}  # torch's import is added by `prepare`
    # GDAL's block cache defaults to 5 % of the RAM and keeps every block it decoded until full: with it, the
    # peak memory grows with the raster size. The pipeline reads each input block about twice (row bands
    # overlap by the tile overlap), so a small cache loses nothing.
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_BYTES):
        return _run(request, mask_png, outputs, progress, cancel, model, cache, t0, timings, record_extra)


def preflight(request: AnalysisRequest | dict) -> tuple[AnalysisRequest, bool, list[str]]:
    """The checks that need neither GDAL nor torch: the request's values, every file the run will write
    (folder, format, nothing existing without overwrite), and that both inputs exist and can be read.
    Returns the request, whether the output is a mask PNG, and the output files."""
    if isinstance(request, dict):
        request = AnalysisRequest.from_json(request)
    request.validate()
    mask_png = Path(request.output).suffix.lower() == PNG
    outputs = check_outputs(request, mask_png)
    for path in (request.earlier, request.later):
        check_input_file(path)
    return request, mask_png, outputs


def _run(
    request: AnalysisRequest,
    mask_png: bool,
    outputs: list[str],
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    model: ChangeModel | None,
    cache: FeatureCache | None,
    t0: float,
    timings: dict[str, float],
    record_extra: dict[str, Any] | None = None,
) -> AnalysisResult:
    from engine.pipeline import stages
    from engine.pipeline.output_chain import OutputChain

    pair, out_crs = stages.open_pair(request, mask_png, outputs)
    staging = Staging()
    chain = None
    try:
        timings["align"] = time.perf_counter() - t0 - timings["imports"]  # with the cheap checks
        plan = stages.prepare(request, pair, out_crs, mask_png, model, cache, timings)

        t = time.perf_counter()
        chain = OutputChain(
            request, pair, plan.model, plan.labels, plan.layer, plan.run_utc, out_crs, mask_png, staging
        )
        with chain:
            inference = stages.infer(plan, chain, cache, progress, cancel)
            # wall time of reading + predicting + blending; polygonising overlaps with it
            timings["inference"] = time.perf_counter() - t
            chain.finish(progress, cancel, len(plan.grid))
            if cancel is not None and cancel():
                raise Cancelled("analysis cancelled")
        timings["vectorise"] = chain.vectorise_s

        presence = presence_summary(plan.labels, inference.stats.presence, request.presence_threshold)
        notes = analysis_notes(pair, presence, request.presence_threshold, inference.valid_fraction)
        record = stages.run_record(plan, chain, inference, presence, notes, timings)
        record.update(record_extra or {})
        t = time.perf_counter()
        stages.commit_outputs(plan, chain, record, staging)
        timings["write"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        return AnalysisResult(
            output=os.path.abspath(request.output),
            layer=plan.layer,
            n_polygons=chain.n_polygons,
            total_area_m2=float(chain.total_area),
            seconds=timings["total"],
            device=str(plan.device),
            tiles=inference.stats.tiles,
            cache_hits=inference.stats.cache_hits,
            probabilities=os.path.abspath(request.probabilities) if request.probabilities else None,
            run_record=record,
            prompts=plan.labels,
            warnings=notes,
            presence=presence,
        )
    finally:
        pair.close()
        if chain is not None:
            chain.abort()  # nothing left behind unless committed (then this is a no-op)
        staging.abort()


def analysis_notes(
    pair: AlignedPair, presence: dict[str, dict[str, Any]] | None, threshold: float, valid_fraction: float
) -> list[str]:
    """What the user must know to read the result: alignment warnings, absent changes, missing data."""
    notes = list(pair.warnings) + absence_notes(presence, threshold)
    if 1.0 - valid_fraction >= NODATA_NOTE_FRACTION:
        notes.append(
            f"{100 * (1 - valid_fraction):.1f} % of the analysed area has no valid data in one date or "
            "both (nodata, mask or NaN): no change is reported there"
        )
    return notes


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

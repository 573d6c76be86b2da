"""`assess(predicted, reference, ...)`: the one entry point of accuracy assessment (CLI, tests, scripts).

Order matters for the user: options and output paths are checked first, then the inputs are opened and the
grid is sized, all before any pixel is read; outputs are written under temporary names and appear together
at the end (nothing partial on an error or Ctrl-C).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from engine import __version__
from engine.assess.errors_layer import error_features, stage_errors
from engine.assess.figure import figure_step, write_figure
from engine.assess.grid import DEFAULT_MAX_PIXELS, choose_grid
from engine.assess.matching import match
from engine.assess.object_metrics import object_metrics
from engine.assess.objects import Side, probability_side, reference_raster_side, vector_side
from engine.assess.pixels import categories, pixel_metrics
from engine.assess.report import figure_path, report_format, write_report
from engine.assess.result import AssessmentResult
from engine.assess.sources import RasterSource, VectorSource, open_source, split_layer_suffix
from engine.errors import Cancelled, InputError
from engine.geo.class_table import parse_class_table

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]
STEPS = 6


def assess(
    predicted: str | os.PathLike,
    reference: str | os.PathLike,
    *,
    predicted_layer: str | None = None,
    reference_layer: str | None = None,
    class_field: str | None = None,
    where: str | None = None,
    predicted_where: str | None = None,
    threshold: float = 0.5,
    predicted_bands: Sequence[int] | None = None,
    reference_band: int | None = None,
    class_table: str | Mapping[int, str] | None = None,
    reference_codes: Sequence[int] | None = None,
    extent: Sequence[float] | None = None,
    extent_crs: str | None = None,
    pixel_size: float | None = None,
    min_iou: float = 0.5,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    report: str | os.PathLike | None = None,
    errors: str | os.PathLike | None = None,
    json_path: str | os.PathLike | None = None,
    background: str | os.PathLike | None = None,
    overwrite: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> AssessmentResult:
    """Compare predicted changes with reference changes over a common grid (see docs/ASSESS.md).

    `predicted`: polygons (any OGR vector, any CRS) or a probability raster (`value >= threshold` is change,
    one band per prompt); `reference`: polygons or a 0/1 / class-code raster. `extent` = [xmin, ymin, xmax,
    ymax] in `extent_crs` (default: the reference's CRS). `where` filters the reference layer (OGR SQL),
    `class_field` names its class attribute. Outputs (`report` .md/.html with a PNG beside it, `errors`
    FP/FN layer, `json_path` metrics) are optional. Raises InputError / OutputError / Cancelled.
    """
    t0 = time.perf_counter()
    done = 0

    def step(message: str) -> None:
        nonlocal done
        if cancel is not None and cancel():
            raise Cancelled("assessment cancelled")
        if progress is not None:
            progress(done, STEPS, message)
        done += 1

    if not 0.0 < float(min_iou) <= 1.0:
        raise InputError(f"--min-iou must be in (0, 1], got {min_iou}")
    table = parse_class_table(class_table)
    inputs = [split_layer_suffix(os.fspath(p), None)[0] for p in (predicted, reference, background) if p]
    paths = _check_outputs(report, errors, json_path, overwrite, inputs)
    if background is not None:
        from engine.geo.raster import open_checked

        ds, _ = open_checked(os.fspath(background), [1])
        ds.close()

    step("reading the inputs")
    pred_src = open_source(
        os.fspath(predicted),
        "predicted",
        layer=predicted_layer,
        where=predicted_where,
        bands=list(predicted_bands) if predicted_bands else None,
    )
    ref_src = open_source(
        os.fspath(reference),
        "reference",
        layer=reference_layer,
        class_field=class_field,
        where=where,
        bands=[int(reference_band)] if reference_band else None,
    )
    if isinstance(ref_src, VectorSource) and not ref_src.features:
        raise InputError(
            f"the reference layer {ref_src.label} has no features"
            + (f" matching --where {where}" if where else ""),
            hint="check the layer and the filter" if where else "choose a layer with reference changes",
        )
    if table and not isinstance(ref_src, RasterSource):
        raise InputError("--class-table applies to a reference raster; for a layer use --class-field")
    if reference_codes and not isinstance(ref_src, RasterSource):
        raise InputError("--reference-codes applies to a reference raster; for a layer use --where")

    step("choosing the analysis grid")
    grid, warnings = choose_grid(pred_src, ref_src, extent, extent_crs, pixel_size, max_pixels)

    step("rasterising the prediction")
    pred = (
        vector_side(pred_src, grid)
        if isinstance(pred_src, VectorSource)
        else probability_side(pred_src, grid, float(threshold))
    )
    step("rasterising the reference")
    ref = (
        vector_side(ref_src, grid)
        if isinstance(ref_src, VectorSource)
        else reference_raster_side(ref_src, grid, table, [int(c) for c in reference_codes or []])
    )
    if not ref.objects:
        warnings.append("no reference change lies inside the assessed area")

    step("measuring pixels and matching objects")
    valid = _valid(pred, ref)
    pixel = pixel_metrics(pred.mask, ref.mask, valid, grid.pixel_area_m2)
    matching = match([o.geom for o in pred.objects], [o.geom for o in ref.objects], float(min_iou))
    objects = object_metrics(pred.objects, ref.objects, matching, float(min_iou))
    options = {
        "predicted_layer": getattr(pred_src, "layer", None),
        "reference_layer": getattr(ref_src, "layer", None),
        "class_field": class_field,
        "where": where,
        "predicted_where": predicted_where,
        "threshold": float(threshold) if isinstance(pred_src, RasterSource) else None,
        "predicted_bands": getattr(pred_src, "bands", None),
        "class_table": table,
        "reference_codes": [int(c) for c in reference_codes] if reference_codes else None,
        "extent": [float(v) for v in extent] if extent is not None else None,
        "extent_crs": str(extent_crs) if extent_crs else None,
        "pixel_size": pixel_size,
        "min_iou": float(min_iou),
        "background": os.path.abspath(background) if background else None,
    }
    result = AssessmentResult(
        predicted=pred_src.path if isinstance(pred_src, RasterSource) else os.path.abspath(pred_src.path),
        reference=ref_src.path if isinstance(ref_src, RasterSource) else os.path.abspath(ref_src.path),
        grid=grid,
        pixel=pixel,
        objects=objects,
        options=options,
        warnings=warnings,
        report=paths.get("report"),
        figure=paths.get("figure"),
        errors=paths.get("errors"),
        metrics_json=paths.get("json"),
    )

    step("writing the outputs")
    features = error_features(pred.objects, ref.objects, matching) if (errors or report) else []
    result.errors_count = {
        "fp": sum(1 for f in features if f.attrs["kind"] == "fp"),
        "fn": sum(1 for f in features if f.attrs["kind"] == "fn"),
    }
    result.seconds = time.perf_counter() - t0
    _write_outputs(result, paths, pred, ref, valid, features, overwrite)
    if progress is not None:
        progress(STEPS, STEPS, "done")
    return result


def _valid(pred: Side, ref: Side):
    if pred.valid is None:
        return ref.valid
    if ref.valid is None:
        return pred.valid
    return pred.valid & ref.valid


def _check_outputs(report, errors, json_path, overwrite: bool, inputs: list) -> dict[str, str]:
    """Absolute output paths by role. OutputError, before any work, for a bad suffix or format, a missing or
    read-only folder, an existing file (without `overwrite`), an output that is an input or another one."""
    from engine.geo.outputs import check_collisions, check_folder, check_targets, input_files, planned_files
    from engine.geo.writer import driver_for

    paths: dict[str, str] = {}
    if report is not None:
        paths["report"] = os.path.abspath(os.fspath(report))
        report_format(paths["report"])
        paths["figure"] = figure_path(paths["report"])
    if errors is not None:
        paths["errors"] = os.path.abspath(os.fspath(errors))
    if json_path is not None:
        paths["json"] = os.path.abspath(os.fspath(json_path))
    files: list[str] = []
    for role, path in paths.items():
        check_folder(path)
        files += planned_files(path, driver_for(path)) if role == "errors" else [path]
    check_collisions(files, input_files(inputs))
    check_targets(files, overwrite)
    return paths


def _write_outputs(result, paths, pred: Side, ref: Side, valid, features, overwrite: bool) -> None:
    """Everything is built under temporary names, then moved into place in one step (the report last)."""
    from engine.geo.outputs import Staging, commit
    from engine.geo.write_checks import raster_write_errors

    staging = Staging()
    writer = None
    moves: list[tuple[str, str]] = []
    try:
        if "errors" in paths:
            record = {"versions": {"mtrs": __version__}, "assessment": result.to_json()}
            layer = _layer_name(paths["errors"])
            writer, staged = stage_errors(
                paths["errors"], layer, result.grid.crs.to_wkt(), features, record, overwrite
            )
            moves += staged
        if "json" in paths:
            tmp = staging.path_for(paths["json"])
            with raster_write_errors(paths["json"]), open(tmp, "w", encoding="utf-8") as fh:
                json.dump(result.to_json(), fh, indent=2, ensure_ascii=False)
                fh.write("\n")
            moves.append((tmp, paths["json"]))
        if "report" in paths:
            fig_tmp = staging.path_for(paths["figure"])
            step = figure_step(result.grid)
            outcome = categories(pred.mask, ref.mask, valid, step)
            geoms = {kind: [f.geom for f in features if f.attrs["kind"] == kind] for kind in ("fp", "fn")}
            background = result.options.get("background")
            with raster_write_errors(paths["figure"]):
                write_figure(
                    fig_tmp, result.grid, outcome, step, result.pixel, result.objects, geoms, background
                )
            tmp = staging.path_for(paths["report"])
            with raster_write_errors(paths["report"]):
                write_report(tmp, report_format(tmp), result, os.path.basename(paths["figure"]))
            moves += [(fig_tmp, paths["figure"]), (tmp, paths["report"])]
        commit(moves, overwrite)
    finally:
        staging.abort()
        if writer is not None:
            writer.abort()


def _layer_name(path: str) -> str:
    stem = Path(path).stem
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in stem) or "assessment_errors"

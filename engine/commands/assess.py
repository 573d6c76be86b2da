"""`mtrs assess PREDICTED REFERENCE -o REPORT.md`: accuracy of predicted changes against reference changes.

The CLI face of engine.assess.assess; the Processing algorithm relies on its flags and result event."""

from __future__ import annotations

import argparse
import sys

from engine.commands.progress_events import add_progress_json_flag


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "predicted", help="predicted change polygons (any OGR vector, any CRS) or a probability raster"
    )
    parser.add_argument(
        "reference", help="reference change polygons (any OGR vector) or a raster (0/1 or codes)"
    )
    parser.add_argument(
        "-o", "--output", required=True, help="report: .md or .html (a .png figure goes beside)"
    )
    parser.add_argument("--predicted-layer", default=None, help="layer of a multi-layer predicted source")
    parser.add_argument("--reference-layer", default=None, help="layer of a multi-layer reference source")
    parser.add_argument("--class-field", default=None, help="class attribute of the reference polygons")
    parser.add_argument("--where", default=None, help="OGR attribute filter on the reference layer")
    parser.add_argument("--predicted-where", default=None, help="OGR attribute filter on the predicted layer")
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="probability raster: change where value >= this (0.5)"
    )
    parser.add_argument(
        "--predicted-bands",
        default=None,
        help="probability raster bands, e.g. 1,3 (default: all, one per prompt)",
    )
    parser.add_argument("--reference-band", type=int, default=None, help="band of a reference raster (1)")
    parser.add_argument(
        "--class-table", default=None, help="reference raster: CODE=NAME,... names of the class codes"
    )
    parser.add_argument(
        "--reference-codes", default=None, help="reference raster: only these codes are change, e.g. 3,4"
    )
    parser.add_argument(
        "--extent", default=None, help="xmin,ymin,xmax,ymax[,CRS] (default: where both inputs overlap)"
    )
    parser.add_argument("--extent-crs", default=None, help="CRS of --extent (default: the reference's)")
    parser.add_argument(
        "--pixel-size",
        type=float,
        default=None,
        help="grid pixel size in grid CRS units (default: a raster's, or 0.5 m)",
    )
    parser.add_argument(
        "--min-iou", type=float, default=0.5, help="IoU for a predicted and a reference object to match (0.5)"
    )
    parser.add_argument(
        "--max-pixels", type=float, default=None, help="largest analysis grid in pixels (default 100e6)"
    )
    parser.add_argument("--errors", default=None, help="write the FP/FN polygons here (.gpkg, styled)")
    parser.add_argument("--json", default=None, help="write every figure here as JSON")
    parser.add_argument("--background", default=None, help="raster shown under the figure's outcome map")
    parser.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_progress_json_flag(parser)


def _extent(text: str | None, extent_crs: str | None) -> tuple[list[float] | None, str | None]:
    from engine.errors import InputError

    if not text:
        return None, extent_crs
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) not in (4, 5):
        raise InputError("--extent must be xmin,ymin,xmax,ymax[,CRS]")
    try:
        values = [float(v) for v in parts[:4]]
    except ValueError:
        raise InputError(f"--extent has a non-number: {text}") from None
    return values, parts[4] if len(parts) == 5 else extent_crs


def _ints(text: str | None, flag: str) -> list[int] | None:
    from engine.errors import InputError

    if not text:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise InputError(f"{flag} must be comma-separated integers, got '{text}'") from None


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from engine.assess import assess
    from engine.assess.grid import DEFAULT_MAX_PIXELS
    from engine.commands.progress_events import ProgressEvents

    events = ProgressEvents(args.progress_json)
    extent, extent_crs = _extent(args.extent, args.extent_crs)
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        events(done, total, message)
        if args.quiet or args.progress_json:
            return
        if bar is None:
            bar = tqdm(total=total, unit="step", file=sys.stderr, dynamic_ncols=True, leave=False)
        bar.n = done
        bar.set_postfix_str(message, refresh=True)

    try:
        result = assess(
            args.predicted,
            args.reference,
            predicted_layer=args.predicted_layer,
            reference_layer=args.reference_layer,
            class_field=args.class_field,
            where=args.where,
            predicted_where=args.predicted_where,
            threshold=args.threshold,
            predicted_bands=_ints(args.predicted_bands, "--predicted-bands"),
            reference_band=args.reference_band,
            class_table=args.class_table,
            reference_codes=_ints(args.reference_codes, "--reference-codes"),
            extent=extent,
            extent_crs=extent_crs,
            pixel_size=args.pixel_size,
            min_iou=args.min_iou,
            max_pixels=int(args.max_pixels) if args.max_pixels else DEFAULT_MAX_PIXELS,
            report=args.output,
            errors=args.errors,
            json_path=args.json,
            background=args.background,
            overwrite=args.overwrite,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    for warning in result.warnings:
        events.log(warning)
    print(result.summary())
    events.result(result.result_event())
    return 0

"""`mtrs export-training`: two rasters + change labels → training chips and expressions (both stages).

The analyst's first step towards a model of their own imagery: label a few changes as polygons (or use a
change raster), export, then `mtrs finetune` and `mtrs assess`. See docs/ADAPT.md.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from engine.commands.progress_events import ProgressEvents, add_progress_json_flag

KINDS = ("class", "largest", "smallest", "position", "description", "negative")  # engine.export.expressions


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.ArgumentDefaultsHelpFormatter
    p = parser.add_argument
    p(
        "earlier",
        help="the earlier raster (any GDAL format and CRS; or, with a plain later image of the same size, a "
        "plain image such as PNG, compared pixel for pixel); chips are cut on its grid",
    )
    p("later", help="the later raster (warped onto the earlier grid exactly as `mtrs predict` does)")
    p("-o", "--output", required=True, help="output folder (must be new or empty unless --overwrite)")
    p(
        "--labels",
        required=True,
        help="change polygons (any OGR vector, any CRS) or a change raster (band 1); for plain images: a "
        "label image of the same size, or polygons without CRS in pixels (x = column, y = row)",
    )
    p("--label-layer", help="layer of a multi-layer vector source")
    p("--class-field", help="field holding each polygon's class (e.g. a damage class)")
    p("--description-field", help="field with a free-text description, used verbatim as an expression")
    p("--where", help="OGR attribute filter on the labels, e.g. \"subtype IN ('destroyed','major-damage')\"")
    p("--class-table", help="raster labels: class codes to names, e.g. 1=destroyed,2=damaged (0 = no change)")
    p("--change-name", default="changed area", help="name of the change when labels carry no class")
    p("--chip", type=int, default=256, help="chip size in px (match the model's input size: tiny models 128)")
    p("--stride", type=int, help="distance between chips in px (default: the chip size, no overlap)")
    p("--min-labelled", type=float, default=0.0, help="keep only chips with at least this labelled fraction")
    p("--max-nodata", type=float, default=0.1, help="skip chips with more nodata than this fraction")
    p("--bands-earlier", help="1-based bands, e.g. 1,2,3 (default: the first three)")
    p("--bands-later", help="1-based bands of the later raster")
    p("--resampling", default="bilinear", help="resampling when warping the later raster")
    p("--extent", help="xmin,ymin,xmax,ymax: export only this area (in --extent-crs; plain images: pixels)")
    p("--extent-crs", help="CRS of --extent (default: the earlier raster's)")
    p("--val-fraction", type=float, default=0.2, help="share of spatial blocks held out for validation")
    p("--block-chips", type=int, default=2, help="side of a spatial split block, in chips")
    p("--negatives", type=int, default=2, help="'no such change' expressions per chip (absent classes)")
    p(
        "--extra-negatives",
        action="store_true",
        help="also draw negatives from the templates' extra_negatives phrases (only where you know those "
        "changes are absent from the whole scene)",
    )
    p(
        "--kinds",
        default=",".join(KINDS),
        help="expression kinds to write (comma-separated); e.g. class,negative for a model that does not yet "
        "tell instances apart",
    )
    p("--templates", help="expression templates JSON (default: the bundled engine/export/templates.json)")
    p("--prefix", help="chip id prefix (default: the earlier raster's file name)")
    p("--seed", type=int, default=0, help="seed of the split and the expression wording")
    p(
        "--licence",
        help="licence of the imagery and labels (e.g. 'CC BY-NC-SA 4.0, research only'); it travels into the "
        "manifest and the model cards of models trained on the export",
    )
    p("--overwrite", action="store_true", help="replace a non-empty output folder")
    p("--quiet", action="store_true", help="no progress bar")
    add_progress_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from engine.errors import InputError
    from engine.export import ExportOptions, export_training
    from engine.geo.class_table import parse_class_table
    from engine.geo.raster import parse_bands

    extent = None
    if args.extent:
        try:
            extent = [float(v) for v in args.extent.split(",")]
        except ValueError:
            raise InputError(
                f"--extent must be four numbers xmin,ymin,xmax,ymax, got {args.extent!r}"
            ) from None
        if len(extent) != 4:
            raise InputError(f"--extent must be four numbers xmin,ymin,xmax,ymax, got {args.extent!r}")
    options = ExportOptions(
        earlier=args.earlier,
        later=args.later,
        labels=args.labels,
        output=args.output,
        label_layer=args.label_layer,
        class_field=args.class_field,
        description_field=args.description_field,
        where=args.where,
        class_table=parse_class_table(args.class_table),
        change_name=args.change_name,
        chip=args.chip,
        stride=args.stride,
        min_labelled=args.min_labelled,
        max_nodata=args.max_nodata,
        bands_earlier=parse_bands(args.bands_earlier),
        bands_later=parse_bands(args.bands_later),
        resampling=args.resampling,
        extent=extent,
        extent_crs=args.extent_crs,
        val_fraction=args.val_fraction,
        block_chips=args.block_chips,
        negatives_per_chip=args.negatives,
        extra_negatives=args.extra_negatives,
        kinds=tuple(k.strip() for k in args.kinds.split(",") if k.strip()),
        templates=args.templates,
        prefix=args.prefix,
        seed=args.seed,
        licence=args.licence,
        overwrite=args.overwrite,
        command=shlex.join(["mtrs", *sys.argv[1:]]) if sys.argv[1:2] == ["export-training"] else "",
    )
    events = ProgressEvents(args.progress_json)
    bar = None
    if not args.quiet and not args.progress_json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="chip", desc="export")

    def progress(done: int, total: int, message: str) -> None:
        events(done, total, message)
        if bar is not None and total and done:
            bar.total = total
            bar.n = done
            bar.refresh()

    try:
        summary = export_training(options, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    c, e, n = summary.chips, summary.expressions, summary.negatives
    print(
        f"mtrs export-training: {c['train']} training and {c['val']} validation chips, "
        f"{e['train']} + {e['val']} expressions ({n['train']} + {n['val']} 'no such change') "
        f"-> {summary.output} in {summary.seconds:.1f} s"
    )
    if summary.skipped:
        print(f"  skipped chips: {summary.skipped}")
    for split, classes in summary.class_counts.items():
        if classes:
            print(f"  {split}: " + ", ".join(f"{k} {v}" for k, v in classes.items()))
    events.result({"output": summary.output, "chips": summary.chips, "expressions": summary.expressions})
    return 0

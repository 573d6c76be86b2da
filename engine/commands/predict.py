"""`mtrs predict`: two rasters + prompt(s) → change polygons (the CLI face of engine.pipeline.analyse)."""

from __future__ import annotations

import argparse
import sys


def _floats(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("earlier", help="the earlier raster (any GDAL format); its grid and CRS are used")
    parser.add_argument("later", help="the later raster (warped onto the earlier grid if needed)")
    parser.add_argument(
        "--model", default=None, help="checkpoint folder or hub id (default: the bundled model)"
    )
    parser.add_argument("--revision", default=None, help="hub revision of --model")
    parser.add_argument("--prompt", action="append", default=[], help="change description (repeatable)")
    parser.add_argument("--prompts", default=None, help="text file with one prompt per line")
    parser.add_argument(
        "--all-changes", action="store_true", help="all changed areas, no prompt (stage-1 head)"
    )
    parser.add_argument("-o", "--output", required=True, help="output vector file (.gpkg recommended)")
    parser.add_argument(
        "--bands-earlier", default=None, help="1-based bands, e.g. 1,2,3 (default first three)"
    )
    parser.add_argument("--bands-later", default=None, help="1-based bands of the later raster")
    parser.add_argument(
        "--extent", default=None, help="xmin,ymin,xmax,ymax[,CRS] (default CRS: the earlier's)"
    )
    parser.add_argument("--extent-wkt", default=None, help="clip polygon as WKT (in --extent-crs)")
    parser.add_argument("--extent-crs", default=None, help="CRS of --extent-wkt (default: the earlier's)")
    parser.add_argument("--tile", type=int, default=None, help="tile size in px (default: the model's size)")
    parser.add_argument("--overlap", type=int, default=64, help="tile overlap in px (default 64)")
    parser.add_argument("--threshold", type=float, default=0.5, help="probability threshold (default 0.5)")
    parser.add_argument("--min-area", type=float, default=0.0, help="drop polygons smaller than this (m²)")
    parser.add_argument("--fill-holes", type=float, default=0.0, help="fill holes smaller than this (m²)")
    parser.add_argument("--simplify", type=float, default=0.0, help="simplification tolerance (map units)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--batch-size", type=int, default=None, help="tiles per batch (default: by device)")
    parser.add_argument("--probabilities", default=None, help="also write the probability raster (.tif)")
    parser.add_argument("--resampling", default="bilinear", help="resampling when warping the later raster")
    parser.add_argument("--output-crs", default=None, help="CRS of the output (default: the earlier's)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def build_request(args: argparse.Namespace):
    from engine.errors import InputError
    from engine.geo.raster import parse_bands
    from engine.pipeline import AnalysisRequest

    prompts = list(args.prompt)
    if args.prompts:
        try:
            with open(args.prompts, encoding="utf-8") as fh:
                prompts += [line.strip() for line in fh if line.strip() and not line.startswith("#")]
        except OSError as exc:
            raise InputError(f"cannot read the prompts file: {exc}") from None
    extent, extent_crs = None, args.extent_crs
    if args.extent:
        parts = _floats(args.extent)
        if len(parts) not in (4, 5):
            raise InputError("--extent must be xmin,ymin,xmax,ymax[,CRS]")
        try:
            extent = [float(v) for v in parts[:4]]
        except ValueError:
            raise InputError(f"--extent has a non-number: {args.extent}") from None
        if len(parts) == 5:
            extent_crs = parts[4]
    if args.all_changes and prompts:
        raise InputError("--all-changes takes no prompt")
    return AnalysisRequest(
        earlier=args.earlier,
        later=args.later,
        prompts=prompts,
        output=args.output,
        model=args.model,
        revision=args.revision,
        bands_earlier=parse_bands(args.bands_earlier),
        bands_later=parse_bands(args.bands_later),
        extent=extent,
        extent_crs=extent_crs,
        extent_wkt=args.extent_wkt,
        tile=args.tile,
        overlap=args.overlap,
        threshold=args.threshold,
        min_area=args.min_area,
        fill_holes=args.fill_holes,
        simplify=args.simplify,
        device=args.device,
        batch_size=args.batch_size,
        probabilities=args.probabilities,
        overwrite=args.overwrite,
        all_changes=args.all_changes,
        resampling=args.resampling,
        output_crs=args.output_crs,
    )


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from engine.pipeline import analyse

    request = build_request(args)
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            bar = tqdm(total=total, unit="tile", file=sys.stderr, dynamic_ncols=True)
        bar.n = done
        bar.set_postfix_str(message, refresh=True)

    try:
        result = analyse(request, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    hits = f", {result.cache_hits} cached" if result.cache_hits else ""
    print(
        f"{result.n_polygons} polygon(s), {result.total_area_m2:,.1f} m² in total → {result.output} "
        f"(layer '{result.layer}')\n"
        f"{result.tiles} tile(s){hits} on {result.device} in {result.seconds:.1f} s"
        + (f"; probabilities → {result.probabilities}" if result.probabilities else "")
    )
    return 0

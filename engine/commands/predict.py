"""`mtrs predict`: two rasters + prompt(s) → change polygons (the CLI face of engine.pipeline.analyse)."""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument(
        "--presence-threshold",
        type=float,
        default=0.5,
        help="models with a presence head: below this presence probability the described change counts as "
        "absent from a tile, and from the area when absent from every tile (0: off; default 0.5)",
    )
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


MAX_PROMPTS_FILE_BYTES = 1024 * 1024


def read_prompts_file(path: str) -> list[str]:
    """One prompt per line (UTF-8; lines starting with # are comments). Each way a file can be unusable
    (missing, a folder, binary, another encoding, empty) is one InputError that says which."""
    from engine.errors import InputError

    if os.path.isdir(path):
        raise InputError(f"the prompts file {path} is a folder", hint="give a text file, one prompt per line")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PROMPTS_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the prompts file: {exc}") from None
    if len(data) > MAX_PROMPTS_FILE_BYTES:
        raise InputError(f"the prompts file {path} is larger than 1 MB", hint="one prompt per line")
    if b"\x00" in data:
        raise InputError(
            f"the prompts file {path} is not a text file (it contains NUL bytes)",
            hint="give a UTF-8 text file, one prompt per line",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the prompts file {path} is not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x} at position {exc.start})",
            hint="save it as UTF-8 (in most editors: Save as, Encoding: UTF-8)",
        ) from None
    prompts = [
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    if not prompts:
        raise InputError(
            f"the prompts file {path} has no prompt (it is empty or holds only comments)",
            hint="write one prompt per line; lines starting with # are comments",
        )
    return prompts


def _check_prompts_file_is_not_an_output(args: argparse.Namespace) -> None:
    """The prompts file is an input of the run too: no output may replace it."""
    from engine.errors import MtrsError
    from engine.geo.outputs import check_collisions, planned_files
    from engine.geo.writer import driver_for

    if not args.prompts:
        return
    try:
        driver = driver_for(args.output)
    except MtrsError:
        driver = None
    outputs = planned_files(args.output, driver) + ([args.probabilities] if args.probabilities else [])
    check_collisions(outputs, [args.prompts])


def build_request(args: argparse.Namespace):
    from engine.errors import InputError
    from engine.geo.raster import parse_bands
    from engine.pipeline import AnalysisRequest

    prompts = list(args.prompt)
    if args.prompts:
        prompts += read_prompts_file(args.prompts)
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
        presence_threshold=args.presence_threshold,
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
    _check_prompts_file_is_not_an_output(args)
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
    for note in result.warnings:
        print(f"note: {note}", file=sys.stderr)
    for label, verdict in (result.presence or {}).items():
        if verdict["present"]:
            print(
                f"'{label}': found in {verdict['tiles_present']} of {verdict['tiles']} tile(s) "
                f"(presence {verdict['probability']:.2f})"
            )
        else:
            print(f"'{label}': not found in this area (presence {verdict['probability']:.2f})")
    unit = "px" if result.run_record.get("area_unit") == "px" else "m²"
    print(
        f"{result.n_polygons} polygon(s), {result.total_area_m2:,.1f} {unit} in total → {result.output} "
        f"(layer '{result.layer}')\n"
        f"{result.tiles} tile(s){hits} on {result.device} in {result.seconds:.1f} s"
        + (f"; probabilities → {result.probabilities}" if result.probabilities else "")
    )
    return 0

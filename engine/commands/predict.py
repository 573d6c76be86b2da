"""`mtrs predict`: two rasters + prompt(s) → change polygons (the CLI face of engine.pipeline.analyse)."""

from __future__ import annotations

import argparse
import os
import sys


def _floats(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def configure(parser: argparse.ArgumentParser) -> None:
    add_request_arguments(parser)
    parser.add_argument(
        "--prompts",
        dest="prompts_file",
        metavar="FILE",
        default=None,
        help="text file with one prompt per line",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


_CLI_TYPES = {"int": int, "number": float, "str": str}


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """One argument per AnalysisRequest field, built from engine.contract.REQUEST_FIELDS (flag, type,
    default, help): the CLI cannot drift from the request. Each argument's dest is the field name. Lists
    given as text (bands, extent) are parsed by build_request; ranges and choices are checked by
    AnalysisRequest.validate, so a bad value gets the same message from the CLI and the worker."""
    from engine.contract import REQUEST_FIELDS, REQUIRED

    for f in REQUEST_FIELDS:
        help_text = f.cli_help or f.help
        if f.choices and f.cli_help is None:
            help_text += f": {', '.join(f.choices)}"
        if f.kind in ("int", "number", "str") and f.default not in (None, REQUIRED) and not f.cli_required:
            help_text += f" (default {f.default})"
        if not f.cli[0].startswith("-"):
            parser.add_argument(f.name, help=help_text)
            continue
        metavar = f.flag.lstrip("-").replace("-", "_").upper()
        kw: dict = {"dest": f.name, "help": help_text, "metavar": metavar}
        if f.kind == "bool":
            kw["action"] = "store_true"
            del kw["metavar"]
        elif f.kind.startswith("list") and not f.cli_text:
            kw.update(action="append", default=[])
        else:
            kw["type"] = str if f.cli_text else _CLI_TYPES[f.kind]
            if f.cli_required:
                kw["required"] = True
            else:
                kw["default"] = None if f.cli_text else f.default
        parser.add_argument(*f.cli, **kw)


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

    if not args.prompts_file:
        return
    try:
        driver = driver_for(args.output)
    except MtrsError:
        driver = None
    outputs = planned_files(args.output, driver) + ([args.probabilities] if args.probabilities else [])
    check_collisions(outputs, [args.prompts_file])


def build_request(args: argparse.Namespace):
    from engine.contract import REQUEST_NAMES
    from engine.errors import InputError
    from engine.geo.input_files import parse_bands  # no GDAL: bad options fail fast
    from engine.pipeline import AnalysisRequest

    values = {name: getattr(args, name) for name in REQUEST_NAMES}  # one dest per request field
    values["prompts"] = list(args.prompts)
    if args.prompts_file:
        values["prompts"] += read_prompts_file(args.prompts_file)
    values["bands_earlier"] = parse_bands(args.bands_earlier)
    values["bands_later"] = parse_bands(args.bands_later)
    if args.extent:
        parts = _floats(args.extent)
        if len(parts) not in (4, 5):
            raise InputError("--extent must be xmin,ymin,xmax,ymax[,CRS]")
        try:
            values["extent"] = [float(v) for v in parts[:4]]
        except ValueError:
            raise InputError(f"--extent has a non-number: {args.extent}") from None
        if len(parts) == 5:
            values["extent_crs"] = parts[4]
    if args.all_changes and values["prompts"]:
        raise InputError("--all-changes takes no prompt")
    return AnalysisRequest(**values)


def run(args: argparse.Namespace) -> int:
    from engine.pipeline import analyse

    request = build_request(args)
    _check_prompts_file_is_not_an_output(args)
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        if args.quiet:
            return
        if bar is None:
            from tqdm import tqdm  # only once the run is under way

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

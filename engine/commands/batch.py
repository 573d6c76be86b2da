"""`mtrs batch`: many pairs from a manifest, two folders or two STAC ItemCollections, on local processes or a
Ray cluster; resumable (up-to-date pairs are skipped), with a merged layer and a summary CSV (docs/BATCH.md).

Only argparse and the contract are imported at module level: `mtrs --help` builds this parser too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

#: Request fields the command line sets another way (or that are per pair only).
_NOT_DEFAULTS = ("earlier", "later", "prompts", "output", "overwrite", "all_changes", "probabilities")
_CLI_TYPES = {"int": int, "number": float, "str": str}


def configure(parser: argparse.ArgumentParser) -> None:
    from engine.commands.progress_events import add_progress_json_flag
    from engine.contract import REQUEST_FIELDS

    src = parser.add_argument_group("pairs (one of)")
    src.add_argument(
        "manifest",
        nargs="?",
        help="CSV, JSON lines, JSON or YAML file: one pair per row (earlier, later, prompts, options)",
    )
    src.add_argument("--earlier-dir", metavar="DIR", help="folder of earlier rasters (with --later-dir)")
    src.add_argument(
        "--later-dir", metavar="DIR", help="folder of later rasters, matched by footprint and date"
    )
    src.add_argument("--earlier-stac", metavar="FILE", help="local STAC ItemCollection of earlier scenes")
    src.add_argument("--later-stac", metavar="FILE", help="local STAC ItemCollection of later scenes")

    out = parser.add_argument_group("outputs")
    out.add_argument("--output-dir", required=True, metavar="DIR", help="folder of the per-pair outputs")
    out.add_argument(
        "--merged", metavar="PATH", help="merged layer, .gpkg or .fgb (default OUTPUT_DIR/merged.gpkg)"
    )
    out.add_argument(
        "--merged-crs",
        metavar="CRS",
        help="CRS of the merged layer (default: the pairs' own when they share one, else EPSG:4326)",
    )
    out.add_argument("--summary", metavar="PATH", help="summary CSV (default OUTPUT_DIR/summary.csv)")

    run = parser.add_argument_group("running")
    run.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="local worker processes (default: one per GPU, else one per 4 cores)",
    )
    run.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="run on a Ray cluster: 'auto' (existing cluster or a local one) or HOST:PORT",
    )
    run.add_argument("--cpus-per-actor", type=int, metavar="N", help="Ray: CPUs per model actor on CPU nodes")
    run.add_argument(
        "--window-px", type=int, metavar="N", help="Ray: pairs larger than N×N px are split into windows"
    )
    run.add_argument("--force", action="store_true", help="redo every pair, also the up-to-date ones")
    run.add_argument("--dry-run", action="store_true", help="list the work and an estimate; write nothing")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    add_progress_json_flag(run)

    opts = parser.add_argument_group("analysis options (defaults for rows that do not set them)")
    opts.add_argument(
        "--prompt",
        dest="prompts",
        metavar="TEXT",
        action="append",
        default=[],
        help="change description (repeatable)",
    )
    opts.add_argument(
        "--prompts", dest="prompts_file", metavar="FILE", help="text file with one prompt per line"
    )
    opts.add_argument("--all-changes", action="store_true", default=None, help="all changed areas, no prompt")
    for f in REQUEST_FIELDS:
        if f.name in _NOT_DEFAULTS:
            continue
        kw: dict[str, Any] = {"dest": f.name, "default": argparse.SUPPRESS, "help": f.cli_help or f.help}
        if f.kind == "bool":
            kw["action"] = "store_true"
        else:
            kw["metavar"] = f.flag.lstrip("-").replace("-", "_").upper()
            kw["type"] = str if (f.cli_text or f.kind.startswith("list")) else _CLI_TYPES[f.kind]
        opts.add_argument(*f.cli, **kw)


# -- work list ----------------------------------------------------------------------------------------------


def cli_defaults(args: argparse.Namespace) -> dict[str, Any]:
    """The analysis options given on the command line (only those: a row's own value wins)."""
    from engine.batch.manifest import convert, resolve_model
    from engine.commands.predict import read_prompts_file
    from engine.contract import REQUEST, REQUEST_NAMES, problem
    from engine.errors import InputError

    values = {n: getattr(args, n) for n in REQUEST_NAMES if n not in _NOT_DEFAULTS and hasattr(args, n)}
    if values.get("extent") is not None:
        parts = [p.strip() for p in values["extent"].split(",") if p.strip()]
        if len(parts) == 5:  # xmin,ymin,xmax,ymax,CRS as in `mtrs predict`
            values.setdefault("extent_crs", parts[4])
            values["extent"] = ",".join(parts[:4])
    for name in ("bands_earlier", "bands_later", "extent"):
        if name in values:
            values[name] = convert(name, values[name], "command line")
    for name, value in values.items():  # said of the option, not of the first row that uses it
        found = problem(name, value)
        if found is not None:
            raise InputError(f"{REQUEST[name].flag}: {found[0]}", hint=found[1])
    if "model" in values:
        values["model"] = resolve_model(values["model"], _cwd())
    prompts = list(args.prompts) + (read_prompts_file(args.prompts_file) if args.prompts_file else [])
    if args.all_changes and prompts:
        raise InputError("--all-changes takes no prompt")
    if prompts:
        values["prompts"] = prompts
    if args.all_changes:
        values["all_changes"] = True
    return values


def _cwd():
    from pathlib import Path

    return Path.cwd()


def _paths(args: argparse.Namespace) -> tuple[str, str, str]:
    from engine.batch.report import merged_format
    from engine.errors import InputError

    output_dir = os.path.abspath(args.output_dir)
    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise InputError(
            f"--output-dir {args.output_dir} is a file", hint="give a folder (it is created if needed)"
        )
    merged = os.path.abspath(args.merged or os.path.join(output_dir, "merged.gpkg"))
    merged_format(merged)
    summary = os.path.abspath(args.summary or os.path.join(output_dir, "summary.csv"))
    if not summary.lower().endswith(".csv"):
        raise InputError(
            f"the summary must be a .csv file, got {args.summary}", hint="pass --summary summary.csv"
        )
    return output_dir, merged, summary


def build_items(args: argparse.Namespace, output_dir: str, reserved: list[str]) -> tuple[list, list[str]]:
    """The work items and the notes of the pairing (folders, STAC)."""
    from engine.batch.manifest import items_from_pairs, read_manifest
    from engine.errors import InputError

    folders = args.earlier_dir or args.later_dir
    stac = args.earlier_stac or args.later_stac
    chosen = sum(bool(x) for x in (args.manifest, folders, stac))
    if chosen != 1:
        raise InputError(
            "give one source of pairs" if chosen == 0 else "give only one source of pairs",
            hint="a MANIFEST file, or --earlier-dir with --later-dir, or --earlier-stac with --later-stac",
        )
    defaults = cli_defaults(args)
    if args.manifest:
        return read_manifest(args.manifest, defaults, output_dir, reserved), []
    from engine.batch import matching

    if folders:
        if not (args.earlier_dir and args.later_dir):
            raise InputError("--earlier-dir and --later-dir go together")
        matches = matching.match_folders(args.earlier_dir, args.later_dir)
        source = "folder pair"
    else:
        if not (args.earlier_stac and args.later_stac):
            raise InputError("--earlier-stac and --later-stac go together")
        matches = matching.match_stac(args.earlier_stac, args.later_stac)
        source = "STAC pair"
    if "prompts" not in defaults and not defaults.get("all_changes"):
        raise InputError("no prompt given", hint="describe the change with --prompt, or use --all-changes")
    notes = list(getattr(matches, "notes", []) or [])
    return items_from_pairs(list(matches), defaults, output_dir, reserved, source=source), notes


# -- dry run ------------------------------------------------------------------------------------------------


def foreign_output_error(item):
    from engine.errors import OutputError

    return OutputError(
        f"{item.request.output} already exists and was not written by mtrs batch",
        hint="move it away, point the row's output elsewhere, or pass --force to replace it",
    )


def dry_run(items: list, todo: set[str], workers: int, out, refused: set[str] = frozenset()) -> None:
    from engine.batch.estimate import estimate_item, seconds_for
    from engine.errors import MtrsError
    from engine.geo.input_files import check_input_file

    tiles: list[int | None] = []
    print("pair\tstatus\ttiles\tearlier\tlater\tprompts", file=out)
    for item in items:
        r = item.request
        status = "todo" if item.pair_id in todo else "up to date"
        try:
            check_input_file(r.earlier)
            check_input_file(r.later)
            est = estimate_item(item)
        except MtrsError as exc:
            status, est = f"will fail: {exc.message}", None
        if item.pair_id in refused:
            status, est = f"will fail: {foreign_output_error(item).message}", None
        n = est.tiles if est is not None and item.pair_id in todo else None
        if est is not None and est.tiles is None:
            status = f"will fail: {est.note}"
        tiles.append(n)
        what = "(all changes)" if r.all_changes else " | ".join(r.prompts)
        print(f"{item.pair_id}\t{status}\t{'' if n is None else n}\t{r.earlier}\t{r.later}\t{what}", file=out)
    todo_items = [it for it in items if it.pair_id in todo]
    todo_tiles = [t for it, t in zip(items, tiles, strict=True) if it.pair_id in todo]
    seconds = seconds_for(todo_items, todo_tiles, workers)
    print(
        f"{len(todo_items)} of {len(items)} pair(s) to run ({len(items) - len(todo_items)} up to date), "
        f"{sum(t or 0 for t in todo_tiles)} tile(s); about {_duration(seconds)} on {workers} CPU worker(s) "
        "(a GPU is much faster; docs/BATCH.md). Nothing was written.",
        file=out,
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# -- run ----------------------------------------------------------------------------------------------------


def _backend(args: argparse.Namespace, todo: list, progress, workers: int):
    if args.ray:
        from engine.batch import ray_backend

        extra = {k: getattr(args, k) for k in ("cpus_per_actor", "window_px") if getattr(args, k) is not None}
        return ray_backend.run_ray(todo, args.ray, progress, None, **extra)
    from engine.batch.local_pool import run_local

    return run_local(todo, workers, progress, None)


def run(args: argparse.Namespace) -> int:
    from engine.batch.work import failed, foreign_output, is_up_to_date, skipped
    from engine.commands.progress_events import ProgressEvents
    from engine.errors import InputError

    t0 = time.perf_counter()
    if args.ray and args.workers is not None:
        raise InputError("--workers is for local runs; with --ray the cluster's resources decide")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    output_dir, merged, summary = _paths(args)
    items, notes = build_items(args, output_dir, [merged, summary])
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    todo = [it for it in items if args.force or not is_up_to_date(it)]
    # outputs that a batch did not write are never replaced without --force: such a pair fails, the rest run
    refused = [] if args.force else [it for it in todo if foreign_output(it)]
    todo = [it for it in todo if it not in refused]
    todo_ids = {it.pair_id for it in todo} | {it.pair_id for it in refused}
    if args.dry_run:
        from engine.batch.local_pool import DEFAULT_THREADS_PER_WORKER, cpu_cores

        workers = args.workers or max(1, min(len(todo) or 1, cpu_cores() // DEFAULT_THREADS_PER_WORKER))
        dry_run(items, todo_ids, workers, sys.stdout, {it.pair_id for it in refused})
        return 0

    os.makedirs(output_dir, exist_ok=True)
    events = ProgressEvents(args.progress_json)
    outcomes: dict[str, Any] = {it.pair_id: skipped(it, "") for it in items if it.pair_id not in todo_ids}
    for pair_id in outcomes:
        events.log(f"{pair_id}: skipped (up to date)")
    for it in refused:
        outcomes[it.pair_id] = failed(it, foreign_output_error(it))
        line = _outcome_line(outcomes[it.pair_id])
        events.log(line)
        if not args.progress_json:
            print(line, file=sys.stderr)
    bar = _pair_bar(args, len(items), len(outcomes))
    finished = len(outcomes)
    events(finished, len(items), "")

    def tiles(done: int, total: int, message: str) -> None:
        if bar is not None:
            # the pipeline says "tile d/t"; a Ray run of a split pair says which window
            bar.set_postfix_str(message or f"{done}/{total}", refresh=False)

    workers = args.workers
    try:
        for outcome in _backend(args, todo, tiles, workers) if todo else ():
            outcomes[outcome.pair_id] = outcome
            finished += 1
            line = _outcome_line(outcome)
            events(finished, len(items), f"{outcome.pair_id}: {outcome.status}")
            events.log(line)
            if bar is not None:
                bar.update(1)
                if outcome.status == "failed":
                    bar.write(line, file=sys.stderr)
            elif outcome.status == "failed" and not args.progress_json:
                print(line, file=sys.stderr)
    finally:
        if bar is not None:
            bar.close()
    return _finish(args, items, outcomes, merged, summary, events, t0)


def _pair_bar(args: argparse.Namespace, total: int, initial: int):
    if args.quiet or args.progress_json:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="pair", file=sys.stderr, dynamic_ncols=True)


def _outcome_line(o) -> str:
    if o.status == "failed":
        return f"{o.pair_id}: failed: {o.error}"
    unit = "px" if o.area_unit == "px" else "m²"
    return f"{o.pair_id}: {o.status}, {o.polygons} polygon(s), {o.area:,.1f} {unit} in {o.seconds:.1f} s"


def _finish(args, items, outcomes, merged, summary, events, t0) -> int:
    from engine.batch.report import result_summary, write_merged, write_summary

    ordered = [outcomes[it.pair_id] for it in items if it.pair_id in outcomes]
    write_summary(summary, ordered)
    report = write_merged(merged, items, outcomes, args.merged_crs)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    result = result_summary(ordered, summary, report, time.perf_counter() - t0)
    events.result(result)
    print(
        f"{result['pairs']} pair(s): {result['done']} done, {result['skipped']} skipped (up to date), "
        f"{result['failed']} failed; {result['polygons']} polygon(s) in {result['seconds']:.1f} s"
    )
    print(f"summary → {summary}")
    if report.path:
        print(f"merged layer → {report.path} ({report.features} polygon(s), {report.crs})")
    for pair_id, error in result["failures"].items():
        print(f"failed: {pair_id}: {error}", file=sys.stderr)
    return 1 if result["failed"] else 0

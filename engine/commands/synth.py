"""`mtrs synth`: write a synthetic MTRS dataset (MTRefSeg-21K layout + masks_all/ for stage 1)."""

from __future__ import annotations

import argparse
import sys
import time


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="output folder (a split folder: A/, B/, masks/, …)")
    parser.add_argument("--pairs", type=int, default=2000, help="number of image pairs (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed; use another seed for a held-out set")
    parser.add_argument(
        "--size", type=int, default=128, help="image side in pixels, multiple of 32 (default 128)"
    )
    parser.add_argument("--workers", type=int, default=1, help="processes (output identical for any value)")
    parser.add_argument("--overwrite", action="store_true", help="write into a non-empty folder")
    parser.add_argument("--json", action="store_true", help="print the dataset summary as JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from engine.data.synth import write_dataset
    from engine.errors import InputError

    if args.pairs < 1:
        raise InputError("--pairs must be at least 1")
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} pairs", end="", file=sys.stderr, flush=True)

    meta = write_dataset(args.out, args.pairs, args.seed, args.size, args.workers, args.overwrite, progress)
    seconds = time.perf_counter() - start
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print(json.dumps({**meta, "seconds": round(seconds, 2), "out": str(args.out)}, indent=1))
    else:
        kinds = ", ".join(f"{k} {v}" for k, v in meta["expressions_by_change_type"].items())
        print(
            f"wrote {meta['pairs']} pairs, {meta['expressions']} expressions ({kinds}) to {args.out} in "
            f"{seconds:.1f} s (generator v{meta['version']}, seed {meta['seed']}, {meta['size']} px)"
        )
    return 0

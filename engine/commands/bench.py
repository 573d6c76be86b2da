"""`mtrs bench <what>`: speed and memory benchmarks. Sub-commands keep room for `mtrs bench train` later."""

from __future__ import annotations

import argparse
import json


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bench", metavar="WHAT")
    p = sub.add_parser(
        "pipeline", help="analysis pipeline: throughput vs raw reads, peak RSS, tiny model, cache"
    )
    p.add_argument(
        "--size",
        type=int,
        default=2048,
        help="side of the null-model pair, also run by the baseline script (default 2048; 8192: the target)",
    )
    p.add_argument("--rss-sizes", default="4096,16384", help="pair sides for the peak-RSS runs")
    p.add_argument(
        "--rss-model", default="null:brighter", help="model of the RSS runs (folder or null:brighter)"
    )
    p.add_argument("--tiny-model", default=None, help="tiny checkpoint folder for the speed/cache runs")
    p.add_argument("--tiny-size", type=int, default=1024, help="side of the tiny-model pair (default 1024)")
    p.add_argument("--repeats", type=int, default=3, help="null-model runs; the best is reported")
    p.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip bench/baseline_rasterio_torch.py (rasterio reads, 1×1 conv, GDAL Polygonize)",
    )
    p.add_argument("--json", default=None, help="also write the figures to this JSON file")


def run(args: argparse.Namespace) -> int:
    if args.bench != "pipeline":
        print("choose a benchmark: mtrs bench pipeline")
        return 2
    from engine.pipeline.bench import bench_pipeline

    sizes = [int(s) for s in args.rss_sizes.split(",") if s]
    report = bench_pipeline(
        args.size,
        sizes,
        args.rss_model,
        args.tiny_size,
        args.tiny_model,
        repeats=args.repeats,
        baseline=not args.no_baseline,
    )
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0

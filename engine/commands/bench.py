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
    b = sub.add_parser(
        "batch", help="mtrs batch: pairs/s with local workers and simulated Ray nodes, Ray's overhead"
    )
    b.add_argument("--pairs", type=int, default=8, help="generated pairs (default 8)")
    b.add_argument("--size", type=int, default=512, help="side of each pair in px (default 512)")
    b.add_argument("--model", default=None, help="model (default: the bundled tiny demo model)")
    b.add_argument("--prompts", type=int, default=2, help="prompts per pair (default 2)")
    b.add_argument("--local-workers", default="1,2", help="local worker counts to run (default 1,2)")
    b.add_argument("--ray-nodes", default="1,2", help="simulated Ray node counts ('' for none; default 1,2)")
    b.add_argument("--cpus-per-node", type=int, default=1, help="CPUs of each simulated Ray node (default 1)")
    b.add_argument("--repeats", type=int, default=2, help="runs of each configuration; the best is kept")
    b.add_argument("--json", default=None, help="also write the figures to this JSON file")


def _counts(text: str) -> tuple[int, ...]:
    return tuple(int(s) for s in text.split(",") if s.strip())


def run(args: argparse.Namespace) -> int:
    if args.bench == "batch":
        from engine.batch.bench import bench_batch

        report = bench_batch(
            args.pairs,
            args.size,
            args.model,
            args.prompts,
            _counts(args.local_workers),
            _counts(args.ray_nodes),
            args.cpus_per_node,
            args.repeats,
        )
        return _emit(report, args.json)
    if args.bench != "pipeline":
        print("choose a benchmark: mtrs bench pipeline | batch")
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
    return _emit(report, args.json)


def _emit(report: dict, path: str | None) -> int:
    text = json.dumps(report, indent=2)
    print(text)
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0

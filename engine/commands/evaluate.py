"""`mtrs eval`: score a model on a dataset with the reference protocol (docs/REFERENCE.md R4)."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", default=None, help="checkpoint folder or hub id (default: the bundled model)"
    )
    parser.add_argument("--revision", default=None, help="hub revision")
    parser.add_argument("--data", required=True, help="split folder (A/, B/, masks/, referring_expression/)")
    parser.add_argument(
        "--split", default=None, help="split folder name under --data, or TV:val, RS:val, NS:val"
    )
    parser.add_argument("--stage", type=int, choices=(1, 2), default=2,
                        help="2: referring (default); 1: all changes vs the change masks")  # fmt: skip
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N samples")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--image-size", type=int, default=None, help="default: the model's input size")
    parser.add_argument("--shuffle-expressions", action="store_true",
                        help="permute expressions across samples (language-following control)")  # fmt: skip
    parser.add_argument("--shuffle-seed", type=int, default=0)
    parser.add_argument("--device", default="auto", help="auto|cpu|cuda|mps")
    parser.add_argument("--out", default=None, help="folder for metrics.json, metrics.md and samples.png")
    parser.add_argument("--examples", type=int, default=6, help="rows in the sample sheet (with --out)")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON on stdout")


def _device(name: str) -> str:
    import torch

    if name != "auto":
        return name
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


def _dataset(args: argparse.Namespace, image_size: int):
    from pathlib import Path

    from engine.data import ChangeDetectionDataset, MTRefSegDataset

    data = Path(args.data)
    if args.stage == 1 and not (data / "referring_expression").is_dir() and args.split is None:
        return ChangeDetectionDataset(data, image_size, cache_mb=0)
    if args.stage == 1:
        # A referring split: stage 1 is scored against the union of all changes (masks_all/ from mtrs synth)
        # when present, else per expression mask.
        split_dir = data if args.split is None else data / args.split
        if (split_dir / "masks_all").is_dir():
            return ChangeDetectionDataset(split_dir, image_size, cache_mb=0)
    return MTRefSegDataset(data, image_size, split=args.split, cache_mb=0)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from engine.evaluate.reports import markdown_table, save_sample_sheet
    from engine.evaluate.runner import evaluate
    from engine.model import load_model

    model = load_model(args.model, revision=args.revision, device=_device(args.device))
    image_size = args.image_size or int(model.config.image_size)
    dataset = _dataset(args, image_size)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} samples", end="", file=sys.stderr, flush=True)

    result = evaluate(
        model,
        dataset,
        stage=args.stage,
        batch_size=args.batch_size,
        limit=args.limit,
        shuffle_expressions=args.shuffle_expressions,
        shuffle_seed=args.shuffle_seed,
        keep_examples=args.examples if args.out else 0,
        progress=progress,
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    examples = result.pop("examples")
    result["model"] = {
        "id": getattr(model, "model_id", args.model),
        "revision": getattr(model, "revision", None),
    }
    result["data"] = str(args.data)
    title = f"{result['model']['id']} on {args.data} (stage {args.stage})"
    table = markdown_table(result, title)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        (out / "metrics.md").write_text(table, encoding="utf-8")
        save_sample_sheet(examples, out / "samples.png")
    if args.json:
        summary = {k: v for k, v in result.items() if k != "per_sample"}
        print(json.dumps(summary, indent=1))
    else:
        print(table, end="")
        if args.out:
            print(f"wrote {Path(args.out) / 'metrics.json'}, metrics.md, samples.png")
    return 0

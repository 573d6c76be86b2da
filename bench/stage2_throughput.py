"""Stage-2 training throughput of the tiny preset on real dataset items: samples/s of DataLoader items +
forward + loss + backward + AdamW, with and without pair batches. The figures behind the recipe choices in
docs/benchmarks/training.md ("What made the difference").

    OMP_NUM_THREADS=2 .venv/bin/python bench/stage2_throughput.py --batch-sizes 16,32
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, help="MTRefSeg-layout folder (default: 60 synthetic pairs, 128 px)")
    p.add_argument("--init", help="checkpoint to start from (default: a fresh tiny model)")
    p.add_argument("--batch-sizes", default="16,32")
    p.add_argument("--steps", type=int, default=12, help="timed optimiser steps per setting")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bf16", action="store_true", help="bf16 autocast, as training uses on bf16-capable CPUs")
    return p.parse_args(argv)


def measure(model, dataset, batch: int, steps: int, pair_batches: bool, bf16: bool) -> float:
    import torch

    from engine.data import collate
    from engine.train.losses import stage2_loss
    from engine.train.sampler import epoch_permutation, grouped_permutation
    from engine.train.schedule import build_optimizer
    from engine.train.steps import StageForward

    order = (
        grouped_permutation(dataset.pair_keys(), 0, 0)
        if pair_batches
        else epoch_permutation(len(dataset), 0, 0)
    ).tolist()
    forward = StageForward(model, 2)
    optimizer = build_optimizer(model.parameters(), 1e-4)
    warmup, seconds = max(2, steps // 2), 0.0
    for step in range(warmup + steps):
        idx = [order[(step * batch + i) % len(order)] for i in range(batch)]
        t0 = time.perf_counter()
        items = collate([dataset[i] for i in idx])
        keys = items["sample_id"] if pair_batches else None
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = forward(items["image_a"], items["image_b"], items["expression"], keys)
            loss = stage2_loss(out, items["mask"], num_points=1024)["total"]
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= warmup:
            seconds += time.perf_counter() - t0
    return batch * steps / seconds


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import torch

    from engine.data import MTRefSegDataset
    from engine.data.synth import write_dataset
    from engine.model import ModelConfig, build_model, load_model

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "synth"
            write_dataset(data, pairs=60, seed=1, size=128)
        if args.init:
            model = load_model(args.init, device="cpu")
        else:
            model = build_model(ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=128))
        model.train()
        for p in model.parameters():
            p.requires_grad_(True)
        dataset = MTRefSegDataset(data, model.config.image_size)
        for batch in (int(b) for b in args.batch_sizes.split(",")):
            for pair_batches in (True,) if args.bf16 else (False, True):
                rate = measure(model, dataset, batch, args.steps, pair_batches, args.bf16)
                mode = "on " if pair_batches else "off"
                print(f"batch {batch:3d}  pair batches {mode}  {rate:6.1f} samples/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CPU inference speed of model presets at the same tile size: tiles/s of what the pipeline runs per tile
(`encode_pair` on the two dates, then `segment` for one prompt), float32, no_grad, random weights (speed does
not depend on their values). Presets are measured in turns, several rounds each, and the median kept, so a
neighbour process slowing the machine for a while hurts both alike. Two clocks: wall time, and the process's
CPU time (tiles per CPU-second). On a machine shared with other jobs the wall figure varies with their load;
with `--threads 1` the CPU-time figure hardly does, so its ratio between presets is the steadier one. The
figure behind docs/MODEL.md, "Lite preset".

    OMP_NUM_THREADS=2 .venv/bin/python bench/model_speed.py --presets mtrefseg-r1-tiny,mtrefseg-r1-lite
"""

from __future__ import annotations

import argparse
import statistics
import time


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--presets", default="mtrefseg-r1-tiny,mtrefseg-r1-lite")
    p.add_argument("--tile", type=int, default=256, help="tile side in pixels (multiple of 32)")
    p.add_argument("--batch", type=int, default=1, help="tiles per call")
    p.add_argument("--calls", type=int, default=10, help="timed calls per round")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args(argv)


def tiles_per_second(model, tile: int, batch: int, calls: int) -> tuple[float, float]:
    """(tiles per wall-clock second, tiles per CPU-second of this process)."""
    import torch

    a, b = torch.randn(batch, 3, tile, tile), torch.randn(batch, 3, tile, tile)
    prompts = ["new buildings"] * batch
    with torch.no_grad():
        model.segment(model.encode_pair(a, b), prompts)  # warm-up (allocator, prompt cache)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            model.segment(model.encode_pair(a, b), prompts)
        n = calls * batch
        return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def main(argv: list[str] | None = None) -> int:
    import torch

    from engine.model import ModelConfig, build_model

    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    names = [n.strip() for n in args.presets.split(",") if n.strip()]
    models = {n: build_model(ModelConfig.from_preset(n), package_weights=False).eval() for n in names}
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for n in names:
            w, c = tiles_per_second(models[n], args.tile, args.batch, args.calls)
            wall[n].append(w)
            cpu[n].append(c)
    print(f"tile {args.tile}², batch {args.batch}, {args.threads} threads, median of {args.rounds} rounds")
    for label, runs in (("tiles/s (wall)", wall), ("tiles/CPU-s", cpu)):
        base = statistics.median(runs[names[0]])
        for n in names:
            med = statistics.median(runs[n])
            spread = f"{min(runs[n]):.2f}-{max(runs[n]):.2f}"
            print(f"{n:20s} {label:15s} {med:7.2f} ({spread})  {med / base:5.2f}x {names[0]}")
    for n in names:
        print(f"{n:20s} {sum(p.numel() for p in models[n].parameters()) / 1e6:6.2f} M parameters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

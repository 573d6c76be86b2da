"""`mtrs info`: describe a model preset or checkpoint (parameters per component, parity with the paper).

The model is built on the `meta` device: no weights are allocated or downloaded, so even the 1.65 B-parameter
paper preset is described in seconds on any machine.
"""

from __future__ import annotations

import argparse
import json


def configure(parser: argparse.ArgumentParser) -> None:
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--preset", default=None, help="model preset (mtrefseg-r1, mtrefseg-r1-tiny)")
    src.add_argument("--model", default=None, help="model folder or hub id (reads its config.json only)")
    parser.add_argument("--revision", default=None, help="hub revision (with --model)")
    parser.add_argument("--params", action="store_true", help="count parameters per component")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from engine.model.config import ModelConfig
    from engine.model.params import count_parameters, parity_report

    if args.model:
        from engine.model.checkpoint import read_config, resolve_source

        directory, _ = resolve_source(args.model, args.revision)
        cfg = read_config(directory)
    else:
        cfg = ModelConfig.from_preset(args.preset or "mtrefseg-r1")
    info: dict = {"name": cfg.name, "image_size": cfg.image_size, "fusion": cfg.fusion}
    if args.params or not args.json:
        counts = count_parameters(cfg)
        info.update(counts)
        if cfg.name == "mtrefseg-r1" and not args.model:
            info["parity"] = parity_report(counts)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"{cfg.name}: input {cfg.image_size}², fusion {cfg.fusion}")
    if "total" in info:
        for name, n in info["components"].items():
            print(f"  {name:<22} {n:>15,}")
        print(f"  {'total':<22} {info['total']:>15,}")
    if "parity" in info:
        p = info["parity"]
        print(
            f"  parity with the reference (±0.5 % total, ±2 % per component): {'ok' if p['ok'] else 'NOT OK'}"
        )
    return 0

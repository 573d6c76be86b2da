"""Score the whole product, not just the network: run the pipeline on the held-out Joplin chip and compare
the polygons' source raster (probability > threshold) with the destroyed-building mask (dmg == 4).

The mask is itself a model prediction (xView2 first-place model), so the figures say how well the demo agrees
with a strong damage model on unseen imagery, not accuracy against ground truth.

    .venv/bin/python scripts/evaluate_demo_scene.py [--model DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENE = ROOT / "demo" / "joplin"


def scores(pred: np.ndarray, truth: np.ndarray) -> dict:
    """The engine's change-class metrics (the same as `mtrs eval --stage 1`), plus the covered fractions."""
    import torch

    from engine.evaluate.metrics import ChangeMeter

    meter = ChangeMeter()
    meter.update(torch.from_numpy(pred), torch.from_numpy(truth))
    m = meter.compute()
    return {
        "iou": m["IoU"],
        "precision": m["precision"],
        "recall": m["recall"],
        "f1": m["F1"],
        "predicted_fraction": float(pred.mean()),
        "truth_fraction": float(truth.mean()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    import rasterio

    from engine.pipeline import AnalysisRequest, analyse

    with rasterio.open(SCENE / "2_dmg.tif") as src:
        damage = src.read(1)
    results = {}
    prompts = {
        "buildings destroyed by the tornado": damage == 4,
        "buildings damaged by the tornado": damage >= 2,
    }
    with tempfile.TemporaryDirectory() as tmp:
        for i, (prompt, truth) in enumerate(prompts.items()):
            prob = Path(tmp) / f"p{i}.tif"
            analyse(
                AnalysisRequest(
                    earlier=str(SCENE / "2_pre.tif"),
                    later=str(SCENE / "2_post.tif"),
                    prompts=[prompt],
                    output=str(Path(tmp) / f"o{i}.gpkg"),
                    model=args.model,
                    probabilities=str(prob),
                    threshold=args.threshold,
                )
            )
            with rasterio.open(prob) as src:
                p = src.read(1)
            results[prompt] = scores(p > args.threshold, truth)
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure a model on the HELD-OUT scenes of scripts/train_lite_model.py, the way a user runs it.

Why through `analyse` on whole scenes: the figures users meet are those of the pipeline (tiling, blending,
the presence gate, polygons), not of chips. One model load serves every run; a feature cache lets the many
prompts asked of one scene share its visual pass. Every figure comes from scenes no training step or
checkpoint selection read (the recipe's HELDOUT table).

    .venv/bin/python scripts/evaluate_lite_model.py \
        --model build/lite-model/stage2/last --work build/lite-model
    [--compare engine/bundled/mtrefseg-r1-tiny-demo]

Writes WORK/evaluation.json and WORK/evaluation.md (the tables of docs/benchmarks/lite-model.md).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_lite_model import HELDOUT, scenes  # noqa: E402

XBD = ROOT / "datasets" / "xbd-joplin"
DESTROYED = "buildings destroyed by the tornado"
# Phrasings never used in training (the exporter's templates and the recipe's negatives are different).
PARAPHRASES = {
    DESTROYED: [
        "houses levelled by the twister",
        "homes wiped out by the storm",
        "buildings reduced to rubble",
        "structures demolished by the tornado",
        "residences destroyed by the tornado",
    ],
    "new buildings": [
        "newly constructed buildings",
        "buildings that were built",
        "recently built houses",
        "new construction of houses",
        "buildings that did not exist before",
    ],
}
# Changes that cannot be in the held-out scenes, in words never used as training negatives.
ABSENT_TORNADO = [
    "new wind turbines",
    "a new bridge over the river",
    "burned forest",
    "flooded streets",
    "new greenhouses",
    "a new airport runway",
    "landslide on the hillside",
    "crops harvested in the fields",
    "snow covering the roads",
    "a new football stadium",
    "oil spill in the harbour",
    "a volcanic lava flow",
]
ABSENT_OTHER = [
    "flooded streets",
    "burned forest",
    "snow covering the roads",
    "oil spill in the harbour",
    "landslide on the hillside",
    "a volcanic lava flow",
]
SEEN_NEGATIVE = "new swimming pools"  # stock absent-change example, also a training negative (reported apart)


class Runner:
    """One loaded model, one feature cache per scene; returns probability arrays (0..1) per prompt."""

    def __init__(self, model_dir: str, work: Path):
        from engine.pipeline.cache import FeatureCache
        from engine.pipeline.loading import load

        self.model = load(model_dir, device="cpu")
        self.work = work
        self.cache = FeatureCache()
        self.scene = None
        self.n = 0

    def run(self, earlier: Path, later: Path, prompts: list[str] | None, **options):
        import rasterio

        from engine.pipeline.analyse import analyse
        from engine.pipeline.request import AnalysisRequest

        if self.scene != (earlier, later):
            self.cache.clear()
            self.scene = (earlier, later)
        self.n += 1
        out = self.work / "runs" / f"run{self.n}"
        out.mkdir(parents=True, exist_ok=True)
        request = AnalysisRequest(
            earlier=str(earlier),
            later=str(later),
            prompts=prompts or [],
            all_changes=prompts is None,
            output=str(out / "changes.gpkg"),
            probabilities=str(out / "prob.tif"),
            device="cpu",
            overwrite=True,
            **options,
        )
        t = time.perf_counter()
        result = analyse(request, model=self.model, cache=self.cache)
        seconds = time.perf_counter() - t
        with rasterio.open(request.probabilities) as src:
            probs = src.read()
        probs = probs.astype(np.float32) / (255.0 if probs.dtype == np.uint8 else 1.0)
        return result, probs, seconds


def binary_label(path: Path) -> np.ndarray:
    from PIL import Image

    band = np.array(Image.open(path))
    return (band[..., 0] if band.ndim == 3 else band) > 127


def xbd_reference(scene: str, where: str) -> np.ndarray:
    """The reference polygons rasterised on the scene's own grid (all-touched off: pixel centres)."""
    import rasterio
    import shapely
    from osgeo import ogr
    from rasterio.features import rasterize

    with rasterio.open(XBD / f"{scene}_pre.tif") as src:
        shape_hw, transform = (src.height, src.width), src.transform
    classes = [c.strip() for c in where.split(",")]
    source = ogr.Open(str(XBD / f"{scene}_buildings.gpkg"))
    layer = source.GetLayerByName("buildings")
    geoms = [
        shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb()))
        for f in layer
        if f.GetField("subtype") in classes
    ]
    source = None  # closes the dataset
    return rasterize(geoms, out_shape=shape_hw, transform=transform, fill=0, default_value=1).astype(bool)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def counts(pred: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return np.array([(pred & ref).sum(), (pred & ~ref).sum(), (~pred & ref).sum()], dtype=np.int64)


def f1(tp_fp_fn: np.ndarray) -> float:
    tp, fp, fn = (int(v) for v in tp_fp_fn)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def chip_metrics(model: str, work: Path, name: str) -> dict:
    """`mtrs eval` (the reference protocol, plus presence accuracy on empty targets) on every held-out chip
    of the recipe's exports, merged into one folder, with the expressions as written and shuffled."""
    import subprocess

    from train_lite_model import link_tree

    merged = work / "heldout-all"
    if not merged.exists():
        tmp = work / "heldout-all.tmp"
        for export in sorted((work / "heldout").iterdir()):
            link_tree(export / "train", tmp)
        tmp.rename(merged)
    results = {}
    for label, extra in (("as_written", []), ("shuffled", ["--shuffle-expressions"])):
        cmd = [sys.executable, "-m", "engine.cli", "eval", "--model", model, "--data", str(merged)]
        cmd += ["--device", "cpu", "--json", *extra]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        results[label] = json.loads(done.stdout)
    return results


def speed_vs_demo(model_dir: str, repeats: int = 3) -> dict:
    """Tiles per second of this model and of the tiny demo model on the same scene, same 256² tiles and
    overlap (median of `repeats` whole runs, no feature cache): what the lite preset costs against tiny."""
    from engine.model import DEMO_MODEL_DIR, load_model
    from engine.pipeline.analyse import analyse
    from engine.pipeline.request import AnalysisRequest

    out: dict = {}
    for name, source in (("model", model_dir), ("tiny_demo", str(DEMO_MODEL_DIR))):
        model = load_model(source)
        times = []
        for _ in range(repeats):
            request = AnalysisRequest(
                earlier=str(XBD / "1_pre.tif"),
                later=str(XBD / "1_post.tif"),
                prompts=[DESTROYED],
                output=str(ROOT / "build" / f"speed-{name}.gpkg"),
                overwrite=True,
                device="cpu",
                tile=256,
                overlap=64,
            )
            t = time.perf_counter()
            result = analyse(request, model=model)
            times.append(time.perf_counter() - t)
        seconds = sorted(times)[len(times) // 2]
        out[name] = {"tiles": result.tiles, "seconds": seconds, "tiles_per_s": result.tiles / seconds}
    out["ratio"] = out["model"]["tiles_per_s"] / out["tiny_demo"]["tiles_per_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--name", default="evaluation", help="output file stem in --work")
    ap.add_argument("--speed-only", action="store_true", help="add only the speed figures to a file")
    args = ap.parse_args(argv)
    if args.speed_only:
        import torch

        torch.set_num_threads(2)
        path = args.work.resolve() / f"{args.name}.json"
        data = json.loads(path.read_text())
        data["speed"] = speed_vs_demo(args.model)
        path.write_text(json.dumps(data, indent=1, default=float))
        print(json.dumps(data["speed"], indent=1))
        return 0
    import torch

    torch.set_num_threads(2)
    work = args.work.resolve()
    runner = Runner(args.model, work / f"{args.name}-runs")
    out: dict = {"model": str(args.model), "heldout": {k: sorted(v) for k, v in HELDOUT.items()}}
    t0 = time.time()

    # 1. xBD held-out scene 1: destroyed buildings, paraphrases, two targets, absent prompts
    pre, post = XBD / "1_pre.tif", XBD / "1_post.tif"
    destroyed_ref = xbd_reference("1", "destroyed")
    intact_ref = xbd_reference("1", "no-damage,minor-damage")
    prompts = [DESTROYED, *PARAPHRASES[DESTROYED], "undamaged buildings", *ABSENT_TORNADO, SEEN_NEGATIVE]
    result, probs, seconds = runner.run(pre, post, prompts)
    masks = {p: probs[i] >= 0.5 for i, p in enumerate(prompts)}
    canonical = iou(masks[DESTROYED], destroyed_ref)
    para = {p: iou(masks[p], destroyed_ref) for p in PARAPHRASES[DESTROYED]}
    out["xbd_destroyed_iou"] = canonical
    out["xbd_destroyed_precision_recall"] = counts(masks[DESTROYED], destroyed_ref).tolist()
    out["paraphrases_xbd"] = {
        "canonical_iou": canonical,
        "iou": para,
        "spread": max(abs(v - canonical) for v in para.values()),
        "mask_iou_with_canonical": {p: iou(masks[p], masks[DESTROYED]) for p in para},
    }
    out["two_targets_xbd"] = {
        "prompts": [DESTROYED, "undamaged buildings"],
        "mask_iou": iou(masks[DESTROYED], masks["undamaged buildings"]),
        "undamaged_iou_vs_intact_reference": iou(masks["undamaged buildings"], intact_ref),
    }
    absent = []
    for p in [*ABSENT_TORNADO, SEEN_NEGATIVE]:
        verdict = (result.presence or {}).get(p, {})
        absent.append(
            {
                "scene": "xbd_1",
                "prompt": p,
                "seen_in_training": p == SEEN_NEGATIVE,
                "present": verdict.get("present"),
                "probability": verdict.get("probability"),
                "flagged_fraction": float(masks[p].mean()),
            }
        )
    out["presence_xbd"] = {p: v for p, v in (result.presence or {}).items()}
    out["seconds_xbd_all_prompts"] = seconds

    # 2. all-changes F1 on every held-out scene with a full change mask; "new buildings" paraphrases
    pooled: dict[str, np.ndarray] = {}
    per_scene = {}
    levir_para = {"canonical": [], **{p: [] for p in PARAPHRASES["new buildings"]}}
    levir_counts = {
        "canonical": np.zeros(3, np.int64),
        **{p: np.zeros(3, np.int64) for p in levir_para if p != "canonical"},
    }
    for scene in scenes(args.shared):
        if not scene.heldout or scene.source in ("xbd", "joplin"):
            continue
        ref = binary_label(scene.labels)
        _, probs_all, _ = runner.run(scene.earlier, scene.later, None)
        c = counts(probs_all[0] >= 0.5, ref)
        group = "levir" if scene.source == "levir" else "other"
        pooled[group] = pooled.get(group, np.zeros(3, np.int64)) + c
        per_scene[scene.key] = {"all_changes_f1": f1(c), "changed_fraction": float(ref.mean())}
        ask = ["new buildings", *PARAPHRASES["new buildings"], *ABSENT_OTHER]
        res, probs_p, _ = runner.run(scene.earlier, scene.later, ask)
        if scene.source in ("levir", "egy"):  # building-change labels: the referring prompts can be scored
            levir_counts["canonical"] += counts(probs_p[0] >= 0.5, ref)
            for i, p in enumerate(PARAPHRASES["new buildings"], start=1):
                levir_counts[p] += counts(probs_p[i] >= 0.5, ref)
        for i, p in enumerate(ABSENT_OTHER, start=1 + len(PARAPHRASES["new buildings"])):
            verdict = (res.presence or {}).get(p, {})
            absent.append(
                {
                    "scene": scene.key,
                    "prompt": p,
                    "seen_in_training": False,
                    "present": verdict.get("present"),
                    "probability": verdict.get("probability"),
                    "flagged_fraction": float((probs_p[i] >= 0.5).mean()),
                }
            )
        per_scene[scene.key]["new_buildings_presence"] = (res.presence or {}).get("new buildings")
    out["all_changes_f1"] = {g: f1(c) for g, c in pooled.items()}
    out["all_changes_per_scene"] = per_scene
    pixel_iou = {p: (c[0] / c.sum() if c.sum() else math.nan) for p, c in levir_counts.items()}
    out["paraphrases_new_buildings"] = {
        "iou": {p: float(v) for p, v in pixel_iou.items()},
        "spread": float(
            max(abs(v - pixel_iou["canonical"]) for p, v in pixel_iou.items() if p != "canonical")
        ),
    }
    unseen = [a for a in absent if not a["seen_in_training"]]
    out["absent_prompts"] = {
        "runs": absent,
        "n_unseen": len(unseen),
        "said_absent_fraction": sum(a["present"] is False for a in unseen) / max(1, len(unseen)),
        "mean_flagged_fraction": float(np.mean([a["flagged_fraction"] for a in unseen])),
        "max_flagged_fraction": float(np.max([a["flagged_fraction"] for a in unseen])),
    }
    out["chips"] = chip_metrics(args.model, work, args.name)
    out["speed"] = speed_vs_demo(args.model)
    out["seconds"] = round(time.time() - t0, 1)
    (work / f"{args.name}.json").write_text(json.dumps(out, indent=1, default=float))
    print(
        json.dumps(
            {k: v for k, v in out.items() if k not in ("absent_prompts", "all_changes_per_scene")},
            indent=1,
            default=float,
        )[:4000]
    )
    a = out["absent_prompts"]
    print(
        f"absent prompts: {a['said_absent_fraction']:.0%} said absent of {a['n_unseen']}, "
        f"flagged mean {a['mean_flagged_fraction']:.2%} max {a['max_flagged_fraction']:.2%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

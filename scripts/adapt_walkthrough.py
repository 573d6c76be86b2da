"""The docs/ADAPT.md walkthrough, reproducible: fine-tune the tiny demo model on xBD Joplin scene 0 and
measure it on scene 1, which no step (training, validation, selection) ever sees. (Not the default lite
model: it saw scene 0 in its own training, so this pair could not show what adapting to new imagery gains.)

    .venv/bin/python scripts/adapt_walkthrough.py --work /tmp/adapt [--minutes 10] [--seed 0]

Runs `mtrs export-training` (scene 0, destroyed buildings, 128² chips: the tiny model's input size) →
`mtrs finetune --from engine/bundled/mtrefseg-r1-tiny-demo` → `mtrs predict` on scene 1 with the starting
and the fine-tuned model → `mtrs assess` of both against scene 1's human labels; writes docs/img/adapt-*.png
and prints the Markdown table of docs/ADAPT.md. Every step is the command a user types; nothing here is
private API."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "engine" / "bundled" / "mtrefseg-r1-tiny-demo"  # the starting model (see the docstring)
XBD = ROOT / "datasets" / "xbd-joplin"
MTRS = [sys.executable, "-m", "engine.cli"]
PROMPT = "buildings destroyed by the tornado"


def mtrs(*args: str) -> float:
    """Run one `mtrs` command, echo it, return its wall time."""
    print("$ mtrs " + " ".join(args), flush=True)
    t = time.perf_counter()
    subprocess.run([*MTRS, *args], check=True, cwd=ROOT)
    return time.perf_counter() - t


def figure(work: Path, out: Path) -> None:
    """earlier | later | reference | starting model | fine-tuned model, on a 512² crop of scene 1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import rasterio
    import shapely
    from osgeo import ogr
    from rasterio.features import rasterize
    from rasterio.windows import Window

    window = Window(256, 256, 512, 512)
    with rasterio.open(XBD / "1_pre.tif") as src:
        pre = np.transpose(src.read(window=window), (1, 2, 0))
        transform = src.window_transform(window)
    with rasterio.open(XBD / "1_post.tif") as src:
        post = np.transpose(src.read(window=window), (1, 2, 0))
    ds = ogr.Open(str(XBD / "1_buildings.gpkg"))
    layer = ds.GetLayer(0)
    layer.SetAttributeFilter("subtype = 'destroyed'")
    geoms = [shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb())) for f in layer]
    reference = rasterize([(g, 1) for g in geoms], out_shape=(512, 512), transform=transform).astype(bool)
    panels = [("earlier (before the tornado)", pre, None), ("later (after it)", post, None)]
    panels.append(("reference: destroyed (human)", post, reference))
    for name, label in (("start", "tiny demo model"), ("tuned", "fine-tuned model")):
        with rasterio.open(work / f"{name}.tif") as src:
            prob = src.read(1, window=window)
        panels.append((f"{label}: \u201c{PROMPT}\u201d", post, prob >= 0.5))
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.3))
    for ax, (title, image, mask) in zip(axes, panels, strict=True):
        ax.imshow(image)
        if mask is not None:
            overlay = np.zeros((*mask.shape, 4))
            overlay[mask] = (1.0, 0.1, 0.1, 0.5)
            ax.imshow(overlay)
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    print(f"figure -> {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", type=Path, default=ROOT / "docs" / "img" / "adapt-joplin.png")
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    data, model = work / "export", work / "model"
    mtrs(
        "export-training",
        str(XBD / "0_pre.tif"),
        str(XBD / "0_post.tif"),
        "--labels",
        str(XBD / "0_buildings.gpkg"),
        "--class-field",
        "subtype",
        "--where",
        "subtype = 'destroyed'",
        "--kinds",
        "class,negative,description",
        "--negatives",
        "1",
        "--chip",
        "128",
        "--seed",
        str(args.seed),
        "--licence",
        "xBD (xView2): CC BY-NC-SA 4.0, non-commercial research use",
        "-o",
        str(data),
        "--overwrite",
    )
    minutes = (
        mtrs(
            "finetune",
            str(data),
            "--from",
            str(DEMO),
            "-o",
            str(model),
            "--minutes",
            str(args.minutes),
            "--seed",
            str(args.seed),
            "--overwrite",
        )
        / 60
    )
    # the whole held-out scene: the reference layer's polygons alone would only cover their bounding box
    import rasterio

    with rasterio.open(XBD / "1_pre.tif") as src:
        extent = ",".join(f"{v:.7f}" for v in src.bounds)
    rows = {}
    for name, source in (("start", str(DEMO)), ("tuned", str(model))):
        predict = [
            "predict",
            str(XBD / "1_pre.tif"),
            str(XBD / "1_post.tif"),
            "--prompt",
            PROMPT,
            "-o",
            str(work / f"{name}.gpkg"),
            "--probabilities",
            str(work / f"{name}.tif"),
            "--overwrite",
            "--quiet",
        ]
        mtrs(*predict, *(["--model", source] if source else []))
        mtrs(
            "assess",
            str(work / f"{name}.gpkg"),
            str(XBD / "1_buildings.gpkg"),
            "--where",
            "subtype = 'destroyed'",
            f"--extent={extent}",  # "=": the value starts with a minus sign
            "--extent-crs",
            "EPSG:4326",
            "-o",
            str(work / f"{name}-assessment.md"),
            "--errors",
            str(work / f"{name}-errors.gpkg"),
            "--json",
            str(work / f"{name}.json"),
            "--background",
            str(XBD / "1_post.tif"),
            "--overwrite",
            "--quiet",
        )
        rows[name] = json.loads((work / f"{name}.json").read_text())
    figure(work, args.figure)
    card = json.loads((model / "finetune.json").read_text())
    training = json.dumps(card.get("training", {}))
    print(f"\nfine-tuning: {minutes:.1f} min wall on this machine; summary: {training}\n")
    print("| model | pixel IoU | precision | recall | F1 | objects TP / FP / FN (IoU ≥ 0.5) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, label in (("start", "tiny demo model (the start)"), ("tuned", "fine-tuned on scene 0")):
        p, o = rows[name]["pixel"], rows[name]["objects"]
        print(
            f"| {label} | {p['iou']:.3f} | {p['precision']:.3f} | {p['recall']:.3f} | {p['f1']:.3f} "
            f"| {o['tp']} / {o['fp']} / {o['fn']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

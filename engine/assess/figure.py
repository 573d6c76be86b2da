"""The PNG figure of an assessment: where prediction and reference agree or not, and the object counts.

Left: every pixel of the grid coloured by outcome — TP green, FP orange, FN blue, no data grey, agreement on
"no change" transparent — over the optional background raster, with the FP/FN objects outlined (small ones
stay visible when the map is scaled down). Right: object counts per reference class (matched / missed) and per
prompt (matched / false).
"""

from __future__ import annotations

import math

import numpy as np

from engine.assess.grid import AnalysisGrid
from engine.assess.object_metrics import ObjectMetrics
from engine.assess.pixels import PixelMetrics
from engine.assess.result import pct

COLOURS = {  # RGBA 0..1
    "tp": (0.0, 0.67, 0.2, 0.75),
    "fp": (1.0, 0.55, 0.0, 0.8),
    "fn": (0.12, 0.43, 1.0, 0.8),
    "nodata": (0.55, 0.55, 0.55, 0.6),
}
MAX_SIDE = 1200  # pixels of the map panel's image


def figure_step(grid: AnalysisGrid) -> int:
    return max(1, math.ceil(max(grid.width, grid.height) / MAX_SIDE))


def write_figure(
    path: str,
    grid: AnalysisGrid,
    outcome: np.ndarray,
    step: int,
    pixel: PixelMetrics,
    objects: ObjectMetrics,
    error_geoms: dict[str, list],
    background: str | None = None,
) -> None:
    """`outcome`: categories (0 TN, 1 TP, 2 FP, 3 FN, 255 no data) of every `step`-th grid pixel;
    `error_geoms`: {"fp": [...], "fn": [...]} polygons in the grid CRS."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Patch

    h, w = outcome.shape
    fig, (ax_map, ax_bar) = plt.subplots(
        1, 2, figsize=(14, 7), dpi=100, gridspec_kw={"width_ratios": [1.6, 1]}
    )
    aspect = grid.pixel_size[1] / grid.pixel_size[0]  # non-square pixels keep the ground's proportions
    if background:
        ax_map.imshow(_background_rgb(background, grid, step, (h, w)), interpolation="nearest", aspect=aspect)
    else:
        ax_map.imshow(np.full((h, w, 3), 0.97), interpolation="nearest", aspect=aspect)
    rgba = np.zeros((h, w, 4), dtype=np.float32)
    for code, key in ((1, "tp"), (2, "fp"), (3, "fn"), (255, "nodata")):
        rgba[outcome == code] = COLOURS[key]
    ax_map.imshow(rgba, interpolation="nearest", aspect=aspect)
    inverse = ~grid.transform
    for key in ("fp", "fn"):
        segments = []
        for geom in error_geoms.get(key, []):
            for poly in getattr(geom, "geoms", [geom]):
                coords = np.asarray(poly.exterior.coords)
                cols, rows = inverse @ (coords[:, 0], coords[:, 1])
                segments.append(
                    np.column_stack([np.asarray(cols) / step - 0.5, np.asarray(rows) / step - 0.5])
                )
        if segments:
            ax_map.add_collection(LineCollection(segments, colors=[COLOURS[key][:3]], linewidths=0.9))
    ax_map.set_xlim(-0.5, w - 0.5)
    ax_map.set_ylim(h - 0.5, -0.5)
    ax_map.set_axis_off()
    ax_map.set_title(
        f"pixels: IoU {pct(pixel.iou)}, precision {pct(pixel.precision)}, recall {pct(pixel.recall)}",
        fontsize=11,
    )
    ax_map.legend(
        handles=[
            Patch(color=COLOURS["tp"], label="TP: change in both"),
            Patch(color=COLOURS["fp"], label="FP: predicted only"),
            Patch(color=COLOURS["fn"], label="FN: reference only (missed)"),
        ],
        loc="lower left",
        fontsize=8,
        framealpha=0.85,
    )
    _bars(ax_bar, objects)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def _bars(ax, objects: ObjectMetrics) -> None:
    from matplotlib.patches import Patch

    labels, good, bad, bad_colour = [], [], [], []
    for cls, row in objects.per_class.items():
        labels.append(f"class: {cls}")
        good.append(row["tp"])
        bad.append(row["fn"])
        bad_colour.append(COLOURS["fn"])
    for prompt, row in objects.per_prompt.items():
        labels.append(f"prompt: {_short(prompt)}")
        good.append(row["tp"])
        bad.append(row["fp"])
        bad_colour.append(COLOURS["fp"])
    y = np.arange(len(labels))
    ax.barh(y, good, color=COLOURS["tp"])
    ax.barh(y, bad, left=good, color=bad_colour)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("objects")
    ax.set_title(
        f"objects (IoU ≥ {objects.min_iou:g}, one-to-one): "
        f"TP {objects.tp}, FP {objects.fp}, FN {objects.fn}\n"
        f"precision {pct(objects.precision)}, recall {pct(objects.recall)}, F1 {pct(objects.f1)}",
        fontsize=11,
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        handles=[
            Patch(color=COLOURS["tp"], label="TP: matched"),
            Patch(color=COLOURS["fn"], label="FN: reference object missed"),
            Patch(color=COLOURS["fp"], label="FP: predicted object without a match"),
        ],
        loc="lower right",
        fontsize=8,
        framealpha=0.85,
    )
    if not labels:
        ax.text(0.5, 0.5, "no objects on either side", ha="center", va="center", transform=ax.transAxes)


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _background_rgb(path: str, grid: AnalysisGrid, step: int, shape: tuple[int, int]) -> np.ndarray:
    """The first three bands (or one, as grey) of `path` on the figure's grid, stretched 1–99 %."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.transform import Affine
    from rasterio.warp import reproject

    transform = grid.transform @ Affine.scale(step)
    with rasterio.open(path) as ds:
        bands = [1, 2, 3] if ds.count >= 3 else [1]
        data = np.full((len(bands), *shape), np.nan, dtype=np.float32)
        for k, b in enumerate(bands):
            reproject(
                source=rasterio.band(ds, b),
                destination=data[k],
                src_nodata=ds.nodata,
                dst_transform=transform,
                dst_crs=grid.crs,
                dst_nodata=np.nan,
                init_dest_nodata=True,
                resampling=Resampling.bilinear,
            )
    if len(bands) == 1:
        data = np.repeat(data, 3, axis=0)
    finite = data[np.isfinite(data)]
    lo, hi = np.percentile(finite, [1, 99]) if finite.size else (0.0, 1.0)
    rgb = np.clip((data - lo) / max(hi - lo, 1e-6), 0, 1)
    rgb[~np.isfinite(rgb)] = 1.0
    return rgb.transpose(1, 2, 0)

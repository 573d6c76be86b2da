"""A picture a person can check at a glance: earlier | later | later with the result outlined.
Used by the demo and handy after any `mtrs predict` run. Reads the vector output back from disk, so it
shows what was written, not what the pipeline meant to write."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _read_rgb(path: Path, max_side: int = 1024) -> tuple[np.ndarray, object, float]:
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(path) as src:
        scale = min(1.0, max_side / max(src.width, src.height))
        shape = (min(3, src.count), max(1, round(src.height * scale)), max(1, round(src.width * scale)))
        bands = list(range(1, shape[0] + 1))
        data = src.read(bands, out_shape=shape, resampling=Resampling.bilinear).astype(np.float32)
        transform = src.transform * src.transform.scale(src.width / shape[2], src.height / shape[1])
    if data.shape[0] == 1:
        data = np.repeat(data, 3, axis=0)
    lo, hi = np.percentile(data, [1, 99])
    rgb = np.clip((data - lo) / max(hi - lo, 1e-6), 0, 1).transpose(1, 2, 0)
    return rgb, transform, scale


def _read_polygons(vector: Path) -> list:
    from osgeo import ogr
    from shapely import wkb

    ds = ogr.Open(str(vector))
    if ds is None:
        return []
    layer = ds.GetLayer(0)
    return [wkb.loads(bytes(f.GetGeometryRef().ExportToWkb())) for f in layer if f.GetGeometryRef()]


def write_preview(earlier: Path, later: Path, vector: Path, out_png: Path, title: str = "") -> Path:
    """Write a three-panel PNG. The vector must be in the earlier raster's CRS (the pipeline's default)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rgb_a, transform, _ = _read_rgb(Path(earlier))
    rgb_b, _, _ = _read_rgb(Path(later))
    inverse = ~transform
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.4), dpi=100)
    for ax, img, label in zip(axes, (rgb_a, rgb_b, rgb_b), ("earlier", "later", "result"), strict=True):
        ax.imshow(img)
        ax.set_title(label)
        ax.set_axis_off()
    polygons = _read_polygons(Path(vector))
    for geom in polygons:
        for poly in getattr(geom, "geoms", [geom]):
            rings = [poly.exterior, *poly.interiors]
            for ring in rings:
                xs, ys = zip(*[inverse * (x, y) for x, y, *_ in ring.coords], strict=True)
                axes[2].plot(xs, ys, color="#ff2d2d", linewidth=1.4)
    axes[2].set_title(f"result: {len(polygons)} polygons")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png)
    plt.close(fig)
    return out_png

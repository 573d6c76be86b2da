"""The plain script an ML developer would write instead of `mtrs predict`: `mtrs bench pipeline`'s yardstick.

Windowed rasterio reads of both dates, a 1×1 convolution per 512² tile (64 px overlap; each tile keeps its
centre), the probability and the thresholded mask written with rasterio (the input's profile: tiled, DEFLATE;
`compress=False`: uncompressed), then GDAL's Polygonize of the mask into a GeoPackage. The convolution
computes the null model's logits (mean RGB of the later date − the earlier − 40): both find the same
polygons.

    .venv/bin/python bench/baseline_rasterio_torch.py earlier.tif later.tif out.gpkg
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import rasterio
import torch
from osgeo import gdal, ogr
from rasterio.windows import Window


def starts(n: int, tile: int, step: int) -> list[int]:
    out = [0]
    while out[-1] + tile < n:
        out.append(out[-1] + step)
    return out


def baseline(
    earlier: str, later: str, out_gpkg: str, tile: int = 512, overlap: int = 64, compress: bool = True
) -> int:
    """Writes OUT_prob.tif, OUT_mask.tif and the polygons OUT (GeoPackage); returns the polygon count."""
    conv = torch.nn.Conv2d(6, 1, kernel_size=1)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([-1.0, -1, -1, 1, 1, 1]).view(1, 6, 1, 1) / 3)
        conv.bias.fill_(-40.0)
    stem, step, half = os.path.splitext(out_gpkg)[0], tile - overlap, overlap // 2
    with rasterio.open(earlier) as a, rasterio.open(later) as b:
        profile = dict(a.profile, count=1, dtype="float32")
        if not compress:
            profile.pop("compress", None)
        with (
            rasterio.open(f"{stem}_prob.tif", "w", **profile) as prob,
            rasterio.open(f"{stem}_mask.tif", "w", **dict(profile, dtype="uint8", nodata=0)) as mask,
        ):
            for r in starts(a.height, tile, step):
                for c in starts(a.width, tile, step):
                    win = Window(c, r, min(tile, a.width - c), min(tile, a.height - r))
                    x = torch.from_numpy(np.concatenate([a.read(window=win), b.read(window=win)]))
                    with torch.no_grad():
                        p = torch.sigmoid(conv(x.float()[None]))[0, 0].numpy()
                    top, left = (0 if r == 0 else half), (0 if c == 0 else half)
                    bottom = win.height if r + tile >= a.height else step + half
                    right = win.width if c + tile >= a.width else step + half
                    core = p[top:bottom, left:right]
                    out = Window(c + left, r + top, right - left, bottom - top)
                    prob.write(core, 1, window=out)
                    mask.write((core >= 0.5).astype(np.uint8), 1, window=out)
    src = gdal.Open(f"{stem}_mask.tif")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(out_gpkg)
    layer = ds.CreateLayer("changes", srs=src.GetSpatialRef(), geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("value", ogr.OFTInteger))
    band = src.GetRasterBand(1)
    gdal.Polygonize(band, band, layer, 0)
    n = layer.GetFeatureCount()
    ds = src = None  # closes both (GDAL's Python idiom)
    return n


if __name__ == "__main__":
    t = time.perf_counter()
    n = baseline(*sys.argv[1:4])
    print(f"{n} polygon(s) in {time.perf_counter() - t:.2f} s")

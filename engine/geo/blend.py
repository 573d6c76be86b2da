"""Blend overlapping tile predictions, one row of tiles at a time, into strips handed to sinks.

Why rows: memory must stay flat in the raster size (DESIGN decision 4, anchors T3). Tiles arrive in
row-major order; only a strip one tile high × region wide is kept in RAM. When the next row of tiles starts at
row y', every accumulated row above y' is final (no later tile touches it): it is divided by its summed weight
and handed to a sink (the streaming polygoniser, and the probability raster writer when one was requested),
and the strip is shifted up. No temporary full-scene raster is written or read back.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning
from rasterio.transform import Affine
from rasterio.windows import Window

from engine.geo.tiling import TileGrid, weight_window

PROB_NODATA = -1.0


def create_probability_raster(
    path: str, width: int, height: int, bands: int, crs: CRS | None, transform: Affine, dtype: str = "float32"
):
    """Tiled, DEFLATE-compressed GeoTIFF: float32 probabilities with nodata = -1 where no valid input existed
    (or, `dtype="uint8"`, an 8-bit image later copied to PNG for plain images: no georeference then)."""
    kw = {"nodata": PROB_NODATA, "predictor": 3} if dtype == "float32" else {"predictor": 2}
    with warnings.catch_warnings():  # plain images (crs None) have no geotransform, by design
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        return rasterio.open(
            path,
            "w",
            driver="GTiff",
            width=width,
            height=height,
            count=bands,
            dtype=dtype,
            crs=crs,
            transform=transform,
            tiled=True,
            blockxsize=256,
            blockysize=256,
            compress="deflate",
            BIGTIFF="IF_SAFER",
            **kw,
        )


StripSink = Callable[[int, np.ndarray], None]  # (region row of the strip's top, bands×rows×width)


class StripBlender:
    """Accumulates weight × probability for the current row of tiles and hands finished rows to `sink`.

    The sink gets each finished strip exactly once, top to bottom (it may keep the array: a fresh one is made
    per flush). The pipeline's sink polygonises the strip and, if asked, writes it to the probability raster.
    """

    def __init__(self, sink: StripSink, grid: TileGrid, bands: int):
        self.sink = sink
        self.grid = grid
        self.bands = bands
        self.window = weight_window(grid.tile, grid.overlap)
        self.rows = min(grid.tile, grid.height)
        self.num = np.zeros((bands, self.rows, grid.width), dtype=np.float32)
        self.den = np.zeros((self.rows, grid.width), dtype=np.float32)
        self.top = 0  # region row of strip row 0
        self.written = 0  # region rows already flushed
        self.valid_pixels = 0  # pixels that had valid input in both dates (all-nodata input: 0)

    def add(self, window: Window, probs: np.ndarray, valid: np.ndarray | None) -> None:
        """probs: bands×h×w in [0, 1] for `window` (region coordinates); valid: h×w bool, None = all valid.
        `probs` is used as scratch space (multiplied by the weights in place): pass an array you own."""
        r0, c0 = int(window.row_off) - self.top, int(window.col_off)
        h, w = probs.shape[-2:]
        if r0 < 0 or r0 + h > self.rows:
            raise RuntimeError("tiles must arrive in row-major order")  # programming error, not user error
        wgt = self.window[:h, :w] if valid is None else self.window[:h, :w] * valid
        probs *= wgt  # in place: no temporary per tile
        self.num[:, r0 : r0 + h, c0 : c0 + w] += probs
        self.den[r0 : r0 + h, c0 : c0 + w] += wgt

    def advance(self, next_top: int) -> None:
        """Flush rows [top, next_top) and shift the strip so that it starts at `next_top`."""
        n = next_top - self.top
        if n <= 0:
            return
        self._flush(n)
        keep = self.rows - n
        self.num[:, :keep] = self.num[:, n:]  # overlapping copy: numpy handles the overlap correctly
        self.num[:, keep:] = 0
        self.den[:keep] = self.den[n:]
        self.den[keep:] = 0
        self.top = next_top

    def finish(self) -> None:
        """Flush everything still in the strip."""
        self._flush(min(self.rows, self.grid.height - self.top))

    def _flush(self, n: int) -> None:
        den = self.den[:n]
        out = np.empty((self.bands, n, self.grid.width), dtype=np.float32)  # fresh: the sink may keep it
        covered = den > 0
        if covered.all():  # the usual case: no `where=` (a masked ufunc is several times slower)
            np.divide(self.num[:, :n], den, out=out)
            self.valid_pixels += covered.size
        else:
            out.fill(PROB_NODATA)
            np.divide(self.num[:, :n], den, out=out, where=covered[None])
            self.valid_pixels += int(np.count_nonzero(covered))
        self.sink(self.top, out)
        self.written = self.top + n


class ProbabilityWriter:
    """Strip sink writing into an open probability raster (only when the user asked for the raster).

    `byte`: None writes the float probabilities; "probability" writes them as 0–255 (nodata → 0), "mask"
    writes 255 where the probability reaches `threshold`, else 0 (8-bit images of plain-image pairs)."""

    def __init__(self, dst, byte: str | None = None, threshold: float = 0.5):
        self.dst, self.byte, self.threshold = dst, byte, threshold

    def __call__(self, top: int, strip: np.ndarray) -> None:
        if self.byte == "mask":
            strip = np.where(strip >= self.threshold, 255, 0).astype(np.uint8)
        elif self.byte == "probability":
            strip = np.rint(np.clip(strip, 0.0, 1.0) * 255.0).astype(np.uint8)
        self.dst.write(strip, window=Window(0, top, strip.shape[2], strip.shape[1]))

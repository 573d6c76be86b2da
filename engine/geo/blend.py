"""Blend overlapping tile predictions, one row of tiles at a time, into strips handed to sinks.

Why rows: memory must stay flat in the raster size (big scenes must not run out of memory). Tiles arrive in
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

    Why the weight sums are usually not accumulated: where every tile is all valid (the usual case), the sum
    of weights of a strip depends only on where the tiles were placed, and every full row of tiles places them
    alike. Such a strip's sums are computed once, by replaying the same additions in the same order (so bit
    for bit what accumulating them would give), and reused for every row with the same placements: a third
    of the per-tile work (and the strip's shift) is saved. A tile with invalid pixels switches to explicit
    sums until two rows later, when nothing of it is left in the strip.
    """

    def __init__(self, sink: StripSink, grid: TileGrid, bands: int):
        self.sink = sink
        self.grid = grid
        self.bands = bands
        self.window = weight_window(grid.tile, grid.overlap)
        self.rows = min(grid.tile, grid.height)
        self.num = np.zeros((bands, self.rows, grid.width), dtype=np.float32)
        self.den: np.ndarray | None = None  # explicit weight sums (allocated when first needed)
        self.top = 0  # region row of strip row 0
        self.written = 0  # region rows already flushed
        self.valid_pixels = 0  # pixels that had valid input in both dates (all-nodata input: 0)
        # weight sums by placements: while `_by_placement`, the strip's sums are those of replaying `_carry`
        # (the previous row's placements and the shift after it; None: nothing carried) then `_placed`
        self._by_placement = True
        self._carry: tuple | None = None
        self._placed: list[tuple[int, int, int, int]] = []  # (row, col, h, w) of this row's all-valid tiles
        self._row_all_valid = True
        self._carried_rows = 0  # strip rows holding sums of earlier rows of tiles when this row started
        self._memo: tuple[tuple, np.ndarray] | None = None  # (placement key, sums) of the last replay

    def add(self, window: Window, probs: np.ndarray, valid: np.ndarray | None) -> None:
        """probs: bands×h×w in [0, 1] for `window` (region coordinates); valid: h×w bool, None = all valid.
        `probs` is used as scratch space (multiplied by the weights in place): pass an array you own."""
        r0, c0 = int(window.row_off) - self.top, int(window.col_off)
        h, w = probs.shape[-2:]
        if r0 < 0 or r0 + h > self.rows:
            raise RuntimeError("tiles must arrive in row-major order")  # programming error, not user error
        if valid is None:
            wgt = self.window[:h, :w]
            self._placed.append((r0, c0, h, w))
        else:
            wgt = self.window[:h, :w] * valid
            self._row_all_valid = False
            if self._by_placement:
                self._make_explicit()
        probs *= wgt  # in place: no temporary per tile
        self.num[:, r0 : r0 + h, c0 : c0 + w] += probs
        if not self._by_placement:
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
        # the sums kept are those of this row's placements alone when every tile of it was all valid and the
        # rows carried into it from earlier rows have all been flushed now
        if self._row_all_valid and self._carried_rows <= n:
            self._by_placement = True
            self._carry = (tuple(self._placed), n)
        else:
            if self._by_placement:
                self._make_explicit()
            self.den[:keep] = self.den[n:]
            self.den[keep:] = 0
        self._carried_rows = keep
        self._placed = []
        self._row_all_valid = True
        self.top = next_top

    def finish(self) -> None:
        """Flush everything still in the strip."""
        self._flush(min(self.rows, self.grid.height - self.top))

    def _sums(self) -> np.ndarray:
        """The strip's weight sums (explicit, or replayed from the placements: the last replay is kept)."""
        if not self._by_placement:
            return self.den
        key = (self._carry, tuple(self._placed))
        if self._memo is None or self._memo[0] != key:
            self._memo = None  # free the old sums before making new ones
            self._memo = (key, self._replay(*key))
        return self._memo[1]

    def _replay(self, carry: tuple | None, placed: tuple) -> np.ndarray:
        """The additions (and the shift) `add` and `advance` would have made, in the same order."""
        den = np.zeros((self.rows, self.grid.width), dtype=np.float32)
        if carry is not None:
            carry_placed, n = carry
            for r0, c0, h, w in carry_placed:
                den[r0 : r0 + h, c0 : c0 + w] += self.window[:h, :w]
            keep = self.rows - n
            den[:keep] = den[n:]
            den[keep:] = 0
        for r0, c0, h, w in placed:
            den[r0 : r0 + h, c0 : c0 + w] += self.window[:h, :w]
        return den

    def _make_explicit(self) -> None:
        sums = self._sums()
        if self.den is None:
            self.den = np.empty_like(sums)
        np.copyto(self.den, sums)
        self._by_placement = False

    def _flush(self, n: int) -> None:
        den = self._sums()[:n]
        out = np.empty((self.bands, n, self.grid.width), dtype=np.float32)  # fresh: the sink may keep it
        # the usual case, every pixel covered, is found by one reduction (no boolean mask) and divided without
        # `where=` (a masked ufunc is several times slower); weights are never NaN
        if den.size and den.min() > 0:
            np.divide(self.num[:, :n], den, out=out)
            self.valid_pixels += den.size
        else:
            covered = den > 0
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

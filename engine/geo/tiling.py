"""Tile grid over the analysis region and the blending weights that remove seams between overlapping tiles.

Why a cosine ramp: a model's prediction is least reliable near a tile's border (little context). Weighting
each tile by a window that falls towards its borders over the overlap width, accumulating weight × probability
and dividing by the summed weights, gives a smooth, seam-free mosaic in which every pixel is mostly decided by
the tile that sees it best. The floor keeps region-edge pixels (seen by one tile only) exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rasterio.windows import Window

WEIGHT_FLOOR = 1e-3


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of size `tile` covering [0, length) with at least `overlap` px shared; the last
    tile is shifted back to end exactly at `length` (no padding unless length < tile)."""
    if length <= tile:
        return [0]
    stride = max(1, tile - overlap)
    n = math.ceil((length - tile) / stride) + 1
    starts = [min(i * stride, length - tile) for i in range(n)]
    return sorted(set(starts))


@dataclass(frozen=True)
class TileGrid:
    """All tiles of a region, in row-major order, grouped in rows (for the row-strip blender)."""

    width: int
    height: int
    tile: int
    overlap: int

    @property
    def col_starts(self) -> list[int]:
        return tile_starts(self.width, self.tile, self.overlap)

    @property
    def row_starts(self) -> list[int]:
        return tile_starts(self.height, self.tile, self.overlap)

    def __len__(self) -> int:
        return len(self.col_starts) * len(self.row_starts)

    def windows(self) -> list[tuple[int, int, Window]]:
        """(row index, col index, window clipped to the region); the model input is padded to `tile`."""
        out = []
        for ri, r in enumerate(self.row_starts):
            for ci, c in enumerate(self.col_starts):
                out.append(
                    (ri, ci, Window(c, r, min(self.tile, self.width - c), min(self.tile, self.height - r)))
                )
        return out

    def key(self) -> tuple[int, int, int, int]:
        return (self.width, self.height, self.tile, self.overlap)


def ramp(size: int, overlap: int) -> np.ndarray:
    """1-D weights: raised cosine from WEIGHT_FLOOR to 1 over `overlap` px at both ends, 1 in the middle."""
    if overlap <= 0:
        return np.ones(size, dtype=np.float32)
    d = np.minimum(np.arange(size), np.arange(size)[::-1]).astype(np.float64) + 0.5
    w = 0.5 - 0.5 * np.cos(np.pi * np.clip(d / overlap, 0.0, 1.0))
    return np.maximum(w, WEIGHT_FLOOR).astype(np.float32)


def weight_window(tile: int, overlap: int) -> np.ndarray:
    """2-D separable blending window (tile × tile)."""
    r = ramp(tile, overlap)
    return np.outer(r, r)

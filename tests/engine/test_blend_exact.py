"""The strip blender gives, bit for bit, what blending the whole raster at once gives: per pixel the same sums
in the same order (tile arrival order), divided once. Its fast paths (shared weight sums of all-valid rows of
tiles) must never change a single bit of the probabilities (nor the valid-pixel count)."""

from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from engine.geo.blend import PROB_NODATA, StripBlender
from engine.geo.tiling import TileGrid, weight_window


def whole_raster_blend(grid: TileGrid, tiles: list) -> np.ndarray:
    bands = tiles[0][1].shape[0]
    num = np.zeros((bands, grid.height, grid.width), np.float32)
    den = np.zeros((grid.height, grid.width), np.float32)
    window = weight_window(grid.tile, grid.overlap)
    for (r, c), probs, valid in tiles:
        h, w = probs.shape[1:]
        wgt = window[:h, :w] if valid is None else window[:h, :w] * valid
        num[:, r : r + h, c : c + w] += probs * wgt
        den[r : r + h, c : c + w] += wgt
    out = np.full(num.shape, PROB_NODATA, np.float32)
    np.divide(num, den, out=out, where=den[None] > 0)
    return out


def strip_blend(grid: TileGrid, tiles: list) -> tuple[np.ndarray, int]:
    strips = []
    blender = StripBlender(lambda top, s: strips.append((top, s)), grid, tiles[0][1].shape[0])
    row = None
    for (r, c), probs, valid in tiles:
        if r != row:
            blender.advance(r)
            row = r
        blender.add(Window(c, r, probs.shape[2], probs.shape[1]), probs.copy(), valid)
    blender.finish()
    tops = [t for t, _ in strips]
    assert tops == sorted(tops) and tops[0] == 0
    out = np.concatenate([s for _, s in strips], axis=1)
    assert out.shape[1] == grid.height
    return out, blender.valid_pixels


def make_tiles(grid: TileGrid, bands: int, masked_rows: set, seed: int) -> list:
    rng = np.random.default_rng(seed)
    tiles = []
    for ri, r in enumerate(grid.row_starts):
        for ci, c in enumerate(grid.col_starts):
            h, w = min(grid.tile, grid.height - r), min(grid.tile, grid.width - c)
            probs = rng.random((bands, h, w), dtype=np.float32)
            valid = None
            if ri in masked_rows and ci % 2 == 0:
                valid = rng.random((h, w)) > (1.0 if ci % 4 == 0 else 0.3)  # all invalid, or 70 % valid
            tiles.append(((r, c), probs, valid))
    return tiles


@pytest.mark.parametrize(
    ("width", "height", "tile", "overlap", "bands", "masked_rows"),
    [
        (700, 900, 128, 32, 1, set()),  # all valid: the fast path throughout
        (700, 900, 128, 32, 2, {3}),  # one masked row in the middle: leaves the fast path and comes back
        (700, 900, 128, 48, 1, {0, 6}),  # masked first and last rows
        (300, 260, 128, 80, 1, {1}),  # overlap above half a tile: three rows of tiles overlap
        (100, 90, 128, 16, 1, set()),  # one tile bigger than the raster
        (513, 385, 64, 16, 2, {2, 3}),
    ],
)
def test_strip_blender_equals_whole_raster_blend_bit_for_bit(
    width, height, tile, overlap, bands, masked_rows
) -> None:
    grid = TileGrid(width, height, tile, overlap)
    tiles = make_tiles(grid, bands, masked_rows, seed=width + overlap)
    expected = whole_raster_blend(grid, tiles)
    got, valid_pixels = strip_blend(grid, tiles)
    assert np.array_equal(got, expected)
    assert valid_pixels == int(np.count_nonzero(expected[0] != PROB_NODATA))


def test_all_valid_rows_never_accumulate_weight_sums() -> None:
    """The fast path is taken: with every tile all valid, no explicit weight-sum strip is ever made, and one
    replay serves every full row."""
    grid = TileGrid(700, 8 * 96 + 128, 128, 32)  # rows of tiles 96 px apart down to the last
    assert len(set(np.diff(grid.row_starts))) == 1
    blender = StripBlender(lambda top, s: None, grid, 1)
    replays = []
    real_replay = blender._replay
    blender._replay = lambda *a: replays.append(a) or real_replay(*a)
    for (r, c), probs, valid in make_tiles(grid, 1, set(), seed=1):
        if c == 0:
            blender.advance(r)
        blender.add(Window(c, r, probs.shape[2], probs.shape[1]), probs, valid)
    blender.finish()
    assert blender.den is None
    assert len(replays) == 2  # the first row (nothing carried), then one for every row after it

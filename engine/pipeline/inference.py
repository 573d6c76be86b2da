"""Tile-batched inference with feature caching and out-of-memory back-off, feeding the strip blender.

Why here and not in the model: batching, caching and OOM handling depend on the raster (tile grid, validity
masks), not on the network; the model only sees ready-made, normalised B×3×T×T tensors (INTERFACES §1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from rasterio.windows import Window

from engine.errors import Cancelled, OutOfMemory
from engine.geo.align import AlignedPair
from engine.geo.blend import StripBlender
from engine.geo.normalise import Stretch
from engine.geo.tiling import TileGrid
from engine.pipeline.cache import FeatureCache
from engine.pipeline.device import autocast, is_oom

ALL_CHANGES = None  # a head value meaning "stage-1 all-changes head" instead of a prompt


@dataclass
class InferenceStats:
    tiles: int = 0
    cache_hits: int = 0
    batch_size: int = 0
    oom_backoffs: int = 0


def _imagenet(x: np.ndarray) -> torch.Tensor:
    from engine.model.preprocess import normalise

    return normalise(torch.from_numpy(x))


def _prepare(pair: AlignedPair, stretch: Stretch, window: Window, tile: int):
    """Read, stretch and zero-pad one tile; invalid pixels are black in BOTH dates (no fake change)."""
    earlier, later, valid = pair.read(window)
    e = stretch.apply(earlier)
    l_ = stretch.apply(later)
    e[:, ~valid] = 0.0
    l_[:, ~valid] = 0.0
    h, w = valid.shape
    if (h, w) != (tile, tile):
        pe = np.zeros((3, tile, tile), np.float32)
        pl = np.zeros((3, tile, tile), np.float32)
        pe[:, :h, :w] = e
        pl[:, :h, :w] = l_
        e, l_ = pe, pl
    return e, l_, valid


def run_tiles(
    model,
    pair: AlignedPair,
    stretch: Stretch,
    grid: TileGrid,
    heads: list[str | None],
    blender: StripBlender,
    device: torch.device,
    batch_size: int,
    pair_key: tuple,
    cache: FeatureCache | None,
    progress: Callable[[int, int, str], None] | None,
    cancel: Callable[[], bool] | None,
) -> InferenceStats:
    """Predict every tile for every head (prompt or ALL_CHANGES); blend into `blender` (one band per head)."""
    windows = grid.windows()
    total = len(windows)
    stats = InferenceStats(tiles=total, batch_size=batch_size)
    bs = batch_size
    i = 0
    current_row = 0
    while i < total:
        if cancel is not None and cancel():
            raise Cancelled("analysis cancelled")
        chunk = windows[i : i + bs]
        tiles = [_prepare(pair, stretch, w, grid.tile) for _, _, w in chunk]
        keys = [(pair_key, ri, ci) for ri, ci, _ in chunk]
        try:
            probs, hits = _predict(model, tiles, keys, heads, device, cache)
        except Exception as exc:
            if not is_oom(exc):
                raise
            if device.type == "cuda":
                torch.cuda.empty_cache()
            if bs == 1:
                raise OutOfMemory(
                    f"out of memory on {device} even with a batch of one {grid.tile}×{grid.tile} tile",
                    hint="use a smaller --tile, --device cpu, or close other programs using the GPU",
                ) from None
            bs = max(1, bs // 2)
            stats.oom_backoffs += 1
            stats.batch_size = bs
            continue
        stats.cache_hits += hits
        for (ri, _ci, window), (_e, _l, valid), p in zip(chunk, tiles, probs, strict=True):
            if ri != current_row:
                blender.advance(grid.row_starts[ri])
                current_row = ri
            h, w = valid.shape
            blender.add(window, p[:, :h, :w], valid)
        i += len(chunk)
        if progress is not None:
            progress(i, total, f"tile {i}/{total}")
    blender.finish()
    return stats


def _predict(model, tiles, keys, heads, device, cache) -> tuple[list[np.ndarray], int]:
    """Probabilities (len(heads)×T×T per tile) for one batch; features from the cache when all are there."""
    cached = [cache.get(k) for k in keys] if cache is not None else [None]
    hits = 0
    with torch.inference_mode(), autocast(device):
        if cache is not None and all(c is not None for c in cached):
            feats = type(cached[0]).stack(cached).to(device)
            hits = len(keys)
        else:
            earlier = _imagenet(np.stack([t[0] for t in tiles])).to(device)
            later = _imagenet(np.stack([t[1] for t in tiles])).to(device)
            feats = model.encode_pair(earlier, later)
            if cache is not None:
                for key, f in zip(keys, feats.split(), strict=True):
                    cache.put(key, f)
        outs = []
        for head in heads:
            if head is ALL_CHANGES:
                logits = model.segment_all_changes(feats)
            else:
                logits = model.segment(feats, [head] * len(keys))
            outs.append(torch.sigmoid(logits.float())[:, 0].cpu().numpy())
    per_tile = np.stack(outs, axis=1)  # B×heads×T×T
    return list(per_tile), hits

"""A quick, model-free estimate of a batch's work for `mtrs batch --dry-run`: tiles from the rasters' sizes
(headers only) and the tile size, seconds from a documented per-tile rate.

Why model-free: a dry run answers "how big is this?" in a second, before anyone waits for a model to load.
The rate is the measured CPU throughput of the default (lite) model on 256² tiles, first prompt, 2 threads:
7.2 tiles/s (docs/benchmarks/lite-model.md); the null model is far faster (null:* rates are ~200 tiles/s);
further prompts on the same pair cost less (their visual features are reused). A GPU is many times faster:
read the figure as an upper bound on a CPU machine, per worker. The analysed region may be smaller than the
earlier raster (extent, overlap of the two dates): the estimate counts the whole earlier raster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from engine.batch.keys import BUNDLED_MODEL_DIR
from engine.batch.work import WorkItem

CPU_TILES_PER_S = 7.2  # lite model, CPU, 256² tiles (docs/benchmarks/lite-model.md)
NULL_TILES_PER_S = 200.0
PAIR_OVERHEAD_S = 0.5  # opening, aligning, writing per pair (pipeline benchmarks: a few tenths of a second)
DEFAULT_TILE = 256


@dataclass
class Estimate:
    """Tiles of one item (None when its raster cannot be read) and the tile size used."""

    tiles: int | None
    tile: int
    note: str = ""


def model_tile(model: str | None) -> int:
    """The model's own tile size, read from its config.json (no weights); 256 when unknown (hub ids)."""
    if model and model.startswith("null:"):
        parts = model.split(":")
        return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else DEFAULT_TILE
    folder = BUNDLED_MODEL_DIR if model is None else Path(model).expanduser()
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DEFAULT_TILE
    size = (config.get("config") or {}).get("image_size") or config.get("image_size")
    return int(size) if isinstance(size, int) and size > 0 else DEFAULT_TILE


def estimate_item(item: WorkItem) -> Estimate:
    import rasterio

    from engine.geo.tiling import TileGrid

    request = item.request
    tile = int(request.tile or model_tile(request.model))
    try:
        with rasterio.open(request.earlier) as ds:
            width, height = ds.width, ds.height
    except Exception as exc:  # the pair will fail when it runs; the dry run says why
        return Estimate(None, tile, " ".join(str(exc).split())[:200])
    overlap = min(request.overlap, tile - 1)
    return Estimate(len(TileGrid(width, height, tile, overlap)), tile)


def seconds_for(items: list[WorkItem], tiles: list[int | None], workers: int) -> float:
    """Seconds for `items` on `workers` CPU workers, at the documented rates."""
    total = 0.0
    for item, n in zip(items, tiles, strict=True):
        if n is None:
            continue
        rate = NULL_TILES_PER_S if (item.request.model or "").startswith("null:") else CPU_TILES_PER_S
        total += n / rate + PAIR_OVERHEAD_S
    return total / max(1, workers)

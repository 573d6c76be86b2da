"""The objects of each side on the analysis grid, and the pixel mask they make.

What counts as one object:
- a vector input: one feature (a reference building is one object even where it touches its neighbour);
- a probability raster: one 4-connected component of `value >= threshold` per band (a band per prompt, as
  `mtrs predict --probabilities` writes them), polygonised exactly as `mtrs predict` does;
- a reference raster: one 4-connected component per class code (0/1 rasters: of the non-zero pixels).
Objects are clipped to the grid; their geometries are planar polygons in the grid CRS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio.windows import Window
from shapely.geometry.base import BaseGeometry

from engine.assess.grid import AnalysisGrid
from engine.assess.on_grid import burn, clip_to_grid, read_on_grid, reproject_geometries
from engine.assess.sources import RasterSource, VectorSource
from engine.errors import InputError

NO_CLASS = "(no class)"
NO_PROMPT = "(no prompt)"
MAX_CLASS_CODES = 256  # a reference raster with more distinct values is not a class raster


@dataclass
class GridObject:
    geom: BaseGeometry  # grid CRS, inside the grid
    area_m2: float
    cls: str = NO_CLASS
    prompt: str = NO_PROMPT


@dataclass
class Side:
    """One input on the grid: its objects, its change mask and where it has data (`valid`, None = all)."""

    objects: list[GridObject]
    mask: np.ndarray
    valid: np.ndarray | None


def vector_side(src: VectorSource, grid: AnalysisGrid) -> Side:
    geoms = reproject_geometries([f.geom for f in src.features], src.crs, grid)
    clipped = clip_to_grid(geoms, grid)
    objects = [
        GridObject(g, g.area * grid.unit_m**2, f.cls or NO_CLASS, f.prompt or NO_PROMPT)
        for g, f in zip(clipped, src.features, strict=True)
        if g is not None
    ]
    return Side(objects, burn([o.geom for o in objects], grid), None)


def probability_side(src: RasterSource, grid: AnalysisGrid, threshold: float) -> Side:
    """Predicted objects of a probability raster (one band per prompt), `value >= threshold`."""
    if not 0.0 < threshold <= 1.0 and src.dtype.startswith("float"):
        raise InputError(f"--threshold must be in (0, 1] for a probability raster, got {threshold}")
    mask = np.zeros(grid.shape, dtype=bool)
    valid = np.ones(grid.shape, dtype=bool)
    objects: list[GridObject] = []
    for band, name in zip(src.bands, src.names, strict=True):
        values = read_on_grid(src.path, band, grid)
        band_valid = ~np.isnan(values)
        valid &= band_valid
        values[~band_valid] = -1.0  # below any threshold: nodata is never change
        band_mask = values >= threshold
        mask |= band_mask
        objects += _components(band_mask, grid, cls=NO_CLASS, prompt=name)
        del values
    return Side(objects, mask, valid)


def reference_raster_side(
    src: RasterSource,
    grid: AnalysisGrid,
    class_table: dict[int, str] | None = None,
    codes: list[int] | None = None,
) -> Side:
    """Reference objects of a 0/1 or class-code raster (0 = no change); classes named by `class_table`;
    `codes`: only these codes are change (the raster's counterpart of a layer's filter)."""
    values = read_on_grid(src.path, src.bands[0], grid)
    valid = ~np.isnan(values)
    values[~valid] = 0
    if codes:
        values[~np.isin(values, np.asarray(codes, dtype=np.float32))] = 0
    codes = np.unique(values[values != 0])
    if len(codes) > MAX_CLASS_CODES or not np.all(np.equal(np.mod(codes, 1), 0)):
        raise InputError(
            f"the reference raster {src.label} has {len(codes)} distinct non-zero values",
            hint="a reference raster holds 0 (no change) and 1, or integer class codes",
        )
    binary = len(codes) <= 1 and not class_table
    missing = [int(c) for c in codes if class_table and int(c) not in class_table]
    if missing:
        raise InputError(
            f"the class table has no name for code {missing[0]} of the reference raster",
            hint="give every code, e.g. --class-table 1=damaged,2=destroyed",
        )
    mask = values != 0
    objects: list[GridObject] = []
    for code in codes.tolist():
        name = NO_CLASS if binary else (class_table or {}).get(int(code), f"code {int(code)}")
        objects += _components(values == code, grid, cls=name, prompt=NO_PROMPT)
    return Side(objects, mask, valid)


def _components(mask: np.ndarray, grid: AnalysisGrid, cls: str, prompt: str) -> list[GridObject]:
    """4-connected components of `mask` as polygons, with the same polygoniser `mtrs predict` uses."""
    from engine.geo.measure import Measurer
    from engine.geo.vectorise import polygonise

    if not mask.any():
        return []
    prob = mask.view(np.uint8)

    def read_block(window: Window) -> np.ndarray:
        return prob[window.toslices()]

    polygons = polygonise(read_block, grid.width, grid.height, grid.transform, Measurer(grid.crs), 0.5)
    return [GridObject(p.geom, p.geom.area * grid.unit_m**2, cls, prompt) for p in polygons]

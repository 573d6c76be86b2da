"""Bringing an input onto the analysis grid: polygons reprojected and clipped, masks burnt, rasters resampled.

Why here and not with the metrics: every CRS question of an assessment is answered once, in this module, so
metrics and matching only ever see planar geometries and arrays on one grid.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import reproject
from shapely.geometry.base import BaseGeometry

from engine.assess.grid import AnalysisGrid


def reproject_geometries(geoms: list[BaseGeometry], src: CRS, grid: AnalysisGrid) -> list[BaseGeometry]:
    """Geometries from `src` into the grid CRS; edges are densified first (to about ten pixels), so a long
    straight edge follows the curve it becomes in the other CRS."""
    if not geoms or src == grid.crs:
        return list(geoms)
    transformer = Transformer.from_crs(src.to_wkt(), grid.crs.to_wkt(), always_xy=True)
    step_m = 10 * min(grid.pixel_size) * grid.unit_m
    if src.is_geographic:
        step = step_m / 111_320.0
    else:
        try:
            step = step_m / float(src.linear_units_factor[1])
        except Exception:
            step = step_m
    dense = shapely.segmentize(np.asarray(geoms, dtype=object), max_segment_length=step)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(dense, project)
    return [g if g.is_valid else shapely.make_valid(g) for g in out]


def clip_to_grid(geoms: list[BaseGeometry], grid: AnalysisGrid) -> list[BaseGeometry | None]:
    """Each geometry's polygonal part inside the grid (None where nothing is left)."""
    if not geoms:
        return []
    clipped = shapely.intersection(np.asarray(geoms, dtype=object), grid.box)
    return [_polygonal(g) for g in clipped]


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not parts:
            return None
        geom = shapely.union_all(parts)
    return geom if geom.area > 0 else None


def burn(geoms: list[BaseGeometry], grid: AnalysisGrid) -> np.ndarray:
    """Boolean mask of the pixels whose centre lies in any geometry (GDAL's rasterisation rule)."""
    if not geoms:
        return np.zeros(grid.shape, dtype=bool)
    mask = rasterize(
        ((g, 1) for g in geoms),
        out_shape=grid.shape,
        transform=grid.transform,
        fill=0,
        dtype="uint8",
        all_touched=False,
    )
    return mask.view(bool)


def read_on_grid(path: str, band: int, grid: AnalysisGrid) -> np.ndarray:
    """One band resampled onto the grid (nearest neighbour: class codes stay codes, and a fine grid keeps the
    raster's own pixel edges); float32 with NaN where the raster has no data or does not reach."""
    import rasterio

    out = np.full(grid.shape, np.nan, dtype=np.float32)
    with rasterio.open(path) as ds:
        nodata = ds.nodata
        reproject(
            source=rasterio.band(ds, band),
            destination=out,
            src_nodata=nodata,
            dst_transform=grid.transform,
            dst_crs=grid.crs,
            dst_nodata=np.nan,
            init_dest_nodata=True,
            resampling=Resampling.nearest,
        )
    return out

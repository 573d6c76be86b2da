"""Areas and lengths in metres for any CRS.

Why: analysts set a minimum area in m² and read areas in m²; in a geographic CRS (degrees) the planar area is
meaningless, so areas and perimeters are computed on the CRS's ellipsoid (pyproj.Geod, Karney's algorithm).
Projected CRSs use planar measures scaled by the linear unit (feet, metres, ...).
"""

from __future__ import annotations

from functools import cached_property

import pyproj
from rasterio.crs import CRS
from rasterio.transform import Affine
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry


class Measurer:
    """Area (m²) and perimeter (m) of geometries given in `crs` coordinates."""

    def __init__(self, crs: CRS | None):
        """`crs` None: pixel coordinates of plain images; areas and lengths are then in pixels."""
        self.crs = crs
        self.geographic = bool(crs is not None and crs.is_geographic)
        self.unit = 1.0
        if crs is not None and not self.geographic:
            try:
                self.unit = float(crs.linear_units_factor[1])
            except Exception:  # unknown unit: assume metres
                self.unit = 1.0

    @cached_property
    def geod(self) -> pyproj.Geod:
        return pyproj.CRS.from_wkt(self.crs.to_wkt()).get_geod()

    def area_perimeter(self, geom: BaseGeometry) -> tuple[float, float]:
        if self.geographic:
            area, perimeter = self.geod.geometry_area_perimeter(geom)
            return abs(area), perimeter
        return geom.area * self.unit**2, geom.length * self.unit

    def area(self, geom: BaseGeometry) -> float:
        return self.area_perimeter(geom)[0]

    def max_pixel_area(self, transform: Affine, width: int, height: int) -> float:
        """The largest ground area of one pixel in the region (for a safe pixel-count prefilter)."""
        if not self.geographic:
            return abs(transform.a * transform.e - transform.b * transform.d) * self.unit**2
        best = 0.0
        for row in (0, height // 2, max(0, height - 1)):  # |lat| is smallest at one of these (monotone rows)
            corners = [transform * (c, r) for c, r in ((0, row), (1, row), (1, row + 1), (0, row + 1))]
            best = max(best, self.area(Polygon(corners)))
        return best

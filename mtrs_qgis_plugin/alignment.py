"""Co-registration preview from layer metadata only (no pixels read).

The dock shows this immediately while the analyst picks layers, before any engine exists; once the worker
runs, the dock asks it (`check_alignment`) and its answer replaces this preview: the tile count and the
final notes always come from the engine. Both answers have the same shape, and both judge with the
thresholds of engine.contract (resolution gap, grid tolerance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qgis.core import (
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsGeometry,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
)

from ..engine.contract import GRID_TOLERANCE_PX, RESOLUTION_NOTE_RATIO
from . import ui_helpers
from .i18n import tr


@dataclass
class AlignmentReport:
    """Same fields as the worker's `check_alignment` result (engine.contract.ALIGNMENT_RESULT_FIELDS)."""

    same_grid: bool = False
    will_warp: bool = False
    overlap_area_m2: float = 0.0
    resolution_ratio: float = 1.0
    warnings: list[str] = field(default_factory=list)
    tiles_estimate: int = 0
    overlap: QgsRectangle | None = None  # in the earlier layer's CRS

    @classmethod
    def from_worker(cls, data: dict) -> AlignmentReport:
        return cls(
            same_grid=bool(data.get("same_grid")),
            will_warp=bool(data.get("will_warp")),
            overlap_area_m2=float(data.get("overlap_area_m2") or 0.0),
            resolution_ratio=float(data.get("resolution_ratio") or 1.0),
            warnings=list(data.get("warnings") or []),
            tiles_estimate=int(data.get("tiles_estimate") or 0),
        )


def area_m2(rect: QgsRectangle, layer: QgsRasterLayer) -> float:
    """Ellipsoidal area of `rect` (in the layer's CRS): metres² even for geographic CRSs."""
    da = QgsDistanceArea()
    da.setSourceCrs(layer.crs(), QgsProject.instance().transformContext())
    da.setEllipsoid(layer.crs().ellipsoidAcronym() or "EPSG:7030")
    return abs(da.measureArea(QgsGeometry.fromRect(rect)))


def check_layers(
    earlier: QgsRasterLayer, later: QgsRasterLayer, extent: QgsRectangle | None = None
) -> AlignmentReport:
    """Compare the two layers' CRS, grid and extent (no tile count: only the engine's tiling knows it)."""
    report = AlignmentReport()
    if earlier is None or later is None or not earlier.isValid() or not later.isValid():
        report.warnings.append(tr("Choose an earlier and a later raster layer."))
        return report
    if earlier.id() == later.id():
        report.warnings.append(tr("Earlier and later are the same layer: there is nothing to compare."))
    same_crs = earlier.crs() == later.crs()
    later_extent = later.extent()
    if not same_crs:
        try:
            xform = QgsCoordinateTransform(later.crs(), earlier.crs(), QgsProject.instance())
            later_extent = xform.transformBoundingBox(later_extent)
        except Exception:
            report.warnings.append(tr("The later layer's extent cannot be transformed to the earlier CRS."))
            return report
    ex, ey = earlier.rasterUnitsPerPixelX(), earlier.rasterUnitsPerPixelY()
    lx, ly = later.rasterUnitsPerPixelX(), later.rasterUnitsPerPixelY()
    if same_crs and ex > 0 and lx > 0:
        report.resolution_ratio = lx / ex
    elif ex > 0 and lx > 0 and later.width() > 0:
        report.resolution_ratio = (later_extent.width() / later.width()) / ex
    aligned_origin = False
    if same_crs and ex > 0 and ey > 0:
        dx = (later.extent().xMinimum() - earlier.extent().xMinimum()) / ex
        dy = (later.extent().yMaximum() - earlier.extent().yMaximum()) / ey
        aligned_origin = abs(dx - round(dx)) < GRID_TOLERANCE_PX and abs(dy - round(dy)) < GRID_TOLERANCE_PX
    report.same_grid = (
        same_crs
        and math.isclose(ex, lx, rel_tol=1e-6)
        and math.isclose(ey, ly, rel_tol=1e-6)
        and aligned_origin
    )
    report.will_warp = not report.same_grid
    inter = earlier.extent().intersect(later_extent)
    if extent is not None and not extent.isEmpty():
        inter = inter.intersect(extent)
    if inter.isEmpty() or inter.width() <= 0 or inter.height() <= 0:
        report.warnings.append(
            tr("The layers do not overlap (in the chosen extent): there is nothing to analyse.")
        )
        return report
    report.overlap = inter
    report.overlap_area_m2 = area_m2(inter, earlier)
    ratio = report.resolution_ratio
    if ratio > RESOLUTION_NOTE_RATIO or ratio < 1 / RESOLUTION_NOTE_RATIO:
        report.warnings.append(
            tr(
                "The resolutions differ by a factor of {ratio:.1f}: the later image will be resampled."
            ).format(ratio=max(ratio, 1 / ratio))
        )
    return report


def describe(report: AlignmentReport) -> str:
    """One short paragraph for the dock."""
    if report.overlap_area_m2 <= 0 and report.warnings:
        return " ".join(report.warnings)
    parts = [
        tr("Same grid: no resampling.")
        if report.same_grid
        else tr("Different grid: the later image will be warped.")
    ]
    parts.append(tr("Overlap: {area}.").format(area=ui_helpers.area(report.overlap_area_m2)))
    parts.extend(report.warnings)
    return " ".join(parts)

"""Turning the dock's extent choice into the request's `extent`, `extent_crs` and `extent_wkt`.

Everything is expressed in the earlier raster's CRS (the pipeline's working grid), so the engine never has to
guess which CRS a rectangle drawn on the canvas was in.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)

from .i18n import tr

MODES = ("overlap", "canvas", "drawn", "polygons")


class ExtentError(ValueError):
    """The chosen extent cannot be used; the message says why."""


@dataclass
class RequestExtent:
    """The extent fields of an AnalysisRequest (all None: the layers' overlap)."""

    extent: list[float] | None = None
    extent_crs: str | None = None
    extent_wkt: str | None = None

    def as_request(self) -> dict:
        return {"extent": self.extent, "extent_crs": self.extent_crs, "extent_wkt": self.extent_wkt}

    def rectangle(self) -> QgsRectangle | None:
        if self.extent is None:
            return None
        return QgsRectangle(*self.extent)


def _rect_list(rect: QgsRectangle) -> list[float]:
    return [rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()]


def from_rectangle(
    rect: QgsRectangle | None,
    rect_crs: QgsCoordinateReferenceSystem,
    target_crs: QgsCoordinateReferenceSystem,
) -> RequestExtent:
    """A rectangle in any CRS (canvas, drawn) as a request extent in `target_crs`."""
    if rect is None or rect.isEmpty():
        raise ExtentError(tr("Draw a rectangle on the map first."))
    if rect_crs != target_crs:
        rect = QgsCoordinateTransform(rect_crs, target_crs, QgsProject.instance()).transformBoundingBox(rect)
    return RequestExtent(_rect_list(rect), target_crs.authid() or None, None)


def from_polygons(layer: QgsVectorLayer | None, target_crs: QgsCoordinateReferenceSystem) -> RequestExtent:
    """The selected polygons (all of them when none is selected) as extent + WKT mask."""
    if layer is None or not layer.isValid() or layer.geometryType() != QgsWkbTypes.PolygonGeometry:
        raise ExtentError(tr("Choose a polygon layer for the extent."))
    features = layer.selectedFeatures() or list(layer.getFeatures())
    geoms = [f.geometry() for f in features if f.hasGeometry()]
    if not geoms:
        raise ExtentError(tr("The polygon layer '{name}' has no polygons.").format(name=layer.name()))
    union = QgsGeometry.unaryUnion(geoms)
    if layer.crs() != target_crs:
        union.transform(QgsCoordinateTransform(layer.crs(), target_crs, QgsProject.instance()))
    return RequestExtent(_rect_list(union.boundingBox()), target_crs.authid() or None, union.asWkt(6))

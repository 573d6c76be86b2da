"""What the engine needs to know about a QGIS raster layer: its file and its default bands.

The engine reads files with rasterio, so a layer must be backed by a local GDAL file. Web layers (WMS/XYZ)
get a clear message instead of a failure deep inside the engine.
"""

from __future__ import annotations

import os

from qgis.core import QgsMultiBandColorRenderer, QgsRasterLayer, QgsSingleBandGrayRenderer

from .i18n import tr


class LayerError(ValueError):
    """A layer cannot be analysed; the message says why and what to do."""


def raster_path(layer: QgsRasterLayer | None) -> str:
    """The local file behind `layer` (GDAL options after '|' stripped)."""
    if layer is None or not layer.isValid():
        raise LayerError(tr("Choose a valid raster layer."))
    if layer.providerType() != "gdal":
        raise LayerError(
            tr(
                "Layer '{name}' is not a local raster file. Save it as GeoTIFF first (Export ▸ Save As…)."
            ).format(name=layer.name())
        )
    path = layer.source().split("|")[0]
    if not os.path.isfile(path):
        raise LayerError(
            tr("The file of layer '{name}' does not exist: {path}").format(name=layer.name(), path=path)
        )
    return path


def default_bands(layer: QgsRasterLayer | None) -> list[int]:
    """The three bands the layer is drawn with: what the analyst sees is what the model gets."""
    if layer is None or not layer.isValid():
        return [1, 2, 3]
    renderer = layer.renderer()
    if isinstance(renderer, QgsMultiBandColorRenderer):
        bands = [renderer.redBand(), renderer.greenBand(), renderer.blueBand()]
        if all(b > 0 for b in bands):
            return bands
    if isinstance(renderer, QgsSingleBandGrayRenderer):
        return [renderer.grayBand()] * 3
    count = layer.bandCount()
    if count >= 3:
        return [1, 2, 3]
    return [1] * 3

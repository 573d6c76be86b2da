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


class VectorSource:
    """An OGR dataset the engine can open: file path, layer name inside it (or ""), and whether it is a
    temporary copy the caller should delete after the run."""

    def __init__(self, path: str, layer_name: str = "", temporary: bool = False):
        self.path = path
        self.layer_name = layer_name
        self.temporary = temporary

    def cleanup(self) -> None:
        """Delete a temporary copy (nothing for a layer read in place)."""
        if self.temporary:
            import shutil

            shutil.rmtree(os.path.dirname(self.path), ignore_errors=True)


def vector_source(layer, temp_folder: str, source=None) -> VectorSource:
    """The file the engine should read for a QGIS vector layer.

    A plain OGR file layer is read in place. Anything the engine could not see as QGIS does — a memory or
    database layer, or a layer with a filter set in QGIS — is first copied (filter applied) into a GeoPackage
    in `temp_folder`, so what the analyst sees on the map is what the engine gets. `source` is the feature
    source to copy from (Processing's thread-safe QgsProcessingFeatureSource); the layer itself otherwise.
    """
    from qgis.core import QgsProject, QgsProviderRegistry, QgsVectorFileWriter, QgsVectorLayer

    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        raise LayerError(tr("Choose a valid vector layer."))
    if layer.providerType() == "ogr" and not layer.subsetString():
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path") or ""
        if os.path.isfile(path):
            return VectorSource(path, str(parts.get("layerName") or ""))
    import shutil
    import tempfile

    source = source if source is not None else layer
    folder = tempfile.mkdtemp(prefix="mtrs_layer_", dir=temp_folder)
    path = os.path.join(folder, "layer.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "layer"
    writer = QgsVectorFileWriter.create(
        path,
        source.fields(),
        source.wkbType(),
        source.sourceCrs(),
        QgsProject.instance().transformContext(),
        options,
    )
    ok = writer.hasError() == QgsVectorFileWriter.NoError
    message = writer.errorMessage()
    if ok:
        for feature in source.getFeatures():
            if not writer.addFeature(feature):
                ok, message = False, writer.errorMessage()
                break
    del writer  # closes the file
    if not ok:
        shutil.rmtree(folder, ignore_errors=True)
        raise LayerError(
            tr("Layer '{name}' could not be copied for the engine: {message}").format(
                name=layer.name(), message=message
            )
        )
    return VectorSource(path, "layer", temporary=True)

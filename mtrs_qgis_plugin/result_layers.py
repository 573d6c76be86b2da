"""Putting a finished analysis on the map: styled layer, grouped under its prompt, with its run record.

The pipeline writes the style into the GeoPackage (layer_styles), which QGIS applies as the layer's default
style on load; the run record travels in the layer's metadata so it survives project save/load.
"""

from __future__ import annotations

import json
from typing import Any

from qgis.core import (
    QgsLayerMetadata,
    QgsLayerTreeGroup,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from .i18n import tr

ROOT_GROUP = "MTRS"
RECORD_PROPERTY = "mtrs/run_record"


class ResultError(RuntimeError):
    """The engine reported success but its output cannot be opened."""


def prompt_group(label: str, project: QgsProject | None = None) -> QgsLayerTreeGroup:
    """The layer-tree group for one prompt, inside the MTRS group (created on demand, reused)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    top = root.findGroup(ROOT_GROUP) or root.insertGroup(0, ROOT_GROUP)
    return top.findGroup(label) or top.insertGroup(0, label)


def add_result(result: dict[str, Any], label: str, project: QgsProject | None = None) -> list:
    """Add the vector output (and the probability raster, if any); returns the layers added."""
    project = project or QgsProject.instance()
    output = result.get("output")
    layer_name = result.get("layer")
    uri = f"{output}|layername={layer_name}" if layer_name else str(output)
    layer = QgsVectorLayer(uri, label, "ogr")
    if not layer.isValid():
        raise ResultError(tr("The result file cannot be opened: {path}").format(path=output))
    record = result.get("run_record") or {}
    attach_run_record(layer, record, result)
    group = prompt_group(label, project)
    added = [layer]
    project.addMapLayer(layer, False)
    group.insertLayer(0, layer)
    prob = result.get("probabilities")
    if prob:
        raster = QgsRasterLayer(str(prob), tr("{label} – probability").format(label=label), "gdal")
        if raster.isValid():
            project.addMapLayer(raster, False)
            group.addLayer(raster)
            node = group.findLayer(raster.id())
            if node is not None:
                node.setItemVisibilityChecked(False)
            added.append(raster)
    return added


def attach_run_record(layer: QgsVectorLayer, record: dict[str, Any], result: dict[str, Any]) -> None:
    """Run record in the layer metadata (Properties ▸ Metadata) and as a custom property (for scripts)."""
    text = json.dumps(record, indent=2, ensure_ascii=False, default=str)
    layer.setCustomProperty(RECORD_PROPERTY, text)
    meta: QgsLayerMetadata = layer.metadata()
    meta.setTitle(layer.name())
    meta.setAbstract(
        tr("Change polygons from MTRS (model {model}, device {device}).").format(
            model=record.get("model_id", record.get("model", "?")), device=result.get("device", "?")
        )
        + "\n\n"
        + tr("Run record:")
        + "\n"
        + text
    )
    meta.setKeywords({"mtrs": ["change detection", "referring segmentation"]})
    layer.setMetadata(meta)


def run_record(layer: QgsVectorLayer) -> dict[str, Any]:
    """The run record stored with a result layer ({} for other layers)."""
    text = layer.customProperty(RECORD_PROPERTY, "")
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def summary(result: dict[str, Any], label: str) -> str:
    """Message-bar text: what was found and how long it took."""
    area = float(result.get("total_area_m2") or 0.0)
    area_text = f"{area / 1e6:.3f} km²" if area >= 1e5 else f"{area:,.0f} m²"
    return tr("'{label}': {n} polygons, {area} in {seconds:.1f} s on {device}.").format(
        label=label,
        n=int(result.get("n_polygons") or 0),
        area=area_text,
        seconds=float(result.get("seconds") or 0.0),
        device=result.get("device", "?"),
    )

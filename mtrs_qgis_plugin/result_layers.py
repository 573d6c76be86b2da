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
    QgsPresetSchemeColorRamp,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from . import presence, ui_helpers
from .i18n import tr

ROOT_GROUP = "MTRS"
RECORD_PROPERTY = "mtrs/run_record"
COLOUR_PROPERTY = "mtrs/colour_index"
#: Qualitative colours for prompts after the first (which keeps the style the pipeline embeds). A preset
#: ramp, so a prompt keeps its colour on reruns and neighbouring prompts never look alike.
PROMPT_RAMP = QgsPresetSchemeColorRamp(
    [
        QColor(c)
        for c in ("#ff4020", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#17becf")
    ]
)


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
    group = prompt_group(label, project)
    # an absent prompt still gets its (empty) layer, so the run is visible, named so nobody looks for polygons
    absent = label in presence.absent_prompts(result)
    name = tr("{label} (not found)").format(label=label) if absent else label
    layer = QgsVectorLayer(uri, unique_name(group, name), "ogr")
    if not layer.isValid():
        raise ResultError(tr("The result file cannot be opened: {path}").format(path=output))
    record = result.get("run_record") or {}
    attach_run_record(layer, record, result)
    apply_aliases(layer)
    apply_prompt_colour(layer, group, project)
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


def field_aliases() -> dict[str, str]:
    """Readable names for every field of a change layer (attribute table, forms, identify results)."""
    return {
        "fid": tr("Feature id"),
        "id": tr("Id"),
        "area_m2": tr("Area (m²)"),
        "area_px": tr("Area (pixels)"),
        "perimeter_m": tr("Perimeter (m)"),
        "perimeter_px": tr("Perimeter (pixels)"),
        "prob_mean": tr("Mean probability"),
        "prob_max": tr("Highest probability"),
        "centroid_x": tr("Centre X"),
        "centroid_y": tr("Centre Y"),
        "location": tr("Location"),
        "prompt": tr("Prompt"),
        "model": tr("Model"),
        "model_revision": tr("Model revision"),
        "earlier": tr("Earlier image"),
        "later": tr("Later image"),
        "run_utc": tr("Run at (UTC)"),
    }


def apply_aliases(layer: QgsVectorLayer) -> None:
    """Give each known field a friendly alias, keeping any alias the embedded style already set."""
    aliases = field_aliases()
    for index, field in enumerate(layer.fields()):
        if not layer.attributeAlias(index) and field.name() in aliases:
            layer.setFieldAlias(index, aliases[field.name()])


def unique_name(group: QgsLayerTreeGroup, label: str) -> str:
    """`label`, or "label (2)", "label (3)"… when a rerun would add a second layer of the same name."""
    taken = {node.name() for node in group.findLayers()}
    if label not in taken:
        return label
    n = 2
    while f"{label} ({n})" in taken:
        n += 1
    return f"{label} ({n})"


def apply_prompt_colour(layer: QgsVectorLayer, group: QgsLayerTreeGroup, project: QgsProject) -> None:
    """Colour the layer by its prompt: the n-th prompt group gets the n-th ramp colour, kept on reruns.

    The first prompt keeps the pipeline's embedded style (same look as in Processing outputs)."""
    index = group.customProperty(COLOUR_PROPERTY)
    if index is None:
        top = group.parent()
        used = [g.customProperty(COLOUR_PROPERTY) for g in top.children() if g is not group] if top else []
        used_ints = {int(u) for u in used if u is not None}
        index = next(i for i in range(len(used_ints) + 1) if i not in used_ints)
        group.setCustomProperty(COLOUR_PROPERTY, index)
    index = int(index)
    if index == 0:
        return
    renderer = layer.renderer()
    symbol = renderer.symbol() if renderer is not None and hasattr(renderer, "symbol") else None
    if symbol is None:
        return
    colour = PROMPT_RAMP.color(index % PROMPT_RAMP.count() / max(1, PROMPT_RAMP.count() - 1))
    colour.setAlpha(symbol.color().alpha())
    symbol.setColor(colour)
    layer.triggerRepaint()


def attach_run_record(layer: QgsVectorLayer, record: dict[str, Any], result: dict[str, Any]) -> None:
    """Run record in the layer metadata (Properties ▸ Metadata) and as a custom property (for scripts)."""
    text = json.dumps(record, indent=2, ensure_ascii=False, default=str)
    layer.setCustomProperty(RECORD_PROPERTY, text)
    meta: QgsLayerMetadata = layer.metadata()
    meta.setTitle(layer.name())
    meta.setAbstract(metadata_text(record, result))
    meta.setKeywords({"mtrs": ["change detection", "referring segmentation"]})
    layer.setMetadata(meta)


def metadata_text(record: dict[str, Any], result: dict[str, Any]) -> str:
    """Readable lines for Properties ▸ Metadata; the full JSON stays in the layer's custom property."""
    model = record.get("model") if isinstance(record.get("model"), dict) else {}
    request = record.get("request") if isinstance(record.get("request"), dict) else {}
    tiling = record.get("tiling") if isinstance(record.get("tiling"), dict) else {}
    lines = [
        tr("Change polygons from MTRS for: {prompts}.").format(
            prompts=", ".join(request.get("prompts") or []) or tr("all changes")
        ),
        tr("Model: {model}").format(model=model.get("id") or tr("unknown"))
        + (f" ({model['revision']})" if model.get("revision") else ""),
        tr("Device: {device}").format(device=record.get("device") or result.get("device") or "?"),
        tr("Run at (UTC): {when}").format(when=record.get("run_utc") or "?"),
        tr("Polygons: {n}, total area: {area}").format(
            n=ui_helpers.count(int(result.get("n_polygons") or 0)),
            area=ui_helpers.area(float(result.get("total_area_m2") or 0.0)),
        ),
        tr("Images: {earlier} → {later}").format(
            earlier=request.get("earlier", "?"), later=request.get("later", "?")
        ),
        tr("Threshold {threshold}, minimum area {min_area} m², tiles {tiles}").format(
            threshold=ui_helpers.number(float(request.get("threshold") or 0), 2),
            min_area=ui_helpers.number(float(request.get("min_area") or 0), 1),
            tiles=ui_helpers.count(int(tiling.get("tiles") or 0)),
        ),
    ]
    verdicts = presence.verdicts(record) or presence.verdicts(result)
    if verdicts:
        lines.append(
            tr("Presence threshold {threshold} (below it a prompt counts as not found).").format(
                threshold=ui_helpers.number(
                    float(request.get("presence_threshold", presence.DEFAULT_THRESHOLD) or 0), 2
                )
            )
        )
    lines.extend(presence.verdict_line(label, verdict) for label, verdict in verdicts.items())
    for warning in presence.other_warnings(record):
        lines.append(tr("Note: {text}").format(text=warning))
    lines.append(
        tr("Run record: the complete JSON is kept in the layer property '{key}'.").format(key=RECORD_PROPERTY)
    )
    return "\n".join(lines)


def run_record(layer: QgsVectorLayer) -> dict[str, Any]:
    """The run record stored with a result layer ({} for other layers)."""
    text = layer.customProperty(RECORD_PROPERTY, "")
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def summary(result: dict[str, Any], label: str) -> str:
    """Message-bar text: what was found and how long it took (and in how many tiles, for a model that
    says whether the change is there at all)."""
    values = {
        "label": label,
        "n": ui_helpers.count(int(result.get("n_polygons") or 0)),
        "area": ui_helpers.area(float(result.get("total_area_m2") or 0.0)),
        "seconds": ui_helpers.number(float(result.get("seconds") or 0.0), 1),
        "device": result.get("device", "?"),
    }
    verdict = presence.verdicts(result).get(label)
    if verdict is not None and verdict.get("present"):
        return tr("'{label}': {n} polygons, {area} in {seconds} s on {device}; {found}.").format(
            found=presence.found_text(verdict), **values
        )
    return tr("'{label}': {n} polygons, {area} in {seconds} s on {device}.").format(**values)

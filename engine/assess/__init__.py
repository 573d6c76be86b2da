"""Accuracy assessment of predicted changes against reference changes (`mtrs assess`).

    from engine.assess import assess
    result = assess("destroyed.gpkg", "labels.gpkg", class_field="damage",
                    extent=[...], extent_crs="EPSG:4326",
                    report="assessment.md", errors="errors.gpkg", json_path="metrics.json")
    result.pixel.iou, result.objects.tp, result.to_json()

Modules, one idea each: `sources` (open a vector or raster input), `grid` (the common analysis grid),
`on_grid` (reproject, clip, burn, resample), `objects` (objects and masks of each side), `pixels` and
`matching` / `object_metrics` (the figures), `result`, `report` / `figure` / `errors_layer` (the outputs,
put in place together by engine.geo.outputs), `api` (the entry point).
"""

from engine.assess.api import assess, parse_class_table
from engine.assess.result import AssessmentResult

__all__ = ["AssessmentResult", "assess", "parse_class_table"]

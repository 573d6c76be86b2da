"""The FP/FN layer: every predicted object without a match (fp) and every missed reference object (fn), with
the QGIS style that tells them apart, so an analyst can walk through the errors on the map.

`class` of an FP is the class of the reference object it overlaps most (empty if none), `prompt` of an FN the
prompt of the prediction that overlaps it most: "what was it confused with". `best_iou` says how close the
object came to a match (e.g. 0.45 with a 0.5 threshold: a boundary disagreement, not a miss).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.assess.matching import Matching
from engine.assess.objects import NO_CLASS, NO_PROMPT, GridObject
from engine.geo.writer import Feature, FeatureWriter, utc_now

STYLE = Path(__file__).resolve().parent.parent / "geo" / "styles" / "assessment_errors.qml"
STYLE_NAME = "MTRS assessment errors"
FIELDS: list[tuple[str, str]] = [
    ("kind", "str"),
    ("class", "str"),
    ("prompt", "str"),
    ("area_m2", "real"),
    ("best_iou", "real"),
]


def error_features(
    predicted: list[GridObject], reference: list[GridObject], matching: Matching
) -> list[Feature]:
    features = []
    matched_p, matched_r = matching.matched_pred, matching.matched_ref
    for i, obj in enumerate(predicted):
        if i in matched_p:
            continue
        j = int(matching.best_pred_index[i])
        cls = reference[j].cls if j >= 0 else None
        features.append(_feature(obj, "fp", cls, obj.prompt, float(matching.best_pred[i])))
    for j, obj in enumerate(reference):
        if j in matched_r:
            continue
        i = int(matching.best_ref_index[j])
        prompt = predicted[i].prompt if i >= 0 else None
        features.append(_feature(obj, "fn", obj.cls, prompt, float(matching.best_ref[j])))
    return features


def _feature(obj: GridObject, kind: str, cls: str | None, prompt: str | None, best: float) -> Feature:
    return Feature(
        obj.geom,
        {
            "kind": kind,
            "class": None if cls in (None, NO_CLASS) else cls,
            "prompt": None if prompt in (None, NO_PROMPT) else prompt,
            "area_m2": round(obj.area_m2, 3),
            "best_iou": round(best, 4),
        },
    )


def stage_errors(
    path: str, layer_name: str, crs_wkt: str, features: list[Feature], record: dict[str, Any], overwrite: bool
) -> tuple[FeatureWriter, list[tuple[str, str]]]:
    """Write the layer (GeoPackage: with its default style and the run record) under a temporary name;
    returns the writer (the caller aborts it) and the (staged, destination) moves that put it in place."""
    writer = FeatureWriter(path, layer_name, crs_wkt, overwrite, fields=FIELDS, style=(STYLE, STYLE_NAME))
    try:
        writer.write(features)
        return writer, writer.finish({"run_utc": utc_now(), **record})
    except BaseException:
        writer.abort()
        raise

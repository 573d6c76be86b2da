"""What a batch leaves besides the per-pair outputs: one merged layer of every pair's polygons, and a summary
CSV with one row per (pair, prompt).

Why a merged layer: a thousand GeoPackages are unusable in a map; one layer with a `pair_id` column can be
filtered, styled and counted at once. It is copied from the per-pair outputs by GDAL (VectorTranslate with an
SQL SELECT that adds `pair_id`), so its attributes are exactly the per-pair ones. Pairs in different CRSs are
reprojected to EPSG:4326 (one projected CRS cannot suit pairs far apart; the `area_m2` / `perimeter_m`
attributes were measured per pair and stay valid; `centroid_x/y` stay in each pair's own CRS); pairs sharing
one CRS keep it; `merged_crs` overrides both. Plain-image pairs (pixel coordinates) have no place on a map
and are left out, with a note.

Both files are built in a staging folder and moved into place at the end (engine.geo.outputs), so an
interrupted batch never leaves a half-written merged layer or summary.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.batch.work import FAILED, ItemOutcome, WorkItem, read_record
from engine.errors import OutputError
from engine.geo.outputs import Staging, commit

SUMMARY_FIELDS = (
    "pair",
    "prompt",
    "polygons",
    "area",
    "area_unit",
    "present",
    "presence_probability",
    "seconds",
    "status",
    "error",
    "worker",
    "output",
)
MERGED_LAYER = "changes"
MERGED_FORMATS = {".gpkg": "GPKG", ".fgb": "FlatGeobuf"}
FALLBACK_CRS = "EPSG:4326"


@dataclass
class MergeReport:
    """What the merged layer holds: its path (None when nothing could be merged), CRS, counts, notes."""

    path: str | None
    crs: str | None = None
    pairs: int = 0
    features: int = 0
    notes: list[str] = field(default_factory=list)


# -- per-prompt figures -------------------------------------------------------------------------------------


def _vector_layer(output: str):
    """(dataset, layer) of a pair's vector output, or (None, None) when it has none (a mask PNG)."""
    from osgeo import ogr

    from engine.pipeline.stages import layer_name

    if not output or not os.path.isfile(output):
        return None, None
    ds = ogr.Open(output)
    if ds is None:
        return None, None
    layer = ds.GetLayerByName(layer_name(output)) or ds.GetLayer(0)
    return ds, layer


def prompt_figures(output: str | None) -> dict[str, tuple[int, float]]:
    """{prompt: (polygons, area)} of a pair's output, read back from the file (area in the file's unit)."""

    ds, layer = _vector_layer(output or "")
    if layer is None:
        return {}
    fields = {
        layer.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(layer.GetLayerDefn().GetFieldCount())
    }
    area = next((a for a in ("area_m2", "area_px") if a in fields), None)
    if "prompt" not in fields or area is None:
        return {}
    out: dict[str, tuple[int, float]] = {}
    with _gdal_exceptions():
        result = ds.ExecuteSQL(
            f'SELECT prompt, COUNT(*) AS n, SUM("{area}") AS a FROM "{_quote(layer.GetName())}" '
            "GROUP BY prompt",
            dialect="SQLITE",
        )
        try:
            for f in result:
                out[str(f.GetField(0))] = (int(f.GetField(1) or 0), float(f.GetField(2) or 0.0))
        finally:
            ds.ReleaseResultSet(result)
    return out


@contextlib.contextmanager
def _gdal_exceptions() -> Iterator[None]:
    """GDAL and OGR errors as exceptions (the engine's setting, engine.geo.writer; GDAL 3.6 has no
    ExceptionMgr), so a failed copy cannot pass silently."""
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    ogr.UseExceptions()
    yield


def _quote(name: str) -> str:
    return name.replace('"', '""')


# -- summary ------------------------------------------------------------------------------------------------


def summary_rows(outcomes: Iterable[ItemOutcome]) -> list[dict[str, object]]:
    """One row per (pair, prompt); a failed pair has one row per prompt, with its error."""
    rows = []
    for o in outcomes:
        figures = prompt_figures(o.output) if o.status != FAILED else {}
        for prompt in o.prompts or [""]:
            n, area = figures.get(prompt, (0, 0.0))
            if not figures and len(o.prompts) == 1 and o.status != FAILED:
                n, area = o.polygons, o.area  # no vector file (a mask PNG): the pair's totals
            verdict = (o.presence or {}).get(prompt) or {}
            rows.append(
                {
                    "pair": o.pair_id,
                    "prompt": prompt,
                    "polygons": n,
                    "area": round(area, 3),
                    "area_unit": o.area_unit,
                    "present": "" if "present" not in verdict else str(bool(verdict["present"])).lower(),
                    "presence_probability": verdict.get("probability", ""),
                    "seconds": round(o.seconds, 3),
                    "status": o.status,
                    "error": o.error or "",
                    "worker": o.worker,
                    "output": o.output or "",
                }
            )
    return rows


def write_summary(path: str, outcomes: Iterable[ItemOutcome]) -> int:
    """The summary CSV (UTF-8, header first), written atomically. Returns the number of rows."""
    rows = summary_rows(outcomes)
    staging = Staging()
    try:
        tmp = staging.path_for(path)
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=SUMMARY_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        commit([(tmp, os.path.abspath(path))], overwrite=True)
    except OSError as exc:
        raise OutputError(f"cannot write the summary {path}: {exc}") from None
    finally:
        staging.abort()
    return len(rows)


# -- merged layer -------------------------------------------------------------------------------------------


def _pixel_mode(item: WorkItem) -> bool:
    """Whether the pair was analysed in pixel coordinates (plain images), from its run record."""
    record = read_record(item) or {}
    return bool((record.get("alignment") or {}).get("pixel_coordinates"))


def merged_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in MERGED_FORMATS:
        raise OutputError(
            f"the merged layer must be a GeoPackage (.gpkg) or FlatGeobuf (.fgb), got {path}",
            hint="pass --merged changes.gpkg",
        )
    return MERGED_FORMATS[suffix]


def write_merged(
    path: str,
    items: list[WorkItem],
    outcomes: dict[str, ItemOutcome],
    merged_crs: str | None = None,
) -> MergeReport:
    """All polygons of the done and skipped pairs (in `items` order) in one layer with `pair_id` first,
    written atomically. Returns what went in; no file when no pair has a vector output."""
    from osgeo import gdal

    driver = merged_format(path)
    report = MergeReport(path=None)
    sources = []
    for item in items:
        o = outcomes.get(item.pair_id)
        if o is None or o.status == FAILED or not o.output:
            continue
        ds, layer = _vector_layer(o.output)
        if layer is None:
            report.notes.append(f"{item.pair_id}: no vector output ({Path(o.output).name}); not merged")
            continue
        if _pixel_mode(item) or layer.GetSpatialRef() is None:
            report.notes.append(
                f"{item.pair_id}: pixel coordinates (plain images); left out of the merged layer"
            )
            continue
        select = _select(item.pair_id, layer)
        sources.append((item.pair_id, o.output, select, _srs_key(layer.GetSpatialRef())))
        ds = layer = None
    if not sources:
        report.notes.append("no pair has polygons on a map: no merged layer written")
        return report
    if merged_crs:
        target = merged_crs
    elif len({s[3] for s in sources}) == 1:
        target = None  # all in one CRS: kept
    else:
        target = FALLBACK_CRS
        report.notes.append(
            f"the pairs are in {len({s[3] for s in sources})} CRSs: merged layer in {FALLBACK_CRS}"
        )
    staging = Staging()
    try:
        gpkg = staging.path_for(path, Path(path).stem + ".gpkg")
        with _gdal_exceptions():
            for n, (_, output, sql, _) in enumerate(sources):
                gdal.VectorTranslate(
                    gpkg,
                    output,
                    format="GPKG",
                    accessMode="append" if n else None,
                    layerName=MERGED_LAYER,
                    SQLStatement=sql,
                    SQLDialect="SQLITE",
                    dstSRS=target,
                    geometryType="MULTIPOLYGON",
                    options=["-unsetFid", "-addfields"]
                    if n
                    else ["-unsetFid"],  # fields of other formats too
                )
            final = gpkg
            if driver != "GPKG":
                final = staging.path_for(path)
                gdal.VectorTranslate(final, gpkg, format=driver, layerName=MERGED_LAYER)
            ds = gdal.OpenEx(final, gdal.OF_VECTOR)
            layer = ds.GetLayerByName(MERGED_LAYER) or ds.GetLayer(0)
            report.features = layer.GetFeatureCount()
            srs = layer.GetSpatialRef()
            report.crs = _srs_name(srs) if srs is not None else None
            ds = layer = None
        commit([(final, os.path.abspath(path))], overwrite=True)
    except RuntimeError as exc:
        raise OutputError(f"cannot write the merged layer {path}: {exc}") from None
    finally:
        staging.abort()
    report.path = os.path.abspath(path)
    report.pairs = len(sources)
    return report


def _select(pair_id: str, layer) -> str:
    """SQL (SQLite dialect) copying a pair's layer with `pair_id` first and the long field names (a Shapefile
    output has `perim_m` / `model_rev`: merged under their full names, not as extra columns)."""
    from engine.geo.writer import _SHORT_NAMES

    full = {short: name for names in _SHORT_NAMES.values() for name, short in names.items()}
    defn = layer.GetLayerDefn()
    fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    columns = [f'"{_quote(f)}" AS "{_quote(full.get(f, f))}"' for f in fields]
    geometry = layer.GetGeometryColumn() or "GEOMETRY"  # the SQLite dialect's name for an unnamed one
    literal = pair_id.replace("'", "''")
    return (
        f"SELECT '{literal}' AS pair_id, {', '.join([*columns, _quoted(geometry)])} "
        f'FROM "{_quote(layer.GetName())}"'
    )


def _quoted(name: str) -> str:
    return f'"{_quote(name)}"'


def _srs_key(srs) -> str:
    return srs.ExportToWkt() if srs is not None else ""


def _srs_name(srs) -> str:
    auth, code = srs.GetAuthorityName(None), srs.GetAuthorityCode(None)
    return f"{auth}:{code}" if auth and code else srs.ExportToWkt()


def result_summary(
    outcomes: list[ItemOutcome], summary: str, merged: MergeReport | None, seconds: float
) -> dict[str, object]:
    """The counts and paths of a batch (the `--progress-json` result event and the closing lines)."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("done", "skipped", "failed")}
    return {
        "pairs": len(outcomes),
        **counts,
        "polygons": sum(o.polygons for o in outcomes if o.status != FAILED),
        "summary": os.path.abspath(summary),
        "merged": merged.path if merged is not None else None,
        "merged_crs": merged.crs if merged is not None else None,
        "seconds": round(seconds, 3),
        "failures": {o.pair_id: o.error for o in outcomes if o.status == FAILED},
        "notes": list(merged.notes) if merged is not None else [],
    }

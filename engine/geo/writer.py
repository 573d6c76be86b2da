"""Writing the change polygons with OGR: GeoPackage (default, with an embedded QGIS style and the run record)
or any OGR vector format chosen by the file extension.

Why atomic: a cancelled or crashed run must never leave a half-written file that looks like a result
(docs/PIPELINE.md, step 9). Everything is written into a hidden temporary folder next to the output and moved
into place with `os.replace` only when complete (the main file last, so its presence means "finished").
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.errors import OutputError
from engine.geo.outputs import (
    Staging,
    check_folder,
    check_targets,
    commit,
    planned_files,
    run_record_path,
)
from engine.geo.write_checks import OgrCheck, raster_write_errors, write_failure

STYLE_PATH = Path(__file__).with_name("styles") / "change_polygons.qml"

_DRIVERS = {
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".fgb": "FlatGeobuf",
    ".sqlite": "SQLite",
    ".gml": "GML",
    ".kml": "KML",
    ".csv": "CSV",  # geometry as a WKT column (GEOMETRY=AS_WKT)
}

# (name, OGR type name, width) of the attribute table, in order (documented in docs/PIPELINE.md, step 9)
FIELDS: list[tuple[str, str]] = [
    ("id", "int"),
    ("area_m2", "real"),
    ("perimeter_m", "real"),
    ("prob_mean", "real"),
    ("prob_max", "real"),
    ("centroid_x", "real"),
    ("centroid_y", "real"),
    ("location", "str"),
    ("prompt", "str"),
    ("model", "str"),
    ("model_revision", "str"),
    ("earlier", "str"),
    ("later", "str"),
    ("run_utc", "str"),
]


# DBF (Shapefile) field names hold at most 10 characters; OGR would launder these to "perimeter_" and
# "model_revi" and the values written under the long names were lost. Shapefiles get these short names.
_SHORT_NAMES = {"ESRI Shapefile": {"perimeter_m": "perim_m", "model_revision": "model_rev"}}
# Field names in pixel mode (non-georeferenced images): the measures are in pixels, not metres.
PIXEL_FIELD_NAMES = {"area_m2": "area_px", "perimeter_m": "perimeter_px"}


def driver_for(path: str) -> str:
    """The OGR driver writing `path` (by extension); OutputError for no extension or no polygon support."""
    ext = Path(path).suffix.lower()
    if not ext:
        raise OutputError(
            f"output '{path}' has no extension", hint="use .gpkg (recommended), .shp, .geojson, .fgb"
        )
    if ext in _DRIVERS:
        return _DRIVERS[ext]
    from osgeo import gdal

    for i in range(gdal.GetDriverCount()):
        drv = gdal.GetDriver(i)
        can_write = (
            drv.GetMetadataItem("DCAP_VECTOR") == "YES" and drv.GetMetadataItem("DCAP_CREATE") == "YES"
        )
        if can_write and ext[1:] in (drv.GetMetadataItem("DMD_EXTENSIONS") or "").split():
            problem = _format_problem(drv.ShortName, ext)
            if problem:
                raise OutputError(
                    f"the {drv.ShortName} format ('{ext}') cannot hold the change polygons: {problem}",
                    hint="use .gpkg (recommended), .shp, .geojson, .fgb",
                )
            return drv.ShortName
    raise OutputError(f"no OGR driver writes '{ext}' files", hint="use .gpkg (recommended), .shp, .geojson")


def _format_problem(driver_name: str, ext: str) -> str | None:
    """Why a driver cannot hold our layer (no polygon geometry, as in spreadsheets; an unsupported geometry
    or field type), tried on a throw-away in-memory file; None when it can, or when the probe itself cannot
    run (the writer then checks the real file)."""
    import uuid

    from osgeo import gdal, ogr

    path = f"/vsimem/mtrs-probe-{uuid.uuid4().hex}/probe{ext}"
    check = OgrCheck(path)
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # the reason is reported in words, not printed by GDAL
    try:
        drv = ogr.GetDriverByName(driver_name)
        ds = drv.CreateDataSource(path) if drv is not None else None
        if ds is None:
            return None
        try:
            opts = _layer_options(driver_name)
            layer = check.call(
                "a polygon layer", ds.CreateLayer, "probe", None, ogr.wkbMultiPolygon, options=opts
            )
            if layer is None or layer.GetLayerDefn().GetGeomFieldCount() < 1:
                return "it stores no polygon geometry"
            types = {"int": ogr.OFTInteger64, "real": ogr.OFTReal, "str": ogr.OFTString}
            for name, kind in FIELDS:
                check.call(f"field {name}", layer.CreateField, ogr.FieldDefn(name, types[kind]))
        except OutputError as exc:
            return exc.message.split(": ", 1)[-1]
        finally:
            layer = ds = None
        return None
    except Exception:
        return None
    finally:
        gdal.ErrorReset()
        with contextlib.suppress(Exception):
            gdal.RmdirRecursive(os.path.dirname(path))
        gdal.PopErrorHandler()


def check_output(path: str, overwrite: bool) -> None:
    """Fail fast (before any computation) if the output cannot be written: unknown format, missing or
    unwritable folder, a folder at the path, or an existing output file, sidecar or run record (without
    `overwrite`)."""
    driver = driver_for(path)
    check_folder(path)
    check_targets(planned_files(path, driver), overwrite)


@dataclass
class Feature:
    geom: Any  # shapely Polygon / MultiPolygon in the output CRS
    attrs: dict[str, Any]


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FeatureWriter:
    """Streams features into a temporary file beside the output; `commit` adds the style and the run record
    and moves everything into place; anything else (`abort`, an exception in the `with` block) removes it.

    Why streaming: a noisy model can produce hundreds of thousands of polygons on a big scene; holding them
    all until the end made the peak memory grow with the raster (docs/benchmarks/pipeline.md). The pipeline
    writes each batch of finished polygons as soon as it is known, in one transaction per batch (one SQLite
    commit per feature would be far slower). The file stays invisible until `commit` renames it into place.
    Every OGR call is checked (engine.geo.write_checks), and the closed file is opened again and its
    features counted before it is moved into place: a full disk can never pass as a result.

    `crs_wkt` may be empty (pixel coordinates of non-georeferenced images). `fields` replaces the change
    polygons' attribute table (another layer kind, e.g. an assessment's errors) and `style` its default
    (QML path, style name); `field_names` renames fields (e.g. PIXEL_FIELD_NAMES). Values are set by field
    index, so a driver that renames a field loses nothing.
    """

    def __init__(
        self,
        path: str,
        layer_name: str,
        crs_wkt: str | None,
        overwrite: bool = False,
        field_names: dict[str, str] | None = None,
        fields: list[tuple[str, str]] | None = None,
        style: tuple[str | os.PathLike, str] | None = None,
    ):
        from osgeo import gdal, ogr, osr

        check_output(path, overwrite)
        self.path, self.layer_name, self.overwrite = path, layer_name, overwrite
        self.driver_name = driver_for(path)
        self.folder = os.path.dirname(os.path.abspath(path))
        self.count = 0
        self._ds = self._layer = None
        self._check = OgrCheck(path)
        self._staging: Staging | None = Staging()
        self.fields = list(fields) if fields is not None else list(FIELDS)
        self.style = style if style is not None else (STYLE_PATH, "MTRS change polygons")
        renames = {**(field_names or {}), **_SHORT_NAMES.get(self.driver_name, {})}
        self.field_names = [renames.get(name, name) for name, _ in self.fields]
        self._index: list[int] = []
        gdal.UseExceptions()
        try:
            self.tmp_path = self._staging.path_for(path)
            drv = ogr.GetDriverByName(self.driver_name)
            self._ds = self._check.call(
                "create the file", drv.CreateDataSource, self.tmp_path, need_result=True
            )
            srs = None
            if crs_wkt:
                srs = osr.SpatialReference()
                srs.ImportFromWkt(crs_wkt)
                srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            self._layer = self._check.call(
                "create the layer",
                self._ds.CreateLayer,
                layer_name,
                srs,
                ogr.wkbMultiPolygon,
                options=_layer_options(self.driver_name),
                need_result=True,
            )
            if self._layer.GetLayerDefn().GetGeomFieldCount() < 1:
                raise OutputError(
                    f"the {self.driver_name} format cannot store polygons ({path})",
                    hint="use .gpkg (recommended), .shp, .geojson, .fgb",
                )
            types = {"int": ogr.OFTInteger64, "real": ogr.OFTReal, "str": ogr.OFTString}
            for (_, kind), name in zip(self.fields, self.field_names, strict=True):
                field = ogr.FieldDefn(name, types[kind])
                self._check.call(f"create field {name}", self._layer.CreateField, field)
                self._index.append(self._layer.GetLayerDefn().GetFieldCount() - 1)
            self._defn = self._layer.GetLayerDefn()
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OutputError):
                raise
            if isinstance(exc, Exception):
                raise write_failure(path, str(exc)) from None
            raise

    def write(self, features: Iterable[Feature]) -> int:
        """Append features (one transaction); returns how many were written. OutputError on any failure
        (the temporary file is then useless: the caller aborts)."""
        import shapely
        from osgeo import ogr

        if self._layer is None:
            raise RuntimeError("writer is closed")  # programming error, not user error
        check = self._check
        n = 0
        try:
            check.call("start a transaction", self._layer.StartTransaction)
            check.reset()
            for feature in features:
                f = ogr.Feature(self._defn)
                for (name, _), index in zip(self.fields, self._index, strict=True):
                    value = feature.attrs.get(name)
                    if value is not None:
                        f.SetField(index, value)
                geom = feature.geom
                if geom.geom_type == "Polygon":
                    geom = shapely.MultiPolygon([geom])
                check.code(f.SetGeometry(ogr.CreateGeometryFromWkb(geom.wkb)), "set a geometry")
                check.code(self._layer.CreateFeature(f), "write a feature")
                n += 1
            check.check("write features")
            check.call("commit", self._layer.CommitTransaction)
        except OutputError:
            raise
        except Exception as exc:
            raise write_failure(self.path, str(exc)) from None
        self.count += n
        return n

    def finish(self, run_record: dict) -> list[tuple[str, str]]:
        """Style and run table (GeoPackage), close, verify, stage `OUT.run.json`; returns the (staged,
        destination) moves, the main file last. Nothing is in place yet (see `commit`)."""
        if self._ds is None or self._staging is None:
            raise RuntimeError("writer is closed")  # programming error, not user error
        check = self._check
        try:
            if self.driver_name == "GPKG":
                _write_style(self._ds, self.layer_name, *self.style, check=check)
                _write_run_table(self._ds, self.layer_name, run_record, check)
            check.call("flush", self._ds.FlushCache)
            check.reset()
            self._layer = self._defn = None
            self._ds = None  # closes the file; errors of the close are in GDAL's error state
            check.check("close")
        except OutputError:
            raise
        except Exception as exc:
            raise write_failure(self.path, str(exc)) from None
        self._verify()
        record_tmp = self._staging.path_for(run_record_path(self.path))
        with raster_write_errors(run_record_path(self.path)), open(record_tmp, "w", encoding="utf-8") as fh:
            json.dump(run_record, fh, indent=2, default=str)
        staged = os.path.dirname(self.tmp_path)
        main = os.path.basename(self.path)
        names = sorted(os.listdir(staged), key=lambda n: n == main)  # main file last
        return [(os.path.join(staged, n), os.path.join(self.folder, n)) for n in names]

    def _verify(self) -> None:
        """Open the closed temporary file again: the layer must be there with every feature written."""
        from osgeo import gdal, ogr

        gdal.ErrorReset()
        try:
            ds = ogr.Open(self.tmp_path, 0)
            layer = ds.GetLayerByName(self.layer_name) if ds is not None else None
            count = layer.GetFeatureCount() if layer is not None else -1
            geom_fields = layer.GetLayerDefn().GetGeomFieldCount() if layer is not None else 0
        except Exception as exc:
            raise write_failure(self.path, f"the written file cannot be read back: {exc}") from None
        finally:
            layer = ds = None
        if count != self.count or geom_fields < 1:
            detail = gdal.GetLastErrorMsg() or (
                f"{count} of {self.count} features read back" if count >= 0 else "the layer is missing"
            )
            gdal.ErrorReset()
            raise write_failure(self.path, f"the written file is incomplete ({detail})")

    def commit(self, run_record: dict, extra: list[tuple[str, str]] | None = None) -> None:
        """Finish, then move the output, its sidecars, its run record and the `extra` (staged, destination)
        files into place as one step (engine.geo.outputs.commit); removes the temporary files either way."""
        try:
            moves = self.finish(run_record)
            commit([*(extra or []), *moves], self.overwrite)
        finally:
            self.abort()

    def abort(self) -> None:
        """Close and remove the temporary file(s); safe to call more than once."""
        self._layer = self._defn = self._ds = None
        if self._staging is not None:
            self._staging.abort()
            self._staging = None

    def __enter__(self) -> FeatureWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


def _layer_options(driver_name: str) -> list[str]:
    if driver_name == "GPKG":
        return ["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES"]
    if driver_name == "ESRI Shapefile":
        return ["ENCODING=UTF-8"]
    if driver_name == "CSV":  # without it the CSV driver silently drops the geometry
        return ["GEOMETRY=AS_WKT"]
    return []


def _write_style(
    ds,
    layer_name: str,
    qml_path: str | os.PathLike = STYLE_PATH,
    style_name: str = "MTRS change polygons",
    check: OgrCheck | None = None,
) -> None:
    """The `layer_styles` table QGIS reads on load, with our QML as the default style of the layer."""
    from osgeo import ogr

    check = check or OgrCheck(str(ds.GetDescription()))
    qml = Path(qml_path).read_text(encoding="utf-8")
    check.reset()
    styles = ds.GetLayerByName("layer_styles")
    gdal_reset()
    if styles is None:
        styles = check.call(
            "create the style table", ds.CreateLayer, "layer_styles", None, ogr.wkbNone, need_result=True
        )
    if styles.GetLayerDefn().GetFieldIndex("styleQML") < 0:
        for name, kind in [
            ("f_table_catalog", ogr.OFTString),
            ("f_table_schema", ogr.OFTString),
            ("f_table_name", ogr.OFTString),
            ("f_geometry_column", ogr.OFTString),
            ("styleName", ogr.OFTString),
            ("styleQML", ogr.OFTString),
            ("styleSLD", ogr.OFTString),
            ("useAsDefault", ogr.OFTInteger),
            ("description", ogr.OFTString),
            ("owner", ogr.OFTString),
            ("ui", ogr.OFTString),
            ("update_time", ogr.OFTDateTime),
        ]:
            fd = ogr.FieldDefn(name, kind)
            if name == "useAsDefault":
                fd.SetSubType(ogr.OFSTBoolean)
            check.call("create a style field", styles.CreateField, fd)
    check.reset()
    f = ogr.Feature(styles.GetLayerDefn())
    f.SetField("f_table_catalog", "")
    f.SetField("f_table_schema", "")
    f.SetField("f_table_name", layer_name)
    f.SetField("f_geometry_column", "geom")
    f.SetField("styleName", style_name)
    f.SetField("styleQML", qml)
    f.SetField("styleSLD", "")
    f.SetField("useAsDefault", 1)
    f.SetField("description", "default style written by MTRS")
    f.SetField("owner", "")
    f.SetField("update_time", utc_now().replace("T", " ").rstrip("Z"))
    check.check("fill the style table")
    check.call("write the style", styles.CreateFeature, f)


def _write_run_table(ds, layer_name: str, record: dict, check: OgrCheck | None = None) -> None:
    """`mtrs_runs`: one row per run with every parameter, versions and timings as JSON."""
    from osgeo import ogr

    check = check or OgrCheck(str(ds.GetDescription()))
    runs = check.call(
        "create the run table", ds.CreateLayer, "mtrs_runs", None, ogr.wkbNone, need_result=True
    )
    for name in ("layer", "run_utc", "mtrs_version", "record_json"):
        check.call("create a run table field", runs.CreateField, ogr.FieldDefn(name, ogr.OFTString))
    check.reset()
    f = ogr.Feature(runs.GetLayerDefn())
    f.SetField("layer", layer_name)
    f.SetField("run_utc", str(record.get("run_utc", "")))
    f.SetField("mtrs_version", str(record.get("versions", {}).get("mtrs", "")))
    f.SetField("record_json", json.dumps(record, default=str))
    check.check("fill the run table")
    check.call("write the run record", runs.CreateFeature, f)


def gdal_reset() -> None:
    """Forget GDAL's last error (a lookup of a missing layer is not a write failure)."""
    from osgeo import gdal

    gdal.ErrorReset()

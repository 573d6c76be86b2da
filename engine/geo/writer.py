"""Writing the change polygons with OGR: GeoPackage (default, with an embedded QGIS style and the run record)
or any OGR vector format chosen by the file extension.

Why atomic: a cancelled or crashed run must never leave a half-written file that looks like a result
(DESIGN decision 3). Everything is written into a hidden temporary folder next to the output and moved into
place with `os.replace` only when complete (the main file last, so its presence means "finished").
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.errors import OutputError

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
    ".csv": "CSV",
}

# (name, OGR type name, width) of the attribute table, in order (INTERFACES: issue 5, requirement 9)
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


def driver_for(path: str) -> str:
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
            return drv.ShortName
    raise OutputError(f"no OGR driver writes '{ext}' files", hint="use .gpkg (recommended), .shp, .geojson")


def run_record_path(output: str) -> str:
    p = Path(output)
    return str(p.with_name(p.stem + ".run.json"))


def check_output(path: str, overwrite: bool) -> None:
    """Fail fast (before any computation) if the output cannot be written."""
    driver_for(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(f"output folder does not exist: {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"output folder is not writable: {folder}")
    if os.path.exists(path) and not overwrite:
        raise OutputError(f"output already exists: {path}", hint="choose another name or pass --overwrite")


@dataclass
class Feature:
    geom: Any  # shapely Polygon / MultiPolygon in the output CRS
    attrs: dict[str, Any]


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_features(
    path: str,
    layer_name: str,
    crs_wkt: str,
    features: list[Feature],
    run_record: dict,
    overwrite: bool = False,
) -> None:
    """Write `features` (+ style, + run record) to `path` atomically; OutputError on any failure."""
    with FeatureWriter(path, layer_name, crs_wkt, overwrite) as writer:
        writer.write(features)
        writer.commit(run_record)


class FeatureWriter:
    """Streams features into a temporary file beside the output; `commit` adds the style and the run record
    and moves everything into place; anything else (`abort`, an exception in the `with` block) removes it.

    Why streaming: a noisy model can produce hundreds of thousands of polygons on a big scene; holding them
    all until the end made the peak memory grow with the raster (docs/benchmarks/pipeline.md). The pipeline
    writes each batch of finished polygons as soon as it is known, in one transaction per batch (one SQLite
    commit per feature would be far slower). The file stays invisible until `commit` renames it into place.
    """

    def __init__(self, path: str, layer_name: str, crs_wkt: str, overwrite: bool = False):
        from osgeo import gdal, ogr, osr

        check_output(path, overwrite)
        self.path, self.layer_name, self.overwrite = path, layer_name, overwrite
        self.driver_name = driver_for(path)
        self.folder = os.path.dirname(os.path.abspath(path))
        self.count = 0
        self._ds = self._layer = None
        self._tmpdir: str | None = tempfile.mkdtemp(prefix=".mtrs-tmp-", dir=self.folder)
        self.tmp_path = os.path.join(self._tmpdir, os.path.basename(path))
        gdal.UseExceptions()
        try:
            self._ds = ogr.GetDriverByName(self.driver_name).CreateDataSource(self.tmp_path)
            srs = osr.SpatialReference()
            srs.ImportFromWkt(crs_wkt)
            srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            self._layer = self._ds.CreateLayer(
                layer_name, srs, ogr.wkbMultiPolygon, options=_layer_options(self.driver_name)
            )
            types = {"int": ogr.OFTInteger64, "real": ogr.OFTReal, "str": ogr.OFTString}
            for name, kind in FIELDS:
                self._layer.CreateField(ogr.FieldDefn(name, types[kind]))
            self._defn = self._layer.GetLayerDefn()
        except Exception as exc:
            self.abort()
            raise OutputError(f"could not write {path}: {exc}") from None

    def write(self, features: Iterable[Feature]) -> int:
        """Append features (one transaction); returns how many were written."""
        import shapely
        from osgeo import ogr

        if self._layer is None:
            raise RuntimeError("writer is closed")  # programming error, not user error
        n = 0
        try:
            self._layer.StartTransaction()
            for feature in features:
                f = ogr.Feature(self._defn)
                for name, _ in FIELDS:
                    value = feature.attrs.get(name)
                    if value is not None:
                        f.SetField(name, value)
                geom = feature.geom
                if geom.geom_type == "Polygon":
                    geom = shapely.MultiPolygon([geom])
                f.SetGeometry(ogr.CreateGeometryFromWkb(geom.wkb))
                self._layer.CreateFeature(f)
                n += 1
            self._layer.CommitTransaction()
        except Exception as exc:
            raise OutputError(f"could not write {self.path}: {exc}") from None
        self.count += n
        return n

    def commit(self, run_record: dict) -> None:
        """Style and run record (GeoPackage), `OUT.run.json`, then the atomic move into place."""
        if self._ds is None or self._tmpdir is None:
            raise RuntimeError("writer is closed")  # programming error, not user error
        try:
            try:
                if self.driver_name == "GPKG":
                    _write_style(self._ds, self.layer_name)
                    _write_run_table(self._ds, self.layer_name, run_record)
                self._ds.FlushCache()
                self._layer = self._ds = None  # closes the file
            except Exception as exc:
                raise OutputError(f"could not write {self.path}: {exc}") from None
            check_output(self.path, self.overwrite)  # still true after the (long) analysis?
            record_tmp = os.path.join(self._tmpdir, os.path.basename(run_record_path(self.path)))
            with open(record_tmp, "w", encoding="utf-8") as fh:
                json.dump(run_record, fh, indent=2, default=str)
            names = sorted(os.listdir(self._tmpdir), key=lambda n: n == os.path.basename(self.path))
            for name in names:  # main file last: its presence means "finished"
                os.replace(os.path.join(self._tmpdir, name), os.path.join(self.folder, name))
        finally:
            self.abort()

    def abort(self) -> None:
        """Close and remove the temporary file(s); safe to call more than once."""
        self._layer = self._ds = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> FeatureWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


def _layer_options(driver_name: str) -> list[str]:
    if driver_name == "GPKG":
        return ["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES"]
    if driver_name == "ESRI Shapefile":
        return ["ENCODING=UTF-8"]
    return []


def _write_style(ds, layer_name: str) -> None:
    """The `layer_styles` table QGIS reads on load, with our QML as the default style of the layer."""
    from osgeo import ogr

    qml = STYLE_PATH.read_text(encoding="utf-8")
    styles = ds.GetLayerByName("layer_styles") or ds.CreateLayer("layer_styles", None, ogr.wkbNone)
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
            styles.CreateField(fd)
    f = ogr.Feature(styles.GetLayerDefn())
    f.SetField("f_table_catalog", "")
    f.SetField("f_table_schema", "")
    f.SetField("f_table_name", layer_name)
    f.SetField("f_geometry_column", "geom")
    f.SetField("styleName", "MTRS change polygons")
    f.SetField("styleQML", qml)
    f.SetField("styleSLD", "")
    f.SetField("useAsDefault", 1)
    f.SetField("description", "default style written by MTRS")
    f.SetField("owner", "")
    f.SetField("update_time", utc_now().replace("T", " ").rstrip("Z"))
    styles.CreateFeature(f)


def _write_run_table(ds, layer_name: str, record: dict) -> None:
    """`mtrs_runs`: one row per run with every parameter, versions and timings as JSON."""
    from osgeo import ogr

    runs = ds.CreateLayer("mtrs_runs", None, ogr.wkbNone)
    for name in ("layer", "run_utc", "mtrs_version", "record_json"):
        runs.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    f = ogr.Feature(runs.GetLayerDefn())
    f.SetField("layer", layer_name)
    f.SetField("run_utc", str(record.get("run_utc", "")))
    f.SetField("mtrs_version", str(record.get("versions", {}).get("mtrs", "")))
    f.SetField("record_json", json.dumps(record, default=str))
    runs.CreateFeature(f)

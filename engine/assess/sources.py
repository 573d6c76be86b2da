"""Opening the two inputs of an assessment: a vector layer (any OGR source) or a raster (any GDAL raster).

Why one module: the predicted and the reference side accept the same kinds of input and must reject a bad one
the same way, with one clear InputError each (missing file, neither vector nor raster, unknown layer or field,
bad filter, no CRS), before any grid or output exists. A vector layer is read whole into shapely geometries;
a raster is only described here (read later, onto the analysis grid).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import shapely
from rasterio.crs import CRS
from rasterio.transform import Affine
from shapely.geometry.base import BaseGeometry

from engine.errors import InputError

PROMPT_FIELD = "prompt"  # the attribute `mtrs predict` writes the prompt of each polygon into
RUN_TABLE = "mtrs_runs"  # the run-record table of a GeoPackage written by `mtrs predict`


@dataclass
class VectorFeature:
    geom: BaseGeometry  # polygonal, in the layer's CRS
    cls: str | None = None  # value of the class field (reference side)
    prompt: str | None = None  # value of the `prompt` field (predicted side)


@dataclass
class VectorSource:
    """A polygon layer read into memory."""

    path: str
    layer: str
    crs: CRS
    features: list[VectorFeature]
    # the area an `mtrs predict` run analysed, (bounds, CRS), from its run record; None for other layers
    footprint: tuple[tuple[float, float, float, float], CRS] | None = None
    skipped: int = 0  # features without a polygonal geometry
    kind: str = field(default="vector", init=False)

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """Bounding box of the features (layer CRS), or None for an empty layer."""
        if not self.features:
            return None
        return tuple(shapely.total_bounds([f.geom for f in self.features]).tolist())

    @property
    def label(self) -> str:
        return f"{os.path.basename(self.path)} (layer '{self.layer}')"


@dataclass
class RasterSource:
    """A raster described by its metadata; `bands` are 1-based, `names` one per band (prompt or class)."""

    path: str
    crs: CRS
    transform: Affine
    width: int
    height: int
    bands: list[int]
    names: list[str]
    nodata: float | None
    dtype: str
    kind: str = field(default="raster", init=False)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        from rasterio.transform import array_bounds

        return tuple(array_bounds(self.height, self.width, self.transform))

    @property
    def label(self) -> str:
        return os.path.basename(self.path)


Source = VectorSource | RasterSource


def split_layer_suffix(path: str, layer: str | None) -> tuple[str, str | None]:
    """QGIS writes layer sources as `file.gpkg|layername=NAME`; accept that spelling too."""
    if "|" not in path:
        return path, layer
    base, *options = path.split("|")
    for option in options:
        key, _, value = option.partition("=")
        if key.strip().lower() == "layername" and value and not layer:
            layer = value.strip()
    return base, layer


def open_source(
    path: str,
    role: str,
    *,
    layer: str | None = None,
    class_field: str | None = None,
    where: str | None = None,
    bands: list[int] | None = None,
) -> Source:
    """Open `path` as a vector layer if it holds one, else as a raster. `role` ("predicted", "reference")
    names the input in messages. Raises InputError for everything a user can get wrong."""
    from osgeo import gdal

    path, layer = split_layer_suffix(os.fspath(path), layer)
    if not os.path.exists(path) and "://" not in path and not path.startswith("/vsi"):
        raise InputError(f"{role} file not found: {path}")
    vector = _quiet_open(path, gdal.OF_VECTOR)
    spatial = [] if vector is None else _spatial_layers(vector)
    if spatial or (vector is not None and layer):
        return _read_vector(vector, path, role, spatial, layer, class_field, where)
    vector = None
    raster = _quiet_open(path, gdal.OF_RASTER)
    if raster is None:
        raise InputError(
            f"{role} input is neither a vector layer nor a raster GDAL can read: {path}",
            hint="use a GeoPackage, Shapefile or GeoJSON of polygons, or a GeoTIFF",
        )
    raster = None
    if layer:
        raise InputError(f"{role} input {os.path.basename(path)} is a raster; it has no layer '{layer}'")
    if class_field or where:
        which = (
            "--class-field" if class_field else ("--where" if role == "reference" else "--predicted-where")
        )
        raise InputError(
            f"{which} applies to a vector {role} layer, but {os.path.basename(path)} is a raster"
        )
    return _describe_raster(path, role, bands)


def _quiet_open(path: str, kind: int):
    """gdal.OpenEx without GDAL's own error print-out; None when GDAL cannot open `path` as `kind`."""
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        return gdal.OpenEx(path, kind)
    except RuntimeError:  # another part of the process turned GDAL exceptions on
        return None
    finally:
        gdal.PopErrorHandler()


def _spatial_layers(ds) -> list[str]:
    from osgeo import ogr

    names = []
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        if lyr.GetGeomType() != ogr.wkbNone and lyr.GetName() != "layer_styles":
            names.append(lyr.GetName())
    return names


def _read_vector(ds, path, role, spatial, layer, class_field, where) -> VectorSource:
    name = os.path.basename(path)
    flag = f"--{role}-layer"
    if layer:
        if layer not in spatial:
            raise InputError(
                f"{role} source {name} has no polygon layer '{layer}'",
                hint=f"layers: {', '.join(spatial) or 'none'}",
            )
    elif len(spatial) > 1:
        raise InputError(
            f"{role} source {name} has {len(spatial)} layers; choose one with {flag}",
            hint=f"layers: {', '.join(spatial)}",
        )
    layer = layer or spatial[0]
    lyr = ds.GetLayerByName(layer)
    srs = lyr.GetSpatialRef()
    if srs is None:
        raise InputError(
            f"{role} layer {name} (layer '{layer}') has no coordinate reference system",
            hint="assign one (QGIS: Layer Properties > Source; GDAL: ogr2ogr -a_srs EPSG:xxxx)",
        )
    try:
        crs = CRS.from_wkt(srs.ExportToWkt())
    except Exception:
        raise InputError(f"the CRS of the {role} layer {name} is not one PROJ knows") from None
    defn = lyr.GetLayerDefn()
    fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    if class_field and class_field not in fields:
        raise InputError(
            f"the {role} layer {name} has no field '{class_field}'", hint=f"fields: {', '.join(fields)}"
        )
    features, skipped = _read_features(lyr, role, where, class_field, PROMPT_FIELD in fields)
    if skipped and not features:
        raise InputError(f"the {role} layer {name} has no polygons (points or lines cannot be assessed)")
    footprint = _recorded_footprint(ds, layer)
    return VectorSource(path, layer, crs, features, footprint, skipped)


def _read_features(
    lyr, role: str, where: str | None, class_field: str | None, has_prompt: bool
) -> tuple[list[VectorFeature], int]:
    """The layer's polygons (after the OGR filter `where`) and how many features had no polygon.

    Some drivers (GeoPackage: SQLite) check a filter only when reading, so an error while reading counts as a
    bad filter too; GDAL may report it by an exception or by its error state, depending on the process."""
    from osgeo import gdal

    features: list[VectorFeature] = []
    skipped = 0
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    gdal.ErrorReset()
    try:
        if where and lyr.SetAttributeFilter(where) != 0:
            raise RuntimeError(gdal.GetLastErrorMsg())
        lyr.ResetReading()
        for feat in lyr:
            geom = _polygonal(feat.GetGeometryRef())
            if geom is None:
                skipped += 1
                continue
            cls = feat.GetField(class_field) if class_field else None
            prompt = feat.GetField(PROMPT_FIELD) if has_prompt else None
            features.append(
                VectorFeature(
                    geom, None if cls is None else str(cls), None if prompt is None else str(prompt)
                )
            )
        if gdal.GetLastErrorType() >= gdal.CE_Failure:
            raise RuntimeError(gdal.GetLastErrorMsg())
    except RuntimeError as exc:
        if where:
            raise InputError(
                f"invalid filter for the {role} layer: {where}", hint=str(exc).strip() or None
            ) from None
        raise InputError(f"cannot read the {role} layer", hint=str(exc).strip() or None) from None
    finally:
        gdal.PopErrorHandler()
    return features, skipped


def _polygonal(ogr_geom) -> BaseGeometry | None:
    """Polygonal shapely geometry (2D, valid) of an OGR geometry; None for empty / non-areal ones."""
    if ogr_geom is None or ogr_geom.IsEmpty():
        return None
    if ogr_geom.HasCurveGeometry():
        ogr_geom = ogr_geom.GetLinearGeometry()
    geom = shapely.force_2d(shapely.from_wkb(bytes(ogr_geom.ExportToIsoWkb())))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return None if geom.is_empty or geom.area <= 0 else geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    geom = shapely.union_all(parts)
    return None if geom.is_empty or geom.area <= 0 else geom


def _recorded_footprint(ds, layer: str) -> tuple[tuple[float, float, float, float], CRS] | None:
    """The analysed region recorded by `mtrs predict` in the GeoPackage's run table, if there is one.

    Why: the bounding box of predicted polygons is not the area that was analysed (a model that found
    nothing in a corner still looked there); the recorded region is, so it bounds the default extent.
    """
    runs = ds.GetLayerByName(RUN_TABLE)
    if runs is None:
        return None
    try:
        for feat in runs:
            if feat.GetField("layer") not in (None, layer):
                continue
            record = json.loads(feat.GetField("record_json") or "{}")
            alignment = record.get("alignment") or {}
            t = Affine(*alignment["transform"][:6])
            _, _, width, height = alignment["region"]
            corners = [t @ (c, r) for c, r in ((0, 0), (width, 0), (width, height), (0, height))]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            return (min(xs), min(ys), max(xs), max(ys)), CRS.from_user_input(alignment["crs"])
    except Exception:  # a foreign or older table: fall back to the features' bounding box
        return None
    finally:
        runs.ResetReading()
    return None


def _describe_raster(path: str, role: str, bands: list[int] | None) -> RasterSource:
    from engine.geo.raster import open_checked

    ds, _ = open_checked(path, bands[:1] if bands else [1])
    try:
        selected = list(bands) if bands else list(range(1, ds.count + 1))
        if role == "reference" and not bands:
            selected = [1]
        bad = [b for b in selected if b < 1 or b > ds.count]
        if bad:
            raise InputError(
                f"band {bad[0]} does not exist in {os.path.basename(path)} (it has {ds.count} band(s))"
            )
        names = [(ds.descriptions[b - 1] or "").strip() or f"band {b}" for b in selected]
        return RasterSource(
            path=os.path.abspath(path),
            crs=ds.crs,
            transform=ds.transform,
            width=ds.width,
            height=ds.height,
            bands=selected,
            names=names,
            nodata=ds.nodata,
            dtype=ds.dtypes[selected[0] - 1],
        )
    finally:
        ds.close()

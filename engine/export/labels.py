"""Change labels, vector or raster, cut into chip-sized instances on the earlier raster's grid.

Why two readers behind one interface: analysts hold their labels either as polygons (digitised in QGIS,
exported from a damage assessment: any OGR source, any CRS, a class and/or a description per polygon) or as a
change raster (a classification, 0/1 or class codes). Both end as `Instance`s per chip, so the expression
generator and the writer never care which. Vector polygons are reprojected once into the earlier raster's CRS
and rasterised per chip (one instance per polygon); raster labels are read through the same alignment as the
images (warped with nearest resampling when their grid differs) and split into connected components per class.

Two plain images (no georeference, compared pixel for pixel: `crs` None) take plain labels only: a label image
of the same size (band 1), or a vector layer WITHOUT a CRS whose coordinates are pixels (x = column, y = row
from the top-left corner, the convention of `engine.geo.align` and of the polygons `mtrs predict` writes).
"""

from __future__ import annotations

import math
import os
import warnings

import numpy as np
import rasterio
import shapely
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning
from rasterio.features import rasterize
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window
from scipy import ndimage

from engine.errors import InputError
from engine.export.expressions import Instance

RASTER_EXTENSIONS = (".tif", ".tiff", ".vrt", ".img", ".png", ".jp2", ".asc")
UNDEFINED_SRS_NAMES = ("Undefined geographic SRS", "Undefined cartesian SRS")  # GeoPackage srs_id 0 and -1


def open_labels(
    path: str,
    crs: CRS | None,
    *,
    layer: str | None = None,
    class_field: str | None = None,
    description_field: str | None = None,
    where: str | None = None,
    class_table: dict[int, str] | None = None,
    change_name: str = "changed area",
    grid: tuple[Affine, int, int] | None = None,
) -> VectorLabels | RasterLabels:
    """The right reader for `path`: a raster when GDAL opens it as one with bands and no vector layer.
    `crs` None: the images are plain (pixel coordinates), and so must the labels be."""
    if not os.path.exists(path) and "://" not in path and not path.startswith("/vsi"):
        raise InputError(f"label file not found: {path}")
    if _is_raster(path):
        if class_field or description_field or where or layer:
            raise InputError(
                f"{os.path.basename(path)} is a raster: --class-field, --description-field, --where and "
                "--label-layer apply to vector labels",
                hint="for a class raster give --class-table CODE=NAME,...",
            )
        assert grid is not None
        return RasterLabels(path, crs, grid, class_table, change_name)
    if class_table:
        raise InputError("--class-table applies to raster labels; vector labels take --class-field")
    return VectorLabels(path, crs, layer, class_field, description_field, where, change_name)


def _is_raster(path: str) -> bool:
    from osgeo import gdal

    gdal.UseExceptions()
    try:
        ds = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_VECTOR)
    except RuntimeError as exc:
        raise InputError(f"not a vector or raster GDAL can read: {path}", hint=str(exc)) from None
    if ds is None:
        raise InputError(f"not a vector or raster GDAL can read: {path}")
    return ds.RasterCount > 0 and ds.GetLayerCount() == 0


class VectorLabels:
    """Polygons of an OGR layer, reprojected to the analysis CRS, with their class and description."""

    def __init__(
        self,
        path: str,
        crs: CRS | None,
        layer: str | None,
        class_field: str | None,
        description_field: str | None,
        where: str | None,
        change_name: str,
    ):
        from osgeo import ogr, osr

        ogr.UseExceptions()
        try:
            ds = ogr.Open(path)
        except RuntimeError as exc:
            raise InputError(f"not a vector layer OGR can read: {path}", hint=str(exc)) from None
        if ds is None or ds.GetLayerCount() == 0:
            raise InputError(f"{path} holds no vector layer")
        names = [ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount())]
        if layer is None:
            if len(names) > 1:
                raise InputError(
                    f"{os.path.basename(path)} has {len(names)} layers",
                    hint=f"choose one: {', '.join(names)}",
                )
            lyr = ds.GetLayerByIndex(0)
        else:
            if layer not in names:
                raise InputError(f"no layer '{layer}' in {os.path.basename(path)}", hint=f"layers: {names}")
            lyr = ds.GetLayerByName(layer)
        defn = lyr.GetLayerDefn()
        fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
        for option, name in (("--class-field", class_field), ("--description-field", description_field)):
            if name and name not in fields:
                raise InputError(
                    f"{option}: the label layer has no field '{name}'",
                    hint=f"fields: {', '.join(fields) or '(none)'}",
                )
        if where:
            try:
                lyr.SetAttributeFilter(where)
            except RuntimeError as exc:
                raise InputError(f"--where: invalid filter '{where}'", hint=str(exc).strip()) from None
        src = _defined(lyr.GetSpatialRef())
        transform = None
        if crs is None:  # plain images: the polygons' coordinates are pixels, used as they are
            if src is not None:
                raise InputError(
                    f"the label layer of {os.path.basename(path)} has a coordinate reference system but the "
                    "images are not georeferenced",
                    hint="georeference the images (QGIS: Raster > Georeferencer), or give labels without a "
                    "CRS in pixel coordinates (x = column, y = row from the top-left corner) as a GeoPackage "
                    "or Shapefile (GeoJSON always means WGS 84)",
                )
        elif src is None:
            raise InputError(
                f"the label layer of {os.path.basename(path)} has no coordinate reference system",
                hint="assign one in QGIS (Layer Properties > Source) or with ogr2ogr -a_srs",
            )
        else:
            dst = osr.SpatialReference()
            dst.ImportFromWkt(crs.to_wkt())
            for srs in (src, dst):
                srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            transform = None if src.IsSame(dst) else osr.CoordinateTransformation(src, dst)
        self.geoms: list = []
        self.classes: list[str] = []
        self.descriptions: list[str | None] = []
        for feature in _features(lyr, where):
            geom = feature.GetGeometryRef()
            if geom is None:
                continue
            geom = geom.Clone()
            if transform is not None:
                geom.Transform(transform)
            shape = shapely.make_valid(shapely.from_wkb(bytes(geom.ExportToWkb())))
            polys = [g for g in shapely.get_parts(shape) if g.geom_type in ("Polygon", "MultiPolygon")]
            if not polys or shapely.union_all(polys).area <= 0:
                continue
            value = feature.GetField(class_field) if class_field else None
            self.geoms.append(shapely.union_all(polys))
            self.classes.append(change_name if value in (None, "") else str(value))
            text = feature.GetField(description_field) if description_field else None
            self.descriptions.append(None if text in (None, "") else str(text))
        if not self.geoms:
            raise InputError(
                f"the label layer of {os.path.basename(path)} has no polygon"
                + (f" matching --where {where!r}" if where else ""),
                hint="labels must be polygons of the changes (points and lines are not labels)",
            )
        self.tree = shapely.STRtree(self.geoms)
        self.bounds = tuple(shapely.total_bounds(self.geoms))

    @property
    def vocabulary(self) -> list[str]:
        return sorted(set(self.classes))

    def instances(self, window: Window, transform: Affine) -> list[Instance]:
        """Instances inside one chip; `transform` is the chip's geotransform, `window` gives its size."""
        h, w = int(window.height), int(window.width)
        x0, y0 = transform @ (0, 0)
        x1, y1 = transform @ (w, h)
        box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        out = []
        for i in sorted(int(i) for i in self.tree.query(box, predicate="intersects")):
            mask = rasterize([(self.geoms[i], 1)], out_shape=(h, w), transform=transform, dtype="uint8")
            if mask.any():
                out.append(Instance(self.classes[i], mask.astype(bool), self.descriptions[i]))
        return out


def _defined(srs):
    """The layer's CRS, or None also for GeoPackage's placeholders of a layer created without one."""
    if srs is None or srs.GetName() in UNDEFINED_SRS_NAMES:
        return None
    return srs


def _features(layer, where: str | None):
    """The layer's features; a filter that only fails when the driver runs it (GeoPackage prepares its SQL on
    the first read) becomes the same InputError as one refused at once."""
    try:
        yield from layer
    except RuntimeError as exc:
        raise InputError(f"--where: invalid filter '{where}'", hint=str(exc).strip()) from None


class RasterLabels:
    """A change raster (0 = no change; 1/255 = change, or class codes named by a class table), read on the
    earlier raster's grid. Only band 1 counts (an RGB or RGBA mask: its first band)."""

    def __init__(
        self,
        path: str,
        crs: CRS | None,
        grid: tuple[Affine, int, int],
        class_table: dict[int, str] | None,
        change_name: str,
    ):
        transform, width, height = grid
        try:
            with warnings.catch_warnings():  # plain label images are fine next to plain images
                warnings.simplefilter("ignore", NotGeoreferencedWarning)
                self.src = rasterio.open(path)
        except rasterio.errors.RasterioIOError as exc:
            raise InputError(f"not a raster GDAL can read: {path}", hint=str(exc)) from None
        if crs is None:
            self._check_plain(path, width, height)
        elif self.src.crs is None:
            self.src.close()
            raise InputError(f"the label raster {os.path.basename(path)} has no coordinate reference system")
        same = self.src.crs == crs and all(
            math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
            for a, b in zip(tuple(self.src.transform)[:6], tuple(transform)[:6], strict=True)
        )
        self.view = (
            self.src
            if same
            else WarpedVRT(
                self.src,
                crs=crs,
                transform=transform,
                width=width,
                height=height,
                resampling=Resampling.nearest,
            )
        )
        codes = self._codes()
        self.nodata = self.src.nodata
        if class_table:
            missing = sorted(c for c in codes if c != 0 and c not in class_table)
            if missing:
                self.close()
                raise InputError(
                    f"the class table names no class for code(s) {', '.join(map(str, missing))}",
                    hint="add them to --class-table, e.g. " + ",".join(f"{c}=NAME" for c in missing[:3]),
                )
            self.table = {int(k): str(v) for k, v in class_table.items() if int(k) != 0}
        else:
            extra = sorted(c for c in codes if c not in (0, 1, 255))
            if extra:
                self.close()
                raise InputError(
                    f"the label raster holds class codes {', '.join(map(str, extra[:8]))}",
                    hint="name them with --class-table CODE=NAME,... (0 is no change)",
                )
            self.table = {1: change_name, 255: change_name}
        present = [c for c in codes if c in self.table]
        if not present:
            self.close()
            raise InputError(f"the label raster {os.path.basename(path)} labels no change (every pixel is 0)")
        self.codes = present
        self.bounds = tuple(rasterio.transform.array_bounds(height, width, transform))
        self.bounds = (self.bounds[0], self.bounds[1], self.bounds[2], self.bounds[3])
        self._vocabulary = sorted({self.table[c] for c in present})

    def _check_plain(self, path: str, width: int, height: int) -> None:
        """Plain images: the label raster must be a plain image of the same size (read pixel for pixel)."""
        name = os.path.basename(path)
        if self.src.crs is not None or not self.src.transform.is_identity:
            self.src.close()
            raise InputError(
                f"the label raster {name} is georeferenced but the images are not",
                hint="georeference the images (QGIS: Raster > Georeferencer), or give a plain label image "
                "of the images' size",
            )
        if (self.src.width, self.src.height) != (width, height):
            size = f"{self.src.width}×{self.src.height}"
            self.src.close()
            raise InputError(
                f"the label image {name} is {size} px but the images are {width}×{height} px",
                hint="plain images and their labels are matched pixel for pixel: give a label image of the "
                "same size",
            )

    def _codes(self) -> list[int]:
        """Every value of band 1 (block by block: memory stays flat), nodata excluded."""
        values: set[int] = set()
        nodata = self.src.nodata
        for _, window in self.src.block_windows(1):
            data = self.src.read(1, window=window)
            uniq = np.unique(data)
            values.update(int(v) for v in uniq if nodata is None or v != nodata)
        return sorted(values)

    @property
    def vocabulary(self) -> list[str]:
        return list(self._vocabulary)

    def instances(self, window: Window, transform: Affine) -> list[Instance]:
        """Connected components (8-connected) per class in one chip; `window` is on the earlier grid."""
        data = self.view.read(1, window=window, boundless=False)
        out = []
        for code in sorted(c for c in np.unique(data) if int(c) in self.table):
            if self.nodata is not None and code == self.nodata:
                continue
            labelled, n = ndimage.label(data == code, structure=np.ones((3, 3), dtype=bool))
            for k in range(1, n + 1):
                out.append(Instance(self.table[int(code)], labelled == k))
        return out

    def close(self) -> None:
        if self.view is not self.src:
            self.view.close()
        self.src.close()

"""Co-registration of the two dates: the analysis happens on the EARLIER raster's pixel grid.

Why: never assume two rasters line up (a misregistered pair shows change everywhere). Same CRS and the same
grid (up to a whole-pixel offset) → plain windowed reads of both. Anything else (other CRS, resolution,
rotation, sub-pixel shift) → the later raster is read through a GDAL warped VRT onto the earlier grid, so
every tile of both dates covers exactly the same ground. The analysis extent is the overlap of both
footprints, optionally clipped to a bounding box or polygon given in any CRS; footprints are compared
antimeridian-aware (`project_bounds`). A raster georeferenced by ground control points only is warped with
them. Two plain images without any georeference are compared pixel for pixel only when the caller asks for it
(`allow_pixel_coordinates`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import ColorInterp, MaskFlags, Resampling
from rasterio.errors import RasterioError
from rasterio.features import geometry_mask
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform as transform_points
from rasterio.warp import transform_geom
from rasterio.windows import Window

from engine.contract import GRID_TOLERANCE_PX, RESOLUTION_NOTE_RATIO  # shared with the dock's preview
from engine.errors import InputError
from engine.geo.raster import RasterInfo, open_checked

PIXEL_MODE_NOTE = (
    "neither image is georeferenced: working in pixel coordinates (x = column, y = row from the top-left "
    "corner; areas and lengths in pixels)"
)


@dataclass
class AlignedPair:
    """Both dates readable tile by tile on one grid (the earlier raster's), restricted to the analysis region.

    `region` is a window of the earlier raster; tile windows passed to `read` are relative to the region.
    """

    earlier_info: RasterInfo
    later_info: RasterInfo
    earlier: rasterio.io.DatasetReader
    later_src: rasterio.io.DatasetReader
    later: rasterio.io.DatasetReader | WarpedVRT  # the later raster as seen on the earlier grid
    region: Window
    crs: CRS
    same_grid: bool
    later_offset: tuple[int, int] = (0, 0)  # (col, row) of the earlier grid origin in the later raster
    clip_geometry: dict | None = None  # GeoJSON-like polygon in the earlier CRS, or None
    warnings: list[str] = field(default_factory=list)
    resolution_ratio: float = 1.0  # later pixel size / earlier pixel size (ground units, centre pixels)
    owned: list = field(default_factory=list)  # datasets behind GCP views, closed with the pair

    @property
    def pixel_mode(self) -> bool:
        """Two plain images (no georeference): coordinates are pixels (x = column, y = row)."""
        return self.crs is None

    @property
    def transform(self) -> Affine:
        """Geotransform of the region (pixel (0, 0) = top-left of the analysis region)."""
        return self.earlier.transform @ Affine.translation(self.region.col_off, self.region.row_off)

    @property
    def width(self) -> int:
        return int(self.region.width)

    @property
    def height(self) -> int:
        return int(self.region.height)

    def read(
        self, window: Window, out_shape: tuple[int, int] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Read one window (relative to the region) of both dates.

        Returns (earlier 3×h×w, later 3×h×w, valid h×w bool) in source dtypes; single bands are replicated.
        A pixel is valid only where every selected band of both dates is valid and it lies inside the clip
        polygon: the pipeline predicts nothing elsewhere. `out_shape` gives a decimated read (for statistics).
        """
        col = int(self.region.col_off + window.col_off)
        row = int(self.region.row_off + window.row_off)
        win_e = Window(col, row, window.width, window.height)
        if self.same_grid:
            win_l = Window(
                col + self.later_offset[0], row + self.later_offset[1], window.width, window.height
            )
        else:
            win_l = win_e
        be, bl = list(self.earlier_info.bands), list(self.later_info.bands)
        earlier, valid_e = _read_checked(self.earlier, be, win_e, out_shape, self.earlier_info.path)
        later, valid_l = _read_checked(self.later, bl, win_l, out_shape, self.later_info.path)
        valid = valid_e & valid_l
        if self.clip_geometry is not None:
            h, w = valid.shape
            sx, sy = window.width / w, window.height / h
            tile_transform = self.earlier.transform @ Affine.translation(col, row) @ Affine.scale(sx, sy)
            valid &= ~geometry_mask([self.clip_geometry], out_shape=(h, w), transform=tile_transform)
        if earlier.shape[0] == 1:
            earlier = np.repeat(earlier, 3, axis=0)
        if later.shape[0] == 1:
            later = np.repeat(later, 3, axis=0)
        return earlier, later, valid

    def close(self) -> None:
        if self.later is not self.later_src:
            self.later.close()
        self.later_src.close()
        self.earlier.close()
        for ds in self.owned:
            ds.close()


def _read_checked(
    ds, bands: list[int], window: Window, out_shape: tuple[int, int] | None, path: str
) -> tuple[np.ndarray, np.ndarray]:
    """`_read`, with GDAL's read failures (a damaged or truncated file) as one InputError naming the file."""
    try:
        return _read(ds, bands, window, out_shape)
    except RasterioError as exc:
        cause = exc.__cause__ or exc.__context__
        detail = str(cause or exc).splitlines()[0] if str(cause or exc) else type(exc).__name__
        raise InputError(
            f"cannot read {os.path.basename(path)}: {detail}",
            hint="the file is damaged or incomplete; copy or download it again",
        ) from None


def _read(
    ds, bands: list[int], window: Window, out_shape: tuple[int, int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels and validity (all selected bands valid) of one window; nearest decimation for `out_shape`.

    NaN and ±inf in floating-point rasters are invalid like nodata: one NaN pixel must not turn the
    probabilities of a whole tile into NaN."""
    kw = (
        {} if out_shape is None else {"out_shape": (len(bands), *out_shape), "resampling": Resampling.nearest}
    )
    data = ds.read(bands, window=window, **kw)
    valid = None
    if not _all_valid(ds, bands):  # no nodata, mask or alpha: GDAL's mask would be all 255, skip computing it
        valid = (ds.read_masks(bands, window=window, **kw) > 0).all(axis=0)
    if data.dtype.kind == "f":
        finite = np.isfinite(data).all(axis=0)
        if not finite.all():
            valid = finite if valid is None else valid & finite
    return data, valid if valid is not None else np.ones(data.shape[1:], dtype=bool)


def _all_valid(ds, bands: list[int]) -> bool:
    flags = ds.mask_flag_enums
    return all(list(flags[b - 1]) == [MaskFlags.all_valid] for b in bands)


def _wrap(e, lt) -> float:
    """Degrees to add to the later raster's longitudes when both rasters are in the same geographic CRS but
    describe the ground in different 360° spans (e.g. 179.9…180.1° and -180.1…-179.9°); else 0."""
    if e.crs is None or lt.crs is None or e.crs != lt.crs or not e.crs.is_geographic:
        return 0.0
    ce, cl = (e.bounds.left + e.bounds.right) / 2.0, (lt.bounds.left + lt.bounds.right) / 2.0
    return -360.0 * round((cl - ce) / 360.0)


def _same_grid(
    e: rasterio.io.DatasetReader, lt: rasterio.io.DatasetReader, tl: Affine | None = None
) -> tuple[bool, tuple[int, int], float]:
    """Same CRS, pixel size and rotation, origins a whole number of pixels apart → (True, offset, shift).
    `tl`: the later raster's transform to use (longitudes shifted by `_wrap`)."""
    if e.crs != lt.crs:
        return False, (0, 0), math.nan
    te, tl = e.transform, tl if tl is not None else lt.transform
    if not all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        for a, b in zip((te.a, te.b, te.d, te.e), (tl.a, tl.b, tl.d, tl.e), strict=True)
    ):
        return False, (0, 0), math.nan
    col, row = ~tl @ (te.c, te.f)  # earlier origin in later pixel coordinates
    shift = max(abs(col - round(col)), abs(row - round(row)))
    return shift < GRID_TOLERANCE_PX, (round(col), round(row)), shift


def _bounds_window(
    bounds: tuple[float, float, float, float], transform: Affine, width: int, height: int
) -> Window:
    """Pixel window of the earlier raster covering `bounds` (rounded outward), clipped to the raster."""
    xmin, ymin, xmax, ymax = bounds
    corners = [~transform @ (x, y) for x in (xmin, xmax) for y in (ymin, ymax)]
    cols = [c for c, _ in corners]
    rows = [r for _, r in corners]
    eps = 1e-6
    c0 = max(0, math.floor(min(cols) + eps))
    r0 = max(0, math.floor(min(rows) + eps))
    c1 = min(width, math.ceil(max(cols) - eps))
    r1 = min(height, math.ceil(max(rows) - eps))
    return Window(c0, r0, max(0, c1 - c0), max(0, r1 - r0))


def _intersect(a: Window, b: Window) -> Window:
    """rasterio's window intersection; disjoint windows give an empty window at the far corner instead of
    rasterio's WindowError, so that callers report "no overlap" in words."""
    from rasterio.errors import WindowError
    from rasterio.windows import intersection

    try:
        return intersection(a, b)
    except WindowError:
        c0, r0 = max(a.col_off, b.col_off), max(a.row_off, b.row_off)
        return Window(c0, r0, 0, 0)


def _outline(bounds: tuple[float, float, float, float], n: int = 21) -> tuple[np.ndarray, np.ndarray]:
    """Points along the edges of a rectangle (n per edge) and an 11×11 grid inside it."""
    xmin, ymin, xmax, ymax = bounds
    t = np.linspace(0.0, 1.0, n)
    xs = [xmin + (xmax - xmin) * t, np.full(n, xmax), xmin + (xmax - xmin) * t, np.full(n, xmin)]
    ys = [np.full(n, ymin), ymin + (ymax - ymin) * t, np.full(n, ymax), ymin + (ymax - ymin) * t]
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 11), np.linspace(ymin, ymax, 11))
    return np.concatenate([*xs, gx.ravel()]), np.concatenate([*ys, gy.ravel()])


def project_bounds(
    bounds: tuple[float, float, float, float], src: CRS | None, dst: CRS | None, centre_x: float | None = None
) -> tuple[float, float, float, float] | None:
    """Bounding box, in `dst`, of the rectangle `bounds` given in `src` (None: nothing of it maps).

    Antimeridian-aware: when `dst` is geographic, longitudes are taken within ±180° of `centre_x` (the
    centre of the raster they are compared with), so a footprint that crosses 180° stays one box (e.g.
    179.6…180.4) instead of spanning the globe or coming out empty."""
    if src is None or dst is None or src == dst:
        return tuple(bounds)
    xs, ys = _outline(bounds)
    try:
        px, py = transform_points(src, dst, xs, ys)
    except Exception:
        raise InputError(
            f"coordinates in {src.to_string()} cannot be transformed to {dst.to_string()}"
        ) from None
    px, py = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
    keep = np.isfinite(px) & np.isfinite(py)
    if not keep.any():
        return None
    px, py = px[keep], py[keep]
    if dst.is_geographic and centre_x is not None:
        px = centre_x + np.mod(px - centre_x + 180.0, 360.0) - 180.0
    return float(px.min()), float(py.min()), float(px.max()), float(py.max())


def parse_crs(text: str | None, default: CRS) -> CRS:
    if not text:
        return default
    try:
        return CRS.from_user_input(text)
    except Exception:
        raise InputError(f"unknown CRS '{text}'", hint="use an authority id such as EPSG:4326") from None


def align(
    earlier_path: str,
    later_path: str,
    bands_earlier: list[int] | None = None,
    bands_later: list[int] | None = None,
    extent: list[float] | None = None,
    extent_crs: str | None = None,
    extent_wkt: str | None = None,
    resampling: str = "bilinear",
    *,
    allow_pixel_coordinates: bool = False,
) -> AlignedPair:
    """Open both rasters, decide direct reads vs warping, and compute the analysis region (InputError if the
    footprints, or the footprints and the requested extent, do not overlap).

    Rasters georeferenced by ground control points only are warped with them. `allow_pixel_coordinates`:
    two plain images without any georeference (PNG, JPEG) of the same size are compared pixel for pixel;
    the pair's `crs` is then None (`pixel_mode`). Without it (the default), such images are an InputError
    that says how to georeference them."""
    try:
        resampling_enum = Resampling[resampling]
    except KeyError:
        raise InputError(f"unknown resampling '{resampling}'", hint="e.g. nearest, bilinear, cubic") from None
    opts = {"allow_ungeoreferenced": allow_pixel_coordinates, "allow_gcps": True}
    e, e_info = open_checked(earlier_path, bands_earlier, **opts)
    opened = [e]
    try:
        lt, l_info = open_checked(later_path, bands_later, **opts)
        opened.append(lt)
        owned = []  # GCP rasters are used through a north-up view warped with their GCPs
        if e_info.georef == "gcps":
            owned.append(e)
            e = _gcp_view(e, resampling_enum)
            opened.append(e)
        if l_info.georef == "gcps":
            owned.append(lt)
            lt = _gcp_view(lt, resampling_enum)
            opened.append(lt)
        pair = _align_open(e, e_info, lt, l_info, extent, extent_crs, extent_wkt, resampling, resampling_enum)
        pair.owned = owned
        return pair
    except BaseException:
        for ds in reversed(opened):
            ds.close()
        raise


def _has_alpha(ds) -> bool:
    """An alpha band (by colour interpretation, compared as enums: `str()` of one is '6' on Python 3.11)."""
    return any(ci == ColorInterp.alpha for ci in ds.colorinterp)


def _gcp_view(ds, resampling: Resampling) -> WarpedVRT:
    """A GCP-georeferenced raster as a north-up raster in its GCPs' CRS (GDAL's GCP polynomial)."""
    gcp_crs = ds.gcps[1]
    kw = {"add_alpha": True} if ds.nodata is None and not _has_alpha(ds) else {}
    try:
        return WarpedVRT(ds, src_crs=gcp_crs, crs=gcp_crs, resampling=resampling, **kw)
    except Exception as exc:
        raise InputError(
            f"{os.path.basename(ds.name)}: its ground control points cannot be used ({exc})",
            hint="warp it first (gdalwarp, or QGIS: Raster > Projections > Warp)",
        ) from None


def _align_open(
    e, e_info, lt, l_info, extent, extent_crs, extent_wkt, resampling, resampling_enum
) -> AlignedPair:
    warnings: list[str] = [
        f"the {name} raster has only ground control points: it is warped with them ({resampling})"
        for name, info in (("earlier", e_info), ("later", l_info))
        if info.georef == "gcps"
    ]
    pixel = e_info.georef == "none" or l_info.georef == "none"
    if pixel:
        _check_pixel_pair(e_info, l_info)
        warnings.append(PIXEL_MODE_NOTE)
        same, offset, shift = True, (0, 0), 0.0
        wrap, later_transform = 0.0, lt.transform
    else:
        wrap = _wrap(e, lt)
        later_transform = Affine.translation(wrap, 0.0) @ lt.transform
        same, offset, shift = _same_grid(e, lt, later_transform)
    full = Window(0, 0, e.width, e.height)
    later_crs = lt.crs
    centre_x = (e.bounds.left + e.bounds.right) / 2.0 if e.crs is not None else None
    if same:
        later_view = lt
        later_win = Window(-offset[0], -offset[1], lt.width, lt.height)  # later footprint in earlier pixels
        region = _intersect(full, later_win)
    else:
        if later_crs != e.crs:
            warnings.append(
                f"the later raster ({later_crs.to_string()}) is reprojected to {e.crs.to_string()}"
            )
        elif not math.isnan(shift):
            warnings.append(
                f"the later raster's grid is shifted by {shift:.2f} px; it is resampled ({resampling})"
            )
        else:
            warnings.append(
                f"the later raster has another resolution or rotation; it is resampled ({resampling})"
            )
        kw = {"add_alpha": True} if lt.nodata is None and not _has_alpha(lt) else {}
        if wrap:
            kw["src_transform"] = later_transform
        try:
            later_view = WarpedVRT(
                lt,
                crs=e.crs,
                transform=e.transform,
                width=e.width,
                height=e.height,
                resampling=resampling_enum,
                **kw,
            )
        except Exception as exc:
            raise InputError(
                f"the later raster cannot be warped onto the earlier raster's grid: {exc}",
                hint="check both rasters' coordinate reference systems",
            ) from None
        left, bottom, right, top = lt.bounds
        lb = project_bounds((left + wrap, bottom, right + wrap, top), later_crs, e.crs, centre_x)
        later_win = Window(0, 0, 0, 0) if lb is None else _bounds_window(lb, e.transform, e.width, e.height)
        region = _intersect(full, later_win)
    ratio = 1.0 if pixel else _resolution_ratio(e, lt)
    if ratio > RESOLUTION_NOTE_RATIO or ratio < 1 / RESOLUTION_NOTE_RATIO:
        coarse = "coarser" if ratio > 1 else "finer"
        warnings.append(
            f"the rasters' resolutions differ by a factor {max(ratio, 1 / ratio):.1f} (the later raster is "
            f"{coarse}); it is resampled to the earlier raster's pixels"
        )
    try:
        if region.width < 1 or region.height < 1:
            where = f" in {e.crs.to_string()}" if e.crs is not None else " (pixels)"
            raise InputError(
                "the earlier and later rasters do not overlap",
                hint=f"earlier covers {tuple(round(v, 3) for v in e.bounds)}{where}",
            )
        clip_geometry = None
        if extent is not None or extent_wkt:
            clip_geometry, region = _clip(e, region, extent, extent_crs, extent_wkt, centre_x)
    except BaseException:
        if later_view is not lt:
            later_view.close()
        raise
    region = Window(int(region.col_off), int(region.row_off), int(region.width), int(region.height))
    return AlignedPair(
        e_info,
        l_info,
        e,
        lt,
        later_view,
        region,
        e.crs if not pixel else None,
        same,
        offset,
        clip_geometry,
        warnings,
        resolution_ratio=ratio,
    )


def _check_pixel_pair(e_info: RasterInfo, l_info: RasterInfo) -> None:
    """Pixel coordinates only for two plain images of the same size; anything mixed is an InputError."""
    if e_info.georef != l_info.georef:
        plain, geo = (e_info, l_info) if e_info.georef == "none" else (l_info, e_info)
        raise InputError(
            f"{os.path.basename(plain.path)} is not georeferenced but {os.path.basename(geo.path)} is",
            hint="georeference the plain image first (QGIS: Raster > Georeferencer), or give two plain "
            "images of the same size (compared pixel for pixel)",
        )
    if (e_info.width, e_info.height) != (l_info.width, l_info.height):
        raise InputError(
            "the two images are not georeferenced and differ in size "
            f"({e_info.width}×{e_info.height} and {l_info.width}×{l_info.height} px)",
            hint="plain images are compared pixel for pixel: crop or resize them to the same size, "
            "or georeference them",
        )


def _resolution_ratio(e, lt) -> float:
    """Later / earlier ground size of a centre pixel (1.0 when it cannot be measured)."""
    from shapely.geometry import Polygon

    from engine.geo.measure import Measurer

    def side(ds, crs, transform) -> float:
        c, r = ds.width // 2, ds.height // 2
        corners = [transform @ (c + dc, r + dr) for dc, dr in ((0, 0), (1, 0), (1, 1), (0, 1))]
        return math.sqrt(Measurer(crs).area(Polygon(corners)))

    try:
        later = side(lt, lt.crs, lt.transform)
        earlier = side(e, e.crs, e.transform)
        ratio = later / earlier
        return ratio if math.isfinite(ratio) and ratio > 0 else 1.0
    except Exception:
        return 1.0


def _clip(e, region: Window, extent, extent_crs, extent_wkt, centre_x) -> tuple[dict | None, Window]:
    """The region cut to `extent` (a box) and/or `extent_wkt` (a polygon), both in `extent_crs`."""
    if e.crs is None and extent_crs:
        raise InputError(
            "--extent-crs has no meaning for images that are not georeferenced",
            hint="give the extent in pixels: xmin,ymin,xmax,ymax (y = row from the top)",
        )
    ext_crs = parse_crs(extent_crs, e.crs)
    clip_geometry = None
    bounds = None
    if extent_wkt:
        clip_geometry = _wkt_to_geojson(extent_wkt, ext_crs, e.crs)
        bounds = _geojson_bounds(clip_geometry)
    if extent is not None:
        if len(extent) != 4 or not all(math.isfinite(float(v)) for v in extent):
            raise InputError(f"extent must be four finite numbers xmin,ymin,xmax,ymax, got {extent}")
        if not (extent[0] < extent[2] and extent[1] < extent[3]):
            raise InputError(f"extent must be xmin,ymin,xmax,ymax with xmin<xmax and ymin<ymax, got {extent}")
        bbox = project_bounds(tuple(extent), ext_crs, e.crs, centre_x)
        if bbox is None:
            raise InputError("the requested extent cannot be expressed in the earlier raster's CRS")
        bounds = (
            bbox
            if bounds is None
            else (
                max(bounds[0], bbox[0]),
                max(bounds[1], bbox[1]),
                min(bounds[2], bbox[2]),
                min(bounds[3], bbox[3]),
            )
        )
    region = _intersect(region, _bounds_window(bounds, e.transform, e.width, e.height))
    if region.width < 1 or region.height < 1:
        raise InputError("the requested extent does not overlap the area covered by both rasters")
    return clip_geometry, region


def _wkt_to_geojson(wkt: str, src: CRS | None, dst: CRS | None) -> dict:
    import shapely

    try:
        geom = shapely.from_wkt(wkt)
    except Exception:
        raise InputError("extent_wkt is not valid WKT") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise InputError(f"extent_wkt must be a polygon, got {geom.geom_type}")
    gj = shapely.geometry.mapping(geom)
    return transform_geom(src, dst, gj) if src != dst else dict(gj)


def _geojson_bounds(gj: dict) -> tuple[float, float, float, float]:
    import shapely.geometry

    return shapely.geometry.shape(gj).bounds

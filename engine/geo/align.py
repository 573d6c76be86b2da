"""Co-registration of the two dates: the analysis happens on the EARLIER raster's pixel grid.

Why: never assume two rasters line up (DESIGN decision 3). Same CRS and the same grid (up to a whole-pixel
offset) → plain windowed reads of both. Anything else (other CRS, resolution, rotation, sub-pixel shift) → the
later raster is read through a GDAL warped VRT onto the earlier grid, so every tile of both dates covers
exactly the same ground. The analysis extent is the overlap of both footprints, optionally clipped to a
bounding box or polygon given in any CRS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import MaskFlags, Resampling
from rasterio.features import geometry_mask
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds, transform_geom
from rasterio.windows import Window

from engine.errors import InputError
from engine.geo.raster import RasterInfo, open_checked

GRID_TOLERANCE_PX = 1e-3  # origin differences below this fraction of a pixel count as the same grid


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
        earlier, valid_e = _read(self.earlier, be, win_e, out_shape)
        later, valid_l = _read(self.later, bl, win_l, out_shape)
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


def _read(
    ds, bands: list[int], window: Window, out_shape: tuple[int, int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels and validity (all selected bands valid) of one window; nearest decimation for `out_shape`."""
    kw = (
        {} if out_shape is None else {"out_shape": (len(bands), *out_shape), "resampling": Resampling.nearest}
    )
    data = ds.read(bands, window=window, **kw)
    if _all_valid(ds, bands):  # no nodata, mask or alpha: GDAL's mask would be all 255, skip computing it
        return data, np.ones(data.shape[1:], dtype=bool)
    valid = (ds.read_masks(bands, window=window, **kw) > 0).all(axis=0)
    return data, valid


def _all_valid(ds, bands: list[int]) -> bool:
    flags = ds.mask_flag_enums
    return all(list(flags[b - 1]) == [MaskFlags.all_valid] for b in bands)


def _same_grid(
    e: rasterio.io.DatasetReader, lt: rasterio.io.DatasetReader
) -> tuple[bool, tuple[int, int], float]:
    """Same CRS, pixel size and rotation, origins a whole number of pixels apart → (True, offset, shift)."""
    if e.crs != lt.crs:
        return False, (0, 0), math.nan
    te, tl = e.transform, lt.transform
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
    c0, r0 = max(a.col_off, b.col_off), max(a.row_off, b.row_off)
    c1 = min(a.col_off + a.width, b.col_off + b.width)
    r1 = min(a.row_off + a.height, b.row_off + b.height)
    return Window(c0, r0, max(0, c1 - c0), max(0, r1 - r0))


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
) -> AlignedPair:
    """Open both rasters, decide direct reads vs warping, and compute the analysis region (InputError if the
    footprints, or the footprints and the requested extent, do not overlap)."""
    e, e_info = open_checked(earlier_path, bands_earlier)
    try:
        lt, l_info = open_checked(later_path, bands_later)
    except BaseException:
        e.close()
        raise
    try:
        return _align_open(e, e_info, lt, l_info, extent, extent_crs, extent_wkt, resampling)
    except BaseException:
        lt.close()
        e.close()
        raise


def _align_open(e, e_info, lt, l_info, extent, extent_crs, extent_wkt, resampling) -> AlignedPair:
    try:
        resampling_enum = Resampling[resampling]
    except KeyError:
        raise InputError(f"unknown resampling '{resampling}'", hint="e.g. nearest, bilinear, cubic") from None
    warnings: list[str] = []
    same, offset, shift = _same_grid(e, lt)
    full = Window(0, 0, e.width, e.height)
    if same:
        later_view = lt
        later_win = Window(-offset[0], -offset[1], lt.width, lt.height)  # later footprint in earlier pixels
        region = _intersect(full, later_win)
    else:
        if e.crs != lt.crs:
            warnings.append(f"the later raster ({lt.crs.to_string()}) is reprojected to {e.crs.to_string()}")
        elif not math.isnan(shift):
            warnings.append(
                f"the later raster's grid is shifted by {shift:.2f} px; it is resampled ({resampling})"
            )
        else:
            warnings.append(
                f"the later raster has another resolution or rotation; it is resampled ({resampling})"
            )
        kw = (
            {"add_alpha": True}
            if lt.nodata is None and not any("alpha" in str(ci).lower() for ci in lt.colorinterp)
            else {}
        )
        later_view = WarpedVRT(
            lt,
            crs=e.crs,
            transform=e.transform,
            width=e.width,
            height=e.height,
            resampling=resampling_enum,
            **kw,
        )
        try:
            lb = transform_bounds(lt.crs, e.crs, *lt.bounds, densify_pts=21)
        except Exception:
            raise InputError("the two rasters' CRSs cannot be transformed into each other") from None
        region = _intersect(full, _bounds_window(lb, e.transform, e.width, e.height))
    if region.width < 1 or region.height < 1:
        if later_view is not lt:
            later_view.close()
        raise InputError(
            "the earlier and later rasters do not overlap",
            hint=f"earlier covers {tuple(round(v, 3) for v in e.bounds)} in {e.crs.to_string()}",
        )
    clip_geometry = None
    if extent is not None or extent_wkt:
        ext_crs = parse_crs(extent_crs, e.crs)
        if extent_wkt:
            clip_geometry = _wkt_to_geojson(extent_wkt, ext_crs, e.crs)
            bounds = _geojson_bounds(clip_geometry)
        else:
            if len(extent) != 4 or not (extent[0] < extent[2] and extent[1] < extent[3]):
                raise InputError(
                    f"extent must be xmin,ymin,xmax,ymax with xmin<xmax and ymin<ymax, got {extent}"
                )
            bounds = (
                transform_bounds(ext_crs, e.crs, *extent, densify_pts=21)
                if ext_crs != e.crs
                else tuple(extent)
            )
        if extent is not None and extent_wkt:
            bbox = (
                transform_bounds(ext_crs, e.crs, *extent, densify_pts=21)
                if ext_crs != e.crs
                else tuple(extent)
            )
            bounds = (
                max(bounds[0], bbox[0]),
                max(bounds[1], bbox[1]),
                min(bounds[2], bbox[2]),
                min(bounds[3], bbox[3]),
            )
        region = _intersect(region, _bounds_window(bounds, e.transform, e.width, e.height))
        if region.width < 1 or region.height < 1:
            if later_view is not lt:
                later_view.close()
            raise InputError("the requested extent does not overlap the area covered by both rasters")
    region = Window(int(region.col_off), int(region.row_off), int(region.width), int(region.height))
    return AlignedPair(
        e_info, l_info, e, lt, later_view, region, e.crs, same, offset, clip_geometry, warnings
    )


def _wkt_to_geojson(wkt: str, src: CRS, dst: CRS) -> dict:
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

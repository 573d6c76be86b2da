"""The common analysis grid both inputs are rasterised onto: one CRS, one extent, one pixel size.

Why a grid: pixel metrics need both sides on the same pixels whatever their formats and CRSs, and the grid is
also what bounds the memory (a few bytes per pixel), so its size is checked before anything is read.

Choices, in order:
- CRS: the reference's if projected (the truth is measured in its own units), else the prediction's if
  projected, else the local UTM zone of the area (never degrees: areas and IoUs are planar on the grid).
- extent: the given one (`extent_crs` defaults to the reference's CRS), cut to the area of any input that
  covers a definite area; by default the intersection of the areas both inputs cover. A raster covers its
  footprint, a layer written by `mtrs predict` the region it analysed (run record): both definite; any
  other layer covers its features' bounding box.
- pixel size: `pixel_size` (grid CRS units); else the reference raster's, else the predicted raster's
  (converted if in another CRS); else DEFAULT_PIXEL_M. A raster in the grid CRS at that size lends its pixel
  edges, so it is read without resampling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from rasterio.crs import CRS
from rasterio.transform import Affine
from rasterio.warp import calculate_default_transform, transform_bounds

from engine.assess.sources import RasterSource, Source, VectorSource
from engine.errors import InputError

DEFAULT_PIXEL_M = 0.5
# about 1 GB at the few bytes per pixel an assessment holds (masks, one float raster, labels)
DEFAULT_MAX_PIXELS = 100_000_000
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class AnalysisGrid:
    crs: CRS
    transform: Affine  # north-up
    width: int
    height: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width

    @property
    def bounds(self) -> Bounds:
        t = self.transform
        return (t.c, t.f + self.height * t.e, t.c + self.width * t.a, t.f)

    @property
    def box(self):
        return shapely.box(*self.bounds)

    @property
    def unit_m(self) -> float:
        """Metres per CRS unit (1 for metre-based CRSs)."""
        try:
            return float(self.crs.linear_units_factor[1])
        except Exception:
            return 1.0

    @property
    def pixel_size(self) -> tuple[float, float]:
        return abs(self.transform.a), abs(self.transform.e)

    @property
    def pixel_area_m2(self) -> float:
        sx, sy = self.pixel_size
        return sx * sy * self.unit_m**2

    def to_json(self) -> dict:
        return {
            "crs": self.crs.to_string(),
            "bounds": [round(v, 6) for v in self.bounds],
            "pixel_size": [round(v, 9) for v in self.pixel_size],
            "width": self.width,
            "height": self.height,
        }


def parse_crs(value: str | CRS | None, default: CRS, what: str = "--extent-crs") -> CRS:
    if value is None or value == "":
        return default
    if isinstance(value, CRS):
        return value
    try:
        return CRS.from_user_input(value)
    except Exception:
        raise InputError(
            f"unknown CRS '{value}' ({what})", hint="use an authority id such as EPSG:4326"
        ) from None


def choose_crs(predicted: Source, reference: Source) -> CRS:
    for src in (reference, predicted):
        if src.crs.is_projected:
            return src.crs
    ext = source_extent(reference) or source_extent(predicted)
    bounds, crs = ext
    west, south, east, north = _to_crs(bounds, crs, CRS.from_epsg(4326), "reference")
    lon, lat = (west + east) / 2, (south + north) / 2
    zone = min(60, max(1, math.floor((lon + 180.0) / 6.0) + 1))
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def source_extent(src: Source) -> tuple[Bounds, CRS] | None:
    """The area an input covers, in its own CRS (see the module docstring); None for an empty layer."""
    if isinstance(src, RasterSource):
        return src.bounds, src.crs
    if src.footprint is not None:
        return src.footprint
    bounds = src.bounds
    return None if bounds is None else (bounds, src.crs)


def choose_grid(
    predicted: Source,
    reference: Source,
    extent: list[float] | tuple[float, ...] | None = None,
    extent_crs: str | CRS | None = None,
    pixel_size: float | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[AnalysisGrid, list[str]]:
    """The analysis grid and warnings for the user; InputError: no overlap, a bad extent, a grid too big."""
    warnings: list[str] = []
    crs = choose_crs(predicted, reference)
    ref_ext = _extent_in(reference, crs, "reference")
    pred_ext = _extent_in(predicted, crs, "predicted")
    if extent is not None:
        if len(extent) != 4 or not (extent[0] < extent[2] and extent[1] < extent[3]):
            raise InputError(f"extent must be xmin,ymin,xmax,ymax with xmin<xmax and ymin<ymax, got {extent}")
        ext_crs = parse_crs(extent_crs, reference.crs)
        region = _to_crs(tuple(float(v) for v in extent), ext_crs, crs, "extent")
        reference_elsewhere = ref_ext is None or _intersection(region, ref_ext) is None
        # A polygon layer covers no definite area: an extent beside its polygons is a valid place with no
        # reference change (a held-out chip without any), as long as the prediction covers it.
        empty_but_valid = (
            reference_elsewhere
            and not _covers_definite_area(reference)
            and pred_ext is not None
            and _intersection(region, pred_ext) is not None
        )
        if empty_but_valid:
            warnings.append(
                "no reference polygon lies in the extent: every predicted change there is a false positive"
            )
        elif reference_elsewhere:
            raise InputError(
                "the extent does not overlap the reference",
                hint=f"the reference covers {_fmt(ref_ext)} in {crs.to_string()}; the extent is "
                f"{_fmt(region)} there (is --extent-crs right?)",
            )
        for src, ext in ((reference, ref_ext), (predicted, pred_ext)):
            if _covers_definite_area(src):
                cut = _intersection(region, ext)
                if cut is None:
                    role = "reference" if src is reference else "predicted"
                    raise InputError(
                        f"the extent does not overlap the area the {role} input {src.label} covers",
                        hint=f"it covers {_fmt(ext)} in {crs.to_string()}",
                    )
                region = cut
    else:
        region = ref_ext if pred_ext is None else _intersection(ref_ext, pred_ext)
        if region is None:
            raise InputError(
                "the predicted and reference inputs do not overlap",
                hint=f"in {crs.to_string()}: predicted {_fmt(pred_ext)}, reference {_fmt(ref_ext)}",
            )
        for src, own, other in ((predicted, pred_ext, ref_ext), (reference, ref_ext, pred_ext)):
            if isinstance(src, VectorSource) and src.footprint is None and _cuts(own, other):
                warnings.append(
                    f"the assessed area is cut to the bounding box of the features of {src.label}; changes "
                    "outside it are not counted (pass --extent to assess a definite area)"
                )
    size = _pixel_size(predicted, reference, crs, pixel_size)
    anchor = _anchor(predicted, reference, crs, size)
    grid = _grid(region, crs, size, anchor)
    if grid.width < 1 or grid.height < 1:
        raise InputError("the assessed area is smaller than one pixel", hint="enlarge --extent")
    if grid.width * grid.height > max_pixels:
        raise InputError(
            f"the analysis grid would be {grid.width} × {grid.height} px "
            f"({grid.width * grid.height / 1e6:.0f} MP at {size[0]:g} {unit_name(crs)}); the limit is "
            f"{max_pixels / 1e6:.0f} MP",
            hint="pass a larger --pixel-size or a smaller --extent (or raise --max-pixels if memory allows)",
        )
    return grid, warnings


def _extent_in(src: Source, crs: CRS, role: str) -> Bounds | None:
    ext = source_extent(src)
    return None if ext is None else _to_crs(ext[0], ext[1], crs, role)


def _to_crs(bounds: Bounds, src: CRS, dst: CRS, what: str) -> Bounds:
    if src == dst:
        return tuple(bounds)
    try:
        out = transform_bounds(src, dst, *bounds, densify_pts=21)
    except Exception:
        raise InputError(
            f"the {what} coordinates cannot be transformed from {src.to_string()} to {dst.to_string()}"
        ) from None
    if not all(math.isfinite(v) for v in out):
        raise InputError(f"the {what} lies outside the area where {dst.to_string()} is defined")
    return tuple(out)


def _covers_definite_area(src: Source) -> bool:
    """A raster (its footprint) or a layer of `mtrs predict` (the region it analysed): nothing is known
    outside, so a given extent is cut to it."""
    return isinstance(src, RasterSource) or src.footprint is not None


def _cuts(own: Bounds | None, other: Bounds | None) -> bool:
    """Whether box `own` lies strictly inside `other` on some side (so it, not `other`, bounds the area)."""
    if own is None or other is None:
        return own is not None
    return own[0] > other[0] or own[1] > other[1] or own[2] < other[2] or own[3] < other[3]


def _intersection(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    if a is None or b is None:
        return None
    out = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return out if out[0] < out[2] and out[1] < out[3] else None


def _pixel_size(
    predicted: Source, reference: Source, crs: CRS, pixel_size: float | None
) -> tuple[float, float]:
    if pixel_size is not None:
        if not (pixel_size > 0 and math.isfinite(pixel_size)):
            raise InputError(f"--pixel-size must be a positive number, got {pixel_size}")
        return float(pixel_size), float(pixel_size)
    for src in (reference, predicted):
        if isinstance(src, RasterSource):
            if src.crs == crs and _north_up(src.transform):
                return abs(src.transform.a), abs(src.transform.e)
            t, _, _ = calculate_default_transform(src.crs, crs, src.width, src.height, *src.bounds)
            return abs(t.a), abs(t.e)
    try:
        unit = float(crs.linear_units_factor[1])
    except Exception:
        unit = 1.0
    return DEFAULT_PIXEL_M / unit, DEFAULT_PIXEL_M / unit


def _north_up(t: Affine) -> bool:
    return t.b == 0 and t.d == 0 and t.a > 0 and t.e < 0


def _anchor(predicted: Source, reference: Source, crs: CRS, size: tuple[float, float]) -> Affine | None:
    """The transform of a raster input whose pixels the grid can share (same CRS and pixel size)."""
    for src in (reference, predicted):
        if not (isinstance(src, RasterSource) and src.crs == crs and _north_up(src.transform)):
            continue
        if math.isclose(src.transform.a, size[0], rel_tol=1e-9) and math.isclose(
            -src.transform.e, size[1], rel_tol=1e-9
        ):
            return src.transform
    return None


def _grid(region: Bounds, crs: CRS, size: tuple[float, float], anchor: Affine | None) -> AnalysisGrid:
    xmin, ymin, xmax, ymax = region
    sx, sy = size
    eps = 1e-6
    if anchor is not None:
        c0 = math.floor((xmin - anchor.c) / sx + eps)
        c1 = math.ceil((xmax - anchor.c) / sx - eps)
        r0 = math.floor((anchor.f - ymax) / sy + eps)
        r1 = math.ceil((anchor.f - ymin) / sy - eps)
        transform = anchor @ Affine.translation(c0, r0)
        return AnalysisGrid(crs, transform, c1 - c0, r1 - r0)
    width = math.ceil((xmax - xmin) / sx - eps)
    height = math.ceil((ymax - ymin) / sy - eps)
    return AnalysisGrid(crs, Affine(sx, 0.0, xmin, 0.0, -sy, ymax), width, height)


def unit_name(crs: CRS) -> str:
    try:
        name = crs.linear_units_factor[0]
    except Exception:
        return "units"
    return "m" if name in ("metre", "meter") else name


def _fmt(bounds: Bounds | None) -> str:
    if bounds is None:
        return "nothing (empty layer)"
    return "(" + ", ".join(f"{v:.6g}" if abs(v) < 1000 else f"{v:.1f}" for v in bounds) + ")"

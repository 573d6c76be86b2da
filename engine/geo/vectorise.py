"""Probability raster → change polygons, block by block, merged across block borders.

Why blocks: a full-scene mask does not fit in RAM for big rasters and `rasterio.features.shapes` on one huge,
noisy mask is very slow (anchors T3, T6). Each block is thresholded and labelled (4-connectivity); components
that are certainly smaller than the minimum area and do not reach the block border are dropped before
polygonising (the cheap, exact part of a sieve); each component becomes one polygon in PIXEL coordinates, so
polygons of neighbouring blocks share exactly the same vertices and edges. Parts that reach an inner block
border are joined when they share an edge (union-find over an STRtree) and unioned, so an object crossing a
block or tile border comes out as ONE polygon. The exact area filter, hole filling and simplification then
run on the merged polygons in map units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.affinity
from rasterio.features import shapes
from rasterio.transform import Affine
from rasterio.windows import Window
from scipy import ndimage
from shapely.geometry import Polygon, shape

from engine.errors import Cancelled
from engine.geo.measure import Measurer

BLOCK = 2048
_FOUR = ndimage.generate_binary_structure(2, 1)


@dataclass
class Part:
    """One connected component (pixel coordinates of the region) with its probability statistics."""

    geom: Polygon
    count: int
    prob_sum: float
    prob_max: float
    on_border: bool


@dataclass
class ChangePolygon:
    geom: Polygon  # map coordinates of the region's CRS
    area_m2: float
    perimeter_m: float
    prob_mean: float
    prob_max: float
    pixel_centroid: tuple[float, float]  # (col, row) in the region


def _blocks(width: int, height: int, block: int) -> Iterator[Window]:
    for r in range(0, height, block):
        for c in range(0, width, block):
            yield Window(c, r, min(block, width - c), min(block, height - r))


def _block_parts(
    prob: np.ndarray, window: Window, width: int, height: int, threshold: float, min_pixels: float
) -> list[Part]:
    mask = prob >= threshold  # nodata (-1) is never above a threshold in (0, 1]
    if not mask.any():
        return []
    labels, n = ndimage.label(mask, structure=_FOUR)
    index = np.arange(1, n + 1)
    counts = np.bincount(labels.ravel(), minlength=n + 1)
    sums = np.bincount(labels.ravel(), weights=prob.ravel(), minlength=n + 1)
    maxima = np.atleast_1d(ndimage.maximum(prob, labels, index))
    c0, r0 = int(window.col_off), int(window.row_off)
    h, w = mask.shape
    border = np.zeros(n + 1, dtype=bool)
    if r0 > 0:
        border[labels[0]] = True
    if r0 + h < height:
        border[labels[-1]] = True
    if c0 > 0:
        border[labels[:, 0]] = True
    if c0 + w < width:
        border[labels[:, -1]] = True
    border[0] = False
    if min_pixels > 0:
        small = (counts < min_pixels) & ~border
        small[0] = False
        if small.any():
            labels[small[labels]] = 0
    parts = []
    for geom, value in shapes(labels, mask=labels > 0, connectivity=4, transform=Affine.translation(c0, r0)):
        k = int(value)
        parts.append(Part(shape(geom), int(counts[k]), float(sums[k]), float(maxima[k - 1]), bool(border[k])))
    return parts


def _merge_border_parts(parts: list[Part]) -> list[Part]:
    """Join parts that share an edge (not just a corner) and union each group into one polygon."""
    if len(parts) < 2:
        return parts
    geoms = [p.geom for p in parts]
    tree = shapely.STRtree(geoms)
    parent = list(range(len(parts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j and find(i) != find(j) and shapely.intersection(geoms[i], geoms[j]).length > 0:
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(parts)):
        groups.setdefault(find(i), []).append(i)
    merged = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(parts[members[0]])
            continue
        union = shapely.union_all([geoms[i] for i in members])
        count = sum(parts[i].count for i in members)
        psum = sum(parts[i].prob_sum for i in members)
        pmax = max(parts[i].prob_max for i in members)
        pieces = list(union.geoms) if hasattr(union, "geoms") else [union]
        for piece in pieces:  # a group is edge-connected, so this is one piece; be robust anyway
            share = piece.area / max(union.area, 1e-12)
            merged.append(Part(piece, max(1, round(count * share)), psum * share, pmax, True))
    return merged


def _fill_holes(poly: Polygon, transform: Affine, measurer: Measurer, max_hole_m2: float) -> Polygon:
    if max_hole_m2 <= 0 or not poly.interiors:
        return poly
    keep = []
    for ring in poly.interiors:
        hole = shapely.affinity.affine_transform(Polygon(ring), _shapely_affine(transform))
        if measurer.area(hole) >= max_hole_m2:
            keep.append(ring)
    return Polygon(poly.exterior, keep)


def _shapely_affine(t: Affine) -> list[float]:
    return [t.a, t.b, t.d, t.e, t.c, t.f]


def polygonise(
    read_block: Callable[[Window], np.ndarray],
    width: int,
    height: int,
    transform: Affine,
    measurer: Measurer,
    threshold: float = 0.5,
    min_area: float = 0.0,
    fill_holes: float = 0.0,
    simplify: float = 0.0,
    block: int = BLOCK,
    cancel: Callable[[], bool] | None = None,
) -> list[ChangePolygon]:
    """Polygons of `read_block(window) >= threshold` over a width×height region with geotransform `transform`.

    `read_block` returns the probabilities (float, nodata < 0) of a window of the region.
    """
    min_pixels = 0.0
    if min_area > 0:
        min_pixels = 0.5 * min_area / max(measurer.max_pixel_area(transform, width, height), 1e-12)
    interior: list[Part] = []
    border: list[Part] = []
    for window in _blocks(width, height, block):
        if cancel is not None and cancel():
            raise Cancelled("cancelled while polygonising")
        for part in _block_parts(read_block(window), window, width, height, threshold, min_pixels):
            (border if part.on_border else interior).append(part)
    parts = interior + _merge_border_parts(border)
    aff = _shapely_affine(transform)
    out: list[ChangePolygon] = []
    for part in parts:
        geom_px = _fill_holes(part.geom, transform, measurer, fill_holes)
        geom = shapely.affinity.affine_transform(geom_px, aff)
        if simplify > 0:
            geom = shapely.make_valid(shapely.simplify(geom, simplify, preserve_topology=True))
            geom = _largest_polygonal(geom)
            if geom is None:
                continue
        elif not geom.is_valid:
            geom = _largest_polygonal(shapely.make_valid(geom))
            if geom is None:
                continue
        area, perimeter = measurer.area_perimeter(geom)
        if area < min_area:
            continue
        c = geom_px.centroid
        out.append(
            ChangePolygon(
                geom, area, perimeter, part.prob_sum / max(part.count, 1), part.prob_max, (c.x, c.y)
            )
        )
    out.sort(key=lambda p: (p.pixel_centroid[1], p.pixel_centroid[0]))
    return out


def _largest_polygonal(geom):
    """make_valid can return a collection; keep the polygonal content (Polygon or MultiPolygon)."""
    if geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        return None
    return shapely.union_all(polys)


def location_name(col: float, row: float, width: int, height: int) -> str:
    """Coarse position of a point in the region on a 3×3 grid ('north-west' … 'centre' … 'south-east').
    Assumes a north-up raster (row 0 = north), which is what GDAL rasters are in practice."""
    v = ("north", "", "south")[min(2, int(3 * row / max(height, 1)))]
    h = ("west", "", "east")[min(2, int(3 * col / max(width, 1)))]
    if not v and not h:
        return "centre"
    return "-".join(x for x in (v, h) if x)

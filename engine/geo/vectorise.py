"""Probabilities → change polygons, block by block, merged across block borders.

Why blocks: a full-scene mask does not fit in RAM for big rasters and `rasterio.features.shapes` on one
huge, noisy mask is very slow. The pipeline streams: the blender's finished strips are
gathered into full-width blocks of about BLOCK² pixels (`StripPolygoniser`), so no full-scene array or
temporary raster exists. Each block is thresholded and labelled (4-connectivity) in runs of rows that hold
foreground; components that are certainly smaller than the minimum area and do not reach the block border
are dropped (the cheap, exact part of a sieve); each component becomes one polygon in PIXEL coordinates (few
components: traced one by one inside their bounding boxes, so GDAL scans only the changed area). Parts that
reach the seam between two blocks are joined when they share an edge (connected components, with
scipy.sparse.csgraph, of the edge-sharing pairs an STRtree finds) and unioned, so an object crossing a block
or tile border comes out as ONE polygon. The exact area filter, hole filling and
simplification then run on the merged polygons in map units.
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
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry import Polygon, shape

from engine.errors import Cancelled
from engine.geo.measure import Measurer

BLOCK = 2048
MAX_SEPARATE_TRACES = 256  # up to this many objects per block, each is traced in its bounding box
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


def _block_parts(
    prob: np.ndarray, window: Window, height: int, threshold: float, min_pixels: float
) -> list[Part]:
    """Connected components of one full-width block as pixel-coordinate polygons with their probability
    statistics.

    Rows without foreground cannot be crossed by a component, so the block is split into runs of rows that
    have foreground and each run is labelled on its own: labelling, the statistics (bincount / ufunc.at on the
    foreground only) and the tracing then cost in proportion to the changed rows, not to the block.
    """
    mask = prob >= threshold  # nodata (-1) is never above a threshold in (0, 1]
    busy = mask.any(axis=1)
    if not busy.any():
        return []
    c0, r0 = int(window.col_off), int(window.row_off)
    h = mask.shape[0]
    edges = np.flatnonzero(np.diff(np.concatenate(([0], busy.view(np.int8), [0]))))
    parts: list[Part] = []
    for ra, rb in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        # a part touching a seam with another block (above or below) may continue there
        top = ra == 0 and r0 > 0
        bottom = rb == h and r0 + h < height
        parts += _run_parts(prob[ra:rb], mask[ra:rb], c0, r0 + ra, (top, bottom), min_pixels)
    return parts


def _run_parts(
    prob: np.ndarray,
    mask: np.ndarray,
    c0: int,
    r0: int,
    inner: tuple[bool, bool],
    min_pixels: float,
) -> list[Part]:
    """Components of a run of rows; `inner` = whether the (top, bottom) edge continues into another block."""
    labels, n = ndimage.label(mask, structure=_FOUR)
    fg_labels = labels[mask]
    fg_prob = prob[mask].astype(np.float64)
    counts = np.bincount(fg_labels, minlength=n + 1)
    sums = np.bincount(fg_labels, weights=fg_prob, minlength=n + 1)
    maxima = np.full(n + 1, -np.inf)
    np.maximum.at(maxima, fg_labels, fg_prob)
    border = np.zeros(n + 1, dtype=bool)
    for is_inner, edge in zip(inner, (labels[0], labels[-1]), strict=True):
        if is_inner:
            border[edge] = True
    border[0] = False
    removed = np.zeros(n + 1, dtype=bool)
    if min_pixels > 0:
        removed = (counts < min_pixels) & ~border
        removed[0] = False
        if removed.any():
            labels[removed[labels]] = 0
            mask = labels > 0
    keep = np.flatnonzero(~removed[1:]) + 1
    parts = []
    for k, geom in _trace(labels, mask, keep, c0, r0):
        parts.append(Part(geom, int(counts[k]), float(sums[k]), float(maxima[k]), bool(border[k])))
    return parts


def _trace(labels: np.ndarray, mask: np.ndarray, keep: np.ndarray, c0: int, r0: int) -> Iterator[tuple]:
    """(label, pixel-coordinate polygon) of each kept component.

    GDAL's polygoniser scans every pixel of the array it is given, so a few objects in a big block are traced
    one by one in their bounding boxes (the scanned area then follows the changed area); many small objects
    (noisy output) are traced in one pass over the block, where the per-call overhead would dominate.
    """
    if len(keep) <= MAX_SEPARATE_TRACES:
        boxes = ndimage.find_objects(labels)
        for k in keep.tolist():
            rows, cols = boxes[k - 1]
            sub = labels[rows, cols] == k
            origin = Affine.translation(c0 + cols.start, r0 + rows.start)
            for geom, _ in shapes(sub.view(np.uint8), mask=sub, connectivity=4, transform=origin):
                yield k, shape(geom)
        return
    for geom, value in shapes(labels, mask=mask, connectivity=4, transform=Affine.translation(c0, r0)):
        yield int(value), shape(geom)


def _merge_border_parts(parts: list[Part]) -> list[Part]:
    """Join parts that share an edge (not just a corner) and union each group into one polygon."""
    if len(parts) < 2:
        return parts
    geoms = np.array([p.geom for p in parts], dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right])) > 0  # an edge, not a corner
    graph = coo_matrix((np.ones(int(shared.sum()), bool), (left[shared], right[shared])), (len(parts),) * 2)
    _, group_of = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for i, g in enumerate(group_of.tolist()):
        groups.setdefault(g, []).append(i)
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


class StripPolygoniser:
    """Streaming polygoniser: takes full-width row strips in top-to-bottom order (as the blender flushes
    them), polygonises them in blocks of about `block_pixels` (few seams, bounded memory) and finishes
    polygons as soon as they are final.

    Why streaming: the pipeline polygonises the blended probabilities as they leave the strip blender, so no
    full-scene probability array or temporary raster is ever needed (memory flat in the raster size). The
    blocks span the full width, so a part can only continue through the seam below its block. After each
    block, the parts touching the seam above it are merged with the waiting parts of the block before; every
    polygon that does not reach the open seam below is final and goes to `emit` (or is collected for `finish`
    when there is no `emit`). Only the parts on the one open seam wait in memory, so the memory does not grow
    with the number of polygons (a noisy model makes hundreds of thousands).
    """

    def __init__(
        self,
        width: int,
        height: int,
        transform: Affine,
        measurer: Measurer,
        threshold: float = 0.5,
        min_area: float = 0.0,
        fill_holes: float = 0.0,
        simplify: float = 0.0,
        *,
        block_pixels: int | None = None,
        emit: Callable[[list[ChangePolygon]], None] | None = None,
    ):
        self.width, self.height, self.transform, self.measurer = width, height, transform, measurer
        self.threshold, self.min_area, self.fill_holes, self.simplify = (
            threshold,
            min_area,
            fill_holes,
            simplify,
        )
        self.min_pixels = 0.0
        if min_area > 0:
            self.min_pixels = 0.5 * min_area / max(measurer.max_pixel_area(transform, width, height), 1e-12)
        block_pixels = BLOCK * BLOCK if block_pixels is None else block_pixels
        self.block_rows = max(1, block_pixels // max(self.width, 1))
        self.emit = emit
        self._done: list[ChangePolygon] = []  # finished polygons, when there is no `emit`
        self._open: list[Part] = []  # parts touching the lower edge of the last block (the open seam)
        self._strips: list[np.ndarray] = []
        self._top = 0  # region row of the first buffered strip
        self._rows = 0

    def add_strip(self, top: int, prob: np.ndarray) -> None:
        """prob: rows×width probabilities starting at region row `top` (strips must be contiguous)."""
        if top != self._top + self._rows:
            raise RuntimeError("strips must arrive in order")  # programming error, not user error
        self._strips.append(prob)  # the blender hands over a fresh array per flush: no copy needed
        self._rows += prob.shape[0]
        if self._rows >= self.block_rows:
            self._flush()

    def add(self, window: Window, prob: np.ndarray) -> None:
        """Polygonise one full-width block directly below the previous one; emit what became final."""
        bottom = int(window.row_off) + int(window.height)
        open_seam = bottom < self.height
        final: list[Part] = []
        waiting: list[Part] = []
        for part in _block_parts(prob, window, self.height, self.threshold, self.min_pixels):
            (waiting if part.on_border else final).append(part)
        merged, self._open = _merge_border_parts(self._open + waiting), []
        for part in merged:
            if open_seam and part.geom.bounds[3] >= bottom:  # reaches the seam below: may continue there
                self._open.append(part)
            else:
                final.append(part)
        self._output(final)

    def _output(self, parts: list[Part]) -> None:
        polygons = self._finalise(parts)
        if not polygons:
            return
        if self.emit is None:
            self._done += polygons
        else:
            self.emit(polygons)

    def _flush(self) -> None:
        if not self._rows:
            return
        block = self._strips[0] if len(self._strips) == 1 else np.concatenate(self._strips, axis=0)
        self._strips, top, rows = [], self._top, self._rows
        self._top, self._rows = top + rows, 0
        self.add(Window(0, top, self.width, rows), block)

    def finish(self) -> list[ChangePolygon]:
        """Polygonise what is buffered and finish the parts still waiting; without `emit`, return every
        polygon of the run (in reading order), else the ones emitted last are passed to `emit` too."""
        self._flush()
        parts, self._open = self._open, []
        self._output(parts)
        done, self._done = self._done, []
        done.sort(key=_reading_order)
        return done

    def _finalise(self, parts: list[Part]) -> list[ChangePolygon]:
        """Pixel-space parts (final: nothing more will merge into them) → measured map polygons, sorted top to
        bottom, left to right; `parts` is emptied as it goes (one geometry copy alive at a time)."""
        aff = _shapely_affine(self.transform)
        out: list[ChangePolygon] = []
        while parts:
            part = parts.pop()
            geom_px = _fill_holes(part.geom, self.transform, self.measurer, self.fill_holes)
            geom = shapely.affinity.affine_transform(geom_px, aff)
            if self.simplify > 0:
                geom = shapely.make_valid(shapely.simplify(geom, self.simplify, preserve_topology=True))
                geom = _largest_polygonal(geom)
                if geom is None:
                    continue
            elif not geom.is_valid:
                geom = _largest_polygonal(shapely.make_valid(geom))
                if geom is None:
                    continue
            area, perimeter = self.measurer.area_perimeter(geom)
            if area < self.min_area:
                continue
            c = geom_px.centroid
            out.append(
                ChangePolygon(
                    geom, area, perimeter, part.prob_sum / max(part.count, 1), part.prob_max, (c.x, c.y)
                )
            )
        out.sort(key=_reading_order)
        return out


def _reading_order(p: ChangePolygon) -> tuple[float, float]:
    return (p.pixel_centroid[1], p.pixel_centroid[0])


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

    `read_block` returns the probabilities (float, nodata < 0) of a window of the region. The region is read
    in full-width blocks of about `block`² pixels and goes through the same `StripPolygoniser` as a
    `mtrs predict` run, so both give the same polygons.
    """
    poly = StripPolygoniser(
        width,
        height,
        transform,
        measurer,
        threshold,
        min_area,
        fill_holes,
        simplify,
        block_pixels=block * block,
    )
    for top in range(0, height, poly.block_rows):
        if cancel is not None and cancel():
            raise Cancelled("cancelled while polygonising")
        window = Window(0, top, width, min(poly.block_rows, height - top))
        poly.add(window, read_block(window))
    return poly.finish()


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

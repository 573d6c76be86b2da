"""Big pairs split into windows (one `analyse` call each, on any worker) and merged into the pair's output.

Why the result equals the unsplit run's, not just resembles it: a pixel's probability is the weighted mean
of the tiles that cover it, so a window reproduces it exactly when it holds EVERY tile of the full run's grid
that covers the pixel, predicted alike. The windows are therefore runs of consecutive tiles of the full
run's grid (a window's own grid is then that run, shifted), consecutive windows share enough tiles that each
pixel lies inside a window holding all its tiles, and each window's "core" (the pixels it owns in the
merge) is chosen there. The per-channel stretch is the whole pair's (pinned through the feature cache), the
tile and batch size are the full run's, and the column runs are chosen so that each tile goes through the
model in a batch of the same size as in the unsplit run (its place in the batch does not matter).

A window writes its blended probabilities (float32 GeoTIFF, nodata -1: the exact values the blender
produced) into a hidden staging folder beside the output. The merge feeds the cores to the pipeline's own
output chain (engine.pipeline.output_chain) strip by strip, with the strip boundaries of the unsplit run,
so polygonising, seams between blocks, measurements, attributes, ids and the run record are the pipeline's
own: one polygon crossing window seams comes out as one polygon, as in a single `mtrs predict`. The output is
committed atomically with its run record (carrying the batch key); nothing partial is ever visible.

Not split (analysed whole): plain images (pixel coordinates), requests with a polygon extent (`extent_wkt`)
and rotated rasters, where a window cannot be expressed as an axis-aligned extent of whole pixels. Where the
later raster is warped onto the earlier one's grid (another CRS or grid), GDAL's warper computes each read
window on its own and may resample a pixel near a window edge minutely differently: exact for pairs on one
grid, equal up to that resampling otherwise.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.errors import InputError

if TYPE_CHECKING:
    from engine.batch.work import WorkItem
    from engine.geo.normalise import Stretch
    from engine.pipeline.request import AnalysisRequest

WINDOWS_PREFIX = ".mtrs-windows-"
NO_VALID_PIXEL = "there is no valid pixel"  # the pipeline's InputError for an all-nodata area


@dataclass(frozen=True)
class Span:
    """One window along one axis: pixels [start, stop) of the region are analysed, [core_start, core_stop)
    go into the merged output."""

    start: int
    stop: int
    core_start: int
    core_stop: int


@dataclass(frozen=True)
class Window:
    index: int
    cols: Span
    rows: Span
    extent: list[float]  # xmin, ymin, xmax, ymax in the earlier raster's CRS

    @property
    def name(self) -> str:
        return f"w{self.index:04d}"


@dataclass(frozen=True)
class WindowPlan:
    """Everything the windows and the merge of one pair need (sent to the workers; small)."""

    pair_id: str
    key: str
    request: AnalysisRequest  # the pair's own request (its output is the merged output)
    windows: list[Window]
    folder: str  # staging folder of the windows' outputs
    width: int
    height: int
    tile: int
    batch: int
    stretch: Stretch  # the whole pair's

    def window_request(self, window: Window) -> AnalysisRequest:
        """The request of one window: the pair's, cut to the window's extent, with the full run's tile and
        batch size, writing its polygons and probabilities into the staging folder."""
        return dataclasses.replace(
            self.request,
            extent=list(window.extent),
            extent_crs=None,
            tile=self.tile,
            batch_size=self.batch,
            output=os.path.join(self.folder, window.name + ".gpkg"),
            probabilities=os.path.join(self.folder, window.name + ".tif"),
            overwrite=True,
        )


@dataclass
class WindowResult:
    """What one window gave: its run record (None when the window had no valid pixel at all)."""

    index: int
    record: dict[str, Any] | None
    seconds: float
    worker: str


def split_axis(starts: list[int], length: int, tile: int, max_tiles: int, batch: int = 0) -> list[Span]:
    """Windows along one axis of the full run's grid (`starts`: its tile starts) of about `max_tiles` tiles
    (more when fewer cannot make progress); each pixel of a core is covered only by tiles of its window.
    `batch` (columns): every tile of a window goes through the model in a batch of the same size as in the
    unsplit run (a tile's result does not depend on its place in the batch nor on the other tiles, but the
    size changes the order of the float sums: about 1e-6)."""
    n = len(starts)
    if n <= max_tiles:
        return [Span(0, length, 0, length)]
    sizes = batch_sizes(starts, batch) if batch > 1 else None
    while True:
        spans = _try_split(starts, length, tile, max(1, max_tiles), sizes, batch)
        if spans is not None:
            return spans
        max_tiles += 1


def batch_sizes(cols: list[int], batch: int) -> list[int]:
    """The size of the model batch each tile of a row goes in (the pipeline's own batching rule)."""
    from engine.pipeline.inference import next_chunk

    sizes: list[int] = []
    while len(sizes) < len(cols):
        chunk = next_chunk(cols, len(sizes), batch)
        sizes += [len(chunk)] * len(chunk)
    return sizes


def _try_split(
    starts: list[int], length: int, tile: int, max_tiles: int, sizes: list[int] | None, batch: int
) -> list[Span] | None:
    n = len(starts)

    def same_batches(a: int, b: int) -> bool:
        own = [x - starts[a] for x in starts[a : b + 1]]
        return sizes is None or batch_sizes(own, batch) == sizes[a : b + 1]

    spans: list[Span] = []
    a, core_start, previous = 0, 0, -1
    while True:
        if a + max_tiles >= n:  # the last window: started earlier when its own batches would differ
            last = next((s for s in range(a, previous, -1) if same_batches(s, n - 1)), None)
            if last is not None:
                spans.append(Span(starts[last], length, core_start, length))
                return spans
        b = next((e for e in range(min(n - 2, a + max_tiles - 1), a - 1, -1) if same_batches(a, e)), None)
        if b is None:
            return None
        exact_stop = starts[b + 1]  # from here on, pixels are also covered by tile b + 1
        # the next window starts at the last tile that lets its exact part begin before exact_stop
        nxt = [i for i in range(a + 1, b + 1) if starts[i - 1] + tile <= exact_stop]
        if not nxt:
            return None
        a_next = max(nxt)
        exact_start = starts[a_next - 1] + tile  # below this, tile a_next - 1 (not in the next window) covers
        seam = (exact_start + exact_stop) // 2
        spans.append(Span(starts[a], starts[b] + tile, core_start, seam))
        previous, a, core_start = a, a_next, seam


def _tiles_for(tile: int, overlap: int, limit: int) -> int:
    """Most tiles in a run whose span (pixels) fits `limit`."""
    stride = max(1, tile - overlap)
    return max(1, (limit - tile) // stride + 1) if limit >= tile else 1


def plan_windows(item: WorkItem, model: Any, window_px: int) -> WindowPlan | None:
    """The windows of a pair larger than `window_px`² pixels, or None when it is analysed whole (small
    enough, or a kind that is not split). Raises the pipeline's errors for a bad pair (the caller then
    analyses it whole, which reports the error the usual way)."""
    import rasterio

    from engine.geo.normalise import compute_stretch
    from engine.geo.tiling import TileGrid
    from engine.pipeline.analyse import preflight
    from engine.pipeline.device import default_batch_size, resolve_device
    from engine.pipeline.run_checks import tile_size
    from engine.pipeline.stages import open_pair

    request = dataclasses.replace(item.request, overwrite=True)
    if request.extent_wkt:
        return None
    request, mask_png, outputs = preflight(request)
    if mask_png:
        return None
    with rasterio.Env():
        pair, _ = open_pair(request, mask_png, outputs)
        try:
            t = pair.transform
            if pair.pixel_mode or t.b != 0 or t.d != 0 or pair.width * pair.height <= window_px * window_px:
                return None
            tile = tile_size(request, model, pair)
            grid = TileGrid(pair.width, pair.height, tile, request.overlap)
            device = resolve_device(request.device)
            batch = request.batch_size or getattr(model, "preferred_batch_size", None)
            batch = int(batch or default_batch_size(device))
            cols, rows = _axes(grid, request.overlap, window_px, batch)
            if len(cols) * len(rows) < 2:
                return None
            windows = [
                Window(i * len(cols) + j, c, r, _extent(t, c, r))
                for i, r in enumerate(rows)
                for j, c in enumerate(cols)
            ]
            stretch = compute_stretch(pair)
        finally:
            pair.close()
    folder = os.path.join(os.path.dirname(os.path.abspath(request.output)), WINDOWS_PREFIX + item.pair_id)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed run left
    return WindowPlan(
        item.pair_id, item.key, item.request, windows, folder, grid.width, grid.height, tile, batch, stretch
    )


def _axes(grid, overlap: int, window_px: int, batch: int) -> tuple[list[Span], list[Span]]:
    """Column and row spans: full-width (or full-height) windows when a window of one row (column) of
    tiles fits, else square ones; at most about window_px² pixels each."""
    area = window_px * window_px
    cs, rs = grid.col_starts, grid.row_starts
    side = _tiles_for(grid.tile, overlap, window_px)
    if len(cs) <= side:
        mx, my = len(cs), _tiles_for(grid.tile, overlap, area // max(grid.width, 1))
    elif len(rs) <= side:
        mx, my = _tiles_for(grid.tile, overlap, area // max(grid.height, 1)), len(rs)
    else:
        mx = my = side
    cols = split_axis(cs, grid.width, grid.tile, mx, batch=batch)
    rows = split_axis(rs, grid.height, grid.tile, my)
    return cols, rows


def _extent(t, cols: Span, rows: Span) -> list[float]:
    """The window's pixels as a box in the earlier raster's CRS (north-up or south-up transforms)."""
    xs = (t.c + cols.start * t.a, t.c + cols.stop * t.a)
    ys = (t.f + rows.start * t.e, t.f + rows.stop * t.e)
    return [min(xs), min(ys), max(xs), max(ys)]


# -- one window ---------------------------------------------------------------------------------------------


class PinnedStretch:
    """A feature cache that answers the stretch lookup with the whole pair's stretch: a window's own
    percentiles would normalise it differently from its neighbours (visible seams, other polygons)."""

    def __init__(self, cache: Any, stretch: Stretch):
        self.cache, self.stretch = cache, stretch

    @staticmethod
    def _is_stretch(key: Any) -> bool:
        return isinstance(key, tuple) and bool(key) and key[0] == "stretch"

    def has(self, key: tuple) -> bool:
        return self._is_stretch(key) or (self.cache is not None and self.cache.has(key))

    def get(self, key: tuple, count: bool = True) -> Any:
        if self._is_stretch(key):
            return self.stretch
        return None if self.cache is None else self.cache.get(key, count=count)

    def put(self, key: tuple, value: Any) -> None:
        if not self._is_stretch(key) and self.cache is not None:
            self.cache.put(key, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cache, name)


def run_window(plan: WindowPlan, index: int, model: Any, cache: Any, worker: str) -> WindowResult:
    """Analyse one window into the staging folder. A window with no valid pixel (nodata corner of a big
    scene) is not an error of the pair: its result has no record and its pixels merge as nodata."""
    from engine.pipeline.analyse import analyse

    t0 = time.perf_counter()
    window = plan.windows[index]
    os.makedirs(plan.folder, exist_ok=True)
    try:
        result = analyse(plan.window_request(window), model=model, cache=PinnedStretch(cache, plan.stretch))
    except InputError as exc:
        if not exc.message.startswith(NO_VALID_PIXEL):
            raise
        return WindowResult(index, None, time.perf_counter() - t0, worker)
    return WindowResult(index, result.run_record, time.perf_counter() - t0, worker)


# -- the merge ----------------------------------------------------------------------------------------------


class _ModelInfo:
    """What the output chain and the run record read of a model (the merge loads none)."""

    def __init__(self, record: dict[str, Any]):
        self.model_id = record["id"]
        self.revision = record["revision"]
        self.config = type("Config", (), {"image_size": record["image_size"]})()


def merge_windows(plan: WindowPlan, results: list[WindowResult]) -> dict[str, Any]:
    """The windows' cores through the pipeline's output chain into the pair's output, committed with its
    run record. Returns that record. The staging folder is removed whatever happens."""
    try:
        return _merge(plan, sorted(results, key=lambda r: r.index))
    finally:
        shutil.rmtree(plan.folder, ignore_errors=True)


def _merge(plan: WindowPlan, results: list[WindowResult]) -> dict[str, Any]:
    import rasterio

    from engine.batch.work import KEY_FIELD
    from engine.geo.outputs import Staging
    from engine.geo.tiling import TileGrid
    from engine.geo.writer import utc_now
    from engine.pipeline.analyse import analysis_notes, preflight
    from engine.pipeline.inference import InferenceStats
    from engine.pipeline.output_chain import OutputChain
    from engine.pipeline.stages import (
        ALL_CHANGES_LABEL,
        Inference,
        Plan,
        commit_outputs,
        layer_name,
        open_pair,
        run_record,
    )

    t0 = time.perf_counter()
    records = [r.record for r in results if r.record is not None]
    if not records:
        raise InputError(
            f"{NO_VALID_PIXEL} where both rasters overlap: everything is nodata, masked or NaN",
            hint="check the rasters' nodata values, masks and bands (--bands-earlier, --bands-later)",
        )
    request, mask_png, outputs = preflight(dataclasses.replace(plan.request, overwrite=True))
    labels = [ALL_CHANGES_LABEL] if request.all_changes else list(request.prompts)
    first = records[0]
    model = _ModelInfo(first["model"])
    grid = TileGrid(plan.width, plan.height, plan.tile, request.overlap)
    with rasterio.Env():
        pair, out_crs = open_pair(request, mask_png, outputs)
        staging = Staging()
        chain = None
        try:
            if (pair.width, pair.height) != (plan.width, plan.height):
                raise InputError(f"the rasters of pair {plan.pair_id} changed while it was analysed")
            run_utc = utc_now()
            chain = OutputChain(
                request, pair, model, labels, layer_name(request.output), run_utc, out_crs, False, staging
            )
            with chain:
                valid = _feed(plan, results, grid, chain, len(labels))
                chain.drain()
                chain.finish(None, None, len(grid))
            valid_fraction = valid / max(1, plan.width * plan.height)
            presence = _merged_presence(records, labels, request.presence_threshold)
            notes = analysis_notes(pair, presence, request.presence_threshold, valid_fraction)
            stats = InferenceStats(
                tiles=len(grid),
                cache_hits=sum(int(r.get("cache_hits") or 0) for r in records),
                batch_size=min(int(r["batch_size"]["final"]) for r in records),
                oom_backoffs=sum(int(r["batch_size"]["oom_backoffs"]) for r in records),
            )
            heads = [None] if request.all_changes else list(request.prompts)
            run_plan = Plan(
                request, pair, out_crs, False, first["device"], model, grid, plan.batch, plan.stretch,
                heads, labels, (), layer_name(request.output), run_utc,
            )  # fmt: skip
            timings = {
                "windows": round(sum(r.seconds for r in results), 3),
                "vectorise": chain.vectorise_s,
            }
            inference = Inference(stats, int(first.get("torch_threads") or 0), valid_fraction)
            record = run_record(run_plan, chain, inference, presence, notes, timings)
            record["windows"] = _windows_record(plan, results)
            record[KEY_FIELD] = plan.key
            timings["merge"] = time.perf_counter() - t0
            commit_outputs(run_plan, chain, record, staging)
            return record
        finally:
            pair.close()
            if chain is not None:
                chain.abort()
            staging.abort()


def strip_bounds(grid) -> list[tuple[int, int]]:
    """The strips the unsplit run's blender hands to the output chain: one per row of tiles (its rows up to
    the next row's start), the last down to the bottom. The same strips give the same polygon blocks."""
    starts = grid.row_starts
    return [(a, b) for a, b in zip(starts, [*starts[1:], grid.height], strict=True) if b > a]


def _feed(plan: WindowPlan, results: list[WindowResult], grid, chain, bands: int) -> int:
    """Read the cores of the windows' probability rasters strip by strip into `chain.sink`; returns the
    number of valid pixels (probability ≥ 0; nodata is -1, as the blender writes it)."""
    import numpy as np
    import rasterio
    from rasterio.windows import Window as RioWindow

    from engine.geo.blend import PROB_NODATA

    have = {r.index for r in results if r.record is not None}
    sources = {}
    try:
        for w in plan.windows:
            if w.index in have:
                sources[w.index] = rasterio.open(os.path.join(plan.folder, w.name + ".tif"))
        valid = 0
        for top, bottom in strip_bounds(grid):
            strip = np.full((bands, bottom - top, plan.width), PROB_NODATA, dtype=np.float32)
            for w in plan.windows:
                r0, r1 = max(top, w.rows.core_start), min(bottom, w.rows.core_stop)
                if r0 >= r1 or w.index not in sources:
                    continue
                c0, c1 = w.cols.core_start, w.cols.core_stop
                src = RioWindow(c0 - w.cols.start, r0 - w.rows.start, c1 - c0, r1 - r0)
                strip[:, r0 - top : r1 - top, c0:c1] = sources[w.index].read(window=src)
            valid += int(np.count_nonzero(strip[0] != PROB_NODATA))
            chain.sink(top, strip)
        return valid
    finally:
        for ds in sources.values():
            ds.close()


def _merged_presence(records: list[dict], labels: list[str], threshold: float) -> dict | None:
    """Per prompt: the most confident tile of any window (exact: the maximum over the same tiles) and the
    tile counts summed over windows (tiles shared by two windows count in each; see the record's note)."""
    out: dict[str, dict[str, Any]] = {}
    for record in records:
        for label, v in (record.get("presence") or {}).items():
            m = out.setdefault(label, {"probability": 0.0, "present": False, "tiles_present": 0, "tiles": 0})
            m["probability"] = max(m["probability"], float(v["probability"]))
            m["tiles_present"] += int(v["tiles_present"])
            m["tiles"] += int(v["tiles"])
    for m in out.values():
        m["present"] = m["probability"] >= threshold
    return {label: out[label] for label in labels if label in out} or None


def _windows_record(plan: WindowPlan, results: list[WindowResult]) -> dict[str, Any]:
    by_index = {r.index: r for r in results}
    return {
        "count": len(plan.windows),
        "note": "presence tile counts are summed over windows: tiles shared by two windows count in each",
        "items": [
            {
                "cols": [w.cols.start, w.cols.stop],
                "rows": [w.rows.start, w.rows.stop],
                "core": [w.cols.core_start, w.rows.core_start, w.cols.core_stop, w.rows.core_stop],
                "worker": by_index[w.index].worker if w.index in by_index else None,
                "seconds": round(by_index[w.index].seconds, 3) if w.index in by_index else None,
                "no_valid_pixel": w.index in by_index and by_index[w.index].record is None,
            }
            for w in plan.windows
        ],
    }

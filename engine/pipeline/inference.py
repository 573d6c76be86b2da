"""Tile-batched inference with feature caching and out-of-memory back-off, feeding the strip blender.

Why here and not in the model: batching, caching and OOM handling depend on the raster (tile grid, validity
masks), not on the network; the model only sees ready-made, normalised B×3×T×T tensors (INTERFACES §1).

Why row bands: the tiles of one grid row overlap horizontally, so the pair is read ONCE per row of tiles (one
windowed read of a region-wide band per date) and tiles are sliced out of it; reading tile by tile would
decode the overlapping pixels twice. The radiometric stretch and the ImageNet normalisation are fused into one
per-channel affine map, applied ONCE to the column span of a batch of equally spaced tiles, written into a
preallocated buffer; the model gets the tiles as strided, overlapping views of that buffer (no per-tile copy,
the overlap is not normalised twice, no torch op per tile). On a re-query whose features are all cached, a
row is not read at all: the cached validity masks stand in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import torch
from rasterio.windows import Window

from engine.errors import Cancelled, ModelError, OutOfMemory
from engine.geo.align import AlignedPair
from engine.geo.blend import StripBlender
from engine.geo.normalise import Stretch
from engine.geo.tiling import TileGrid
from engine.pipeline.cache import FeatureCache
from engine.pipeline.device import autocast, is_oom

# Same values as engine.model.preprocess (INTERFACES §1); duplicated so that the pipeline does not import the
# network package (timm, torchvision: seconds) for diagnostic models. A test checks that they agree.
IMAGENET_MEAN_255 = (123.675, 116.28, 103.53)
IMAGENET_STD_255 = (58.395, 57.12, 57.375)

ALL_CHANGES = None  # a head value meaning "stage-1 all-changes head" instead of a prompt


@dataclass
class InferenceStats:
    tiles: int = 0
    cache_hits: int = 0
    batch_size: int = 0
    oom_backoffs: int = 0
    # per head: the presence probability of every tile (empty lists: the model has no presence head)
    presence: list[list[float]] = field(default_factory=list)
    presence_threshold: float = 0.0  # tiles below it contribute no probability for that prompt


@dataclass
class TileValid:
    """Validity mask of one tile kept in the feature cache (None = every pixel valid, the usual case)."""

    mask: np.ndarray | None

    @property
    def nbytes(self) -> int:
        return 0 if self.mask is None else int(self.mask.nbytes)


class InputNormaliser:
    """stretch → [0, 255] → ImageNet mean/std, fused into x·scale + offset (clipped when stretched).

    Invalid and padding pixels get the value of a black (0) pixel, as in both dates (no fake change).
    """

    def __init__(self, stretch: Stretch):
        mean = np.asarray(IMAGENET_MEAN_255, np.float64)
        std = np.asarray(IMAGENET_STD_255, np.float64)
        if stretch.identity:
            k, lo = np.ones(3), np.zeros(3)
        else:
            lo = np.asarray(stretch.lo, np.float64)
            k = 255.0 / np.maximum(np.asarray(stretch.hi, np.float64) - lo, 1e-12)
        self.clip = not stretch.identity
        self.scale = (k / std).astype(np.float32)[:, None, None]
        self.offset = ((-lo * k - mean) / std).astype(np.float32)[:, None, None]
        self.lo = (-mean / std).astype(np.float32)[:, None, None]  # value of stretched 0 = black
        self.hi = ((255.0 - mean) / std).astype(np.float32)[:, None, None]

    def fill(self, out: np.ndarray, src: np.ndarray, valid: np.ndarray | None) -> None:
        """Write the model input of `src` (3×h×w, any dtype) into `out` (3×H×W float32, H ≥ h, W ≥ w),
        padding the rest. `valid`: h×w bool or None (all valid)."""
        h, w = src.shape[1:]
        if w < out.shape[2]:
            out[:, :, w:] = self.lo
        if h < out.shape[1]:
            out[:, h:, :w] = self.lo
        region = out[:, :h, :w]
        # a plain conversion then in-place float ops: ~1.5× faster than one mixed-type multiply (NumPy's
        # mixed-type loops convert through small buffers)
        np.copyto(region, src, casting="unsafe")
        region *= self.scale
        region += self.offset
        if self.clip:
            np.clip(region, self.lo, self.hi, out=region)
        if valid is not None:
            np.copyto(region, self.lo, where=~valid[None])


def run_tiles(
    model,
    pair: AlignedPair,
    stretch: Stretch,
    grid: TileGrid,
    heads: list[str | None],
    blender: StripBlender,
    device: torch.device,
    batch_size: int,
    pair_key: tuple,
    cache: FeatureCache | None,
    progress: Callable[[int, int, str], None] | None,
    cancel: Callable[[], bool] | None,
    presence_threshold: float = 0.0,
) -> InferenceStats:
    """Predict every tile for every head (prompt or ALL_CHANGES); blend into `blender` (one band per head).

    A model with a presence head also says, per tile and prompt, whether the described change is there at
    all; a tile whose presence probability is below `presence_threshold` contributes zero probability for
    that prompt (0 disables the gate). Why gate per tile while streaming: polygons leave for the output as
    soon as their strip is final, so a scene-level verdict known only at the end could not take them back;
    a tile-level gate removes the "most similar thing" a mask head finds where nothing matches, and an
    absent change ends with no polygons at all."""
    norm = InputNormaliser(stretch)
    total = len(grid.col_starts) * len(grid.row_starts)
    presence: list[list[float]] = [[] for _ in heads]
    stats = InferenceStats(
        tiles=total, batch_size=batch_size, presence=presence, presence_threshold=presence_threshold
    )
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mtrs-read") as executor:
        bands = _RowBands(pair, grid, executor)
        try:
            args = (grid, norm, heads, blender, device, pair_key, cache, progress, cancel, stats, bands)
            _run_rows(model, *args)
        finally:
            bands.cancel()
    return stats


class _RowBands:
    """Reads the row band of each row of tiles, one row ahead in a background thread: GDAL decoding releases
    the GIL, so reading overlaps with inference. Only this thread reads the pair while inference runs."""

    def __init__(self, pair: AlignedPair, grid: TileGrid, executor: ThreadPoolExecutor):
        self.pair, self.grid, self.executor = pair, grid, executor
        self.futures: dict[int, Future] = {}

    def _read(self, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.pair.read(Window(0, r, self.grid.width, min(self.grid.tile, self.grid.height - r)))

    def prefetch(self, r: int) -> None:
        if r not in self.futures:
            self.futures[r] = self.executor.submit(self._read, r)

    def get(self, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fut = self.futures.pop(r, None)
        for old in [k for k in self.futures if k < r]:  # prefetched rows that turned out cached
            self.futures.pop(old).cancel()
        if fut is None:  # never read here directly: every read goes through the one reader thread
            fut = self.executor.submit(self._read, r)
        return fut.result()

    def cancel(self) -> None:
        for fut in self.futures.values():
            fut.cancel()


def _row_cached(cache: FeatureCache | None, keys: list[tuple]) -> bool:
    return cache is not None and all(cache.has(k) and cache.has((*k, "valid")) for k in keys)


def _run_rows(model, grid, norm, heads, blender, device, pair_key, cache, progress, cancel, stats, bands):
    """The row loop of run_tiles (rows read one ahead by `bands`)."""
    cols, rows, tile = grid.col_starts, grid.row_starts, grid.tile
    total = len(cols) * len(rows)
    bs = stats.batch_size
    done = 0
    spans = _SpanBuffers(tile)
    row_keys = [[(pair_key, ri, ci) for ci in range(len(cols))] for ri in range(len(rows))]
    for ri, r in enumerate(rows):
        if cancel is not None and cancel():
            raise Cancelled("analysis cancelled")
        h = min(tile, grid.height - r)
        keys = row_keys[ri]
        cached = [cache.get((*k, "valid"), count=False) for k in keys] if _row_cached(cache, keys) else []
        if cached and all(v is not None for v in cached):  # None: a damaged disk-cache file, read the row
            valids = [v.mask for v in cached]
            band = functools.cache(lambda r=r: bands.get(r)[:2])  # read only if a feature got evicted
        else:
            earlier, later, valid = bands.get(r)
            band = functools.cache(lambda e=earlier, l_=later: (e, l_))
            valids = []
            for c in cols:
                v = valid[:, c : c + tile]
                valids.append(None if v.all() else v.copy())
            if cache is not None:
                for k, v in zip(keys, valids, strict=True):
                    cache.put((*k, "valid"), TileValid(v))
        if ri + 1 < len(rows) and not _row_cached(cache, row_keys[ri + 1]):
            bands.prefetch(rows[ri + 1])
        blender.advance(r)
        ci = 0
        while ci < len(cols):
            chunk = next_chunk(cols, ci, bs)
            inputs = _batch_inputs(norm, band, [cols[c] for c in chunk], [valids[c] for c in chunk], spans)
            try:
                probs, hits = _predict(model, inputs, [keys[c] for c in chunk], heads, device, cache, stats)
            except Exception as exc:
                if not is_oom(exc):
                    raise
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                if bs == 1:
                    raise OutOfMemory(
                        f"out of memory on {device} even with a batch of one {tile}×{tile} tile",
                        hint="use a smaller --tile, --device cpu, or close other programs using the GPU",
                    ) from None
                bs = max(1, bs // 2)
                stats.oom_backoffs += 1
                stats.batch_size = bs
                continue
            stats.cache_hits += hits
            for c, p in zip(chunk, probs, strict=True):
                w = min(tile, grid.width - cols[c])
                blender.add(Window(cols[c], r, w, h), p[:, :h, :w], valids[c])
            ci += len(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total, f"tile {done}/{total}")
    blender.finish()


def next_chunk(cols: list[int], ci: int, bs: int) -> list[int]:
    """Indices of the next batch: up to `bs` tiles from `ci` with EQUAL spacing (so that they are strided
    views of one buffer); the last tile of a row, shifted back inside the region, usually starts a new one."""
    end = ci + 1
    while (
        end < len(cols)
        and end - ci < bs
        and (end - ci < 2 or cols[end] - cols[end - 1] == cols[ci + 1] - cols[ci])
    ):
        end += 1
    return list(range(ci, end))


class _SpanBuffers:
    """One reusable float32 buffer per date for the normalised column span of a batch (3×T×span). Reused
    from batch to batch: the model must not keep references to its inputs (INTERFACES §1: features are
    computed from them, never views of them)."""

    def __init__(self, tile: int):
        self.tile = tile
        self.bufs: list[np.ndarray] = []

    def get(self, span: int) -> list[np.ndarray]:
        if not self.bufs or self.bufs[0].shape[2] < span:
            self.bufs = [np.empty((3, self.tile, span), np.float32) for _ in range(2)]
        return [b[:, :, :span] for b in self.bufs]


def _batch_inputs(norm, band, col_starts, valids, spans) -> Callable[[], tuple[torch.Tensor, torch.Tensor]]:
    """A function building the normalised earlier/later batch tensors (called only on a cache miss);
    `band()` gives the row band's (earlier, later) pixels; `col_starts` are equally spaced.

    The span covering all the batch's tiles is normalised once per date; the batch is an N×3×T×T strided
    view of it (tiles overlap in memory exactly as they overlap on the ground)."""

    def build() -> tuple[torch.Tensor, torch.Tensor]:
        tile = spans.tile
        c0, n = col_starts[0], len(col_starts)
        step = col_starts[1] - c0 if n > 1 else tile
        span = step * (n - 1) + tile
        valid = _span_valid(col_starts, valids, span, tile)
        out = []
        for src, buf in zip(band(), spans.get(span), strict=True):
            w = min(span, src.shape[2] - c0)
            norm.fill(buf, src[:, :, c0 : c0 + w], None if valid is None else valid[:, :w])
            t = torch.from_numpy(buf.base if buf.base is not None else buf)
            row = t.stride(1)
            out.append(t.as_strided((n, 3, tile, tile), (step, tile * row, row, 1)))
        return out[0], out[1]

    return build


def _span_valid(col_starts, valids, span, tile) -> np.ndarray | None:
    """Validity of a batch's span from its tiles' masks (None when every tile is all valid)."""
    if all(v is None for v in valids):
        return None
    h = next(v for v in valids if v is not None).shape[0]
    out = np.ones((h, span), dtype=bool)
    for c, v in zip(col_starts, valids, strict=True):
        if v is not None:
            out[:, c - col_starts[0] : c - col_starts[0] + v.shape[1]] = v
    return out


def _predict(model, build_inputs, keys, heads, device, cache, stats) -> tuple[list[np.ndarray], int]:
    """Probabilities (len(heads)×T×T per tile) for one batch; features from the cache when all are there.
    Presence probabilities are appended to `stats.presence` (models with a presence head only)."""
    cached = [cache.get(k) for k in keys] if cache is not None else [None]
    hits = 0
    with torch.inference_mode(), autocast(device):
        if cache is not None and all(c is not None for c in cached):
            feats = type(cached[0]).stack(cached).to(device)
            hits = len(keys)
        else:
            earlier, later = build_inputs()
            feats = model.encode_pair(earlier.to(device), later.to(device))
            if cache is not None:
                for key, f in zip(keys, feats.split(), strict=True):
                    cache.put(key, f)
        outs = []
        with_presence = hasattr(model, "segment_with_presence")
        for h, head in enumerate(heads):
            present = None
            if head is ALL_CHANGES:
                logits = model.segment_all_changes(feats)
            elif with_presence:
                logits, presence_logits = model.segment_with_presence(feats, [head] * len(keys))
                if presence_logits is not None:
                    present = torch.sigmoid(presence_logits.float()).cpu().numpy()
            else:
                logits = model.segment(feats, [head] * len(keys))
            probs = _checked(_probabilities(logits[:, 0]), model)
            if present is not None:
                stats.presence[h].extend(float(p) for p in present)
                gated = present < stats.presence_threshold
                if gated.any():
                    probs = probs.copy() if not probs.flags.writeable else probs
                    probs[gated] = 0.0
            outs.append(probs)
    per_tile = outs[0][:, None] if len(outs) == 1 else np.stack(outs, axis=1)  # B×heads×T×T
    return list(per_tile), hits


def _checked(probs: np.ndarray, model) -> np.ndarray:
    """ModelError when the model returns NaN: its inputs are finite (invalid pixels are black), so the model
    itself is broken (damaged weights); a NaN result must never pass as "no change". One sum per batch: NaN
    propagates through it, and probabilities in [0, 1] cannot overflow it."""
    if np.isnan(probs.sum()):
        raise ModelError(
            f"the model {getattr(model, 'model_id', '')} produced NaN probabilities",
            hint="its weights are damaged or it diverged in training; re-download or retrain it",
        )
    return probs


def _probabilities(logits: torch.Tensor) -> np.ndarray:
    """Sigmoid on the accelerator when there is one; on the CPU in NumPy as ½·tanh(x/2) + ½ (exact, stable,
    single-threaded: a multi-threaded torch element-wise op on a busy CPU spends far more time in thread
    hand-offs than in work, and scipy's expit is ~6× slower than NumPy's vectorised tanh)."""
    if logits.device.type != "cpu":
        return torch.sigmoid(logits.float()).cpu().numpy()
    p = np.multiply(logits.float().numpy(), 0.5, dtype=np.float32)
    np.tanh(p, out=p)
    p *= 0.5
    p += 0.5
    return p

"""Per-tile visual features kept between queries, so a new prompt on the same pair reruns only the language
branch and the mask decoder: several prompts in a row on the same layers are the dock's normal use, and the
visual part (encoder, fusion, pixel decoder) is most of a tile's cost.

Key = (pair key, tile index). The pair key holds everything the features depend on: both files (path, mtime,
size), the bands, the analysis region and tile grid, the radiometric stretch and the model id/revision. Any
change of these gives other keys, so stale features can never be reused.

Two tiers, both least-recently-used within a byte budget:
- RAM (`budget_bytes`, worker: `MTRS_CACHE_BYTES`, default 2 GiB);
- optionally disk (`disk_bytes`, worker: `MTRS_CACHE_DISK_BYTES`, default 8 GiB; folder `MTRS_CACHE_DIR`,
  default `~/.cache/mtrs/features`). Entries evicted from RAM are SPILLED to one safetensors file each instead
  of being dropped, so a scene bigger than the RAM budget is still re-queried without any encoder pass.

Why the disk tier is safe: a file holds only tensors (safetensors: no pickle, no code); how to rebuild the
object (its class, its non-tensor fields) stays in this process's RAM index, and a CRC-32 of the file is
checked on every read. A missing, truncated or altered file is a cache MISS: the entry is dropped and the
tile is recomputed. Each cache writes into its own session folder (`session-<pid>-<random>`), removed when
the cache is closed or garbage-collected; session folders of processes that no longer exist (a crash) are
removed when the next cache starts. Keys contain the model instance, so nothing is shared across processes.

Why no promotion of disk hits into RAM: a re-query scans the tiles in the same order as the first run, so
promoting each hit would spill another tile for every tile read (one write per read) without making the next
scan any faster.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import shutil
import tempfile
import threading
import weakref
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import torch

DEFAULT_BUDGET = 2 * 1024**3
DEFAULT_DISK_BUDGET = 8 * 1024**3  # used by the worker; a FeatureCache() alone has no disk tier
DISK_RESERVE = 1024**3  # never fill the disk closer than this to full
_SESSION = re.compile(r"^session-(\d+)-[A-Za-z0-9_]+$")


def default_cache_dir() -> Path:
    """`MTRS_CACHE_DIR`, else `$XDG_CACHE_HOME/mtrs/features`, else `~/.cache/mtrs/features`."""
    if os.environ.get("MTRS_CACHE_DIR"):
        return Path(os.environ["MTRS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mtrs" / "features"


class FeatureCache:
    """LRU cache of PairFeatures (one tile each, stored on the CPU) within `budget_bytes` of RAM, spilling
    to `disk_bytes` of per-tile files under `disk_dir` when `disk_bytes` > 0."""

    def __init__(
        self,
        budget_bytes: int = DEFAULT_BUDGET,
        disk_bytes: int = 0,
        disk_dir: str | os.PathLike | None = None,
    ):
        self.budget = int(budget_bytes)
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._sizes: dict[tuple, int] = {}
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self.disk = _DiskTier(Path(disk_dir or default_cache_dir()), disk_bytes) if disk_bytes > 0 else None

    def get(self, key: tuple, count: bool = True) -> Any | None:
        """The cached item or None. `count=False` for the pipeline's bookkeeping entries (validity masks, the
        stretch), so that `hits`/`misses` keep meaning "tile features reused/computed" (worker status)."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            elif self.disk is not None:
                item = self.disk.get(key)
            if item is None:
                self.misses += count
                return None
            self.hits += count
            return item

    def has(self, key: tuple) -> bool:
        """Whether `key` is cached (no statistics, no LRU update): lets a re-query skip reading a row. A disk
        entry whose file turns out damaged is a miss at `get` time (the caller then recomputes)."""
        with self._lock:
            return key in self._items or (self.disk is not None and key in self.disk)

    def put(self, key: tuple, feats: Any) -> None:
        size = int(getattr(feats, "nbytes", 0))
        if hasattr(feats, "to"):
            feats = feats.to("cpu")
        with self._lock:
            if key in self._items:
                self.bytes -= self._sizes.pop(key)
                del self._items[key]
            if self.disk is not None:
                self.disk.discard(key)
            if size > self.budget:  # never fits in RAM: straight to disk (if any)
                if self.disk is not None:
                    self.disk.put(key, feats)
                return
            self._items[key] = feats
            self._sizes[key] = size
            self.bytes += size
            while self.bytes > self.budget and self._items:
                old, item = self._items.popitem(last=False)
                self.bytes -= self._sizes.pop(old)
                if self.disk is not None:
                    self.disk.put(old, item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._sizes.clear()
            self.bytes = 0
            if self.disk is not None:
                self.disk.clear()

    def close(self) -> None:
        """Drop everything and remove this cache's disk folder (also done when the cache is collected)."""
        with self._lock:
            self._items.clear()
            self._sizes.clear()
            self.bytes = 0
            if self.disk is not None:
                self.disk.close()

    def __len__(self) -> int:
        return len(self._items) + (len(self.disk) if self.disk is not None else 0)

    def stats(self) -> dict[str, int]:
        out = {"entries": len(self._items), "bytes": self.bytes, "hits": self.hits, "misses": self.misses}
        if self.disk is not None:
            out.update(self.disk.stats())
        return out


class _NotSpillable(Exception):
    pass


class _DiskTier:
    """Per-entry safetensors files in a private session folder, LRU within `budget` bytes. Not locked: the
    owning FeatureCache calls it under its own lock."""

    def __init__(self, root: Path, budget: int):
        self.root = root
        self.budget = int(budget)
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_dead_sessions(root)
        self.folder = Path(tempfile.mkdtemp(prefix=f"session-{os.getpid()}-", dir=root))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.folder), True)
        # key -> (file name or None when the entry has no tensors, bytes, crc32, skeleton)
        self._index: OrderedDict[tuple, tuple[str | None, int, int, Any]] = OrderedDict()
        self._names = itertools.count()
        self.bytes = 0
        self.hits = 0
        self.spills = 0
        self.errors = 0  # damaged or missing files met (then recomputed), failed writes

    def __contains__(self, key: tuple) -> bool:
        return key in self._index

    def __len__(self) -> int:
        return len(self._index)

    def put(self, key: tuple, item: Any) -> None:
        """Spill one item; silently drops it when it cannot be stored (type, disk full, I/O error)."""
        self.discard(key)
        try:
            tensors: dict[str, torch.Tensor] = {}
            skeleton = _encode(item, tensors)
        except _NotSpillable:
            return
        name, size, crc = None, 0, 0
        if tensors:
            from safetensors.torch import save

            data = save(tensors)
            size = len(data)
            if size > self.budget:
                return
            self._make_room(size)
            name = f"{next(self._names)}.safetensors"
            tmp = self.folder / (name + ".tmp")
            try:
                if shutil.disk_usage(self.folder).free - size < DISK_RESERVE:
                    return
                with open(tmp, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, self.folder / name)  # a file under its final name is always complete
            except OSError:
                self.errors += 1
                with contextlib.suppress(OSError):
                    os.remove(tmp)
                return
            crc = zlib.crc32(data)
        self._index[key] = (name, size, crc, skeleton)
        self.bytes += size
        self.spills += 1

    def get(self, key: tuple) -> Any | None:
        entry = self._index.get(key)
        if entry is None:
            return None
        name, size, crc, skeleton = entry
        tensors: dict[str, torch.Tensor] = {}
        if name is not None:
            try:
                data = (self.folder / name).read_bytes()
                if len(data) != size or zlib.crc32(data) != crc:
                    raise ValueError("damaged cache file")
                from safetensors.torch import load

                tensors = load(data)
                item = _decode(skeleton, tensors)
            except Exception:  # missing, truncated, altered: a miss, recomputed by the caller
                self.errors += 1
                self.discard(key)
                return None
        else:
            item = _decode(skeleton, tensors)
        self._index.move_to_end(key)
        self.hits += 1
        return item

    def discard(self, key: tuple) -> None:
        entry = self._index.pop(key, None)
        if entry is None:
            return
        self.bytes -= entry[1]
        if entry[0] is not None:
            with contextlib.suppress(OSError):
                os.remove(self.folder / entry[0])

    def _make_room(self, size: int) -> None:
        while self._index and self.bytes + size > self.budget:
            self.discard(next(iter(self._index)))

    def clear(self) -> None:
        for key in list(self._index):
            self.discard(key)

    def close(self) -> None:
        self._index.clear()
        self.bytes = 0
        self._finalizer()  # removes the session folder (once)

    def stats(self) -> dict[str, int]:
        return {
            "disk_entries": len(self._index),
            "disk_bytes": self.bytes,
            "disk_hits": self.hits,
            "disk_spills": self.spills,
            "disk_errors": self.errors,
        }


def _remove_dead_sessions(root: Path) -> None:
    """Remove `session-<pid>-*` folders of processes that no longer exist (left by a crash). Nothing else in
    `root` is touched; a folder of a live process (ours or another's) is kept."""
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for path in entries:
        m = _SESSION.match(path.name)
        if m is None or not path.is_dir() or path.is_symlink():
            continue
        if not _pid_alive(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    """Whether the process that owns a cache folder still runs (psutil: also right on Windows, where
    `os.kill(pid, 0)` would terminate the process instead of probing it)."""
    import psutil

    if pid <= 0:
        return False
    try:
        return psutil.pid_exists(pid)
    except Exception:  # cannot tell: keep the folder
        return True


# ---- (de)serialising cache items without pickle: tensors go to the file, the structure stays in RAM ------
def _encode(obj: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(obj, torch.Tensor):
        name = str(len(tensors))
        tensors[name] = obj.detach().cpu().contiguous()
        return ("tensor", name)
    if isinstance(obj, np.ndarray):
        name = str(len(tensors))
        tensors[name] = torch.from_numpy(np.ascontiguousarray(obj))
        return ("ndarray", name)
    if obj is None or isinstance(obj, bool | int | float | str):
        return ("value", obj)
    if isinstance(obj, list | tuple):
        return (type(obj).__name__, [_encode(v, tensors) for v in obj])
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: _encode(getattr(obj, f.name), tensors) for f in dataclasses.fields(obj)}
        return ("dataclass", type(obj), fields)
    raise _NotSpillable(type(obj).__name__)


def _decode(skeleton: Any, tensors: dict[str, torch.Tensor]) -> Any:
    kind = skeleton[0]
    if kind == "tensor":
        return tensors[skeleton[1]]
    if kind == "ndarray":
        return tensors[skeleton[1]].numpy()
    if kind == "value":
        return skeleton[1]
    if kind in ("list", "tuple"):
        values = [_decode(v, tensors) for v in skeleton[1]]
        return values if kind == "list" else tuple(values)
    cls, fields = skeleton[1], skeleton[2]
    return cls(**{name: _decode(v, tensors) for name, v in fields.items()})

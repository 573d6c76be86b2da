"""Per-tile visual features kept between queries, so a new prompt on the same pair reruns only the language
branch and the mask decoder (issue 5 requirement 6; DESIGN decision 2).

Key = (pair key, tile index). The pair key holds everything the features depend on: both files (path, mtime,
size), the bands, the analysis region and tile grid, the radiometric stretch and the model id/revision. Any
change of these gives other keys, so stale features can never be reused. Entries are evicted least recently
used when the byte budget is exceeded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

DEFAULT_BUDGET = 2 * 1024**3


class FeatureCache:
    """LRU cache of PairFeatures (one tile each, stored on the CPU) within `budget_bytes`."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET):
        self.budget = int(budget_bytes)
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._sizes: dict[tuple, int] = {}
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def get(self, key: tuple, count: bool = True) -> Any | None:
        """The cached item or None. `count=False` for the pipeline's bookkeeping entries (validity masks, the
        stretch), so that `hits`/`misses` keep meaning "tile features reused/computed" (worker status)."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += count
                return None
            self._items.move_to_end(key)
            self.hits += count
            return item

    def has(self, key: tuple) -> bool:
        """Whether `key` is cached (no statistics, no LRU update): lets a re-query skip reading a row."""
        with self._lock:
            return key in self._items

    def put(self, key: tuple, feats: Any) -> None:
        size = int(getattr(feats, "nbytes", 0))
        if size > self.budget:
            return
        if hasattr(feats, "to"):
            feats = feats.to("cpu")
        with self._lock:
            if key in self._items:
                self.bytes -= self._sizes.pop(key)
                del self._items[key]
            self._items[key] = feats
            self._sizes[key] = size
            self.bytes += size
            while self.bytes > self.budget and self._items:
                old, _ = self._items.popitem(last=False)
                self.bytes -= self._sizes.pop(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._sizes.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._items), "bytes": self.bytes, "hits": self.hits, "misses": self.misses}

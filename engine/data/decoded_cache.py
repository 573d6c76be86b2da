"""Decoded images and masks kept in memory across samples and epochs, up to a byte budget.

Why: a multi-epoch run would decode every PNG once per epoch, and on small images that is most of the data
time (synthetic benchmark, 32-item stage-2 batches: ≈ 31 of 40 ms per step went to opening and decoding
files; docs/benchmarks/training.md). Least recently used entries leave first once the budget is exceeded,
but the last `keep_recent` entries always stay, so a pair whose expressions come one after another (file
order, pair batches) is decoded once even with a budget of 0.

Values are shared between the samples that hit them: callers must not modify them in place (`make_item`
and the augmentation copy before they change anything). Each DataLoader worker process holds its own copy.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np

T = TypeVar("T")

DEFAULT_CACHE_MB = 2048
KEEP_RECENT = 16


def _nbytes(value: np.ndarray | tuple) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    return sum(_nbytes(v) for v in value)


class DecodedCache:
    """`get(key, load)`: the cached value of `key`, else `load()` stored under it."""

    def __init__(self, budget_mb: float = DEFAULT_CACHE_MB, keep_recent: int = KEEP_RECENT):
        if budget_mb < 0:
            raise ValueError(f"cache budget must be >= 0 MB (got {budget_mb})")
        self.budget_bytes = int(budget_mb * 2**20)
        self.keep_recent = int(keep_recent)
        self.nbytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, np.ndarray | tuple] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
            self.hits += 1
            return value
        self.misses += 1
        value = load()
        self._entries[key] = value
        self.nbytes += _nbytes(value)
        while self.nbytes > self.budget_bytes and len(self._entries) > self.keep_recent:
            _, old = self._entries.popitem(last=False)
            self.nbytes -= _nbytes(old)
        return value

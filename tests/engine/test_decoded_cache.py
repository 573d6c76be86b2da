"""The decoded-array cache: a byte budget, least recently used out first, the last entries always kept."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.decoded_cache import DecodedCache


def _loader(calls: list[str], key: str, nbytes: int = 2**20):
    return lambda: calls.append(key) or np.zeros(nbytes, dtype=np.uint8)


def test_hits_return_the_stored_array_without_loading_again() -> None:
    calls: list[str] = []
    cache = DecodedCache(budget_mb=4)
    first = cache.get("a", _loader(calls, "a"))
    assert cache.get("a", _loader(calls, "a")) is first
    assert calls == ["a"] and (cache.hits, cache.misses) == (1, 1)


def test_over_budget_the_least_recently_used_entry_leaves_first() -> None:
    calls: list[str] = []
    cache = DecodedCache(budget_mb=3, keep_recent=1)
    for key in "abc":
        cache.get(key, _loader(calls, key))
    cache.get("a", _loader(calls, "a"))  # a is now the most recent; b the least
    cache.get("d", _loader(calls, "d"))  # 4 MB > 3 MB: b goes
    assert cache.nbytes == 3 * 2**20 and len(cache) == 3
    cache.get("c", _loader(calls, "c"))
    cache.get("b", _loader(calls, "b"))
    assert calls == ["a", "b", "c", "d", "b"]


def test_tuples_count_all_their_arrays_and_recent_entries_survive_a_zero_budget() -> None:
    cache = DecodedCache(budget_mb=0, keep_recent=2)
    for key in range(5):
        cache.get(key, lambda: (np.zeros(10, np.uint8), np.zeros(6, np.uint8)))
    assert len(cache) == 2 and cache.nbytes == 32
    with pytest.raises(ValueError, match=">= 0"):
        DecodedCache(budget_mb=-1)

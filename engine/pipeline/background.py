"""One background thread that runs calls in submission order, with a bounded number of calls in flight.

Why: polygonising a finished strip (NumPy, SciPy and GDAL, which release the GIL) can run while the next
row of tiles is predicted. The bound keeps memory flat: when the polygoniser falls behind, the producer waits
instead of queueing strips without limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class OrderedWorker:
    """`submit(fn, *args)` runs fn in a single background thread; at most `depth` calls pending at once."""

    def __init__(self, depth: int = 2, name: str = "mtrs-worker"):
        self.depth = depth
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending: deque[Future] = deque()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        while len(self._pending) >= self.depth:
            self._pending.popleft().result()  # re-raises the background call's exception here
        self._pending.append(self._executor.submit(fn, *args))

    def drain(self) -> None:
        """Wait for every submitted call (and re-raise the first failure)."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        """Drop calls not yet started and wait for the running one (safe in `finally`)."""
        for fut in self._pending:
            fut.cancel()
        self._pending.clear()
        self._executor.shutdown(wait=True)

    def __enter__(self) -> OrderedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Running work items on this machine: in this process (1 worker) or in a pool of worker processes.

Why processes and not threads: one analysis already keeps a core busy with torch plus two helper threads
(reads, polygonising); the GIL-free parts do not scale further within one process on a many-core machine,
whereas N processes with cores // N torch threads each do. Why `spawn`: a forked child of a process that has
started torch's or GDAL's threads can deadlock; spawn starts clean (and is the only choice on Windows/macOS).

Each worker loads the batch's main model ONCE (initializer), keeps a FeatureCache, and loads another model
named by some item lazily (a small LRU: at most MAX_MODELS models held at a time). With GPUs, worker i runs
on GPU i mod #GPUs.

Stopping: Ctrl-C / `cancel()` stops starting new items and cancels the running ones through the pipeline's
own cancel (their staging folders are removed: no partial output is left); then `Cancelled` or
KeyboardInterrupt is raised to the caller. Workers ignore SIGINT themselves so that they are stopped in
order, by the parent. A worker process that dies (killed for memory, a crash in a native library) breaks the
pool: a new pool is started and the unfinished items are tried once more; an item that was running when a
pool broke twice is reported as failed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from engine.batch.work import ItemOutcome, WorkItem, failed, run_item
from engine.errors import Cancelled, MtrsError

MAX_MODELS = 2
DEFAULT_THREADS_PER_WORKER = 4  # CPU: fewer threads per process scale better than one big process
CACHE_BYTES = 512 * 1024**2  # per worker: a batch analyses each pair once; the cache mainly holds stretches
POLL_S = 0.2  # how often the parent looks at `cancel()` while waiting for workers
MAX_ATTEMPTS = 2  # an item running when its worker process died is tried once more in a new pool

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


def cpu_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def gpu_count() -> int:
    """CUDA GPUs visible to this process (imports torch)."""
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def default_workers(n_items: int, gpus: int | None = None) -> int:
    """One worker per GPU, else one per DEFAULT_THREADS_PER_WORKER cores; never more than items."""
    gpus = gpu_count() if gpus is None else gpus
    per_device = gpus if gpus > 0 else max(1, cpu_cores() // DEFAULT_THREADS_PER_WORKER)
    return max(1, min(per_device, n_items))


def main_model(items: list[WorkItem]) -> tuple[str | None, str | None, str]:
    """(model, revision, device) named by most items: the one each worker loads at start."""
    counts = Counter((it.request.model, it.request.revision, it.request.device) for it in items)
    return counts.most_common(1)[0][0]


class Models:
    """The models of one worker: loaded on first use, at most MAX_MODELS held (least recently used go).
    A model that fails to load is remembered, so every item naming it fails with the same error at once."""

    def __init__(self) -> None:
        self.loaded: OrderedDict[tuple, Any] = OrderedDict()
        self.errors: dict[tuple, MtrsError] = {}

    def get(self, model: str | None, revision: str | None, device: str) -> Any:
        from engine.pipeline.device import resolve_device
        from engine.pipeline.loading import load

        resolved = str(resolve_device(device))
        key = (model, revision, resolved)
        if key in self.errors:
            raise self.errors[key]
        if key in self.loaded:
            self.loaded.move_to_end(key)
            return self.loaded[key]
        while len(self.loaded) >= MAX_MODELS:
            self.loaded.popitem(last=False)
        try:
            self.loaded[key] = load(model, revision=revision, device=resolved)
        except MtrsError as exc:
            self.errors[key] = exc
            raise
        return self.loaded[key]


def _new_cache():
    from engine.pipeline.cache import FeatureCache

    return FeatureCache(int(os.environ.get("MTRS_BATCH_CACHE_BYTES", str(CACHE_BYTES))))


def _run_one(
    item: WorkItem,
    models: Models,
    cache: Any,
    worker: str,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
) -> ItemOutcome:
    """One item with its model (a model that cannot be loaded fails this item, not the batch)."""
    t0 = time.perf_counter()
    try:
        model = models.get(item.request.model, item.request.revision, item.request.device)
    except MtrsError as exc:
        return failed(item, exc, time.perf_counter() - t0, worker)
    return run_item(item, model, cache, progress, cancel, worker=worker)


# -- in this process ----------------------------------------------------------------------------------------


def _run_here(
    items: list[WorkItem], progress: ProgressFn | None, cancel: CancelFn | None
) -> Iterator[ItemOutcome]:
    models, cache = Models(), _new_cache()
    for item in items:
        if cancel is not None and cancel():
            raise Cancelled("batch cancelled")
        yield _run_one(item, models, cache, "local-0", progress, cancel)


# -- in worker processes ------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(
    preload: tuple[str | None, str | None, str], threads: int, gpus: int, stop, counter, tiles=None
) -> None:
    """Runs once in each worker process, before torch is imported there. `tiles`: a queue for the running
    item's tile progress (the parent adds up the workers' into one bar)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops workers in order (the `stop` event)
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ.setdefault("MTRS_TORCH_THREADS", str(threads))
    if gpus > 1 and "CUDA_VISIBLE_DEVICES" not in os.environ:
        os.environ["CUDA_VISIBLE_DEVICES"] = str(index % gpus)
    import torch

    torch.set_num_threads(threads)
    if tiles is not None:
        tiles.cancel_join_thread()  # progress may be lost at exit, but a worker never waits on the parent
    _WORKER.update(name=f"local-{index}", stop=stop, models=Models(), cache=_new_cache(), tiles=tiles)
    with contextlib.suppress(MtrsError):  # remembered by Models: the items naming it fail with the error
        _WORKER["models"].get(*preload)


def _work(item: WorkItem) -> ItemOutcome:
    stop = _WORKER["stop"]
    if stop.is_set():
        raise Cancelled("batch cancelled")
    name, tiles = _WORKER["name"], _WORKER.get("tiles")

    def progress(done: int, total: int, message: str) -> None:
        with contextlib.suppress(Exception):  # progress is never worth failing a pair for
            tiles.put_nowait((name, item.pair_id, done, total))

    return _run_one(
        item, _WORKER["models"], _WORKER["cache"], name, progress if tiles is not None else None, stop.is_set
    )


class TileProgress:
    """The tiles of the items running in the workers, added up: (done, total) over the running items."""

    def __init__(self, progress: ProgressFn | None, queue) -> None:
        self.progress = progress
        self.queue = queue
        self.running: dict[str, tuple[str, int, int]] = {}  # worker -> (pair, done, total)
        self.finished_pairs: set[str] = set()  # late messages of finished pairs are dropped

    def drain(self) -> None:
        import queue as queue_module

        changed = False
        while True:
            try:
                worker, pair, done, total = self.queue.get_nowait()
            except (queue_module.Empty, OSError, ValueError):
                break
            if pair not in self.finished_pairs:
                self.running[worker] = (pair, done, total)
                changed = True
        if changed and self.progress is not None:
            done = sum(d for _, d, _ in self.running.values())
            total = sum(t for _, _, t in self.running.values())
            self.progress(done, total, f"tiles {done}/{total} of {len(self.running)} running pair(s)")

    def finished(self, outcome: ItemOutcome) -> None:
        self.finished_pairs.add(outcome.pair_id)
        if self.running.get(outcome.worker, ("",))[0] == outcome.pair_id:
            del self.running[outcome.worker]


def _run_pool(
    items: list[WorkItem],
    workers: int,
    cancel: CancelFn | None,
    gpus: int | None = None,
    progress: ProgressFn | None = None,
) -> Iterator[ItemOutcome]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    gpus = gpu_count() if gpus is None else gpus
    threads = max(1, cpu_cores() // workers)
    stop, counter = ctx.Event(), ctx.Value("i", 0)
    tiles = TileProgress(progress, ctx.Queue()) if progress is not None else None
    attempts: Counter[str] = Counter()
    todo = list(items)
    while todo:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(main_model(todo), threads, gpus, stop, counter, tiles.queue if tiles else None),
        )
        futures = {pool.submit(_work, item): item for item in todo}
        todo = []
        broken = False
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
                if tiles is not None:
                    tiles.drain()
                if cancel is not None and cancel():
                    stop.set()
                for future in done:
                    item = futures[future]
                    try:
                        outcome = future.result()
                        if tiles is not None:
                            tiles.finished(outcome)
                        yield outcome
                    except BrokenProcessPool as exc:
                        broken = True
                        attempts[item.pair_id] += 1
                        if attempts[item.pair_id] >= MAX_ATTEMPTS:
                            yield failed(item, _died(exc), 0.0, "local")
                        else:
                            todo.append(item)
                    except Cancelled:
                        stop.set()
                if stop.is_set():
                    for future in pending:
                        future.cancel()
                    wait(pending)  # running items unwind through their own cancel
                    raise Cancelled("batch cancelled")
        except BaseException:
            stop.set()  # Ctrl-C in the parent, a consumer that stopped iterating: stop the workers in order
            for future in futures:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        if broken:
            todo.sort(key=lambda it: items.index(it))


def _died(exc: BaseException) -> MtrsError:
    return MtrsError(
        "the worker process running this pair died",
        hint="it may have run out of memory: use fewer --workers, a smaller --tile or --batch-size",
    )


# -- entry point --------------------------------------------------------------------------------------------


def run_local(
    items: list[WorkItem],
    workers: int | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> Iterator[ItemOutcome]:
    """Run `items`, yielding each outcome as it finishes (in order with 1 worker, by completion with more).
    `workers` None = default_workers(); 1 = in this process (no pool). `progress` gets the tiles of the
    running item(s) as (done, total, message): with a pool, added up over the items running in the workers.
    A bad pair gives a FAILED outcome; a cancel raises Cancelled."""
    items = list(items)
    if not items:
        return iter(())
    workers = default_workers(len(items)) if workers is None else max(1, min(int(workers), len(items)))
    if workers == 1:
        return _run_here(items, progress, cancel)
    return _run_pool(items, workers, cancel, progress=progress)

"""Running work items on a Ray cluster (`mtrs batch --ray ADDRESS`).

One actor per GPU (or, on CPU nodes, per `cpus_per_actor` cores; default: one per node, using all its
cores) holds the model (loaded once, engine.pipeline.loading through the local pool's `Models`) and a
FeatureCache, and runs `analyse` for the items it is given. Ray places the actors (SPREAD over the nodes)
and the driver keeps one task in flight per idle actor, waiting on the futures with `ray.wait`: ActorPool's
pattern written out, because ActorPool cannot say WHICH task failed when a worker dies.

Failures: actors are created with `max_restarts` and their tasks with `max_task_retries`, so a worker that
is killed (out of memory, a lost node, `ray.kill`) is restarted by Ray and its task is run again there;
the pipeline's outputs are atomic, so the half-done run leaves nothing visible (its staging folder is
removed by the next run in that folder). A task whose actor died more often than that fails its pair only.
A bad pair is a FAILED outcome, never a stopped batch.

Big pairs: with `window_px`, a pair of more than window_px² pixels is split into windows analysed by
different actors and merged into the pair's output (engine.batch.windows: same polygons as one run).

Addresses (Ray's own): "auto" connects to the cluster this machine belongs to (RAY_ADDRESS, or the one
started with `ray start`) and starts a local one for this batch when there is none (ray.init() without
an address); "local" always starts a local one; HOST:PORT or ray://HOST:PORT connects to that cluster.
A process that has already called ray.init (a test, a notebook) keeps its connection.

Every node needs the same engine environment (`bash scripts/setup.sh`, Ray started from its venv) and the
inputs and outputs at the same paths (a shared file system): the actors read and write the files
themselves; only requests and small results travel through Ray.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.batch.work import DONE, ItemOutcome, WorkItem, describe_error, failed, prompts_of
from engine.errors import Cancelled, InputError, MtrsError

RAY_VERSION = "2.60.0"  # the version pinned in requirements/constraints.txt (for the install hint)
MAX_RESTARTS = int(os.environ.get("MTRS_RAY_MAX_RESTARTS", "3"))
MAX_TASK_RETRIES = int(os.environ.get("MTRS_RAY_MAX_TASK_RETRIES", "3"))
POLL_S = 0.2  # how often the driver looks at `cancel()` while waiting
MIN_WINDOW_PX = 256
ACTOR_PREFIX = "mtrs-batch-"

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


def import_ray() -> Any:
    """The ray module, or an InputError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise InputError(
            "--ray needs the ray package, which is not installed in the engine's environment",
            hint="bash scripts/setup.sh installs it with the rest of the engine "
            f"(or: pip install ray=={RAY_VERSION})",
        ) from None
    return ray


def connect(ray: Any, address: str) -> bool:
    """Connect this process to the cluster at `address` (see the module docstring); True when this call
    did (and so must disconnect: ray.shutdown also stops a local cluster it started)."""
    if ray.is_initialized():
        return False
    try:
        ray.init(
            address=None if address == "auto" else address,
            include_dashboard=False,  # the plain ray package has no dashboard dependencies
            logging_level=logging.WARNING,
        )
    except (ConnectionError, ValueError, RuntimeError) as exc:
        auth = (
            ""
            if address in ("auto", "local") or os.environ.get("RAY_AUTH_MODE")
            else "; a cluster started by `ray start` wants its token: set RAY_AUTH_MODE=token (the token "
            "is read from ~/.ray/auth_token or RAY_AUTH_TOKEN)"
        )
        raise InputError(
            f"cannot connect to the Ray cluster at {address}: {exc}",
            hint="start one with `ray start --head` (and `ray start --address=HEAD:6379` on the other "
            f"machines), or pass --ray auto to run on a local one{auth}",
        ) from None
    return True


# -- the actor ----------------------------------------------------------------------------------------------


class BatchWorker:
    """A Ray actor: one model per (model, revision, device) (the local pool's small LRU) and one feature
    cache, for its lifetime. Its methods never raise for a bad pair: they return ("failed", message)."""

    def __init__(self, threads: int):
        import ray

        if threads:
            os.environ["MTRS_TORCH_THREADS"] = str(threads)
            import torch

            torch.set_num_threads(threads)
        from engine.batch.local_pool import CACHE_BYTES, Models
        from engine.pipeline.cache import FeatureCache

        self.models = Models()
        self.cache = FeatureCache(int(os.environ.get("MTRS_BATCH_CACHE_BYTES", str(CACHE_BYTES))))
        node = ray.get_runtime_context().get_node_id()[:8]
        self.name = f"ray:{ray.util.get_node_ip_address()}/{node}:{os.getpid()}"

    def where(self) -> tuple[str, int]:
        return self.name, os.getpid()

    def _model(self, request) -> Any:
        return self.models.get(request.model, request.revision, request.device)

    def run(self, item: WorkItem, window_px: int | None) -> tuple[str, Any]:
        """("done", outcome), or ("windows", plan) when the pair is split into windows."""
        from engine.batch.work import run_item

        t0 = time.perf_counter()
        try:
            model = self._model(item.request)
        except MtrsError as exc:
            return "done", failed(item, exc, time.perf_counter() - t0, self.name)
        if window_px:
            from engine.batch.windows import plan_windows

            try:
                plan = plan_windows(item, model, window_px)
            except Exception:  # a bad pair: analysed whole below, which reports its error
                plan = None
            if plan is not None:
                return "windows", (plan, time.perf_counter() - t0)
        return "done", run_item(item, model, self.cache, worker=self.name)

    def window(self, plan: Any, index: int) -> tuple[str, Any]:
        from engine.batch.windows import run_window

        try:
            return "window", run_window(plan, index, self._model(plan.request), self.cache, self.name)
        except Exception as exc:  # fails the pair, not the batch
            return "failed", describe_error(exc)

    def merge(self, plan: Any, results: list) -> tuple[str, Any]:
        from engine.batch.windows import merge_windows

        t0 = time.perf_counter()
        try:
            return "merged", (merge_windows(plan, results), time.perf_counter() - t0, self.name)
        except Exception as exc:  # fails the pair, not the batch
            return "failed", describe_error(exc)


# -- the driver ---------------------------------------------------------------------------------------------


@dataclass
class _Split:
    """A pair being analysed in windows."""

    item: WorkItem
    plan: Any
    seconds: float  # worker time so far (planning, windows, merge)
    results: list = field(default_factory=list)
    outstanding: int = 0
    error: str | None = None


@dataclass
class _Task:
    kind: str  # "item" | "window" | "merge"
    item: WorkItem
    index: int = -1


def layout(ray: Any, cpus_per_actor: int | None, want_gpu: bool) -> tuple[int, dict[str, Any]]:
    """(number of actors, their resource options) from the cluster's alive nodes."""
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    gpus = int(sum(n["Resources"].get("GPU", 0) for n in nodes))
    if want_gpu and gpus:
        return gpus, {"num_gpus": 1, "num_cpus": cpus_per_actor or 1}
    cpus = [int(n["Resources"].get("CPU", 0)) for n in nodes]
    cpus = [c for c in cpus if c > 0]
    if not cpus:
        raise InputError("the Ray cluster has no node with a CPU for the model actors")
    per = cpus_per_actor or min(cpus)
    count = sum(c // per for c in cpus)
    if count == 0:
        raise InputError(
            f"no node of the Ray cluster has {per} CPUs for one model actor (largest: {max(cpus)})",
            hint=f"pass --cpus-per-actor {max(cpus)} or less",
        )
    return count, {"num_cpus": per}


def start_actors(ray: Any, count: int, options: dict[str, Any]) -> list[Any]:
    threads = int(options.get("num_cpus") or 1) if not options.get("num_gpus") else 0
    token = secrets.token_hex(4)
    cls = ray.remote(BatchWorker)
    return [
        cls.options(
            name=f"{ACTOR_PREFIX}{token}-{i}",
            max_restarts=MAX_RESTARTS,
            max_task_retries=MAX_TASK_RETRIES,
            scheduling_strategy="SPREAD",
            **options,
        ).remote(threads)
        for i in range(count)
    ]


def run_ray(
    items: list[WorkItem],
    address: str,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    cpus_per_actor: int | None = None,
    window_px: int | None = None,
) -> Iterator[ItemOutcome]:
    """Run `items` on the Ray cluster at `address`, yielding each outcome as it finishes. `window_px`: pairs
    of more than window_px² pixels are split into windows of about that size. A bad pair gives a FAILED
    outcome; a cancel raises Cancelled. `progress` gets (windows done, windows, message) for split pairs."""
    items = list(items)
    ray = import_ray()
    if cpus_per_actor is not None and cpus_per_actor < 1:
        raise InputError(f"--cpus-per-actor must be at least 1, got {cpus_per_actor}")
    if window_px is not None and window_px < MIN_WINDOW_PX:
        raise InputError(f"--window-px must be at least {MIN_WINDOW_PX}, got {window_px}")
    if not items:
        return iter(())
    return _run(ray, items, address, progress, cancel, cpus_per_actor, window_px)


def _run(ray, items, address, progress, cancel, cpus_per_actor, window_px) -> Iterator[ItemOutcome]:
    started = connect(ray, address)
    actors: list[Any] = []
    splits: dict[str, _Split] = {}
    try:
        want_gpu = any(it.request.device != "cpu" for it in items)
        count, options = layout(ray, cpus_per_actor, want_gpu)
        actors = start_actors(ray, count if window_px else min(count, len(items)), options)
        yield from _schedule(ray, actors, items, window_px, progress, cancel, splits)
    finally:
        for actor in actors:
            ray.kill(actor, no_restart=True)
        import shutil

        for split in splits.values():  # windows of pairs not merged (a cancel, a crash of this process)
            shutil.rmtree(split.plan.folder, ignore_errors=True)
        if started:
            ray.shutdown()


def _schedule(ray, actors, items, window_px, progress, cancel, splits) -> Iterator[ItemOutcome]:
    """One task per idle actor; windows and merges of split pairs go first (their staging is on disk)."""
    from ray.exceptions import ActorDiedError, RayActorError

    queue: deque[_Task] = deque(_Task("item", it) for it in items)
    idle = deque(actors)
    pending: dict[Any, tuple[_Task, Any]] = {}
    windows_total = windows_done = 0
    while queue or pending:
        if not idle and not pending:  # every actor died: what is left fails
            error = MtrsError("every Ray worker of this batch died", hint=_died_hint())
            while queue:
                task = queue.popleft()
                yield from _fail(task, describe_error(error), splits)
            break
        while idle and queue:
            task, actor = queue.popleft(), idle.popleft()
            pending[_submit(actor, task, window_px, splits)] = (task, actor)
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=POLL_S)
        if cancel is not None and cancel():
            raise Cancelled("batch cancelled")
        for ref in ready:
            task, actor = pending.pop(ref)
            try:
                kind, value = ray.get(ref)
            except ActorDiedError as exc:  # restarted MAX_RESTARTS times already: this pair kills workers
                yield from _fail(task, describe_error(_died(exc)), splits)
                continue
            except RayActorError:  # unavailable for a moment (restarting): try the task again
                idle.append(actor)
                queue.appendleft(task)
                continue
            idle.append(actor)
            if kind == "done":
                yield value
            elif kind == "windows":
                plan, seconds = value
                splits[task.item.pair_id] = split = _Split(task.item, plan, seconds)
                split.outstanding = len(plan.windows)
                windows_total += len(plan.windows)
                queue.extendleft(_Task("window", task.item, i) for i in reversed(range(len(plan.windows))))
            elif kind == "window":
                split = splits[task.item.pair_id]
                split.outstanding -= 1
                split.results.append(value)
                split.seconds += value.seconds
                windows_done += 1
                if progress is not None:
                    note = f"windows {windows_done}/{windows_total} of {task.item.pair_id}"
                    progress(windows_done, windows_total, note)
                if split.outstanding == 0:
                    yield from _after_windows(split, queue, splits)
            elif kind == "merged":
                yield _merged(splits.pop(task.item.pair_id), *value)
            else:  # "failed": a window or the merge of a split pair
                yield from _fail(task, value, splits)


def _submit(actor, task: _Task, window_px, splits):
    if task.kind == "item":
        return actor.run.remote(task.item, window_px)
    split = splits[task.item.pair_id]
    if task.kind == "window":
        return actor.window.remote(split.plan, task.index)
    return actor.merge.remote(split.plan, split.results)


def _after_windows(split: _Split, queue: deque, splits: dict) -> Iterator[ItemOutcome]:
    """All windows of a pair are in: merge them, or report the pair's failure."""
    if split.error is None:
        queue.appendleft(_Task("merge", split.item))
        return
    import shutil

    splits.pop(split.item.pair_id)
    shutil.rmtree(split.plan.folder, ignore_errors=True)
    yield _failed_outcome(split.item, split.error, split.seconds)


def _fail(task: _Task, error: str, splits: dict) -> Iterator[ItemOutcome]:
    """A task failed: its pair fails (for a window, once the pair's other windows are done)."""
    if task.kind == "item":
        yield _failed_outcome(task.item, error, 0.0)
        return
    split = splits[task.item.pair_id]
    split.error = split.error or error
    if task.kind == "window":
        split.outstanding -= 1
        if split.outstanding == 0:
            yield from _after_windows(split, deque(), splits)
        return
    import shutil

    splits.pop(task.item.pair_id)
    shutil.rmtree(split.plan.folder, ignore_errors=True)
    yield _failed_outcome(task.item, split.error, split.seconds)


def _failed_outcome(item: WorkItem, error: str, seconds: float) -> ItemOutcome:
    outcome = failed(item, MtrsError(error), seconds, "ray")
    outcome.error = error  # already "Class: message (hint)"
    return outcome


def _merged(split: _Split, record: dict, seconds: float, worker: str) -> ItemOutcome:
    return ItemOutcome(
        pair_id=split.item.pair_id,
        status=DONE,
        output=os.path.abspath(split.item.request.output),
        seconds=split.seconds + seconds,
        polygons=int(record["n_polygons"]),
        area=float(record["total_area_m2"]),
        area_unit=str(record.get("area_unit") or "m2"),
        presence=record.get("presence"),
        prompts=prompts_of(split.item.request),
        error=None,
        worker=f"{worker} ({len(split.plan.windows)} windows)",
        warnings=list(record.get("warnings") or []),
    )


def _died_hint() -> str:
    return (
        "it may have run out of memory: use a smaller --tile or --batch-size, more --cpus-per-actor, "
        "or --window-px to split big pairs; every node needs the engine's environment (bash scripts/setup.sh)"
    )


def _died(exc: BaseException) -> MtrsError:
    cause = " ".join(str(exc).split())[:300]
    return MtrsError(
        f"the Ray worker running this pair died {MAX_RESTARTS + 1} times ({type(exc).__name__}: {cause})",
        hint=_died_hint(),
    )

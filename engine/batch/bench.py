"""Batch throughput benchmark (`mtrs bench batch`): pairs per second with 1..N local worker processes and on a
Ray cluster of 1..N nodes simulated on this machine (127.0.0.1), with the same generated pairs and model.

Why each configuration runs in a fresh child process: every one then pays the same start-up (torch import,
model load in each worker) and a simulated Ray cluster cannot outlive its measurement. The figures:
- `wall_s`, `pairs_per_s`: from the backend call to the last outcome (start-up included);
- `steady_pairs_per_s`: after every worker finished its first pair, (n − w) / (t_last − t_w);
- `mean_pair_s`: the mean analyse time of those pairs on their worker;
- `overhead_ms_per_pair`: w / steady − mean_pair_s (scheduling, transfers, idle time between pairs);
- `ray_task_overhead_ms`: the round trip of one actor call carrying a WorkItem (serialisation + scheduling).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": Ray keeps 127.0.0.1 (no multi-machine cluster)


def make_pairs(folder: str, n: int, size: int) -> list[tuple[str, str]]:
    """n textured size² RGB uint8 GeoTIFF pairs (0.5 m, UTM 15N), each with its own changed boxes."""
    import numpy as np
    import rasterio

    from engine.pipeline.bench import bench_profile

    profile = bench_profile(size)
    rng = np.random.default_rng(0)
    pairs = []
    for i in range(n):
        e = rng.integers(60, 120, (3, size, size), dtype=np.uint8)
        l_ = e.copy()
        for _ in range(6):
            r, c = rng.integers(0, size - size // 6, 2)
            l_[:, r : r + size // 8, c : c + size // 10] = rng.integers(180, 250)
        paths = (os.path.join(folder, f"e{i}.tif"), os.path.join(folder, f"l{i}.tif"))
        for path, data in zip(paths, (e, l_), strict=True):
            with rasterio.open(path, "w", **profile) as ds:
                ds.write(data)
        pairs.append(paths)
    return pairs


def _items(config: dict[str, Any]) -> list:
    from engine.batch.keys import work_key
    from engine.batch.work import WorkItem
    from engine.pipeline.request import AnalysisRequest

    items = []
    for i, (e, l_) in enumerate(config["pairs"]):
        request = AnalysisRequest(
            earlier=e,
            later=l_,
            prompts=list(config["prompts"]),
            output=os.path.join(config["out"], f"p{i}.gpkg"),
            model=config["model"],
        )
        items.append(WorkItem(f"p{i}", request, work_key(request)))
    return items


def _figures(outcomes: list, times: list[float], workers: int, wall: float) -> dict[str, Any]:
    n = len(outcomes)
    w = min(workers, n)
    steady = (n - w) / (times[-1] - times[w - 1]) if n > w and times[-1] > times[w - 1] else None
    # the pairs after each worker's first (the first one also pays lazy imports and allocations)
    seconds = [o.seconds for o in outcomes[w:] if o.status == "done"]
    mean = statistics.mean(seconds) if seconds else None
    return {
        "pairs": n,
        "failed": sum(o.status == "failed" for o in outcomes),
        "wall_s": wall,
        "pairs_per_s": n / wall,
        "first_outcome_s": times[0],
        "steady_pairs_per_s": steady,
        "mean_pair_s": mean,
        "overhead_ms_per_pair": 1000 * (w / steady - mean) if steady and mean is not None else None,
        "workers_seen": len({o.worker for o in outcomes}),
        "timings_mean_s": _mean_timings(outcomes[w:]),
    }


def _mean_timings(outcomes: list) -> dict[str, float]:
    """Mean of the run records' stage timings (align, statistics, inference, vectorise, write, total) and
    tiles: where a pair's time goes, for the scaling model."""
    from engine.geo.outputs import run_record_path

    sums: dict[str, float] = {}
    n = 0
    for o in outcomes:
        if o.status != "done":
            continue
        with open(run_record_path(o.output), encoding="utf-8") as fh:
            record = json.load(fh)
        n += 1
        for k, v in {**record["timings_s"], "tiles": record["tiling"]["tiles"]}.items():
            sums[k] = sums.get(k, 0.0) + float(v)
    return {k: round(v / n, 4) for k, v in sums.items()} if n else {}


def _collect(outcomes_iter, t0: float) -> tuple[list, list[float]]:
    outcomes, times = [], []
    for outcome in outcomes_iter:
        outcomes.append(outcome)
        times.append(time.perf_counter() - t0)
    return outcomes, times


def child(config: dict[str, Any]) -> dict[str, Any]:
    """One configuration, in this (fresh) process."""
    items = _items(config)
    workers = int(config["workers"])
    result: dict[str, Any] = {"backend": config["backend"], "workers": workers}
    if config["backend"] == "local":
        from engine.batch.local_pool import run_local

        t0 = time.perf_counter()
        outcomes, times = _collect(run_local(items, workers), t0)
        result.update(_figures(outcomes, times, workers, time.perf_counter() - t0))
        return result
    import ray
    from ray.cluster_utils import Cluster

    from engine.batch.ray_backend import run_ray

    per = int(config["cpus_per_node"])
    t = time.perf_counter()
    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": per, "include_dashboard": False, "node_ip_address": "127.0.0.1"},
    )
    try:
        for _ in range(workers - 1):
            cluster.add_node(num_cpus=per, node_ip_address="127.0.0.1")
        ray.init(address=cluster.address, logging_level="WARNING")
        result["cluster_start_s"] = time.perf_counter() - t
        t0 = time.perf_counter()
        outcomes, times = _collect(run_ray(items, cluster.address, cpus_per_actor=per), t0)
        result.update(_figures(outcomes, times, workers, time.perf_counter() - t0))
        result["ray_task_overhead_ms"] = _task_overhead_ms(ray, items[0])
    finally:
        ray.shutdown()
        cluster.shutdown()
    return result


class _Echo:
    def echo(self, value: Any) -> Any:
        return value


def _task_overhead_ms(ray, payload: Any, calls: int = 200) -> float:
    """Median round trip of one actor call carrying `payload` and returning it (what each pair costs in
    scheduling and transfers on top of its work; the actor needs no CPU of its own)."""
    actor = ray.remote(num_cpus=0)(_Echo).remote()
    ray.get(actor.echo.remote(payload))
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        ray.get(actor.echo.remote(payload))
        times.append(time.perf_counter() - t)
    ray.kill(actor)
    return 1000 * statistics.median(times)


def _run_child(config: dict[str, Any], timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    env[LOOPBACK_ENV] = "0"
    proc = subprocess.run(
        [sys.executable, "-m", "engine.batch.bench", json.dumps(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def bench_batch(
    pairs: int = 8,
    size: int = 512,
    model: str | None = None,
    prompts: int = 2,
    local_workers: tuple[int, ...] = (1, 2),
    ray_nodes: tuple[int, ...] = (1, 2),
    cpus_per_node: int = 1,
    repeats: int = 1,
    timeout: float = 1800,
) -> dict[str, Any]:
    """Every configuration on the same generated pairs, `repeats` times interleaved (so that a change of the
    machine's load hits them alike); returns a JSON-able report with every run and, per configuration, the
    best one (noise on a shared machine only ever adds time)."""
    if model is None:
        from engine.batch.keys import BUNDLED_MODEL_DIR

        model = str(BUNDLED_MODEL_DIR.parent / "mtrefseg-r1-tiny-demo")
    folder = tempfile.mkdtemp(prefix="mtrs-bench-batch-")
    report: dict[str, Any] = {
        "pairs": pairs,
        "size": size,
        "model": model,
        "prompts": prompts,
        "cpu_count": os.cpu_count(),
        "cpus_per_ray_node": cpus_per_node,
        "load_average_start": os.getloadavg(),
        "runs": [],
    }
    try:
        paths = make_pairs(folder, pairs, size)
        base = {
            "pairs": paths,
            "model": model,
            "prompts": [f"change {k}" for k in range(prompts)],
            "cpus_per_node": cpus_per_node,
        }
        configs = [("local", w) for w in local_workers] + [("ray", n) for n in ray_nodes]
        for repeat in range(repeats):
            for k, (backend, workers) in enumerate(configs):
                out = os.path.join(folder, f"out{repeat}-{k}")
                os.makedirs(out)
                config = {**base, "backend": backend, "workers": workers, "out": out}
                run = _run_child(config, timeout)
                run["repeat"] = repeat
                run["load_average_1min"] = os.getloadavg()[0]
                report["runs"].append(run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report["best"] = []
    for backend, workers in configs:
        runs = [r for r in report["runs"] if (r["backend"], r["workers"]) == (backend, workers)]
        report["best"].append(max(runs, key=lambda r: (r["steady_pairs_per_s"] or 0, r["pairs_per_s"])))
    ray_runs = [r for r in report["runs"] if r["backend"] == "ray"]
    if ray_runs:
        report["ray_task_overhead_ms"] = min(r["ray_task_overhead_ms"] for r in ray_runs)
    report["load_average_end"] = os.getloadavg()
    return report


if __name__ == "__main__":  # one configuration in a child process: its figures as one JSON line
    print(json.dumps(child(json.loads(sys.argv[1]))))

"""Pipeline benchmarks (`mtrs bench pipeline`): throughput vs raw reads and vs the plain rasterio + torch +
GDAL script of bench/baseline_rasterio_torch.py, memory growth, tiny model, cache.

Big rasters are generated as tiled DEFLATE GeoTIFFs in a temporary folder and deleted afterwards. Peak RSS is
measured in fresh subprocesses (ru_maxrss of a child), so one measurement cannot inherit another's peak.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window


def bench_profile(size: int) -> dict:
    """The rasterio profile of the benchmarks' generated inputs: size² RGB uint8, 0.5 m in UTM 15N, tiled
    256² blocks, DEFLATE (how imagery is usually delivered)."""
    return {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 3,
        "dtype": "uint8",
        "crs": "EPSG:32615",
        "transform": from_origin(360000, 4110000, 0.5, 0.5),
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }


def make_pair(folder: str, size: int, square: int = 0) -> tuple[str, str]:
    """Two size² RGB uint8 GeoTIFFs (textured, 0.5 m, UTM 15N); the later one has bright squares."""
    paths = (os.path.join(folder, f"e{size}.tif"), os.path.join(folder, f"l{size}.tif"))
    profile = bench_profile(size)
    rng = np.random.default_rng(0)
    texture = rng.integers(60, 120, (3, 1024, 1024), dtype=np.uint8)
    for k, path in enumerate(paths):
        with rasterio.open(path, "w", **profile) as ds:
            for r in range(0, size, 1024):
                for c in range(0, size, 1024):
                    h, w = min(1024, size - r), min(1024, size - c)
                    block = texture[:, :h, :w].copy()
                    if k == 1:
                        block[:, 100:300, 200:500] = 230
                    ds.write(block, window=Window(c, r, w, h))
    return paths


def raw_read_seconds(paths: tuple[str, str], tile: int, overlap: int, rows: bool = False) -> float:
    """Time to read both rasters (data + masks) with tile windows, or with the pipeline's row-band windows
    (`rows=True`: one region-wide band per row of tiles), nothing else."""
    from engine.geo.tiling import TileGrid

    t = time.perf_counter()
    with (
        rasterio.Env(GDAL_CACHEMAX=64 * 1024 * 1024),
        rasterio.open(paths[0]) as a,
        rasterio.open(paths[1]) as b,
    ):
        grid = TileGrid(a.width, a.height, tile, overlap)
        windows = (
            [Window(0, r, a.width, min(tile, a.height - r)) for r in grid.row_starts]
            if rows
            else [w for _, _, w in grid.windows()]
        )
        for w in windows:
            for ds in (a, b):
                ds.read([1, 2, 3], window=w)
                ds.read_masks([1, 2, 3], window=w)
    return time.perf_counter() - t


BASELINE_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "baseline_rasterio_torch.py"


def load_baseline(path: Path = BASELINE_SCRIPT):
    """The baseline script's `baseline(earlier, later, out_gpkg)`, imported from the source tree (bench/ is
    not part of the installed package); None when the tree is not there. Imported into this process so that
    its imports (torch, rasterio, GDAL) are paid once, outside the timings, as the pipeline's are."""
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("mtrs_bench_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.baseline


def run_once(
    earlier: str,
    later: str,
    model_source: str,
    out_dir: str,
    prompts: list[str],
    cache=None,
    model=None,
    tile: int | None = None,
    probabilities: bool = False,
) -> list[dict]:
    """One analysis per prompt (`probabilities`: also writing the probability raster)."""
    from engine.pipeline import AnalysisRequest, analyse
    from engine.pipeline.loading import load

    model = model or load(model_source)
    results = []
    for i, prompt in enumerate(prompts):
        req = AnalysisRequest(
            earlier=earlier,
            later=later,
            prompts=[prompt],
            output=os.path.join(out_dir, f"o{i}.gpkg"),
            device="cpu",
            overwrite=True,
            tile=tile,
            probabilities=os.path.join(out_dir, f"p{i}.tif") if probabilities else None,
        )
        t = time.perf_counter()
        r = analyse(req, model=model, cache=cache)
        results.append(
            {
                "seconds": time.perf_counter() - t,
                "tiles": r.tiles,
                "cache_hits": r.cache_hits,
                "n_polygons": r.n_polygons,
                "timings": r.run_record["timings_s"],
                "torch_threads": r.run_record["torch_threads"],
            }
        )
    return results


def peak_rss_bytes() -> int:
    """Peak resident set of THIS process image. Linux: VmHWM of /proc/self/status. Not `ru_maxrss`: Linux
    carries the parent's high-water mark across fork/vfork + exec, so a child started by a big parent would
    report the parent's peak (the first version of this benchmark did, ~0.9 GB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux KiB; macOS would be bytes


def child_rss(size: int, model_source: str, folder: str) -> dict:
    """Run one analysis in a fresh interpreter and report its peak RSS (and its peak before the analysis,
    after imports and the model load, to separate the fixed cost from what the analysis adds)."""
    code = (
        "import json; from engine.pipeline.bench import run_once, peak_rss_bytes;"
        "from engine.pipeline.loading import load;"
        f"m=load({model_source!r}); before=peak_rss_bytes();"
        f"r=run_once({os.path.join(folder, f'e{size}.tif')!r},{os.path.join(folder, f'l{size}.tif')!r},"
        f"{model_source!r},{folder!r},['bright'],model=m);"
        "r[0]['peak_rss_bytes']=peak_rss_bytes();"
        "r[0]['rss_after_model_load_bytes']=before;"
        "print(json.dumps(r[0]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_pipeline(
    size: int,
    rss_sizes: list[int],
    rss_model: str,
    tiny_size: int,
    tiny_model: str | None,
    repeats: int = 3,
    baseline: bool = True,
) -> dict:
    """All measurements; returns a JSON-able dict. Timings are the best of `repeats` runs (noise on a shared
    machine only ever adds time); a small warm-up run first pays the one-off import costs.

    `baseline`: in each repeat, right after the pipeline's run, bench/baseline_rasterio_torch.py runs on the
    same pair (its time, and the pipeline/baseline ratio: below 1 the pipeline is the faster way)."""
    import torch

    from engine.pipeline.device import cpu_threads

    baseline_fn = load_baseline() if baseline else None

    folder = tempfile.mkdtemp(prefix="mtrs-bench-")
    report: dict = {
        "threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_start": os.getloadavg(),
    }
    try:
        t = time.perf_counter()
        pair = make_pair(folder, size)
        report["generate_s"] = time.perf_counter() - t
        warm = make_pair(folder, 512)
        run_once(*warm, "null:brighter", folder, ["bright"])
        if baseline_fn is not None:
            with cpu_threads(torch.device("cpu")):
                baseline_fn(*warm, os.path.join(folder, "warm-baseline.gpkg"))
        pipe, raw_tiles, raw_rows, runs, cpu_pipe, cpu_raw, loads = [], [], [], [], [], [], []
        base, cpu_base, base_polygons, with_prob, base_raw = [], [], 0, [], []
        for i in range(repeats):  # interleaved, so that load changes hit all of them alike
            c = time.process_time()
            raw_tiles.append(raw_read_seconds(pair, 256, 64))
            cpu_raw.append(time.process_time() - c)
            raw_rows.append(raw_read_seconds(pair, 256, 64, rows=True))
            c = time.process_time()
            runs.append(run_once(*pair, "null:brighter", folder, ["bright"])[0])
            cpu_pipe.append(time.process_time() - c)
            pipe.append(runs[-1]["seconds"])
            if baseline_fn is not None:
                # like for like: the baseline writes its probability raster, so the pipeline does too here
                with_prob.append(run_once(*pair, "null:brighter", folder, ["bright"], probabilities=True)[0])
                # with the pipeline's torch threads: the comparison is of the work done, not of OpenMP's
                # thread hand-offs (on a busy 2-core machine the baseline's 1×1 convolution took 56 ms per
                # tile with 2 threads, 0.6 ms with 1; engine.pipeline.device.cpu_threads)
                with cpu_threads(torch.device("cpu")):
                    c, t = time.process_time(), time.perf_counter()
                    base_polygons = baseline_fn(*pair, os.path.join(folder, f"baseline{i}.gpkg"))
                    base.append(time.perf_counter() - t)
                    cpu_base.append(time.process_time() - c)
                    # its rasters uncompressed: most of the default's time is DEFLATE on its two rasters
                    t = time.perf_counter()
                    baseline_fn(*pair, os.path.join(folder, f"raw{i}.gpkg"), compress=False)
                    base_raw.append(time.perf_counter() - t)
            loads.append(os.getloadavg()[0])
        null = min(runs, key=lambda r: r["seconds"])
        report["null"] = {
            "size": size,
            "pipeline_s": min(pipe),
            "pipeline_s_all": pipe,
            "raw_read_tile_windows_s": min(raw_tiles),
            "raw_read_tile_windows_s_all": raw_tiles,
            "raw_read_row_windows_s": min(raw_rows),
            "raw_read_row_windows_s_all": raw_rows,
            "ratio_to_tile_window_reads": min(pipe) / min(raw_tiles),
            "ratio_to_row_window_reads": min(pipe) / min(raw_rows),
            "mp_per_s": size * size / 1e6 / min(pipe),
            # CPU seconds of this process (all its threads): what the pipeline costs, whatever the load
            "pipeline_cpu_s_all": cpu_pipe,
            "raw_read_tile_windows_cpu_s_all": cpu_raw,
            "cpu_ratio_to_tile_window_reads": min(cpu_pipe) / max(min(cpu_raw), 1e-9),
            "load_average_1min_per_repeat": loads,
            "timings": null["timings"],
            "n_polygons": null["n_polygons"],
        }
        if base:
            report["baseline"] = {
                "script": "bench/baseline_rasterio_torch.py",
                "size": size,
                "seconds": min(base),
                "seconds_all": base,
                "cpu_s_all": cpu_base,
                "n_polygons": base_polygons,
                "torch_threads": null["torch_threads"],  # the same as the pipeline's
                "ratio_pipeline_to_baseline": min(pipe) / min(base),
                "pipeline_with_probabilities_s": min(r["seconds"] for r in with_prob),
                "ratio_pipeline_with_probabilities_to_baseline": min(r["seconds"] for r in with_prob)
                / min(base),
                "cpu_ratio_pipeline_to_baseline": min(cpu_pipe) / max(min(cpu_base), 1e-9),
                "uncompressed_seconds": min(base_raw),
                "uncompressed_seconds_all": base_raw,
                "ratio_pipeline_to_uncompressed_baseline": min(pipe) / min(base_raw),
            }
        elif baseline:
            report["baseline"] = {"skipped": f"{BASELINE_SCRIPT} not found (run from a source checkout)"}
        for s in rss_sizes:
            if s != size:
                make_pair(folder, s)
        report["rss"] = {
            "model": rss_model,
            "runs": {str(s): child_rss(s, rss_model, folder) for s in rss_sizes},
        }
        if len(rss_sizes) >= 2:
            lo, hi = (report["rss"]["runs"][str(s)]["peak_rss_bytes"] for s in (rss_sizes[0], rss_sizes[-1]))
            report["rss"]["growth"] = hi / lo
        if tiny_model:
            from engine.pipeline.cache import FeatureCache
            from engine.pipeline.loading import load

            make_pair(folder, tiny_size)
            model = load(tiny_model)
            e, l_ = os.path.join(folder, f"e{tiny_size}.tif"), os.path.join(folder, f"l{tiny_size}.tif")
            cache = FeatureCache()
            runs = run_once(
                e,
                l_,
                tiny_model,
                folder,
                ["bright new roofs", "the new building", "a new road"],
                cache,
                model,
            )
            first, *again = runs
            best = min(again, key=lambda r: r["seconds"])
            report["tiny"] = {
                "size": tiny_size,
                "tiles": first["tiles"],
                "first_s": first["seconds"],
                "first_timings": first["timings"],
                "tiles_per_s": first["tiles"] / first["seconds"],
                "mp_per_s": tiny_size**2 / 1e6 / first["seconds"],
                "second_prompt_s": [r["seconds"] for r in again],
                "second_prompt_timings": best["timings"],
                "cache_hits": best["cache_hits"],
                "cache_speedup": first["seconds"] / best["seconds"],
                "cache": cache.stats(),
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report["load_average_end"] = os.getloadavg()
    report["parent_peak_rss_bytes"] = peak_rss_bytes()
    return report

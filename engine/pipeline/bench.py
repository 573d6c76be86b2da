"""Pipeline benchmarks (`mtrs bench pipeline`): throughput vs raw reads, memory growth, tiny model, cache.

Big rasters are generated as tiled DEFLATE GeoTIFFs in a temporary folder and deleted afterwards. Peak RSS is
measured in fresh subprocesses (ru_maxrss of a child), so one measurement cannot inherit another's peak.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window


def make_pair(folder: str, size: int, square: int = 0) -> tuple[str, str]:
    """Two size² RGB uint8 GeoTIFFs (textured, 0.5 m, UTM 15N); the later one has bright squares."""
    paths = (os.path.join(folder, f"e{size}.tif"), os.path.join(folder, f"l{size}.tif"))
    profile = {
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


def raw_read_seconds(paths: tuple[str, str], tile: int, overlap: int) -> float:
    """Time to read both rasters with the pipeline's tile windows (data + masks), nothing else."""
    from engine.geo.tiling import TileGrid

    t = time.perf_counter()
    with rasterio.open(paths[0]) as a, rasterio.open(paths[1]) as b:
        for _, _, w in TileGrid(a.width, a.height, tile, overlap).windows():
            for ds in (a, b):
                ds.read([1, 2, 3], window=w)
                ds.read_masks([1, 2, 3], window=w)
    return time.perf_counter() - t


def run_once(
    earlier: str, later: str, model_source: str, out_dir: str, prompts: list[str], cache=None, model=None
):
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
            }
        )
    return results


def child_rss(size: int, model_source: str, folder: str) -> dict:
    """Run one analysis in a fresh interpreter and report its peak RSS."""
    code = (
        "import json,sys,resource; from engine.pipeline.bench import run_once;"
        f"r=run_once({os.path.join(folder, f'e{size}.tif')!r},{os.path.join(folder, f'l{size}.tif')!r},"
        f"{model_source!r},{folder!r},['bright']);"
        "r[0]['peak_rss_bytes']=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss*1024;"
        "print(json.dumps(r[0]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_pipeline(
    size: int, rss_sizes: list[int], rss_model: str, tiny_size: int, tiny_model: str | None
) -> dict:
    """All measurements; returns a JSON-able dict."""
    import torch

    folder = tempfile.mkdtemp(prefix="mtrs-bench-")
    report: dict = {"threads": torch.get_num_threads(), "cpu_count": os.cpu_count()}
    try:
        t = time.perf_counter()
        pair = make_pair(folder, size)
        report["generate_s"] = time.perf_counter() - t
        raw = raw_read_seconds(pair, 256, 64)
        null = run_once(*pair, "null:brighter", folder, ["bright"])[0]
        mp = 2 * size * size / 1e6  # both dates
        report["null"] = {
            "size": size,
            "pipeline_s": null["seconds"],
            "raw_read_s": raw,
            "ratio": null["seconds"] / raw,
            "mp_per_s": size * size / 1e6 / null["seconds"],
            "input_mp_both_dates": mp,
            "timings": null["timings"],
            "n_polygons": null["n_polygons"],
        }
        for s in rss_sizes:
            if s != size:
                make_pair(folder, s)
        report["rss"] = {
            "model": rss_model,
            "runs": {str(s): child_rss(s, rss_model, folder) for s in rss_sizes},
        }
        if tiny_model:
            from engine.pipeline.cache import FeatureCache
            from engine.pipeline.loading import load

            make_pair(folder, tiny_size)
            model = load(tiny_model)
            e, l_ = os.path.join(folder, f"e{tiny_size}.tif"), os.path.join(folder, f"l{tiny_size}.tif")
            runs = run_once(
                e,
                l_,
                tiny_model,
                folder,
                ["bright new roofs", "the new building"],
                FeatureCache(),
                model=model,
            )
            first, second = runs
            report["tiny"] = {
                "size": tiny_size,
                "tiles": first["tiles"],
                "first_s": first["seconds"],
                "tiles_per_s": first["tiles"] / first["seconds"],
                "mp_per_s": tiny_size**2 / 1e6 / first["seconds"],
                "second_prompt_s": second["seconds"],
                "cache_hits": second["cache_hits"],
                "cache_speedup": first["seconds"] / second["seconds"],
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report["parent_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return report

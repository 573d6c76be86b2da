"""`mtrs batch --ray` on a Ray cluster of two simulated nodes (1 CPU each, 127.0.0.1 only) with the bundled
tiny demo model: outputs equal a single `analyse` of each pair, a worker killed mid-run is restarted and the
outputs stay identical, a second run does no work, a broken pair fails alone, a missing ray package says how
to install it, and a pair split into windows gives the unsplit run's polygons exactly. One cluster serves
the whole module (starting one takes seconds)."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
from osgeo import ogr
from shapely import wkb

from engine.batch.keys import work_key
from engine.batch.windows import WINDOWS_PREFIX, batch_sizes, split_axis
from engine.batch.work import KEY_FIELD, WorkItem
from engine.cli import main
from engine.errors import InputError
from engine.geo.tiling import TileGrid, tile_starts
from engine.model.loading import DEMO_MODEL_DIR
from engine.pipeline import AnalysisRequest, analyse
from tests.conftest import write_geotiff

# Ray resolves "127.0.0.1" to the machine's network address unless told that this is no multi-machine
# cluster; the flag must be set before ray is imported (here, and in the nodes this process starts).
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"

DEMO = str(DEMO_MODEL_DIR)
PROMPTS = ["new buildings", "demolished buildings"]
N_PAIRS = 6


def _scene(rng, shape, dtype="uint8", ramp=0.0):
    """A textured earlier image and a later one with bright and dark boxes (changes); `ramp` adds a
    diagonal brightness gradient (so that every window of the scene has other percentiles)."""
    h, w = shape
    scale = 1 if dtype == "uint8" else 40
    gradient = np.arange(h)[:, None] + np.arange(w)[None, :]
    e = rng.integers(60, 120, (3, h, w)).astype(np.float64) * scale + ramp * gradient[None]
    l_ = e.copy()
    for _ in range(max(4, h * w // 20000)):
        r, c = rng.integers(0, h - 40), rng.integers(0, w - 40)
        dh, dw = rng.integers(12, 70, 2)
        l_[:, r : r + dh, c : c + dw] = rng.integers(170, 250) * scale if rng.random() < 0.7 else 20 * scale
    return e.astype(dtype), l_.astype(dtype)


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes of 1 CPU each on 127.0.0.1, this process connected as the driver."""
    import ray
    from ray.cluster_utils import Cluster

    head = {"num_cpus": 1, "include_dashboard": False, "node_ip_address": "127.0.0.1"}
    c = Cluster(initialize_head=True, head_node_args=head)
    try:
        c.add_node(num_cpus=1, node_ip_address="127.0.0.1")
        ray.init(address=c.address, logging_level="WARNING")
        yield c.address
    finally:
        ray.shutdown()
        c.shutdown()


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """N_PAIRS generated 256×192 pairs, their CSV manifest and the per-pair outputs of `analyse` alone."""
    from engine.pipeline.loading import load

    root = tmp_path_factory.mktemp("ray-pairs")
    rng = np.random.default_rng(7)
    rows = ["id,earlier,later,prompts"]
    for i in range(N_PAIRS):
        e, l_ = _scene(rng, (192, 256))
        write_geotiff(root / f"p{i}_e.tif", e)
        write_geotiff(root / f"p{i}_l.tif", l_)
        rows.append(f"p{i},p{i}_e.tif,p{i}_l.tif,{'|'.join(PROMPTS)}")
    (root / "jobs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = load(DEMO)
    expected = {}
    for i in range(N_PAIRS):
        out = root / "expected" / f"p{i}.gpkg"
        out.parent.mkdir(exist_ok=True)
        analyse(_request(root, i, out), model=model)
        expected[f"p{i}"] = _features(out)
    assert sum(len(f) for f in expected.values()) > 10, "the tiny model should find changes here"
    return root, expected


def _request(root: Path, i: int, output: Path, **kw) -> AnalysisRequest:
    return AnalysisRequest(
        earlier=str(root / f"p{i}_e.tif"),
        later=str(root / f"p{i}_l.tif"),
        prompts=list(PROMPTS),
        output=str(output),
        model=DEMO,
        **kw,
    )


def _items(root: Path, out: Path) -> list[WorkItem]:
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for i in range(N_PAIRS):
        request = _request(root, i, out / f"p{i}.gpkg")
        items.append(WorkItem(f"p{i}", request, work_key(request)))
    return items


def _features(path) -> list[dict]:
    """Every feature's attributes (but the run time) and geometry, in file order."""
    ds = ogr.Open(str(path))
    out = []
    for f in ds.GetLayer(0):
        attrs = {k: f.GetField(k) for k in f.keys() if k != "run_utc"}  # noqa: SIM118
        attrs["geom"] = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb())).wkb_hex
        out.append(attrs)
    return out


def _summary(out: Path) -> dict[tuple[str, str], dict]:
    with open(out / "summary.csv", encoding="utf-8") as fh:
        return {(r["pair"], r["prompt"]): r for r in csv.DictReader(fh)}


def _node_of(worker: str) -> str:
    return worker.split(":")[1]  # "ray:<ip>/<node>:<pid>"


def _pid_of(worker: str) -> int:
    return int(worker.split(" ")[0].rsplit(":", 1)[1])


# -- without a cluster --------------------------------------------------------------------------------------


def test_split_axis_cores_hold_every_covering_tile():
    """Along one axis: the windows are runs of the full grid's tiles (their own grid is that run, shifted),
    the cores partition the axis, every core pixel is covered only by tiles of its window, and (columns)
    every tile is predicted in a batch of the unsplit run's size."""
    for length, tile, overlap, max_tiles, batch in [
        (650, 128, 64, 3, 2),
        (650, 128, 32, 3, 0),
        (1000, 256, 200, 4, 0),
        (997, 64, 16, 5, 4),
        (5000, 256, 64, 12, 8),
        (300, 128, 0, 2, 0),
    ]:
        starts = tile_starts(length, tile, overlap)
        spans = split_axis(starts, length, tile, max_tiles, batch)
        full_batches = batch_sizes(starts, batch or 1)
        assert len(spans) > 1
        assert spans[0].core_start == 0 and spans[-1].core_stop == length
        for s, nxt in itertools.pairwise(spans):
            assert s.core_stop == nxt.core_start
        for s in spans:
            own = [s.start + x for x in tile_starts(s.stop - s.start, tile, overlap)]
            assert own == [x for x in starts if s.start <= x and x + tile <= s.stop], (length, tile, s)
            if batch:  # each tile in a model batch of the same size as in the unsplit run
                first = starts.index(s.start)
                expected = full_batches[first : first + len(own)]
                assert batch_sizes([x - s.start for x in own], batch) == expected
            for x in range(s.core_start, s.core_stop):
                covering = [t for t in starts if t <= x < t + tile]
                assert all(t in own for t in covering), (length, tile, overlap, s, x)


def test_missing_ray_says_how_to_install_it(monkeypatch, tmp_path, capsys, pairs):
    from engine.batch.ray_backend import RAY_VERSION, run_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    root, _ = pairs
    with pytest.raises(InputError) as info:
        run_ray(_items(root, tmp_path / "out"), "auto")
    assert "ray package" in info.value.message
    assert "bash scripts/setup.sh" in info.value.hint and f"pip install ray=={RAY_VERSION}" in info.value.hint
    code = main(["batch", str(root / "jobs.csv"), "--output-dir", str(tmp_path / "cli"), "--ray", "auto"])
    assert code == InputError.exit_code
    assert "pip install ray==" in capsys.readouterr().err
    assert not list((tmp_path / "cli").glob("*.gpkg"))


# -- on the two-node cluster --------------------------------------------------------------------------------


def test_two_nodes_equal_single_runs_and_a_second_run_does_nothing(cluster, pairs, tmp_path):
    root, expected = pairs
    out = tmp_path / "out"
    args = ["batch", str(root / "jobs.csv"), "--output-dir", str(out), "--model", DEMO, "--quiet"]
    assert main([*args, "--ray", cluster]) == 0
    for pair_id, features in expected.items():
        assert _features(out / f"{pair_id}.gpkg") == features, pair_id
        record = json.loads((out / f"{pair_id}.run.json").read_text())
        assert len(record[KEY_FIELD]) == 64
    rows = _summary(out)
    assert len(rows) == N_PAIRS * len(PROMPTS)
    assert {r["status"] for r in rows.values()} == {"done"}
    assert len({_node_of(r["worker"]) for r in rows.values()}) == 2, "both nodes ran pairs"
    merged = _features(out / "merged.gpkg")
    assert len(merged) == sum(len(f) for f in expected.values())

    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("p*.*")}
    assert main([*args, "--ray", cluster]) == 0
    assert {r["status"] for r in _summary(out).values()} == {"skipped"}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("p*.*")} == stamps, "no output was rewritten"


def _batch_workers() -> list[psutil.Process]:
    """The Ray worker processes running model actors (descendants of this process: the nodes' raylets
    were started here)."""
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.cmdline() and p.cmdline()[0].startswith("ray::BatchWorker"):
                found.append(p)
        except psutil.Error:
            continue
    return found


def test_a_killed_worker_is_restarted_and_the_outputs_stay_identical(cluster, pairs, tmp_path):
    from engine.batch.ray_backend import run_ray

    root, expected = pairs
    out = tmp_path / "out"
    deadline = time.monotonic() + 30
    while _batch_workers() and time.monotonic() < deadline:  # actors of earlier tests are going away
        time.sleep(0.2)
    outcomes = []
    killed = None
    for outcome in run_ray(_items(root, out), cluster):
        outcomes.append(outcome)
        if killed is None:
            # the actor that gave this outcome waits for its next task; the other one is busy: kill it
            busy = [p for p in _batch_workers() if p.pid != _pid_of(outcome.worker)]
            assert busy, "a second model actor should be running"
            killed = busy[0].pid
            os.kill(killed, signal.SIGKILL)
    assert killed is not None
    assert [o.status for o in outcomes] == ["done"] * N_PAIRS, [o.error for o in outcomes]
    for pair_id, features in expected.items():
        assert _features(out / f"{pair_id}.gpkg") == features, pair_id
    # The killed actor may have finished a pair before the kill whose outcome the driver yields only after
    # it (so its pid can appear among the outcomes); the pair it was running is redone by its restart, a
    # process that did not exist before the kill.
    pids = {_pid_of(o.worker) for o in outcomes}
    assert pids - {killed, _pid_of(outcomes[0].worker)}, "the killed actor was restarted and ran pairs"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "no staging folder left"


def test_a_broken_pair_fails_alone(cluster, pairs, tmp_path):
    root, _ = pairs
    (tmp_path / "broken_l.tif").write_bytes(b"II*\x00 this is not a GeoTIFF")
    manifest = tmp_path / "jobs.csv"
    manifest.write_text(
        "id,earlier,later,prompts\n"
        f"p0,{root / 'p0_e.tif'},{root / 'p0_l.tif'},new buildings\n"
        f"bad,{root / 'p1_e.tif'},{tmp_path / 'broken_l.tif'},new buildings\n"
        f"p2,{root / 'p2_e.tif'},{root / 'p2_l.tif'},new buildings\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["batch", str(manifest), "--output-dir", str(out), "--model", "null:brighter", "--quiet"]
    assert main([*args, "--ray", cluster]) == 1
    rows = _summary(out)
    assert rows[("bad", "new buildings")]["status"] == "failed"
    assert "InputError" in rows[("bad", "new buildings")]["error"]
    assert rows[("p0", "new buildings")]["status"] == rows[("p2", "new buildings")]["status"] == "done"
    assert (out / "p0.gpkg").exists() and (out / "p2.gpkg").exists() and not (out / "bad.gpkg").exists()


@pytest.mark.parametrize(
    ("dtype", "model", "ramp"),
    [("uint8", DEMO, 0.0), ("uint16", "null:brighter:128", 8.0)],
    ids=["tiny-demo-uint8", "null-uint16-stretched"],
)
def test_windows_give_the_unsplit_polygons(cluster, tmp_path, dtype, model, ramp):
    """A 384×320 pair split into windows of about 256² px (on both nodes) and merged: the same polygons and
    attributes as one unsplit run, exactly (the tiny model's 2×2 windows; the null model's batch of 16 keeps
    full-width windows). The uint16 scene has a brightness gradient, so each window's own stretch would
    differ from the pair's (the pair's is pinned)."""
    from engine.batch.ray_backend import run_ray

    e, l_ = _scene(np.random.default_rng(3), (320, 384), dtype, ramp)
    request = AnalysisRequest(
        earlier=write_geotiff(tmp_path / "e.tif", e),
        later=write_geotiff(tmp_path / "l.tif", l_),
        prompts=list(PROMPTS),
        output=str(tmp_path / "whole" / "big.gpkg"),
        model=model,
    )
    (tmp_path / "whole").mkdir()
    analyse(request)
    split = dataclasses.replace(request, output=str(tmp_path / "split" / "big.gpkg"))
    (tmp_path / "split").mkdir()
    item = WorkItem("big", split, work_key(split))
    [outcome] = list(run_ray([item], cluster, window_px=256))
    assert outcome.status == "done", outcome.error
    expected = _features(request.output)
    assert len(expected) > 3
    assert _features(split.output) == expected
    record = json.loads((tmp_path / "split" / "big.run.json").read_text())
    assert record[KEY_FIELD] == item.key
    assert record["windows"]["count"] >= 2
    assert len({_node_of(w["worker"]) for w in record["windows"]["items"]}) == 2, "windows on both nodes"
    whole = json.loads((tmp_path / "whole" / "big.run.json").read_text())
    assert record["n_polygons"] == whole["n_polygons"] and record["tiling"] == whole["tiling"]
    assert record["normalisation"] == whole["normalisation"]
    assert sorted(os.listdir(tmp_path / "split")) == ["big.gpkg", "big.run.json"]  # windows removed
    assert not any(n.startswith(WINDOWS_PREFIX) for n in os.listdir(tmp_path / "split"))
    assert len(TileGrid(384, 320, 128, 64)) == record["tiling"]["tiles"]


def test_bench_batch_runs_on_a_tiny_config(tmp_path, capsys):
    report_path = tmp_path / "bench.json"
    code = main(
        [
            "bench", "batch", "--pairs", "2", "--size", "160", "--local-workers", "1",
            "--ray-nodes", "1", "--repeats", "1", "--json", str(report_path),
        ]
    )  # fmt: skip
    assert code == 0
    report = json.loads(report_path.read_text())
    runs = {(r["backend"], r["workers"]): r for r in report["runs"]}
    assert set(runs) == {("local", 1), ("ray", 1)}
    for r in runs.values():
        assert r["pairs"] == 2 and r["failed"] == 0 and r["pairs_per_s"] > 0
    assert report["ray_task_overhead_ms"] > 0
    assert [(r["backend"], r["workers"]) for r in report["best"]] == [("local", 1), ("ray", 1)]

"""The JSON-lines worker (INTERFACES §3) in a real subprocess: ready, status, check_alignment, analyse with
progress, cache re-use across requests, structured errors, cancel in the middle, shutdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import write_geotiff


class Client:
    def __init__(self, env=None):
        self.p = subprocess.Popen(
            [sys.executable, "-m", "engine.worker"],
            env=None if env is None else {**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )

    def send(self, rid, cmd, **params):
        self.p.stdin.write(json.dumps({"id": rid, "cmd": cmd, "params": params}) + "\n")
        self.p.stdin.flush()

    def read(self):
        line = self.p.stdout.readline()
        assert line, "worker closed stdout"
        return json.loads(line)

    def until_done(self, rid):
        events = []
        while True:
            ev = self.read()
            if ev.get("id") == rid:
                events.append(ev)
                if ev["event"] in ("result", "error"):
                    return events


@pytest.fixture
def pair(tmp_path):
    e = np.full((3, 512, 512), 90, np.uint8)
    l_ = e.copy()
    l_[:, 100:200, 100:200] = 230
    return write_geotiff(tmp_path / "e.tif", e), write_geotiff(tmp_path / "l.tif", l_)


def test_worker_round_trip(pair, tmp_path) -> None:
    # a RAM budget of ~one tile: the re-query below gets its features from the disk tier
    cache_dir = tmp_path / "feature-cache"
    c = Client({"MTRS_CACHE_BYTES": str(128 * 128 * 4), "MTRS_CACHE_DIR": str(cache_dir)})
    try:
        ready = c.read()
        assert ready["event"] == "ready" and ready["protocol"] == 1 and ready["pid"] == c.p.pid
        c.send("s1", "status")
        status = c.until_done("s1")[-1]["result"]
        assert status["device"] == "cpu" and status["model"] is None and status["cache"]["hits"] == 0
        c.send("a1", "check_alignment", earlier=pair[0], later=pair[1])
        align = c.until_done("a1")[-1]["result"]
        assert (
            align["same_grid"]
            and not align["will_warp"]
            and align["overlap_area_m2"] == pytest.approx(512 * 512)
        )
        req = {
            "earlier": pair[0],
            "later": pair[1],
            "prompts": ["bright"],
            "output": str(tmp_path / "o.gpkg"),
            "model": "null:brighter",
            "tile": 128,
            "overlap": 32,
        }
        c.send("r1", "analyse", **req)
        events = c.until_done("r1")
        tiles = [e for e in events if e["event"] == "progress" and e["message"].startswith("tile")]
        result = events[-1]["result"]
        assert len(tiles) >= 2 and tiles[-1]["done"] == tiles[-1]["total"] == result["tiles"]
        assert result["n_polygons"] == 1 and result["total_area_m2"] == pytest.approx(10000)
        c.send("r2", "analyse", **{**req, "prompts": ["again"], "output": str(tmp_path / "o2.gpkg")})
        assert c.until_done("r2")[-1]["result"]["cache_hits"] == result["tiles"]
        c.send("s2", "status")
        cache = c.until_done("s2")[-1]["result"]["cache"]
        assert cache["hits"] == result["tiles"] and cache["disk_hits"] >= result["tiles"] - 1
        files = list(cache_dir.glob("session-*/*.safetensors"))  # masks of all-valid tiles need no file
        assert 0 < len(files) <= cache["disk_entries"] and cache["disk_errors"] == 0, cache
        c.send(
            "e1",
            "analyse",
            **{**req, "earlier": str(tmp_path / "missing.tif"), "output": str(tmp_path / "m.gpkg")},
        )
        err = c.until_done("e1")[-1]
        assert (
            err["event"] == "error"
            and err["error"]["code"] == "input_error"
            and "not found" in err["error"]["message"]
        )
        c.send("e2", "frobnicate")
        assert c.until_done("e2")[-1]["error"]["code"] == "input_error"
        # cancel in the middle: many small tiles, cancel after the first progress event
        slow = {**req, "tile": 32, "overlap": 8, "output": str(tmp_path / "c.gpkg"), "batch_size": 1}
        c.send("r3", "analyse", **slow)
        while True:
            ev = c.read()
            if ev.get("id") == "r3" and ev["event"] == "progress":
                break
        c.send("k1", "cancel", target="r3")
        events = c.until_done("r3")
        assert events[-1]["event"] == "error" and events[-1]["error"]["code"] == "cancelled"
        assert not (tmp_path / "c.gpkg").exists()
        c.send("q", "shutdown")
        assert c.until_done("q")[-1]["result"] == {}
        assert c.p.wait(timeout=30) == 0
        assert list(cache_dir.iterdir()) == []  # the worker's cache session folder is removed on exit
    finally:
        if c.p.poll() is None:
            c.p.kill()


def test_client_gone_cancels_running_analysis(pair, tmp_path) -> None:
    """If QGIS dies mid-run, stdin closes: the worker must stop the analysis, leave no file and exit."""
    c = Client()
    try:
        assert c.read()["event"] == "ready"
        out = tmp_path / "gone.gpkg"
        slow = {
            "earlier": pair[0],
            "later": pair[1],
            "prompts": ["bright"],
            "output": str(out),
            "model": "null:brighter",
            "tile": 32,
            "overlap": 8,
            "batch_size": 1,
        }
        c.send("r1", "analyse", **slow)
        while True:
            ev = c.read()
            if ev.get("id") == "r1" and ev["event"] == "progress" and ev["message"].startswith("tile"):
                break
        c.p.stdin.close()
        assert c.p.wait(timeout=60) == 0
        assert not out.exists()
        assert not list(tmp_path.glob("*.gpkg*"))
    finally:
        if c.p.poll() is None:
            c.p.kill()

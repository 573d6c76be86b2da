"""Reliability of the worker protocol (`python -m engine.worker`, real subprocesses): the reader never dies,
every bad request gets an `input_error`, cancel ids are not hoarded, SIGTERM and a vanished client leave
nothing behind (cases L15, L24–L29, L47–L49 and N62–N70, N76)."""

from __future__ import annotations

import signal
import time

import pytest

from tests.reliability.conftest import no_temp_dirs, square_pair
from tests.reliability.test_inputs import rgba_later


def _input_error(events: list[dict], phrase: str) -> None:
    last = events[-1]
    assert last["event"] == "error", last
    err = last["error"]
    assert err["code"] == "input_error" and "detail" not in err, err
    assert phrase.lower() in err["message"].lower(), err


# -- L15: the dock's alignment pre-check with an RGBA later raster -------------------------------------------
def test_L15_check_alignment_with_an_rgba_raster_that_needs_warping(tmp_path, worker) -> None:
    e, _ = square_pair(tmp_path)
    w = worker()
    w.send("a", "check_alignment", earlier=str(e), later=str(rgba_later(tmp_path / "rgba.tif")))
    result = w.until_done("a")[-1]
    assert result["event"] == "result" and result["result"]["will_warp"] is True, result
    assert w.shutdown() == 0


# -- L24–L26, L49: lines that used to kill the reader thread -------------------------------------------------
@pytest.mark.parametrize(
    ("case", "line", "phrase"),
    [
        ("L24", b'{"id": "c", "cmd": "cancel", "params": ["r1"]}\n', "'params' must be an object"),
        ("L25", b'{"id": "c", "cmd": "cancel", "params": {"target": ["r1"]}}\n', "cancel needs 'target'"),
        ("L26", b'{"id": "c", "cmd": "status", "params": {"x": "\xff\xfe"}}\n', "not valid UTF-8"),
    ],
)
def test_L24_L26_bad_lines_do_not_kill_the_reader(worker, case, line, phrase) -> None:
    w = worker()
    w.raw(line)
    ev = w.read()
    assert ev["event"] == "error" and ev["error"]["code"] == "input_error", ev
    assert phrase in ev["error"]["message"], ev
    assert w.alive_and_answering()
    assert w.shutdown() == 0  # L49: it still answers `shutdown`


def test_L49_worker_exits_when_stdin_closes_after_bad_lines(worker) -> None:
    w = worker()
    w.raw(b'\xff\xfe garbage\n{"cmd": "cancel", "params": [1]}\n')
    w.p.stdin.close()
    assert w.p.wait(30) == 0


# -- L27–L29: requests with wrong types or missing fields ----------------------------------------------------
@pytest.mark.parametrize(
    ("case", "cmd", "params", "phrase"),
    [
        ("L27", "analyse", {"threshold": "high"}, "'threshold' must be a number"),
        ("L28", "analyse", {"prompts": 5}, "'prompts' must be a list of strings"),
        ("L29", "check_alignment", {"later": None}, "'earlier' is required"),
    ],
)
def test_L27_L29_typed_request_fields(tmp_path, warm_worker, case, cmd, params, phrase) -> None:
    e, l_ = square_pair(tmp_path)
    base = {"earlier": str(e), "later": str(l_), "prompts": ["x"], "output": str(tmp_path / "o.gpkg")}
    if cmd == "check_alignment":
        base = {"later": str(l_)}
    warm_worker.send(case, cmd, {**base, **params})
    _input_error(warm_worker.until_done(case), phrase)
    assert not (tmp_path / "o.gpkg").exists() and warm_worker.alive_and_answering()


# -- L47: cancel ids are not hoarded -------------------------------------------------------------------------
def test_L47_cancel_of_an_unknown_request_is_not_kept(tmp_path, worker) -> None:
    w = worker()
    w.send("k", "cancel", target="never-sent")
    ack = w.until_done("k")[-1]["result"]
    assert ack == {"target": "never-sent", "running": False, "known": False}
    # a request that later uses that id is NOT cancelled by the stale cancel (it fails for its own reason)
    w.send("never-sent", "no-such-command")
    assert w.until_done("never-sent")[-1]["error"]["code"] == "input_error"
    assert w.shutdown() == 0


# -- L48: SIGTERM mid-analysis -------------------------------------------------------------------------------
def _slow_request(tmp_path) -> dict:
    e, l_ = square_pair(tmp_path, size=1024)
    return {
        "earlier": str(e),
        "later": str(l_),
        "prompts": ["x"],
        "output": str(tmp_path / "o.gpkg"),
        "probabilities": str(tmp_path / "p.tif"),
        "model": "null:brighter:32",
        "overlap": 0,
        "batch_size": 1,
    }


def _wait_for_tiles(w, rid, n: int = 3) -> None:
    seen = 0
    while seen < n:
        ev = w.read(60)
        if ev.get("id") == rid and ev["event"] == "progress" and ev["message"].startswith("tile"):
            seen += 1


def test_L48_sigterm_mid_analysis_removes_the_temporary_files(tmp_path, worker) -> None:
    w = worker()
    w.send("r", "analyse", _slow_request(tmp_path))
    _wait_for_tiles(w, "r")
    assert any(p.name.startswith(".mtrs-tmp-") for p in tmp_path.iterdir())  # mid-run: staging exists
    w.p.send_signal(signal.SIGTERM)
    assert w.p.wait(30) == 143
    assert no_temp_dirs(tmp_path) and not (tmp_path / "o.gpkg").exists() and not (tmp_path / "p.tif").exists()


# -- N62–N69: more protocol abuse ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "line", "phrase"),
    [
        ("N62", b"this is not json\n", "not JSON"),
        ("N63", b"[1, 2, 3]\n", "expected an object"),
        ("N64", b'{"id": {"a": 1}, "cmd": "status"}\n', "'id' must be a string or an integer"),
        ("N65", b'{"id": "x", "cmd": ["status"]}\n', "'cmd' must be a string"),
        ("N66", b'{"id": "x", "cmd": "analyse", "params": "earlier.tif"}\n', "'params' must be an object"),
        ("N67", b'{"id": "x", "cmd": "frobnicate"}\n', "unknown command"),
    ],
)
def test_N62_N67_malformed_requests(worker, case, line, phrase) -> None:
    w = worker()
    w.raw(line)
    ev = w.read()
    assert (
        ev["event"] == "error" and ev["error"]["code"] == "input_error" and phrase in ev["error"]["message"]
    ), ev
    assert w.alive_and_answering() and w.shutdown() == 0


def test_N68_cancel_of_a_queued_request(tmp_path, warm_worker) -> None:
    w = warm_worker
    req = _slow_request(tmp_path)
    w.send("r1", "analyse", req)
    w.send("r2", "analyse", {**req, "output": str(tmp_path / "o2.gpkg"), "probabilities": None})
    w.send("k", "cancel", target="r2")
    w.send("k1", "cancel", target="r1")
    events = {}
    while len(events) < 2:
        ev = w.read(120)
        if ev.get("id") in ("r1", "r2") and ev["event"] in ("result", "error"):
            events[ev["id"]] = ev
    assert events["r2"]["error"]["code"] == "cancelled" and events["r1"]["error"]["code"] == "cancelled"
    assert not list(tmp_path.glob("o*.gpkg")) and no_temp_dirs(tmp_path) and w.alive_and_answering()


def test_N69_client_vanishes_mid_analysis(tmp_path, worker) -> None:
    w = worker()
    w.send("r", "analyse", _slow_request(tmp_path))
    _wait_for_tiles(w, "r")
    w.p.stdin.close()  # QGIS crashed: the run is cancelled, the worker exits, nothing is left
    assert w.p.wait(60) == 0
    assert no_temp_dirs(tmp_path) and not (tmp_path / "o.gpkg").exists()


def test_N70_flood_of_bad_lines_keeps_the_worker_responsive(worker) -> None:
    w = worker()
    t0 = time.monotonic()
    w.raw(b"\xff\n" * 2000)
    errors = [w.read() for _ in range(2000)]
    assert all(e["error"]["code"] == "input_error" for e in errors)
    assert w.alive_and_answering() and time.monotonic() - t0 < 30
    assert w.shutdown() == 0


def test_N76_dock_pre_check_keeps_requiring_georeferenced_layers(tmp_path, worker) -> None:
    """The pipeline compares plain images in pixel coordinates; the dock (check_alignment) shows layers on
    a map, so it refuses them and says how to georeference them."""
    from tests.reliability.test_inputs import plain_pair

    a, b = plain_pair(tmp_path, "PNG", ".png")
    w = worker()
    w.send("a", "check_alignment", earlier=str(a), later=str(b))
    err = w.until_done("a")[-1]["error"]
    assert err["code"] == "input_error" and "not georeferenced" in err["message"], err
    assert "Georeferencer" in err["hint"]
    assert w.shutdown() == 0

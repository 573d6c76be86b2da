"""The protocol client against the real worker process: lifecycle details the dock and Processing rely on."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = REPO / ".venv" / "bin" / "python"


@pytest.fixture()
def client(mtrs_package, worker_ready):
    if not worker_ready:
        pytest.fail("engine/worker.py is missing: the plugin tests need the engine worker")
    from mtrs.mtrs_qgis_plugin.engine_env import plugin_dir
    from mtrs.mtrs_qgis_plugin.worker_client import WorkerClient

    c = WorkerClient(str(ENGINE_PYTHON), plugin_dir())
    yield c
    c.stop()


def test_worker_outlives_the_thread_that_started_it(client):
    """QgsTasks run on pool threads that end; the worker must not die with them."""
    from mtrs.mtrs_qgis_plugin.worker_client import pid_alive

    t = threading.Thread(target=client.start)
    t.start()
    t.join()
    time.sleep(0.5)
    assert pid_alive(client.pid)
    assert client.ready_info["protocol"] == 1
    assert client.request("status")["cache"]["entries"] == 0


def test_engine_errors_keep_code_message_and_hint(client, tmp_path):
    from mtrs.mtrs_qgis_plugin.worker_client import WorkerError

    with pytest.raises(WorkerError) as info:
        client.request(
            "analyse",
            {
                "earlier": str(tmp_path / "missing.tif"),
                "later": str(tmp_path / "x.tif"),
                "prompts": ["new buildings"],
                "output": str(tmp_path / "o.gpkg"),
            },
        )
    assert info.value.code in ("input_error", "model_error")
    assert info.value.message
    assert not (tmp_path / "o.gpkg").exists()
    assert client.request("status")["device"]  # still alive and answering


def test_stop_ends_the_process_and_a_new_request_restarts_it(client):
    from mtrs.mtrs_qgis_plugin.worker_client import pid_alive

    client.start()
    first = client.pid
    client.stop()
    assert not pid_alive(first)
    client.request("status")
    assert client.pid != first and pid_alive(client.pid)


def test_missing_interpreter_is_a_clear_error(mtrs_package, tmp_path):
    from mtrs.mtrs_qgis_plugin.worker_client import WorkerClient, WorkerDiedError

    c = WorkerClient(str(tmp_path / "nope" / "python"), str(REPO))
    with pytest.raises(WorkerDiedError, match="Cannot start the engine"):
        c.request("status")

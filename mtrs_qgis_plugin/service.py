"""The one engine worker per plugin instance, shared by the dock and the Processing algorithms.

A module-level registry (rather than an attribute of the plugin object) because Processing algorithms are
cloned by QGIS with createInstance() and cannot reach the plugin object; qgis_process also loads the provider
without a GUI. The plugin's unload() and QGIS's aboutToQuit both call shutdown(), and an atexit hook is the
last safety net, so no worker process outlives QGIS.
"""

from __future__ import annotations

import atexit
import threading

from . import engine_env, settings
from .worker_client import WorkerClient

_lock = threading.Lock()
_client: WorkerClient | None = None
_interpreter_override: str | None = None


def set_interpreter_override(python: str | None) -> None:
    """Tests and the engine panel can pin an interpreter; None goes back to settings/auto-detection."""
    global _interpreter_override
    _interpreter_override = python
    shutdown()


def resolve_interpreter() -> engine_env.EngineStatus:
    """The interpreter to run the worker with, and whether it is usable."""
    if _interpreter_override:
        return engine_env.check_interpreter(_interpreter_override)
    return engine_env.find_engine(settings.load().interpreter)


def client(status: engine_env.EngineStatus | None = None) -> WorkerClient:
    """The shared client (not yet started: requests start it on demand)."""
    global _client
    with _lock:
        if _client is None:
            if status is None:
                python = _interpreter_override or ""
                if not python:
                    status = resolve_interpreter()
            python = _interpreter_override or (status.interpreter if status else "")
            _client = WorkerClient(python, engine_env.plugin_dir())
        return _client


def current() -> WorkerClient | None:
    """The client if one was created, without creating it."""
    return _client


def shutdown() -> None:
    """Stop the worker (if any) and forget the client."""
    global _client
    with _lock:
        c, _client = _client, None
    if c is not None:
        c.stop()


atexit.register(shutdown)

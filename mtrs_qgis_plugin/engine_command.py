"""Run one `mtrs` engine command as a separate process, with progress and cancel wired to Processing.

Why a process per command (and not the worker): exporting, fine-tuning and assessing are long, one-off jobs
whose engine code needs torch/rasterio, which must never enter QGIS's Python. Each runs as `<engine python> -m
engine.cli <command> ... --progress-json`, started exactly like the worker (same interpreter, same cleaned
environment, repository root on PYTHONPATH). The engine writes JSON events on stderr; this module relays them
to a QgsProcessingFeedback, turns a failure into a QgsProcessingException carrying the engine's own message,
and on cancel sends SIGTERM (the engine turns it into a clean stop: temporary files removed, fine-tuning keeps
its best model), a second SIGTERM after a grace period, and a kill if even that is not heeded.

The caller's thread blocks while the command runs, so it must not be QGIS's GUI thread: Processing runs
algorithms on a background thread, qgis_process has no GUI. Only this thread touches `feedback`; two reader
threads just queue the lines.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import json
import os
import queue
import shlex
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import Any

from qgis.core import QgsProcessingException

from . import engine_env
from .i18n import engine_text, tr

#: Seconds the engine gets to stop cleanly after SIGTERM. Then a second SIGTERM (the engine's "stop at once":
#: it still removes temporary files) and, KILL_AFTER_S later, a kill. Fine-tuning passes a longer grace: it
#: finishes its step, validates and saves the best model before it exits.
DEFAULT_GRACE_S = 10.0
KILL_AFTER_S = 5.0
#: Non-JSON stderr lines kept for the error message (a traceback's end, or the CLI's error + hint).
TAIL_LINES = 60

_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


class EngineCommandError(QgsProcessingException):
    """The engine command failed; the message is the engine's own error text, `detail` its stderr tail,
    `result` a result event it still sent (`mtrs batch` reports its pairs and exits 1 when some failed)."""

    def __init__(
        self,
        message: str,
        detail: str = "",
        exit_code: int | None = None,
        result: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.exit_code = exit_code
        self.result = result or {}


class EngineCommandCancelled(EngineCommandError):
    """The user cancelled; `result` holds a result event the engine still sent while stopping (or {})."""

    def __init__(self, message: str, result: dict[str, Any] | None = None, exit_code: int | None = None):
        super().__init__(message, exit_code=exit_code, result=result)


def engine_python() -> str:
    """The engine interpreter the worker would use; a clear error when there is none yet."""
    from . import service

    status = service.resolve_interpreter()
    if not status.ok:
        missing = ", ".join(status.missing) or status.error or tr("version mismatch")
        raise EngineCommandError(
            tr(
                "The MTRS engine environment is not usable ({message}). Open the MTRS dock and use "
                "'Engine set-up' to create or choose it."
            ).format(message=missing)
        )
    return status.interpreter


def command_argv(python: str, command: str, args: Sequence[str]) -> list[str]:
    """The full command line: the engine's CLI module run by the engine interpreter, JSON progress on."""
    return [python, "-u", "-m", "engine.cli", command, *[str(a) for a in args], "--progress-json"]


def run_engine_command(
    command: str,
    args: Sequence[str],
    feedback,
    *,
    python: str | None = None,
    root: str | None = None,
    grace_s: float = DEFAULT_GRACE_S,
    poll_s: float = 0.1,
) -> dict[str, Any]:
    """Run `mtrs <command> <args> --progress-json`; return its result event (without the `event` key).

    `feedback` is a QgsProcessingFeedback (or anything with setProgress, setProgressText, pushInfo,
    pushConsoleInfo, pushDebugInfo, pushCommandInfo, isCanceled). Raises EngineCommandCancelled after a
    cancel, EngineCommandError on a non-zero exit.
    """
    root = root or engine_env.plugin_dir()
    argv = command_argv(python or engine_python(), command, args)
    with contextlib.suppress(Exception):  # the exact command, to repeat it in a terminal
        feedback.pushCommandInfo(subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv))
    try:
        proc = subprocess.Popen(
            argv,
            cwd=root,
            env=engine_env.worker_environment(root),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            **engine_env.hidden_window_kwargs(),
        )
    except OSError as exc:
        raise EngineCommandError(
            tr("Cannot start the engine ({python}): {message}").format(python=argv[0], message=exc)
        ) from exc
    with _running_lock:
        _running.add(proc)
    try:
        return _supervise(proc, command, feedback, grace_s, poll_s)
    finally:
        _stop(proc, grace_s=2.0)  # only does something when we leave early (an exception in this thread)
        with _running_lock:
            _running.discard(proc)


def _supervise(proc: subprocess.Popen, command: str, feedback, grace_s: float, poll_s: float) -> dict:
    lines: queue.Queue = queue.Queue()
    readers = [
        threading.Thread(target=_pump, args=(stream, kind, lines), daemon=True, name=f"mtrs-{command}-{kind}")
        for stream, kind in ((proc.stdout, "out"), (proc.stderr, "err"))
    ]
    for reader in readers:
        reader.start()
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    result: dict[str, Any] | None = None
    cancelled_at: float | None = None
    escalation = 0  # 1: SIGTERM sent, 2: second SIGTERM sent, 3: killed
    open_streams = len(readers)
    while open_streams:
        try:
            kind, line = lines.get(timeout=poll_s)
        except queue.Empty:
            kind, line = "", None
        if kind and line is None:
            open_streams -= 1
        elif kind == "out":
            feedback.pushConsoleInfo(line)
        elif kind == "err":
            event = _event(line)
            if event is None:
                if line.strip():
                    tail.append(line)
                    feedback.pushDebugInfo(line)
            elif event.get("event") == "result":
                result = {k: v for k, v in event.items() if k != "event"}
            else:
                _relay(event, feedback)
        if cancelled_at is None and feedback.isCanceled():
            cancelled_at = time.monotonic()
            escalation = 1
            feedback.pushInfo(tr("Cancelling: asking the engine to stop…"))
            _signal_stop(proc)
        elif cancelled_at is not None and proc.poll() is None:
            waited = time.monotonic() - cancelled_at
            if escalation == 1 and waited > grace_s:
                escalation = 2
                feedback.pushInfo(tr("The engine is still busy: asking it to stop at once…"))
                _signal_stop(proc)
            elif escalation == 2 and waited > grace_s + KILL_AFTER_S:
                escalation = 3
                with contextlib.suppress(OSError):
                    proc.kill()
    for reader in readers:
        reader.join(timeout=1.0)
    code = proc.wait()
    if cancelled_at is not None:
        raise EngineCommandCancelled(
            tr("Cancelled; the engine stopped and removed its unfinished output."), result, code
        )
    if code != 0:
        raise EngineCommandError(error_text(command, list(tail), code), "\n".join(tail), code, result)
    return result or {}


def _pump(stream, kind: str, out: queue.Queue) -> None:
    """Queue each line of `stream`, then None at end of stream."""
    try:
        for line in iter(stream.readline, ""):
            out.put((kind, line.rstrip("\r\n")))
    except (OSError, ValueError):
        pass
    finally:
        with contextlib.suppress(OSError):
            stream.close()
        out.put((kind, None))


def _event(line: str) -> dict[str, Any] | None:
    """The JSON event on `line`, or None for plain text (error messages, tracebacks, warnings)."""
    text = line.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) and "event" in obj else None


def _relay(event: dict[str, Any], feedback) -> None:
    kind = event.get("event")
    if kind == "progress":
        total = float(event.get("total") or 0)
        if total > 0:
            feedback.setProgress(max(0.0, min(100.0, 100.0 * float(event.get("done") or 0) / total)))
        message = str(event.get("message") or "")
        if message:
            feedback.setProgressText(engine_text(message))
    elif kind == "log":
        feedback.pushInfo(str(event.get("message") or ""))
    else:
        feedback.pushDebugInfo(json.dumps(event, ensure_ascii=False))


def error_text(command: str, tail: list[str], code: int) -> str:
    """The engine's message for the user: its `mtrs <command>: error:` block if any, else the last lines."""
    prefix = f"mtrs {command}: error:"
    for i in range(len(tail) - 1, -1, -1):
        if tail[i].startswith(prefix):
            first = tail[i][len(prefix) :].strip()
            return "\n".join([first, *(line.strip() for line in tail[i + 1 :])]).strip()
    last = [line for line in tail if line.strip()][-8:]
    if last:
        return "\n".join(last)
    return tr("The engine command '{name}' failed (exit code {code}) without a message.").format(
        name=command, code=code
    )


def _signal_stop(proc: subprocess.Popen) -> None:
    """SIGTERM on POSIX (the engine cleans up); on Windows terminate() is a hard stop, the only option."""
    with contextlib.suppress(OSError):
        proc.terminate()


def _stop(proc: subprocess.Popen, grace_s: float) -> None:
    if proc.poll() is not None:
        return
    _signal_stop(proc)
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(2.0)


def stop_all(grace_s: float = 5.0) -> None:
    """Stop every command still running (plugin unload, QGIS exit): none may outlive QGIS."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _stop(proc, grace_s)


atexit.register(stop_all)

"""Client side of the engine worker protocol (docs/INTERFACES.md §3): JSON lines over stdin/stdout.

Plain Python (subprocess + threads), no Qt event loop: it is called from QgsTask threads, from Processing
algorithms (also on worker threads, or in qgis_process) and from the GUI thread, and must behave the same in
all of them. One reader thread routes each incoming line to the request it answers; stderr is drained into a
ring buffer so a crash message can quote the engine's last words.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from ..engine.contract import PROTOCOL_VERSION, Command, ErrorCode, Event
from .engine_env import hidden_window_kwargs, worker_environment

PROTOCOL = PROTOCOL_VERSION  # names, events and error codes: engine.contract, shared with the worker

ProgressCallback = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


class WorkerError(Exception):
    """An error reported by the worker (or about it). `code` follows engine.errors / the protocol."""

    def __init__(self, code: str, message: str, hint: str | None = None, detail: str | None = None):
        super().__init__(message if not hint else f"{message}\n{hint}")
        self.code = code
        self.message = message
        self.hint = hint
        self.detail = detail


class WorkerDiedError(WorkerError):
    """The worker process exited or never became ready; the next request restarts it."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(ErrorCode.WORKER_DIED, message, detail=detail)


class WorkerClient:
    """One long-lived `python -m engine.worker` process and the requests in flight to it."""

    def __init__(self, python: str, root: str, startup_timeout: float = 180.0):
        self.python = python
        self.root = root
        self.startup_timeout = startup_timeout
        self.ready_info: dict[str, Any] = {}
        self._proc: subprocess.Popen | None = None
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._pending: dict[str, queue.Queue] = {}
        self._ids = itertools.count(1)
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=60)
        self._ready = threading.Event()
        self.restarts = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> dict[str, Any]:
        """Start the worker if it is not running and wait for its `ready` line. Returns that line.

        Safe to call from several threads at once (the dock's warm-up task and a run): only the first caller
        spawns a process, the others wait for the same `ready`.
        """
        with self._lock:
            if not self.is_running():
                if self._proc is not None:  # it was running before: this is a restart after a crash
                    self.restarts += 1
                    self._reap()
                self._spawn()
            proc = self._proc
        deadline = time.monotonic() + self.startup_timeout
        while not self._ready.wait(0.1):
            if proc.poll() is not None:
                raise WorkerDiedError("The engine exited while starting.", detail=self.stderr_tail())
            if time.monotonic() > deadline:
                self.stop(timeout=1.0)
                raise WorkerDiedError("The engine did not start in time.", detail=self.stderr_tail())
        return self.ready_info

    def _spawn(self) -> None:
        self._ready.clear()
        self._stderr_tail.clear()
        # No PR_SET_PDEATHSIG: it fires when the *thread* that spawned the child ends (a QgsTask pool thread),
        # not QGIS. The worker exits on stdin EOF instead, which also happens when QGIS dies.
        popen_kwargs: dict[str, Any] = dict(hidden_window_kwargs())
        try:
            self._proc = subprocess.Popen(
                [self.python, "-u", "-m", "engine.worker"],
                cwd=self.root,
                env=worker_environment(self.root),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
                **popen_kwargs,
            )
        except OSError as exc:
            self._proc = None
            raise WorkerDiedError(f"Cannot start the engine ({self.python}): {exc}") from exc
        proc = self._proc
        for target, name in ((self._read_stdout, "mtrs-worker-out"), (self._read_stderr, "mtrs-worker-err")):
            threading.Thread(target=target, args=(proc,), daemon=True, name=name).start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to shut down, then terminate/kill it if it does not. Safe to call repeatedly."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            if proc.poll() is None:
                try:
                    self._send({"id": "shutdown", "cmd": Command.SHUTDOWN, "params": {}})
                    proc.stdin.close()
                except (OSError, ValueError):
                    pass
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(2.0)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(2.0)
            self._reap()
            self._proc = None
            self._ready.clear()
            self._fail_pending("The engine was stopped.")

    def _reap(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:  # stdout/stderr are closed by their reader threads at EOF, never under them
            if proc.stdin is not None:
                proc.stdin.close()
        except OSError:
            pass
        if proc.poll() is None:
            proc.kill()
            proc.wait(2.0)

    def stderr_tail(self, lines: int = 20) -> str:
        return "\n".join(list(self._stderr_tail)[-lines:])

    # -- requests --------------------------------------------------------------------------------------
    def request(
        self,
        cmd: str,
        params: dict[str, Any] | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send one command and block until its result. Starts (or restarts) the worker when needed.

        `progress(done, total, message)` is called for each progress event; `cancel()` is polled and, once
        true, the protocol `cancel` is sent (once) and the request ends with WorkerError code `cancelled`.

        A worker that had died before it saw the request (killed, crashed between runs) is restarted and the
        request sent again, once; a worker that dies while working on it is reported (the same input would
        likely crash it again), and the next request starts a fresh one.
        """
        seen = [False]
        try:
            return self._request_once(cmd, params, progress, cancel, timeout, seen)
        except WorkerDiedError:
            if seen[0] or cmd == Command.SHUTDOWN:
                raise
            return self._request_once(cmd, params, progress, cancel, timeout, seen)

    def _request_once(self, cmd, params, progress, cancel, timeout, seen: list[bool]) -> dict[str, Any]:
        self.start()
        rid = f"r{next(self._ids)}"
        inbox: queue.Queue = queue.Queue()
        with self._lock:
            self._pending[rid] = inbox
        try:
            self._send({"id": rid, "cmd": cmd, "params": params or {}})
            cancel_sent = False
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    msg = inbox.get(timeout=0.1)
                except queue.Empty:
                    if cancel is not None and not cancel_sent and cancel():
                        cancel_sent = True
                        self._send({"id": f"c{rid}", "cmd": Command.CANCEL, "params": {"target": rid}})
                    if deadline is not None and time.monotonic() > deadline:
                        raise WorkerError(
                            ErrorCode.TIMEOUT, f"The engine did not answer '{cmd}' in time."
                        ) from None
                    continue
                event = msg.get("event")
                if event != "_died":
                    seen[0] = True
                if event == Event.PROGRESS:
                    if progress is not None:
                        progress(
                            int(msg.get("done", 0)), int(msg.get("total", 0)), str(msg.get("message", ""))
                        )
                elif event == Event.RESULT:
                    return msg.get("result") or {}
                elif event == Event.ERROR:
                    err = msg.get("error") or {}
                    raise WorkerError(
                        str(err.get("code", ErrorCode.INTERNAL)),
                        str(err.get("message", "unknown error")),
                        err.get("hint"),
                        err.get("detail"),
                    )
                elif event == "_died":
                    raise WorkerDiedError(msg["message"], detail=self.stderr_tail())
        finally:
            with self._lock:
                self._pending.pop(rid, None)

    def _send(self, obj: dict[str, Any]) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise WorkerDiedError("The engine is not running.")
        data = (json.dumps(obj) + "\n").encode("utf-8")
        with self._write_lock:
            try:
                proc.stdin.write(data)
                proc.stdin.flush()
            except (OSError, ValueError) as exc:
                raise WorkerDiedError("The engine stopped unexpectedly.", detail=self.stderr_tail()) from exc

    # -- reader threads --------------------------------------------------------------------------------
    def _read_stdout(self, proc: subprocess.Popen) -> None:
        try:
            self._route_lines(proc)
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                proc.stdout.close()
        proc.wait()
        if proc is self._proc:
            code = proc.returncode
            self._fail_pending(f"The engine process ended unexpectedly (exit code {code}).")

    def _route_lines(self, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                self._stderr_tail.append(f"[stdout] {line}")
                continue
            if msg.get("event") == Event.READY:
                self.ready_info = msg
                self._ready.set()
                continue
            with self._lock:
                inbox = self._pending.get(str(msg.get("id")))
            if inbox is not None:
                inbox.put(msg)

    def _read_stderr(self, proc: subprocess.Popen) -> None:
        try:
            for raw in iter(proc.stderr.readline, b""):
                self._stderr_tail.append(raw.decode("utf-8", errors="replace").rstrip())
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                proc.stderr.close()

    def _fail_pending(self, message: str) -> None:
        with self._lock:
            inboxes = list(self._pending.values())
        for inbox in inboxes:
            inbox.put({"event": "_died", "message": message})


def pid_alive(pid: int) -> bool:
    """True while a process with this id exists (used by tests and the unload check)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover
        out = subprocess.run(["tasklist", "/FI", f"PID eq {pid}"], capture_output=True, text=True)
        return str(pid) in out.stdout
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # a zombie counts as gone
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True

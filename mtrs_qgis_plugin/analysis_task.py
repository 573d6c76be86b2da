"""The dock's run as a QgsTask: one or several prompts on the same pair, sent to the shared worker.

The task thread only talks to the worker (no QGIS layer objects touched off the GUI thread); layers are added
by the `on_done` callback, which QGIS calls on the GUI thread from finished().
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..engine.contract import Command, ErrorCode
from . import service
from .i18n import engine_text, tr
from .worker_client import WorkerError


@dataclass
class Job:
    """One prompt (or the all-changes head) and its full AnalysisRequest."""

    label: str
    request: dict[str, Any]


@dataclass
class TaskOutcome:
    """What the GUI needs after the task: results per job, or the error, or 'cancelled'."""

    results: list[tuple[Job, dict[str, Any]]] = field(default_factory=list)
    error: WorkerError | None = None
    cancelled: bool = False
    seconds: float = 0.0
    restarted: bool = False


class AnalysisTask(QgsTask):
    """Runs `jobs` one after the other; a second prompt on the same pair hits the worker's feature cache."""

    message = pyqtSignal(str)
    tileProgress = pyqtSignal(int, int)

    def __init__(self, jobs: list[Job], on_done: Callable[[TaskOutcome], None] | None = None):
        title = tr("MTRS: {prompt}").format(
            prompt=jobs[0].label if len(jobs) == 1 else tr("{n} prompts").format(n=len(jobs))
        )
        super().__init__(title, QgsTask.CanCancel)
        self.jobs = jobs
        self.on_done = on_done
        self.outcome = TaskOutcome()
        self.request_ids: list[str] = []

    def run(self) -> bool:  # worker thread
        start = time.monotonic()
        client = service.client()
        restarts = client.restarts
        n = len(self.jobs)
        try:
            for index, job in enumerate(self.jobs):
                if self.isCanceled():
                    self.outcome.cancelled = True
                    return True  # a cancel is not a failure: QGIS must not report "Task failed"

                def progress(done: int, total: int, text: str, index: int = index) -> None:
                    frac = done / total if total else 0.0
                    self.setProgress(100.0 * (index + frac) / n)
                    self.tileProgress.emit(done, total)
                    prefix = f"[{index + 1}/{n}] " if n > 1 else ""
                    self.message.emit(prefix + engine_text(text or f"tile {done}/{total}"))

                result = client.request(
                    Command.ANALYSE, job.request, progress=progress, cancel=self.isCanceled
                )
                self.outcome.results.append((job, result))
            self.setProgress(100.0)
            return True
        except WorkerError as exc:
            if exc.code == ErrorCode.CANCELLED or self.isCanceled():
                self.outcome.cancelled = True
                return True  # reported by the dock as "Cancelled", not by QGIS as a failed task
            self.outcome.error = exc
            return False
        finally:
            self.outcome.seconds = time.monotonic() - start
            self.outcome.restarted = client.restarts > restarts

    def finished(self, ok: bool) -> None:  # GUI thread
        if self.isCanceled():
            self.outcome.cancelled = True
        if self.on_done is not None:
            self.on_done(self.outcome)


class StatusTask(QgsTask):
    """Starts the worker if needed and asks for its `status` (device badge, cache), off the GUI thread.

    Starting the engine imports torch (seconds); doing it in a task keeps QGIS responsive, and the first run
    afterwards finds a warm worker.
    """

    def __init__(self, on_done: Callable[[dict[str, Any] | None, WorkerError | None], None] | None = None):
        super().__init__(tr("MTRS: starting the engine"), QgsTask.CanCancel)
        self.on_done = on_done
        self.status: dict[str, Any] | None = None
        self.error: WorkerError | None = None

    def run(self) -> bool:
        try:
            self.status = service.client().request(Command.STATUS, {}, timeout=300)
            return True
        except WorkerError as exc:
            self.error = exc
            return False

    def finished(self, ok: bool) -> None:
        if self.on_done is not None:
            self.on_done(self.status, self.error)


class AlignmentTask(QgsTask):
    """Asks the worker's `check_alignment` about a pair (grid, overlap, the model's real tile count).

    The engine answers with the same alignment and tiling rules the run will use, so the dock shows its
    figures rather than a re-implementation's; a pair the engine refuses (no overlap, unreadable) comes back
    as `error` with the engine's message and hint.
    """

    def __init__(
        self,
        params: dict[str, Any],
        on_done: Callable[[AlignmentTask], None] | None = None,
    ):
        super().__init__(tr("MTRS: checking the images"), QgsTask.Flags())
        self.params = params
        self.on_done = on_done
        self.result: dict[str, Any] | None = None
        self.error: WorkerError | None = None

    def run(self) -> bool:
        try:
            self.result = service.client().request(Command.CHECK_ALIGNMENT, self.params, timeout=120)
        except WorkerError as exc:
            self.error = exc
        return True

    def finished(self, ok: bool) -> None:
        if self.on_done is not None:
            self.on_done(self)

"""Runs an install plan (engine_env.install_plan) step by step with QProcess, streaming output.

QProcess rather than a thread: the output arrives as Qt signals on the GUI thread, the panel stays responsive,
and Cancel simply kills the current step. Nothing here runs inside QGIS's own Python.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, pyqtSignal

from .engine_env import InstallStep, worker_environment
from .i18n import tr


class EngineInstaller(QObject):
    """Sequential runner. Signals: output(text), stepStarted(index, title), done(success, message)."""

    output = pyqtSignal(str)
    stepStarted = pyqtSignal(int, str)
    done = pyqtSignal(bool, str)

    def __init__(self, steps: list[InstallStep], parent: QObject | None = None):
        super().__init__(parent)
        self.steps = steps
        self.index = -1
        self.cancelled = False
        self.process: QProcess | None = None

    def is_running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.NotRunning

    def start(self) -> None:
        self.index = -1
        self.cancelled = False
        self._next()

    def cancel(self) -> None:
        """Stop the current command; the environment may be incomplete and can be repaired later."""
        self.cancelled = True
        if self.is_running():
            self.process.kill()

    def _next(self) -> None:
        self.index += 1
        if self.index >= len(self.steps):
            self.done.emit(True, tr("The engine environment is ready."))
            return
        step = self.steps[self.index]
        self.stepStarted.emit(self.index, step.title)
        self.output.emit("$ " + step.command_line() + "\n")
        proc = QProcess(self)
        env = QProcessEnvironment()
        for key, value in worker_environment().items():
            env.insert(key, value)
        proc.setProcessEnvironment(env)
        proc.setProcessChannelMode(QProcess.MergedChannels)
        proc.readyReadStandardOutput.connect(self._read)
        proc.finished.connect(self._finished)
        proc.errorOccurred.connect(self._error)
        self.process = proc
        proc.start(step.argv[0], step.argv[1:])

    def _read(self) -> None:
        if self.process is not None:
            data = bytes(self.process.readAllStandardOutput()).decode("utf-8", errors="replace")
            if data:
                self.output.emit(data)

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.FailedToStart:
            self.done.emit(
                False, tr("Could not run: {cmd}").format(cmd=self.steps[self.index].command_line())
            )

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._read()
        if self.cancelled:
            self.done.emit(False, tr("Cancelled. Run the installation again to repair the environment."))
        elif code != 0:
            self.done.emit(
                False,
                tr("Step '{title}' failed (exit code {code}).").format(
                    title=self.steps[self.index].title, code=code
                ),
            )
        else:
            self._next()

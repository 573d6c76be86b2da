"""The engine panel of the dock: what is missing, the exact commands that fix it, and a button to run them.

Shown instead of a stack trace when the engine venv is missing or broken, so the plugin is usable (and
honest about it) on a fresh machine. The analyst can also point to an interpreter they already have.
"""

from __future__ import annotations

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtGui import QFontDatabase
from qgis.PyQt.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from . import engine_env, settings
from .engine_installer import EngineInstaller
from .i18n import tr


class EnginePanel(QGroupBox):
    """Engine set-up box. Emits `engineChanged` after a successful install or a new interpreter choice."""

    engineChanged = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(tr("Engine set-up"), parent)
        self.setObjectName("mtrsEnginePanel")
        self.installer: EngineInstaller | None = None
        self.steps: list[engine_env.InstallStep] = []
        layout = QVBoxLayout(self)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("mtrsEngineProblem")
        layout.addWidget(self.problem)
        layout.addWidget(QLabel(tr("Use an existing engine interpreter:")))
        self.interpreter = QgsFileWidget()
        self.interpreter.setStorageMode(QgsFileWidget.GetFile)
        self.interpreter.setDialogTitle(tr("Python interpreter of the engine environment"))
        self.interpreter.setFilePath(settings.load().interpreter)
        self.interpreter.fileChanged.connect(self._interpreter_chosen)
        layout.addWidget(self.interpreter)
        self.plan_label = QLabel(
            tr("Or let MTRS create a separate environment (QGIS's own Python is not touched):")
        )
        self.plan_label.setWordWrap(True)
        layout.addWidget(self.plan_label)
        mono = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        self.plan = QPlainTextEdit()
        self.plan.setObjectName("mtrsInstallPlan")
        self.plan.setReadOnly(True)
        self.plan.setFont(mono)
        self.plan.setMaximumHeight(110)
        layout.addWidget(self.plan)
        row = QHBoxLayout()
        self.install_button = QPushButton(tr("Create / repair environment"))
        self.install_button.setObjectName("mtrsInstallButton")
        self.install_button.clicked.connect(self.start_install)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_install)
        self.recheck_button = QPushButton(tr("Check again"))
        self.recheck_button.clicked.connect(self.engineChanged.emit)
        row.addWidget(self.install_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.recheck_button)
        layout.addLayout(row)
        self.log = QPlainTextEdit()
        self.log.setObjectName("mtrsInstallLog")
        self.log.setReadOnly(True)
        self.log.setFont(mono)
        self.log.setVisible(False)
        layout.addWidget(self.log)

    def show_status(self, status: engine_env.EngineStatus) -> None:
        """Explain what is wrong with `status` and show the plan that fixes it."""
        if not status.exists:
            text = tr("No engine environment found. MTRS runs its model in a separate Python environment.")
        elif status.error:
            text = tr("The engine interpreter {python} does not work: {error}").format(
                python=status.interpreter, error=status.error
            )
        elif status.missing:
            text = tr("The engine environment {python} lacks: {modules}.").format(
                python=status.interpreter, modules=", ".join(status.missing)
            )
        elif status.version_mismatch:
            text = tr(
                "The engine is version {found}, the plugin needs {expected}: repair the environment."
            ).format(found=status.engine_version, expected=status.expected_version)
        else:
            text = tr("The engine environment is ready: {python}").format(python=status.interpreter)
        self.problem.setText(text)
        venv = None
        if status.exists and status.interpreter.endswith(("/bin/python", "\\Scripts\\python.exe")):
            import os

            venv = os.path.dirname(os.path.dirname(status.interpreter))
        self.steps = engine_env.install_plan(venv_dir=venv)
        self.plan.setPlainText("\n".join(step.command_line() for step in self.steps))

    def plan_text(self) -> str:
        return self.plan.toPlainText()

    def _interpreter_chosen(self, path: str) -> None:
        opts = settings.load()
        opts.interpreter = path
        settings.save(opts)
        self.engineChanged.emit()

    def start_install(self) -> None:
        if self.installer is not None and self.installer.is_running():
            return
        self.log.clear()
        self.log.setVisible(True)
        self.installer = EngineInstaller(self.steps, self)
        self.installer.output.connect(self._append)
        self.installer.stepStarted.connect(lambda i, title: self._append(f"\n== {i + 1}. {tr(title)}\n"))
        self.installer.done.connect(self._install_done)
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.installer.start()

    def cancel_install(self) -> None:
        if self.installer is not None:
            self.installer.cancel()

    def _append(self, text: str) -> None:
        self.log.moveCursor(self.log.textCursor().End)
        self.log.insertPlainText(text)
        self.log.ensureCursorVisible()

    def _install_done(self, ok: bool, message: str) -> None:
        self._append("\n" + message + "\n")
        self.install_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if ok:
            self.engineChanged.emit()

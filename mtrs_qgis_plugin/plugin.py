"""The plugin object QGIS loads: menu entry, toolbar icon, dock, Processing provider, worker lifecycle.

initProcessing() is separate from initGui() because qgis_process loads plugins without a GUI and only calls
initProcessing(); both paths register the same provider.
"""

from __future__ import annotations

import contextlib
import os

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import engine_command, engine_env, i18n, service
from .i18n import tr
from .provider import MtrsProvider


def icon() -> QIcon:
    """The plugin icon: the compiled Qt resource when built, else the SVG file (works from a raw checkout)."""
    try:
        from ..resources import resources_rc  # noqa: F401 - registers :/plugins/mtrs/

        qicon = QIcon(":/plugins/mtrs/icon.svg")
        if not qicon.isNull():
            return qicon
    except ImportError:
        pass
    return QIcon(os.path.join(engine_env.plugin_dir(), "resources", "icon.svg"))


class MtrsPlugin:
    """Entry point created by classFactory()."""

    def __init__(self, iface):
        self.iface = iface
        self.plugin_dir = engine_env.plugin_dir()
        self.provider: MtrsProvider | None = None
        self.dock = None
        self.action: QAction | None = None
        i18n.install_translator(self.plugin_dir)

    # -- Processing (also used by qgis_process) --------------------------------------------------------
    def initProcessing(self) -> None:
        if self.provider is None:
            self.provider = MtrsProvider(icon())
            QgsApplication.processingRegistry().addProvider(self.provider)

    # -- GUI -------------------------------------------------------------------------------------------
    def initGui(self) -> None:
        self.initProcessing()
        self.action = QAction(icon(), tr("MTRS change analysis"), self.iface.mainWindow())
        self.action.setObjectName("mtrsShowDock")
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Find the changes you describe between two images"))
        self.action.toggled.connect(self.toggle_dock)
        self.iface.addPluginToMenu(tr("&MTRS"), self.action)
        self.iface.addToolBarIcon(self.action)
        app = QgsApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(service.shutdown)

    def ensure_dock(self):
        """Create the dock on first use (cheap start-up of QGIS when the plugin is not used)."""
        if self.dock is None:
            from .dock_widget import MtrsDockWidget

            self.dock = MtrsDockWidget(self.iface, self.iface.mainWindow())
            self.dock.visibilityChanged.connect(self._dock_visibility)
            self.iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
            self.dock.refresh_engine()
        return self.dock

    def toggle_dock(self, visible: bool) -> None:
        dock = self.ensure_dock()
        dock.setVisible(visible)

    def _dock_visibility(self, visible: bool) -> None:
        if self.action is not None and self.action.isChecked() != visible:
            self.action.blockSignals(True)
            self.action.setChecked(visible)
            self.action.blockSignals(False)

    def unload(self) -> None:
        """Remove everything initGui()/initProcessing() added and stop the worker: reload leaves no trace."""
        if self.dock is not None:
            self.dock.save_state()
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.action is not None:
            self.iface.removePluginMenu(tr("&MTRS"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        app = QgsApplication.instance()
        if app is not None:
            with contextlib.suppress(TypeError):
                app.aboutToQuit.disconnect(service.shutdown)
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        service.shutdown()
        engine_command.stop_all()
        i18n.remove_translator()

"""The analysis dock: pick the earlier and later layers, say what changed, run, watch, cancel, see polygons.

The dock only gathers choices and shows state. Requests are built by `build_jobs()`, run by AnalysisTask in
the shared worker, and results are put on the map by result_layers; the same request reaches the engine as
from the Processing algorithms.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsMapLayerProxyModel,
    QgsProcessingUtils,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
)
from qgis.gui import (
    QgsCollapsibleGroupBox,
    QgsDockWidget,
    QgsFileWidget,
    QgsMapLayerComboBox,
    QgsMapToolExtent,
    QgsRasterBandComboBox,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from . import alignment, engine_env, prompt_history, result_layers, service, settings
from .analysis_task import AnalysisTask, Job, StatusTask, TaskOutcome
from .engine_panel import EnginePanel
from .extent import ExtentError, RequestExtent, from_polygons, from_rectangle
from .i18n import tr
from .layers import LayerError, default_bands, raster_path

DEFAULT_TILE = 256  # used for estimates until the worker reports the model's own size
#: Warm the worker up as soon as the dock opens (device badge, and the first run starts faster).
AUTO_START_ENGINE = True


class DockInputError(ValueError):
    """Something in the dock must be fixed before running; the message says what."""


class MtrsDockWidget(QgsDockWidget):
    """Dock of the plugin. `iface` may be a test double with a real map canvas and message bar."""

    def __init__(self, iface, parent=None):
        super().__init__(tr("MTRS change analysis"), parent)
        self.setObjectName("MtrsDockWidget")
        self.iface = iface
        self.task: AnalysisTask | None = None
        self.status_task: StatusTask | None = None
        self.last_outcome: TaskOutcome | None = None
        self.last_layers: list = []
        self.worker_status: dict[str, Any] | None = None
        self.engine_status: engine_env.EngineStatus | None = None
        self.drawn_rect: QgsRectangle | None = None
        self.drawn_crs = None
        self._extent_tool: QgsMapToolExtent | None = None
        self._previous_tool = None
        self._build()
        self.restore_state()
        QgsProject.instance().readProject.connect(self._reload_history)

    # -- construction --------------------------------------------------------------------------------------
    def _build(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # narrow docks shrink widgets, never clip
        body = QWidget()
        scroll.setWidget(body)
        self.setWidget(scroll)
        layout = QVBoxLayout(body)

        # engine: badge + set-up panel
        self.badge = QLabel(tr("Engine: not started"))
        self.badge.setObjectName("mtrsDeviceBadge")
        self.badge.setWordWrap(True)
        layout.addWidget(self.badge)
        self.engine_panel = EnginePanel()
        self.engine_panel.setVisible(False)
        self.engine_panel.engineChanged.connect(self.refresh_engine)
        layout.addWidget(self.engine_panel)

        # layers and bands
        box = QGroupBox(tr("Images"))
        form = QFormLayout(box)
        self.earlier = QgsMapLayerComboBox()
        self.later = QgsMapLayerComboBox()
        self.earlier_bands = [QgsRasterBandComboBox() for _ in range(3)]
        self.later_bands = [QgsRasterBandComboBox() for _ in range(3)]
        for combo, bands in ((self.earlier, self.earlier_bands), (self.later, self.later_bands)):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            for b in bands:
                b.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
                b.setMinimumContentsLength(5)
            combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
            combo.setAllowEmptyLayer(True)
            combo.layerChanged.connect(self._layers_changed)
            for b in bands:
                b.bandChanged.connect(self._update_alignment)
        self.earlier.setObjectName("mtrsEarlier")
        self.later.setObjectName("mtrsLater")
        form.addRow(tr("Earlier"), self.earlier)
        form.addRow(tr("Bands (R, G, B)"), self._row(self.earlier_bands))
        form.addRow(tr("Later"), self.later)
        form.addRow(tr("Bands (R, G, B)"), self._row(self.later_bands))
        self.alignment_label = QLabel()
        self.alignment_label.setObjectName("mtrsAlignment")
        self.alignment_label.setWordWrap(True)
        form.addRow(self.alignment_label)
        layout.addWidget(box)

        # extent
        box = QGroupBox(tr("Extent"))
        form = QFormLayout(box)
        self.extent_mode = QComboBox()
        self.extent_mode.setObjectName("mtrsExtentMode")
        for key, label in (
            ("overlap", tr("Overlap of the two layers")),
            ("canvas", tr("Current map view")),
            ("drawn", tr("Rectangle drawn on the map")),
            ("polygons", tr("Polygons of a layer (selection)")),
        ):
            self.extent_mode.addItem(label, key)
        self.extent_mode.currentIndexChanged.connect(self._extent_mode_changed)
        form.addRow(tr("Analyse"), self.extent_mode)
        self.draw_button = QPushButton(tr("Draw rectangle"))
        self.draw_button.clicked.connect(self.start_drawing)
        form.addRow(self.draw_button)
        self.polygon_layer = QgsMapLayerComboBox()
        self.polygon_layer.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        form.addRow(tr("Polygon layer"), self.polygon_layer)
        self._extent_form = form
        layout.addWidget(box)

        # prompts
        box = QGroupBox(tr("What changed?"))
        v = QVBoxLayout(box)
        row = QHBoxLayout()
        self.prompt = QComboBox()
        self.prompt.setObjectName("mtrsPrompt")
        self.prompt.setEditable(True)
        self.prompt.setInsertPolicy(QComboBox.NoInsert)
        self.prompt.lineEdit().setPlaceholderText(tr("e.g. buildings destroyed along the tornado track"))
        self.prompt.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        row.addWidget(self.prompt, 1)
        self.examples_button = QToolButton()
        self.examples_button.setText(tr("Examples"))
        self.examples_button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.examples_button)
        for example in prompt_history.examples():
            menu.addAction(example, lambda text=example: self.prompt.setEditText(text))
        self.examples_button.setMenu(menu)
        row.addWidget(self.examples_button)
        v.addLayout(row)
        row = QHBoxLayout()
        self.add_prompt_button = QPushButton(tr("Add to list"))
        self.add_prompt_button.clicked.connect(self.add_prompt_to_list)
        self.remove_prompt_button = QPushButton(tr("Remove"))
        self.remove_prompt_button.clicked.connect(self._remove_prompt)
        row.addWidget(self.add_prompt_button)
        row.addWidget(self.remove_prompt_button)
        row.addStretch(1)
        v.addLayout(row)
        self.prompt_list = QListWidget()
        self.prompt_list.setObjectName("mtrsPromptList")
        self.prompt_list.setMaximumHeight(80)
        self.prompt_list.setToolTip(
            tr(
                "Several prompts run one after the other on the same images; "
                "the image features are computed once."
            )
        )
        v.addWidget(self.prompt_list)
        layout.addWidget(box)

        # model
        box = QGroupBox(tr("Model"))
        form = QFormLayout(box)
        self.model_kind = QComboBox()
        self.model_kind.setObjectName("mtrsModelKind")
        for key, label in (
            ("bundled", tr("Bundled model")),
            ("folder", tr("Local folder")),
            ("hub", tr("Hub id")),
        ):
            self.model_kind.addItem(label, key)
        self.model_kind.currentIndexChanged.connect(self._model_kind_changed)
        form.addRow(tr("Source"), self.model_kind)
        self.model_folder = QgsFileWidget()
        self.model_folder.setStorageMode(QgsFileWidget.GetDirectory)
        form.addRow(tr("Folder"), self.model_folder)
        self.model_hub = QLineEdit()
        self.model_hub.setPlaceholderText("owner/mtrefseg-r1")
        form.addRow(tr("Hub id"), self.model_hub)
        self._model_form = form
        self.estimate_label = QLabel()
        self.estimate_label.setObjectName("mtrsEstimate")
        self.estimate_label.setWordWrap(True)
        form.addRow(self.estimate_label)
        layout.addWidget(box)

        # advanced
        self.advanced = QgsCollapsibleGroupBox(tr("Advanced"))
        self.advanced.setObjectName("mtrsAdvanced")
        form = QFormLayout(self.advanced)
        self.tile = QSpinBox()
        self.tile.setRange(0, 4096)
        self.tile.setSingleStep(32)
        self.tile.setSpecialValueText(tr("model size"))
        form.addRow(tr("Tile size (px)"), self.tile)
        self.overlap = QSpinBox()
        self.overlap.setRange(0, 1024)
        form.addRow(tr("Tile overlap (px)"), self.overlap)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.01, 0.99)
        self.threshold.setSingleStep(0.05)
        form.addRow(tr("Probability threshold"), self.threshold)
        self.min_area = QDoubleSpinBox()
        self.min_area.setRange(0, 1e9)
        self.min_area.setSuffix(" m²")
        form.addRow(tr("Minimum area"), self.min_area)
        self.simplify = QDoubleSpinBox()
        self.simplify.setRange(0, 1e6)
        self.simplify.setDecimals(2)
        form.addRow(tr("Simplify (map units)"), self.simplify)
        self.output = QgsFileWidget()
        self.output.setObjectName("mtrsOutput")
        self.output.setStorageMode(QgsFileWidget.SaveFile)
        self.output.setFilter(tr("GeoPackage (*.gpkg)"))
        self.output.lineEdit().setPlaceholderText(tr("[temporary GeoPackage]"))
        form.addRow(tr("Output file"), self.output)
        self.load_probabilities = QPushButton(tr("Load probability raster"))
        self.load_probabilities.setCheckable(True)
        form.addRow(self.load_probabilities)
        for w in (self.tile, self.overlap):
            w.valueChanged.connect(self._update_alignment)
        layout.addWidget(self.advanced)

        # run
        self.progress = QProgressBar()
        self.progress.setObjectName("mtrsProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.status_label = QLabel()
        self.status_label.setObjectName("mtrsStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        row = QHBoxLayout()
        self.run_button = QPushButton(tr("Run"))
        self.run_button.setObjectName("mtrsRun")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("mtrsCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.run_button, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)

    @staticmethod
    def _row(widgets: list[QWidget]) -> QWidget:
        holder = QWidget()
        h = QHBoxLayout(holder)
        h.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            h.addWidget(w)
        return holder

    # -- state -----------------------------------------------------------------------------------------
    def restore_state(self) -> None:
        """Put the stored options back into the widgets (QGIS restart keeps the analyst's choices)."""
        opts = settings.load()
        self.model_kind.setCurrentIndex(max(0, self.model_kind.findData(opts.model_kind)))
        self.model_folder.setFilePath(opts.model_folder)
        self.model_hub.setText(opts.model_hub_id)
        self.tile.setValue(opts.tile)
        self.overlap.setValue(opts.overlap)
        self.threshold.setValue(opts.threshold)
        self.min_area.setValue(opts.min_area)
        self.simplify.setValue(opts.simplify)
        self.output.setFilePath(opts.output)
        self.load_probabilities.setChecked(opts.load_probabilities)
        self.extent_mode.setCurrentIndex(max(0, self.extent_mode.findData(opts.extent_mode)))
        self.advanced.setCollapsed(opts.advanced_collapsed)
        self._extent_mode_changed()
        self._model_kind_changed()
        self._reload_history()
        self._layers_changed()

    def save_state(self) -> None:
        opts = settings.load()
        opts.model_kind = self.model_kind.currentData()
        opts.model_folder = self.model_folder.filePath()
        opts.model_hub_id = self.model_hub.text().strip()
        opts.tile = self.tile.value()
        opts.overlap = self.overlap.value()
        opts.threshold = self.threshold.value()
        opts.min_area = self.min_area.value()
        opts.simplify = self.simplify.value()
        opts.output = self.output.filePath()
        opts.load_probabilities = self.load_probabilities.isChecked()
        opts.extent_mode = self.extent_mode.currentData()
        opts.advanced_collapsed = self.advanced.isCollapsed()
        settings.save(opts)

    def _reload_history(self) -> None:
        text = self.prompt.currentText()
        self.prompt.clear()
        self.prompt.addItems(prompt_history.load())
        self.prompt.setEditText(text)

    # -- engine ----------------------------------------------------------------------------------------
    def refresh_engine(self, start_worker: bool = True) -> engine_env.EngineStatus:
        """Check the engine environment; show the set-up panel when it is not usable, else warm it up."""
        service.shutdown()
        status = service.resolve_interpreter()
        self.engine_status = status
        self.engine_panel.show_status(status)
        self.engine_panel.setVisible(not status.ok)
        self.run_button.setEnabled(status.ok and self.task is None)
        if not status.ok:
            self.badge.setText(tr("Engine: not installed – see the set-up below."))
            return status
        self.badge.setText(tr("Engine: starting…"))
        service.client(status)
        if start_worker and AUTO_START_ENGINE:
            self.request_status()
        return status

    def request_status(self) -> None:
        """Ask the worker (in a background task) for its device and cache state."""
        if self.status_task is not None:
            return
        self.status_task = StatusTask(self._status_received)
        QgsApplication.taskManager().addTask(self.status_task)

    def _status_received(self, status: dict[str, Any] | None, error) -> None:
        self.status_task = None
        if error is not None:
            self.badge.setText(tr("Engine failed to start: {message}").format(message=error.message))
            self.badge.setToolTip(error.detail or "")
            return
        self.worker_status = status
        self.badge.setText(device_text(status or {}))
        self._update_alignment()

    # -- reactions -------------------------------------------------------------------------------------
    def _layers_changed(self, *_args) -> None:
        for combo, bands in ((self.earlier, self.earlier_bands), (self.later, self.later_bands)):
            layer = combo.currentLayer()
            defaults = default_bands(layer if isinstance(layer, QgsRasterLayer) else None)
            for band_combo, band in zip(bands, defaults, strict=True):
                band_combo.blockSignals(True)
                band_combo.setLayer(layer)
                band_combo.setBand(band)
                band_combo.blockSignals(False)
        self._update_alignment()

    def _extent_mode_changed(self, *_args) -> None:
        mode = self.extent_mode.currentData()
        self.draw_button.setVisible(mode == "drawn")
        self.polygon_layer.setVisible(mode == "polygons")
        label = self._extent_form.labelForField(self.polygon_layer)
        if label is not None:
            label.setVisible(mode == "polygons")
        self._update_alignment()

    def _model_kind_changed(self, *_args) -> None:
        kind = self.model_kind.currentData()
        for widget, key in ((self.model_folder, "folder"), (self.model_hub, "hub")):
            widget.setVisible(kind == key)
            label = self._model_form.labelForField(widget)
            if label is not None:
                label.setVisible(kind == key)

    def model_tile(self) -> int:
        if self.tile.value() > 0:
            return self.tile.value()
        model = (self.worker_status or {}).get("model") or {}
        return int(model.get("image_size") or DEFAULT_TILE)

    def _update_alignment(self, *_args) -> None:
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        if not isinstance(earlier, QgsRasterLayer) or not isinstance(later, QgsRasterLayer):
            self.alignment_label.setText(tr("Choose an earlier and a later raster layer."))
            self.estimate_label.setText("")
            return
        try:
            rect = self.request_extent(earlier).rectangle()
        except ExtentError:
            rect = None
        report = alignment.check_layers(earlier, later, self.model_tile(), self.overlap.value(), rect)
        self.alignment_label.setText(alignment.describe(report))
        self.estimate_label.setText(self.estimate_text(report.tiles_estimate))

    def estimate_text(self, tiles: int) -> str:
        if tiles <= 0:
            return ""
        per_tile = settings.load().seconds_per_tile
        prompts = max(1, self.prompt_list.count())
        if per_tile > 0:
            return tr("About {tiles} tiles, roughly {seconds:.0f} s for {prompts} prompt(s).").format(
                tiles=tiles, seconds=tiles * per_tile * prompts, prompts=prompts
            )
        return tr("About {tiles} tiles.").format(tiles=tiles)

    def add_prompt_to_list(self) -> None:
        text = self.prompt.currentText().strip()
        if text and not self.prompt_list.findItems(text, Qt.MatchExactly):
            self.prompt_list.addItem(text)
            self.prompt.setEditText("")
        self._update_alignment()

    def _remove_prompt(self) -> None:
        for item in self.prompt_list.selectedItems():
            self.prompt_list.takeItem(self.prompt_list.row(item))

    # -- extent tools ----------------------------------------------------------------------------------
    def start_drawing(self) -> None:
        canvas = self.iface.mapCanvas()
        self._previous_tool = canvas.mapTool()
        self._extent_tool = QgsMapToolExtent(canvas)
        self._extent_tool.extentChanged.connect(self.set_drawn_extent)
        canvas.setMapTool(self._extent_tool)

    def set_drawn_extent(self, rect: QgsRectangle, crs=None) -> None:
        """Store a rectangle (in the canvas CRS unless `crs` is given) as the drawn extent."""
        canvas = self.iface.mapCanvas()
        self.drawn_rect = QgsRectangle(rect)
        self.drawn_crs = crs or canvas.mapSettings().destinationCrs()
        if self._extent_tool is not None and self._previous_tool is not None:
            canvas.setMapTool(self._previous_tool)
        self._extent_tool = None
        self._update_alignment()

    def request_extent(self, earlier: QgsRasterLayer) -> RequestExtent:
        mode = self.extent_mode.currentData()
        crs = earlier.crs()
        if mode == "canvas":
            canvas = self.iface.mapCanvas()
            return from_rectangle(canvas.extent(), canvas.mapSettings().destinationCrs(), crs)
        if mode == "drawn":
            return from_rectangle(self.drawn_rect, self.drawn_crs or crs, crs)
        if mode == "polygons":
            return from_polygons(self.polygon_layer.currentLayer(), crs)
        return RequestExtent()

    # -- run -------------------------------------------------------------------------------------------
    def prompts(self) -> list[str]:
        listed = [self.prompt_list.item(i).text() for i in range(self.prompt_list.count())]
        if listed:
            return listed
        text = self.prompt.currentText().strip()
        return [text] if text else []

    def model_source(self) -> str | None:
        kind = self.model_kind.currentData()
        if kind == "folder":
            path = self.model_folder.filePath().strip()
            if not path:
                raise DockInputError(tr("Choose the folder of the model checkpoint."))
            return path
        if kind == "hub":
            hub = self.model_hub.text().strip()
            if not hub:
                raise DockInputError(tr("Enter the hub id of the model (owner/name)."))
            return hub
        return None

    def output_paths(self, prompts: list[str]) -> list[str]:
        """Where each prompt's GeoPackage goes: the chosen file (numbered when several) or temp files."""
        chosen = self.output.filePath().strip()
        if chosen:
            if not chosen.lower().endswith(".gpkg"):
                chosen += ".gpkg"
            if len(prompts) == 1:
                return [chosen]
            stem = chosen[:-5]
            return [f"{stem}_{i + 1}.gpkg" for i in range(len(prompts))]
        folder = QgsProcessingUtils.tempFolder()
        stamp = time.strftime("%Y%m%d_%H%M%S")
        out = []
        for i, prompt in enumerate(prompts):
            slug = re.sub(r"[^A-Za-z0-9]+", "_", prompt).strip("_")[:40] or "change"
            path = os.path.join(folder, f"mtrs_{slug}_{stamp}_{i + 1}.gpkg")
            n = 1
            while os.path.exists(path):
                n += 1
                path = os.path.join(folder, f"mtrs_{slug}_{stamp}_{i + 1}_{n}.gpkg")
            out.append(path)
        return out

    def build_jobs(self) -> list[Job]:
        """The AnalysisRequests for the current dock state; raises DockInputError/LayerError/ExtentError."""
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        if not isinstance(earlier, QgsRasterLayer) or not isinstance(later, QgsRasterLayer):
            raise DockInputError(tr("Choose an earlier and a later raster layer."))
        prompts = self.prompts()
        if not prompts:
            raise DockInputError(tr("Type what changed, e.g. 'new buildings'."))
        base = {
            "earlier": raster_path(earlier),
            "later": raster_path(later),
            "model": self.model_source(),
            "bands_earlier": [b.currentBand() for b in self.earlier_bands],
            "bands_later": [b.currentBand() for b in self.later_bands],
            "tile": self.tile.value() or None,
            "overlap": self.overlap.value(),
            "threshold": self.threshold.value(),
            "min_area": self.min_area.value(),
            "simplify": self.simplify.value(),
            "device": settings.load().device,
            "overwrite": bool(self.output.filePath().strip()),
        }
        base.update(self.request_extent(earlier).as_request())
        jobs = []
        for prompt, path in zip(prompts, self.output_paths(prompts), strict=True):
            request = dict(base, prompts=[prompt], output=path)
            request["probabilities"] = (
                path[:-5] + "_probability.tif" if self.load_probabilities.isChecked() else None
            )
            jobs.append(Job(prompt, request))
        return jobs

    def run(self) -> AnalysisTask | None:
        """Start the analysis task; returns it (tests wait on it), or None when the input is not usable."""
        if self.task is not None:
            return None
        try:
            jobs = self.build_jobs()
        except (DockInputError, LayerError, ExtentError) as exc:
            self.status_label.setText(str(exc))
            self.iface.messageBar().pushWarning(tr("MTRS"), str(exc))
            return None
        self.save_state()
        for job in jobs:
            prompt_history.remember(job.label)
        self._reload_history()
        if self.engine_status is None or not self.engine_status.ok:
            status = self.refresh_engine(start_worker=False)
            if not status.ok:
                self.status_label.setText(tr("Set up the engine first (see above)."))
                return None
        self.task = AnalysisTask(jobs, self._task_done)
        self.task.message.connect(self.status_label.setText)
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.progress.setValue(0)
        self.status_label.setText(tr("Starting…"))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def cancel(self) -> None:
        if self.task is not None:
            self.status_label.setText(tr("Cancelling…"))
            self.task.cancel()

    def _task_done(self, outcome: TaskOutcome) -> None:
        self.task = None
        self.last_outcome = outcome
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        bar = self.iface.messageBar()
        if outcome.restarted:
            bar.pushWarning(tr("MTRS"), tr("The engine had stopped unexpectedly and was restarted."))
        if outcome.cancelled:
            self.progress.setValue(0)
            self.status_label.setText(tr("Cancelled. No output was written."))
            bar.pushInfo(tr("MTRS"), tr("Analysis cancelled."))
            return
        if outcome.error is not None:
            err = outcome.error
            self.progress.setValue(0)
            text = err.message + (f"\n{err.hint}" if err.hint else "")
            self.status_label.setText(text)
            bar.pushCritical(tr("MTRS"), text)
            return
        self.last_layers = []
        messages = []
        tiles = 0
        for job, result in outcome.results:
            try:
                self.last_layers.extend(result_layers.add_result(result, job.label))
            except result_layers.ResultError as exc:
                bar.pushCritical(tr("MTRS"), str(exc))
                continue
            messages.append(result_layers.summary(result, job.label))
            tiles += int(result.get("tiles") or 0)
        if tiles and outcome.seconds > 0:
            opts = settings.load()
            opts.seconds_per_tile = outcome.seconds / tiles
            settings.save(opts)
        self.progress.setValue(100)
        text = "\n".join(messages)
        self.status_label.setText(text)
        bar.pushSuccess(tr("MTRS"), text)
        self.request_status()

    # -- teardown --------------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        self.save_state()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Cancel running work and disconnect project signals (plugin unload)."""
        # tasks outlive the dock: make sure they never call back into a deleted widget
        for task in (self.task, self.status_task):
            if task is not None:
                task.on_done = None
        if self.task is not None:
            self.task.cancel()
        with contextlib.suppress(TypeError):
            QgsProject.instance().readProject.disconnect(self._reload_history)
        if self._extent_tool is not None:
            self.iface.mapCanvas().unsetMapTool(self._extent_tool)


def device_text(status: dict[str, Any]) -> str:
    """Badge text from the worker status: what will run, on which device."""
    device = str(status.get("device") or "cpu")
    name = status.get("device_name") or ""
    if device.startswith("cuda"):
        text = tr("Runs on GPU: {name}").format(name=name or device)
    elif device == "mps":
        text = tr("Runs on Apple GPU (MPS)")
    else:
        text = tr("Runs on CPU{name} – no GPU found; large areas will be slow.").format(
            name=f" ({name})" if name else ""
        )
    cache = status.get("cache") or {}
    if cache.get("entries"):
        text += " " + tr("Cached image features: {n}.").format(n=cache["entries"])
    return text

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
    Qgis,
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
from qgis.PyQt.QtCore import Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
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

from ..engine import contract
from . import (
    alignment,
    engine_env,
    pairing,
    presence,
    prompt_history,
    result_layers,
    service,
    settings,
    ui_helpers,
    user_models,
)
from .analysis_task import AlignmentTask, AnalysisTask, Job, StatusTask, TaskOutcome
from .engine_panel import EnginePanel
from .extent import ExtentError, RequestExtent, from_polygons, from_rectangle
from .i18n import engine_error, tr
from .layers import LayerError, default_bands, raster_path

#: Item data of a user model in the model list: the prefix, then the model's registered name.
USER_PREFIX = "user:"
#: Seconds per tile measured in THIS session, per (model, device): a figure from another day, model or
#: device would mislead, so there is no time estimate before the first run of a session.
SESSION_SECONDS_PER_TILE: dict[tuple[str, str], float] = {}
#: The user guide the Help button opens (shipped in the plugin zip; the repository page otherwise).
HELP_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "PLUGIN.md")
HELP_URL = "https://github.com/mtrs-qgis/mtrs-qgis/blob/main/docs/PLUGIN.md"
ALIGNMENT_DELAY_MS = 300  # wait for the analyst to stop clicking before asking the worker
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
        self._message_item = None  # the dock's current message-bar item: replaced, never stacked
        self._note_items: list = []  # notes shown beside it (absent prompts), cleared with it
        self.pair_problem = ""  # why Run is disabled ("" when the pair can be analysed)
        self.worker_alignment: dict[str, Any] | None = None
        self.alignment_task: AlignmentTask | None = None
        self._alignment_generation = 0
        self._alignment_timer = QTimer(self)
        self._alignment_timer.setSingleShot(True)
        self._alignment_timer.setInterval(ALIGNMENT_DELAY_MS)
        self._alignment_timer.timeout.connect(self.request_worker_alignment)
        self._run_started = 0.0
        self._run_timing_key: tuple[str, str] = ("", "")
        self._build()
        self.restore_state()
        QgsProject.instance().readProject.connect(self._reload_history)
        QgsProject.instance().layersAdded.connect(self._project_layers_added)

    # -- construction --------------------------------------------------------------------------------------
    def _build(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # narrow docks shrink widgets, never clip
        body = QWidget()
        scroll.setWidget(body)
        self.setWidget(scroll)
        layout = QVBoxLayout(body)
        self.scroll = scroll
        self.body = body

        # engine: badge + set-up panel, Help on the right
        row = QHBoxLayout()
        self.badge = QLabel(tr("Engine: not started"))
        self.badge.setObjectName("mtrsDeviceBadge")
        self.badge.setWordWrap(True)
        row.addWidget(self.badge, 1)
        self.help_button = QToolButton()
        self.help_button.setObjectName("mtrsHelp")
        self.help_button.setText(tr("Help"))
        self.help_button.setToolTip(tr("Open the user guide of the plugin."))
        self.help_button.clicked.connect(self.open_help)
        row.addWidget(self.help_button, 0, Qt.AlignTop)
        layout.addLayout(row)
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
        self.earlier.setToolTip(tr("The image taken before the change."))
        self.later.setToolTip(tr("The image taken after the change; it must overlap the earlier one."))
        self._pair_tooltips = (self.earlier.toolTip(), self.later.toolTip())
        self.pair_note = ""  # why the boxes were pre-filled with this pair (shown in their tooltips)
        self._prefilled: tuple[str, str] | None = None
        for bands in (self.earlier_bands, self.later_bands):
            for b, colour in zip(bands, (tr("red"), tr("green"), tr("blue")), strict=True):
                b.setToolTip(tr("Band shown to the model as {colour}.").format(colour=colour))
        form.addRow(tr("Earlier"), self.earlier)
        form.addRow(tr("Bands (R, G, B)"), self._row(self.earlier_bands))
        form.addRow(tr("Later"), self.later)
        form.addRow(tr("Bands (R, G, B)"), self._row(self.later_bands))
        self.alignment_label = QLabel()
        self.alignment_label.setObjectName("mtrsAlignment")
        self.alignment_label.setWordWrap(True)
        self._reserve_lines(self.alignment_label, 3)
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
        self.prompt.setToolTip(
            tr("Describe the change to find, in plain words; earlier prompts of this project are listed.")
        )
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
        row = QHBoxLayout()
        self.model_kind = QComboBox()
        self.model_kind.setObjectName("mtrsModelKind")
        self.model_kind.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.model_kind.setMinimumContentsLength(12)
        self.model_kind.currentIndexChanged.connect(self._model_kind_changed)
        row.addWidget(self.model_kind, 1)
        self.remove_model_button = QToolButton()
        self.remove_model_button.setObjectName("mtrsRemoveModel")
        self.remove_model_button.setText(tr("Remove"))
        self.remove_model_button.setToolTip(tr("Forget this model in the list (its folder is not deleted)."))
        self.remove_model_button.clicked.connect(self.remove_user_model)
        row.addWidget(self.remove_model_button)
        form.addRow(tr("Model"), row)
        self.model_note = QLabel()
        self.model_note.setObjectName("mtrsModelNote")
        self.model_note.setWordWrap(True)
        form.addRow(self.model_note)
        self.model_folder = QgsFileWidget()
        self.model_folder.setStorageMode(QgsFileWidget.GetDirectory)
        form.addRow(tr("Folder"), self.model_folder)
        self.model_hub = QLineEdit()
        self.model_hub.setPlaceholderText("owner/mtrefseg-r1")
        form.addRow(tr("Hub id"), self.model_hub)
        self._model_form = form
        self.populate_models()
        user_models.notifier().changed.connect(self._user_models_changed)
        self.estimate_label = QLabel()
        self.estimate_label.setObjectName("mtrsEstimate")
        self.estimate_label.setWordWrap(True)
        self._reserve_lines(self.estimate_label, 2)
        form.addRow(self.estimate_label)
        layout.addWidget(box)

        # advanced
        self.advanced = QgsCollapsibleGroupBox(tr("Advanced"))
        self.advanced.setObjectName("mtrsAdvanced")
        form = QFormLayout(self.advanced)
        # ranges, steps and the "null" value of each option: engine.contract, like Processing and the CLI
        self.tile = QSpinBox()
        self.tile.setRange(*contract.ui_range("tile"))
        self.tile.setSingleStep(contract.TILE_MULTIPLE)
        self.tile.setSpecialValueText(tr("model size"))
        self.tile.setToolTip(tr("Side of the square pieces the image is cut into; 0 uses the model's size."))
        form.addRow(tr("Tile size (px)"), self.tile)
        self.overlap = QSpinBox()
        self.overlap.setRange(*contract.ui_range("overlap"))
        self.overlap.setToolTip(tr("Pixels shared by neighbouring tiles, blended to hide tile seams."))
        form.addRow(tr("Tile overlap (px)"), self.overlap)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(*contract.ui_range("threshold"))
        self.threshold.setSingleStep(0.05)
        self.threshold.setToolTip(
            tr("A pixel counts as changed above this probability; lower finds more, with more false alarms.")
        )
        form.addRow(tr("Probability threshold"), self.threshold)
        self.presence_threshold = QDoubleSpinBox()
        self.presence_threshold.setObjectName("mtrsPresenceThreshold")
        self.presence_threshold.setRange(*contract.ui_range("presence_threshold"))
        self.presence_threshold.setSingleStep(0.05)
        self.presence_threshold.setSpecialValueText(tr("off"))
        self.presence_threshold.setToolTip(
            tr(
                "Models that judge whether the described change exists at all: below this confidence a "
                "prompt counts as not found and its layer stays empty. 0 turns the check off."
            )
        )
        form.addRow(tr("Presence threshold"), self.presence_threshold)
        self.min_area = QDoubleSpinBox()
        self.min_area.setRange(*contract.ui_range("min_area"))
        self.min_area.setSuffix(" m²")
        self.min_area.setToolTip(
            tr("Polygons smaller than this are dropped: single-pixel specks are noise. 0 keeps everything.")
        )
        form.addRow(tr("Minimum area"), self.min_area)
        self.simplify = QDoubleSpinBox()
        self.simplify.setRange(*contract.ui_range("simplify"))
        self.simplify.setDecimals(2)
        self.simplify.setToolTip(tr("Smooth polygon outlines by this tolerance; 0 keeps the pixel edges."))
        form.addRow(tr("Simplify (map units)"), self.simplify)
        self.output = QgsFileWidget()
        self.output.setObjectName("mtrsOutput")
        self.output.setStorageMode(QgsFileWidget.SaveFile)
        self.output.setFilter(tr("GeoPackage (*.gpkg)"))
        self.output.lineEdit().setPlaceholderText(tr("[temporary GeoPackage]"))
        self.output.setToolTip(
            tr(
                "Where the polygons are saved. An existing file is never overwritten: the next run writes "
                "a numbered file beside it. Empty: a temporary file, lost when QGIS closes."
            )
        )
        form.addRow(tr("Output file"), self.output)
        self.save_next_to_project = QCheckBox(tr("Save results next to the project"))
        self.save_next_to_project.setObjectName("mtrsSaveNextToProject")
        self.save_next_to_project.setToolTip(
            tr(
                "With no output file chosen, write the results into a folder 'mtrs_results' beside the saved "
                "project instead of temporary files that are lost when QGIS closes."
            )
        )
        form.addRow(self.save_next_to_project)
        self.load_probabilities = QCheckBox(tr("Load probability raster"))
        self.load_probabilities.setObjectName("mtrsLoadProbabilities")
        self.load_probabilities.setToolTip(
            tr("Also add the per-pixel change probability as a raster layer (hidden at first).")
        )
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
        self._reserve_lines(self.status_label, 3)
        layout.addWidget(self.status_label)
        self.time_label = QLabel()
        self.time_label.setObjectName("mtrsTime")
        self._reserve_lines(self.time_label, 1)
        layout.addWidget(self.time_label)
        row = QHBoxLayout()
        self.run_button = QPushButton(tr("Run"))
        self.run_button.setObjectName("mtrsRun")
        self.run_button.setDefault(True)
        self.run_button.setToolTip(tr("Find the described change between the two images."))
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setObjectName("mtrsCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.run_button, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)

        # a wheel over the dock scrolls it; values change only in the widget the analyst clicked into
        self.wheel_guard = ui_helpers.WheelGuard(scroll.verticalScrollBar(), self)
        self.wheel_guard.guard(body)
        # wide enough for every row at its minimum: the dock is never clipped on first open
        self.setMinimumWidth(
            body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4
        )

    @staticmethod
    def _reserve_lines(label: QLabel, lines: int) -> None:
        """Fixed room for a message label so changing text never makes the layout jump."""
        label.setMinimumHeight(label.fontMetrics().lineSpacing() * lines + 4)
        label.setAlignment(Qt.AlignLeft | Qt.AlignTop)

    def open_help(self) -> bool:
        """Open the user guide (the copy in the plugin folder, else the repository page)."""
        return QDesktopServices.openUrl(self.help_url())

    @staticmethod
    def help_url() -> QUrl:
        return QUrl.fromLocalFile(HELP_FILE) if os.path.isfile(HELP_FILE) else QUrl(HELP_URL)

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
        self.select_model(opts.model_kind, opts.model_user)
        self.model_folder.setFilePath(opts.model_folder)
        self.model_hub.setText(opts.model_hub_id)
        self.tile.setValue(opts.tile)
        self.overlap.setValue(opts.overlap)
        self.threshold.setValue(opts.threshold)
        self.presence_threshold.setValue(opts.presence_threshold)
        self.min_area.setValue(opts.min_area)
        self.simplify.setValue(opts.simplify)
        self.load_probabilities.setChecked(opts.load_probabilities)
        self.save_next_to_project.setChecked(opts.save_next_to_project)
        self.extent_mode.setCurrentIndex(max(0, self.extent_mode.findData(opts.extent_mode)))
        self.advanced.setCollapsed(opts.advanced_collapsed)
        self._extent_mode_changed()
        self._model_kind_changed()
        self._reload_history()
        self.prefill_layers()
        self._layers_changed()

    def save_state(self) -> None:
        opts = settings.load()
        opts.model_kind, opts.model_user = self.model_choice()
        opts.model_folder = self.model_folder.filePath()
        opts.model_hub_id = self.model_hub.text().strip()
        opts.tile = self.tile.value()
        opts.overlap = self.overlap.value()
        opts.threshold = self.threshold.value()
        opts.presence_threshold = self.presence_threshold.value()
        opts.min_area = self.min_area.value()
        opts.simplify = self.simplify.value()
        opts.load_probabilities = self.load_probabilities.isChecked()
        opts.save_next_to_project = self.save_next_to_project.isChecked()
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
        self._update_run_enabled()
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
            message = engine_error(error.message)
            self.badge.setText(tr("Engine failed to start: {message}").format(message=message))
            self.badge.setToolTip(error.detail or "")
            return
        self.worker_status = status
        self.badge.setText(device_text(status or {}))
        self._update_alignment()

    # -- reactions -------------------------------------------------------------------------------------
    def prefill_layers(self, force: bool = False) -> bool:
        """Choose earlier/later from the project's rasters (acquisition dates in their metadata, then dates
        and pre/post words in the names); the combo boxes' tooltips say which rule chose the pair.

        Done when the boxes are empty or show the same layer (a fresh dock, a restart, new layers), or when
        `force`; a distinct pair the analyst chose is kept. Returns True when the boxes were changed."""
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        if not force and earlier is not None and later is not None and earlier.id() != later.id():
            return False
        layers = [
            lyr
            for lyr in QgsProject.instance().mapLayers().values()
            if isinstance(lyr, QgsRasterLayer) and lyr.isValid()
        ]
        layers.sort(key=lambda lyr: lyr.name().lower())
        dates = [pairing.layer_date(lyr) for lyr in layers]
        choice = pairing.choose_pair([lyr.name() for lyr in layers], dates)
        if choice is None:
            return False
        if choice.reason == "metadata":
            note = tr("Pre-filled by acquisition dates in the metadata ({earlier} and {later}).").format(
                earlier=dates[choice.earlier].strftime("%Y-%m-%d %H:%M"),
                later=dates[choice.later].strftime("%Y-%m-%d %H:%M"),
            )
        elif choice.reason == "name dates":
            note = tr("Pre-filled by the dates in the layer names.")
        elif choice.reason == "name words":
            note = tr("Pre-filled by words such as pre/post or before/after in the layer names.")
        else:
            note = tr("Pre-filled in the order of the layer names: check which image is the earlier one.")
        self.pair_note = note
        self._prefilled = (layers[choice.earlier].id(), layers[choice.later].id())
        self.earlier.setLayer(layers[choice.earlier])
        self.later.setLayer(layers[choice.later])
        self._show_pair_note()
        return True

    def _show_pair_note(self) -> None:
        """Add the pre-fill reason to the boxes' tooltips while they still show the pre-filled pair."""
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        current = (earlier.id(), later.id()) if earlier is not None and later is not None else None
        note = self.pair_note if current is not None and current == self._prefilled else ""
        for combo, base in zip((self.earlier, self.later), self._pair_tooltips, strict=True):
            combo.setToolTip(f"{base}\n{note}" if note else base)

    def _project_layers_added(self, _layers) -> None:
        self.prefill_layers()

    def _layers_changed(self, *_args) -> None:
        self._show_pair_note()
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

    # -- model list ------------------------------------------------------------------------------------
    def populate_models(self) -> None:
        """Fill the model list: the bundled model, the user's models by name, then the
        choices of another folder or a hub id. The current choice survives a refill."""
        kind, name = self.model_choice() if self.model_kind.count() else ("bundled", "")
        self.model_kind.blockSignals(True)
        self.model_kind.clear()
        self.model_kind.addItem(tr("Bundled lite model (small, general)"), "bundled")
        self.model_kind.setItemData(
            0,
            tr(
                "A small model with pretrained image and sentence encoders, trained on a CPU on a few "
                "hundred sample image pairs; its model card lists what it gets right and wrong. Check its "
                "results."
            ),
            Qt.ToolTipRole,
        )
        entries = user_models.load()
        if entries:
            self.model_kind.insertSeparator(self.model_kind.count())
        for entry in entries:
            label = entry.name if entry.is_available() else tr("{name} (missing)").format(name=entry.name)
            self.model_kind.addItem(label, USER_PREFIX + entry.name)
            self.model_kind.setItemData(self.model_kind.count() - 1, entry.path, Qt.ToolTipRole)
        self.model_kind.insertSeparator(self.model_kind.count())
        self.model_kind.addItem(tr("Other folder…"), "folder")
        self.model_kind.addItem(tr("Hub id…"), "hub")
        self.model_kind.blockSignals(False)
        self.select_model(kind, name)

    def select_model(self, kind: str, name: str = "") -> None:
        """Select a stored choice; a user model removed from the list falls back to the bundled one."""
        data = USER_PREFIX + name if kind == "user" else kind
        index = self.model_kind.findData(data)
        self.model_kind.setCurrentIndex(index if index >= 0 else 0)
        self._model_kind_changed()

    def model_choice(self) -> tuple[str, str]:
        """("bundled" | "folder" | "hub" | "user", name of the user model or "")."""
        data = str(self.model_kind.currentData() or "bundled")
        if data.startswith(USER_PREFIX):
            return "user", data[len(USER_PREFIX) :]
        return data, ""

    def _user_models_changed(self) -> None:
        self.populate_models()

    def remove_user_model(self) -> None:
        kind, name = self.model_choice()
        if kind == "user":
            user_models.remove(name)  # notifies: the list is refilled and falls back to the bundled model

    def _model_kind_changed(self, *_args) -> None:
        kind, name = self.model_choice()
        for widget, key in ((self.model_folder, "folder"), (self.model_hub, "hub")):
            widget.setVisible(kind == key)
            label = self._model_form.labelForField(widget)
            if label is not None:
                label.setVisible(kind == key)
        self.remove_model_button.setVisible(kind == "user")
        self.model_note.setText(self.model_note_text(kind, name))

    @staticmethod
    def model_note_text(kind: str, name: str) -> str:
        """One honest line about the chosen model."""
        if kind == "bundled":
            return tr(
                "A small general model trained on sample data: check its results, and fine-tune it on your "
                "own labelled changes for real work (Processing ▸ MTRS ▸ Adapt the model)."
            )
        if kind != "user":
            return ""
        entry = user_models.find(name)
        if entry is None:
            return ""
        if not entry.is_available():
            return tr(
                "The folder of this model is missing: {path}. Choose another model, or Remove to forget it."
            ).format(path=entry.path)
        base = entry.base if entry.base not in ("", "bundled") else tr("the bundled model")
        text = tr("Your model, fine-tuned from {base}.").format(base=base)
        figures = validation_text(entry.validation or {})
        if figures:
            text += " " + tr("Validation: {figures}.").format(figures=figures)
        return text

    def _update_alignment(self, *_args) -> None:
        """Local preview at once (metadata only), then the worker's own check; Run follows the verdict."""
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        self.worker_alignment = None
        self._alignment_generation += 1
        if not isinstance(earlier, QgsRasterLayer) or not isinstance(later, QgsRasterLayer):
            self.pair_problem = tr("Choose an earlier and a later raster layer.")
            self.alignment_label.setText(self.pair_problem)
            self.estimate_label.setText("")
            self._update_run_enabled()
            return
        if earlier.id() == later.id() or _same_file(earlier, later):
            self.pair_problem = tr(
                "The earlier and the later raster are the same image: there is nothing to compare. "
                "Choose the image taken before the change as earlier and the one after it as later."
            )
            self.alignment_label.setText(self.pair_problem)
            self.estimate_label.setText("")
            self._update_run_enabled()
            return
        try:
            rect = self.request_extent(earlier).rectangle()
        except ExtentError:
            rect = None
        report = alignment.check_layers(earlier, later, rect)
        self.alignment_label.setText(alignment.describe(report))
        self.pair_problem = alignment.describe(report) if report.overlap_area_m2 <= 0 else ""
        # the tile count comes from the engine (same tiling rule and resolution as the run), never guessed
        self.estimate_label.setText(tr("Counting tiles…") if not self.pair_problem else "")
        self._update_run_enabled()
        if not self.pair_problem:
            self._alignment_timer.start()

    def alignment_params(self) -> dict[str, Any] | None:
        """The worker's check_alignment request for the current pair, or None when it cannot be built."""
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        try:
            params = contract.request_params(
                earlier=raster_path(earlier),
                later=raster_path(later),
                bands_earlier=[b.currentBand() for b in self.earlier_bands],
                bands_later=[b.currentBand() for b in self.later_bands],
                tile=self.tile.value() or None,
                overlap=self.overlap.value(),
                **self.request_extent(earlier).as_request(),
            )
        except (LayerError, ExtentError):
            return None
        return params

    def request_worker_alignment(self) -> AlignmentTask | None:
        """Ask the worker about the pair in the background (not while an analysis holds it)."""
        if self.task is not None or self.pair_problem:
            return None
        if self.engine_status is None or not self.engine_status.ok:
            self.estimate_label.setText("")
            return None
        params = self.alignment_params()
        if params is None:
            self.estimate_label.setText("")
            return None
        generation = self._alignment_generation
        task = AlignmentTask(params, lambda t: self._alignment_received(t, generation))
        self.alignment_task = task
        QgsApplication.taskManager().addTask(task)
        return task

    def _alignment_received(self, task: AlignmentTask, generation: int) -> None:
        if task is self.alignment_task:
            self.alignment_task = None
        if generation != self._alignment_generation:
            return  # the layers changed meanwhile; a newer check is on its way
        if task.error is not None:
            err = task.error
            if err.code == "input_error":
                self.pair_problem = engine_error(err.message, err.hint, sep=" ")
                self.alignment_label.setText(self.pair_problem)
            self.estimate_label.setText("")
            self._update_run_enabled()
            return
        data = task.result or {}
        self.worker_alignment = data
        report = alignment.AlignmentReport.from_worker(data)
        if report.overlap_area_m2 <= 0:
            self.pair_problem = tr(
                "The layers do not overlap (in the chosen extent): there is nothing to analyse."
            )
            self.alignment_label.setText(self.pair_problem)
        else:
            self.alignment_label.setText(alignment.describe(report))
        self.estimate_label.setText(self.estimate_text(report.tiles_estimate))
        self._update_run_enabled()

    def _update_run_enabled(self) -> None:
        ready = self.engine_status is None or self.engine_status.ok
        self.run_button.setEnabled(ready and self.task is None and not self.pair_problem)
        self.run_button.setToolTip(
            self.pair_problem or tr("Find the described change between the two images.")
        )

    def estimate_text(self, tiles: int) -> str:
        """The engine's tile count, and a time only when a run of this session measured one."""
        if tiles <= 0:
            return ""
        prompts = max(1, self.prompt_list.count())
        text = tr("{tiles} tiles per prompt.").format(tiles=ui_helpers.count(tiles))
        per_tile = SESSION_SECONDS_PER_TILE.get(self.timing_key())
        if per_tile:
            text += " " + tr("About {time} for {prompts} prompt(s), measured on this computer.").format(
                time=ui_helpers.duration(tiles * per_tile * prompts), prompts=ui_helpers.count(prompts)
            )
        return text

    def timing_key(self) -> tuple[str, str]:
        """Which measured speed applies: the model choice and the device."""
        kind, name = self.model_choice()
        source = name or (self.model_folder.filePath() if kind == "folder" else "")
        source = source or (self.model_hub.text() if kind == "hub" else "")
        return f"{kind}:{source}:{self.tile.value()}", settings.load().device

    def add_prompt_to_list(self) -> None:
        text = self.prompt.currentText().strip()
        if text and not self.prompt_list.findItems(text, Qt.MatchExactly):
            self.prompt_list.addItem(text)
            self.prompt.setEditText("")
        self._refresh_estimate()

    def _refresh_estimate(self) -> None:
        if self.worker_alignment is not None:
            self.estimate_label.setText(
                self.estimate_text(int(self.worker_alignment.get("tiles_estimate") or 0))
            )

    def _remove_prompt(self) -> None:
        for item in self.prompt_list.selectedItems():
            self.prompt_list.takeItem(self.prompt_list.row(item))
        self._refresh_estimate()

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
        kind, name = self.model_choice()
        if kind == "user":
            entry = user_models.find(name)
            if entry is None or not entry.is_available():
                raise DockInputError(
                    tr("The folder of your model '{name}' no longer exists. Choose another model.").format(
                        name=name
                    )
                )
            return entry.path
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
        """Where each prompt's GeoPackage goes: the chosen file (numbered when several) or temp files.

        A file that exists already is never overwritten: the run writes the next free numbered name beside
        it ("changes_2.gpkg"), so an earlier result (and the layer showing it) stays as it was."""
        chosen = self.output.filePath().strip()
        if chosen:
            if not chosen.lower().endswith(".gpkg"):
                chosen += ".gpkg"
            stem = chosen[:-5]
            wanted = [chosen] if len(prompts) == 1 else [f"{stem}_{i + 1}.gpkg" for i in range(len(prompts))]
            out: list[str] = []
            for path in wanted:
                out.append(free_path(path, taken=out))
            return out
        folder = self.results_folder()
        stamp = time.strftime("%Y%m%d_%H%M%S")
        out = []
        for i, prompt in enumerate(prompts):
            slug = re.sub(r"[^A-Za-z0-9]+", "_", prompt).strip("_")[:40] or "change"
            out.append(free_path(os.path.join(folder, f"mtrs_{slug}_{stamp}_{i + 1}.gpkg"), taken=out))
        return out

    def results_folder(self) -> str:
        """Folder of unnamed outputs: beside the saved project when asked (and possible), else temporary."""
        home = QgsProject.instance().absolutePath()
        if self.save_next_to_project.isChecked() and home:
            folder = os.path.join(home, "mtrs_results")
            try:
                os.makedirs(folder, exist_ok=True)
                return folder
            except OSError:
                pass  # read-only project folder: temporary files, as without the option
        return QgsProcessingUtils.tempFolder()

    def build_jobs(self) -> list[Job]:
        """The AnalysisRequests for the current dock state; raises DockInputError/LayerError/ExtentError."""
        earlier, later = self.earlier.currentLayer(), self.later.currentLayer()
        if not isinstance(earlier, QgsRasterLayer) or not isinstance(later, QgsRasterLayer):
            raise DockInputError(tr("Choose an earlier and a later raster layer."))
        prompts = self.prompts()
        if not prompts:
            raise DockInputError(tr("Type what changed, e.g. 'new buildings'."))
        base = contract.request_params(  # keys: the request fields of engine.contract
            earlier=raster_path(earlier),
            later=raster_path(later),
            model=self.model_source(),
            bands_earlier=[b.currentBand() for b in self.earlier_bands],
            bands_later=[b.currentBand() for b in self.later_bands],
            tile=self.tile.value() or None,
            overlap=self.overlap.value(),
            threshold=self.threshold.value(),
            presence_threshold=self.presence_threshold.value(),
            min_area=self.min_area.value(),
            simplify=self.simplify.value(),
            device=settings.load().device,
            overwrite=False,  # output_paths() picks names that do not exist
            **self.request_extent(earlier).as_request(),
        )
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
            if self.pair_problem:
                raise DockInputError(self.pair_problem)
            jobs = self.build_jobs()
        except (DockInputError, LayerError, ExtentError) as exc:
            self.status_label.setText(str(exc))
            self.push_message(str(exc), Qgis.Warning)
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
        self.task.progressChanged.connect(self._progress_changed)
        self.progress.setValue(0)
        self._run_started = time.monotonic()
        self._run_timing_key = self.timing_key()
        self.time_label.setText("")
        self.status_label.setText(tr("Starting…"))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def _progress_changed(self, value: float) -> None:
        """Progress bar plus elapsed and remaining time, extrapolated from the progress so far."""
        self.progress.setValue(int(value))
        if self._run_started <= 0:
            return
        self.time_label.setText(self.time_text(time.monotonic() - self._run_started, float(value)))

    @staticmethod
    def time_text(elapsed: float, percent: float) -> str:
        """'Elapsed 0:12, about 0:40 left' (no remaining time before the first progress)."""
        text = tr("Elapsed {time}").format(time=ui_helpers.duration(elapsed))
        if 0.5 <= percent < 100:
            remaining = elapsed * (100.0 - percent) / percent
            text += ", " + tr("about {time} left").format(time=ui_helpers.duration(remaining))
        return text

    def push_message(self, text: str, level=Qgis.Info, duration: int = 0) -> None:
        """Show `text` in the QGIS message bar, replacing the dock's previous message instead of stacking."""
        bar = self.iface.messageBar()
        for previous in [self._message_item, *self._note_items]:
            if previous is not None:
                with contextlib.suppress(RuntimeError, TypeError):
                    if previous in bar.items():
                        bar.popWidget(previous)
        self._message_item = None
        self._note_items = []
        if duration <= 0:
            duration = {Qgis.Success: 8, Qgis.Info: 8}.get(level, 0)
        bar.pushMessage(tr("MTRS"), text, level, duration)
        with contextlib.suppress(AttributeError):
            self._message_item = bar.currentItem()

    def push_note(self, text: str, level=Qgis.Info, duration: int = 0) -> None:
        """Show `text` beside the current message (not replacing it); the next push_message clears both."""
        bar = self.iface.messageBar()
        bar.pushMessage(tr("MTRS"), text, level, duration if duration > 0 else 15)
        with contextlib.suppress(AttributeError):
            self._note_items.append(bar.currentItem())

    def cancel(self) -> None:
        if self.task is not None:
            self.status_label.setText(tr("Cancelling…"))
            self.task.cancel()

    def _task_done(self, outcome: TaskOutcome) -> None:
        self.task = None
        self.last_outcome = outcome
        self.cancel_button.setEnabled(False)
        self._update_run_enabled()
        elapsed = time.monotonic() - self._run_started if self._run_started > 0 else outcome.seconds
        self._run_started = 0.0
        self.time_label.setText(tr("Took {time}").format(time=ui_helpers.duration(elapsed)))
        notes = []
        if outcome.restarted:
            notes.append(tr("The engine had stopped unexpectedly and was restarted."))
        if outcome.cancelled:
            self.progress.setValue(0)
            self.status_label.setText(tr("Cancelled. No output was written."))
            self.push_message(
                " ".join([*notes, tr("Analysis cancelled.")]), Qgis.Warning if notes else Qgis.Info
            )
            return
        if outcome.error is not None:
            err = outcome.error
            self.progress.setValue(0)
            text = engine_error(err.message, err.hint)
            self.status_label.setText(text)
            self.push_message(" ".join([*notes, text]), Qgis.Critical)
            return
        self.last_layers = []
        messages = []
        absent = []  # calm notes for prompts the model found nowhere (their layers are empty)
        level = Qgis.Warning if notes else Qgis.Success
        tiles = 0
        for job, result in outcome.results:
            try:
                self.last_layers.extend(result_layers.add_result(result, job.label))
            except result_layers.ResultError as exc:
                notes.append(str(exc))
                level = Qgis.Critical
                continue
            verdicts = presence.verdicts(result)
            absent.extend(presence.absence_note(p, verdicts[p]) for p in presence.absent_prompts(result))
            messages.append(result_layers.summary(result, job.label))
            tiles += int(result.get("tiles") or 0)
        if tiles and outcome.seconds > 0:
            SESSION_SECONDS_PER_TILE[self._run_timing_key] = outcome.seconds / tiles
        self.progress.setValue(100)
        self.status_label.setText("\n".join([*messages, *absent]))
        self.push_message(" ".join([*notes, *messages]), level)
        for note in absent:
            self.push_note(note, Qgis.Info)
        self._refresh_estimate()
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
        self._alignment_timer.stop()
        for task in (self.alignment_task,):
            if task is not None:
                task.on_done = None
        with contextlib.suppress(TypeError):
            QgsProject.instance().readProject.disconnect(self._reload_history)
        with contextlib.suppress(TypeError):
            QgsProject.instance().layersAdded.disconnect(self._project_layers_added)
        with contextlib.suppress(TypeError):
            user_models.notifier().changed.disconnect(self._user_models_changed)
        if self._extent_tool is not None:
            self.iface.mapCanvas().unsetMapTool(self._extent_tool)


def free_path(path: str, taken: list[str] | None = None) -> str:
    """`path` if no file (and no earlier job of this run) uses it, else `stem_2.gpkg`, `stem_3.gpkg`…"""
    taken = taken or []
    stem, ext = os.path.splitext(path)
    candidate, n = path, 1
    while os.path.exists(candidate) or candidate in taken:
        n += 1
        candidate = f"{stem}_{n}{ext}"
    return candidate


def _same_file(earlier: QgsRasterLayer, later: QgsRasterLayer) -> bool:
    """Two layers reading one file (added twice) are the same image as far as change goes."""
    a, b = earlier.source().split("|")[0], later.source().split("|")[0]
    return bool(a) and os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def validation_text(validation: dict[str, Any]) -> str:
    """The validation figures of a fine-tuned model, starting model → fine-tuned where both are known."""
    tuned = validation.get("finetuned")
    if isinstance(tuned, dict):
        start = validation.get("starting_model") or {}
        parts = []
        for key, value in tuned.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            before = start.get(key)
            if isinstance(before, (int, float)) and not isinstance(before, bool):
                parts.append(f"{key} {100 * before:.1f} → {100 * value:.1f} %")
            else:
                parts.append(f"{key} {100 * value:.1f} %")
        return ", ".join(parts)
    return ", ".join(
        f"{key} {value:.3f}"
        for key, value in validation.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    )


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

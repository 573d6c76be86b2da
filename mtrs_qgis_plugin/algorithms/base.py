"""Parameters and execution shared by the MTRS algorithms.

Both algorithms build an AnalysisRequest (docs/INTERFACES.md §2) and send it through the same worker client as
the dock, so a model, a batch run and the dock give the same result for the same inputs.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBand,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ...engine import contract
from ...engine.contract import DEVICES, REQUEST, RESAMPLING_METHODS
from .. import presence, service, ui_helpers
from ..i18n import engine_error, engine_text, tr
from ..layers import LayerError, raster_path
from ..worker_client import WorkerError
from .adapt_base import resolve_model


def project_pair_defaults() -> tuple[str | None, str | None]:
    """Ids of the project's raster layers guessed as (earlier, later), never the same layer.

    Read only on the GUI thread (the Processing dialog creates its algorithm there); elsewhere, or with
    fewer than two rasters, (None, None) and QGIS's own choice applies."""
    from qgis.core import QgsProject, QgsRasterLayer
    from qgis.PyQt.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return None, None
    layers = [lyr for lyr in QgsProject.instance().mapLayers().values() if isinstance(lyr, QgsRasterLayer)]
    layers.sort(key=lambda lyr: lyr.name().lower())
    from ..pairing import guess_pair

    pair = guess_pair([lyr.name() for lyr in layers])
    if pair is None:
        return None, None
    return layers[pair[0]].id(), layers[pair[1]].id()


def same_raster(earlier, later) -> bool:
    """True when both inputs are one layer or one file: comparing an image with itself finds only noise."""
    if earlier is None or later is None:
        return False
    if earlier.id() == later.id():
        return True
    import os

    a, b = earlier.source().split("|")[0], later.source().split("|")[0]
    return bool(a) and os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def same_raster_message() -> str:
    return tr(
        "The earlier and the later raster are the same image: there is nothing to compare. "
        "Choose the image taken before the change as earlier and the one after it as later."
    )


class MtrsAlgorithmBase(QgsProcessingAlgorithm):
    """Common inputs (images, bands, model, extent, tiling, post-processing) and the worker round trip."""

    EARLIER = "EARLIER"
    LATER = "LATER"
    BANDS_EARLIER = "BANDS_EARLIER"
    BANDS_LATER = "BANDS_LATER"
    MODEL = "MODEL"
    EXTENT = "EXTENT"
    TILE = "TILE"
    OVERLAP = "OVERLAP"
    THRESHOLD = "THRESHOLD"
    PRESENCE_THRESHOLD = "PRESENCE_THRESHOLD"
    MIN_AREA = "MIN_AREA"
    SIMPLIFY = "SIMPLIFY"
    DEVICE = "DEVICE"
    RESAMPLING = "RESAMPLING"
    OUTPUT = "OUTPUT"
    PROBABILITIES = "PROBABILITIES"

    def group(self) -> str:
        return tr("Change analysis")

    def groupId(self) -> str:
        return "change"

    def checkParameterValues(self, parameters, context):
        """Refuse identical inputs before the run starts (the dialog shows the message)."""
        if self.parameterDefinition(self.EARLIER) is not None:
            earlier = self.parameterAsRasterLayer(parameters, self.EARLIER, context)
            later = self.parameterAsRasterLayer(parameters, self.LATER, context)
            if same_raster(earlier, later):
                return False, same_raster_message()
        return super().checkParameterValues(parameters, context)

    def add_image_parameters(self) -> None:
        earlier_id, later_id = project_pair_defaults()
        self.addParameter(QgsProcessingParameterRasterLayer(self.EARLIER, tr("Earlier raster"), earlier_id))
        self.addParameter(QgsProcessingParameterRasterLayer(self.LATER, tr("Later raster"), later_id))
        for name, parent, label in (
            (self.BANDS_EARLIER, self.EARLIER, tr("Bands of the earlier raster (R, G, B)")),
            (self.BANDS_LATER, self.LATER, tr("Bands of the later raster (R, G, B)")),
        ):
            param = QgsProcessingParameterBand(name, label, None, parent, optional=True, allowMultiple=True)
            param.setHelp(tr("Three bands in red, green, blue order; empty: the first three bands."))
            self.addParameter(param)

    def add_common_parameters(self, presence_check: bool = False) -> None:
        """The shared inputs; `presence_check` adds the presence threshold (prompted analyses only: the
        all-changes head has no "is it there at all" verdict)."""
        model = QgsProcessingParameterString(
            self.MODEL, tr("Model (empty: bundled; folder or hub id)"), optional=True
        )
        model.setHelp(
            tr(
                "A checkpoint folder (config.json + model.safetensors) or a hub id; empty uses the "
                "bundled model."
            )
            + " "
            + tr("The name of one of your fine-tuned models works too.")
        )
        self.addParameter(model)
        self.addParameter(
            QgsProcessingParameterExtent(
                self.EXTENT, tr("Extent (empty: overlap of the rasters)"), optional=True
            )
        )
        # names: the request field in capitals; type, default and range: engine.contract
        advanced = [
            request_number("tile", tr("Tile size in pixels (0: the model's size)")),
            request_number("overlap", tr("Tile overlap in pixels")),
            request_number("threshold", tr("Probability threshold")),
            *([presence_threshold_parameter(self.PRESENCE_THRESHOLD)] if presence_check else []),
            _with_help(
                request_number("min_area", tr("Minimum polygon area (m²)")),
                tr("Polygons smaller than this are dropped (0 keeps single-pixel specks)."),
            ),
            request_number("simplify", tr("Simplification tolerance (map units)")),
            request_enum("device", tr("Device")),
            request_enum("resampling", tr("Resampling of the later raster")),
        ]
        for param in advanced:
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, tr("Change polygons"), QgsProcessing.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterDestination(
                self.PROBABILITIES, tr("Change probability raster"), optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber("N_POLYGONS", tr("Number of polygons")))
        self.addOutput(QgsProcessingOutputNumber("TOTAL_AREA_M2", tr("Total area (m²)")))
        self.addOutput(QgsProcessingOutputString("RUN_RECORD", tr("Run record (JSON)")))

    def base_request(self, parameters: dict[str, Any], context, feedback) -> dict[str, Any]:
        """The AnalysisRequest fields every algorithm shares."""
        earlier = self.parameterAsRasterLayer(parameters, self.EARLIER, context)
        later = self.parameterAsRasterLayer(parameters, self.LATER, context)
        if same_raster(earlier, later):
            raise QgsProcessingException(same_raster_message())
        try:
            earlier_path, later_path = raster_path(earlier), raster_path(later)
        except LayerError as exc:
            raise QgsProcessingException(str(exc)) from exc
        request: dict[str, Any] = {"earlier": earlier_path, "later": later_path}
        for name, key in ((self.BANDS_EARLIER, "bands_earlier"), (self.BANDS_LATER, "bands_later")):
            bands = [int(b) for b in self.parameterAsInts(parameters, name, context) if int(b) > 0]
            if bands and len(bands) != 3:
                raise QgsProcessingException(
                    tr("Give exactly three bands (R, G, B) for {name}, or none for the first three.").format(
                        name=name
                    )
                )
            request[key] = bands or None
        model = resolve_model(self.parameterAsString(parameters, self.MODEL, context))
        request["model"] = model or None
        if parameters.get(self.EXTENT) not in (None, ""):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context, earlier.crs())
            if not rect.isNull() and not rect.isEmpty():
                request["extent"] = [rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()]
                request["extent_crs"] = earlier.crs().authid() or None
        request["tile"] = self.parameterAsInt(parameters, self.TILE, context) or None
        request["overlap"] = self.parameterAsInt(parameters, self.OVERLAP, context)
        request["threshold"] = self.parameterAsDouble(parameters, self.THRESHOLD, context)
        if self.parameterDefinition(self.PRESENCE_THRESHOLD) is not None:
            value = self.parameterAsDouble(parameters, self.PRESENCE_THRESHOLD, context)
            request["presence_threshold"] = value
        request["min_area"] = self.parameterAsDouble(parameters, self.MIN_AREA, context)
        request["simplify"] = self.parameterAsDouble(parameters, self.SIMPLIFY, context)
        request["device"] = DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)]
        request["resampling"] = RESAMPLING_METHODS[self.parameterAsEnum(parameters, self.RESAMPLING, context)]
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        if not output.lower().endswith(".gpkg"):
            raise QgsProcessingException(
                tr("The output must be a GeoPackage (.gpkg): {path}").format(path=output)
            )
        request["output"] = output
        if context.willLoadLayerOnCompletion(output):
            # Processing loads outputs without their default style; the GeoPackage carries ours
            context.layerToLoadOnCompletionDetails(output).setPostProcessor(EmbeddedStyle.instance())
        request["overwrite"] = True  # Processing asks before overwriting; the engine still writes atomically
        prob = (
            self.parameterAsOutputLayer(parameters, self.PROBABILITIES, context)
            if parameters.get(self.PROBABILITIES)
            else None
        )
        request["probabilities"] = prob or None
        return request

    def execute_request(self, request: dict[str, Any], feedback) -> dict[str, Any]:
        """Send `request` to the worker with progress and cancel wired to `feedback`; return the outputs."""
        feedback.pushInfo(
            tr("Engine request: {prompts}").format(prompts=request.get("prompts") or tr("all changes"))
        )

        def progress(done: int, total: int, message: str) -> None:
            if total:
                feedback.setProgress(100.0 * done / total)
            if message:
                feedback.setProgressText(engine_text(message))

        try:
            result = service.client().request(
                contract.Command.ANALYSE,
                contract.request_params(**request),  # a misspelt key fails here, not in the worker
                progress=progress,
                cancel=feedback.isCanceled,
            )
        except WorkerError as exc:
            _stop_worker_if_standalone()
            if exc.code == contract.ErrorCode.CANCELLED:
                raise QgsProcessingException(tr("Cancelled; no output was written.")) from exc
            text = engine_error(exc.message, exc.hint)
            if exc.detail:
                feedback.reportError(exc.detail)
            raise QgsProcessingException(text) from exc
        import json

        _stop_worker_if_standalone()
        feedback.pushInfo(
            tr("{n} polygons, {area} in {seconds} s on {device}.").format(
                n=ui_helpers.count(int(result.get("n_polygons") or 0)),
                area=ui_helpers.area(float(result.get("total_area_m2") or 0.0)),
                seconds=ui_helpers.number(float(result.get("seconds") or 0.0), 1),
                device=result.get("device", "?"),
            )
        )
        log_presence(result, feedback)
        outputs = {
            self.OUTPUT: result.get("output", request["output"]),
            "N_POLYGONS": int(result.get("n_polygons") or 0),
            "TOTAL_AREA_M2": float(result.get("total_area_m2") or 0.0),
            "RUN_RECORD": json.dumps(result.get("run_record") or {}, default=str),
        }
        if request.get("probabilities"):
            outputs[self.PROBABILITIES] = result.get("probabilities") or request["probabilities"]
        return outputs


class EmbeddedStyle(QgsProcessingLayerPostProcessorInterface):
    """Applies the style the engine embedded in the GeoPackage to a Processing output when QGIS loads it
    (Processing itself loads outputs without their default style, which gives a random colour)."""

    _instance: EmbeddedStyle | None = None

    @classmethod
    def instance(cls) -> EmbeddedStyle:
        # QGIS keeps only a C++ pointer: the Python object must outlive the algorithm run
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def postProcessLayer(self, layer, context, feedback) -> None:
        from qgis.core import QgsVectorLayer

        if isinstance(layer, QgsVectorLayer):
            layer.loadDefaultStyle()
            layer.triggerRepaint()


def request_number(field: str, label: str) -> QgsProcessingParameterNumber:
    """The number parameter of request field `field` (named like it, in capitals): integer or double,
    default and range from engine.contract, so Processing offers what the engine accepts."""
    spec = REQUEST[field]
    low, high = contract.ui_range(field)
    kind = QgsProcessingParameterNumber.Integer if spec.kind == "int" else QgsProcessingParameterNumber.Double
    return QgsProcessingParameterNumber(field.upper(), label, kind, spec.interface_default, False, low, high)


def request_enum(field: str, label: str) -> QgsProcessingParameterEnum:
    """The choice parameter of request field `field`: the contract's choices and default."""
    spec = REQUEST[field]
    default = spec.choices.index(spec.interface_default)
    return QgsProcessingParameterEnum(field.upper(), label, list(spec.choices), False, default)


def presence_threshold_parameter(name: str) -> QgsProcessingParameterNumber:
    """ "Presence threshold": below it the model's "is this change here at all" verdict is "no"."""
    param = request_number("presence_threshold", tr("Presence threshold (0: off)"))
    param.setName(name)
    return _with_help(
        param,
        tr(
            "Models that judge whether the described change exists at all: below this confidence a prompt "
            "counts as not found in a tile, and in the area when no tile reaches it; its output has no "
            "polygons. 0 turns the check off. Models without this judgement ignore it."
        ),
    )


def log_presence(result: dict[str, Any], feedback) -> None:
    """Each prompt's presence verdict in the log (a warning when not found, so batch logs show it), then
    the engine's other notes; the engine's own absence sentence is replaced by ours, not repeated."""
    for label, verdict in presence.verdicts(result).items():
        line = presence.verdict_line(label, verdict)
        if verdict.get("present"):
            feedback.pushInfo(line)
        elif hasattr(feedback, "pushWarning"):
            feedback.pushWarning(line)
        else:
            feedback.pushInfo(line)
    for note in presence.other_warnings(result):
        feedback.pushInfo(tr("Note: {text}").format(text=note))


def _with_help(param: QgsProcessingParameterDefinition, text: str) -> QgsProcessingParameterDefinition:
    param.setHelp(text)
    return param


def _stop_worker_if_standalone() -> None:
    """qgis_process ends after one algorithm: stop the worker now, not at interpreter exit."""
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is not None and QgsApplication.platform() == "qgis_process":
        service.shutdown()

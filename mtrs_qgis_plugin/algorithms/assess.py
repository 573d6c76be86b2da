"""`mtrs:assess`: how good are predicted changes? Pixel and object accuracy against reference labels."""

from __future__ import annotations

import json

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterExtent,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
)

from ..i18n import tr
from .adapt_base import AdaptAlgorithmBase

PIXEL_METRICS = ("iou", "precision", "recall", "f1", "oa")
OBJECT_COUNTS = ("tp", "fp", "fn")


class AssessAlgorithm(AdaptAlgorithmBase):
    """Predicted polygons or probabilities vs. reference polygons or raster → report + FP/FN layer."""

    PREDICTED = "PREDICTED"
    PREDICTED_RASTER = "PREDICTED_RASTER"
    THRESHOLD = "THRESHOLD"
    REFERENCE = "REFERENCE"
    REFERENCE_RASTER = "REFERENCE_RASTER"
    CLASS_FIELD = "CLASS_FIELD"
    CLASS_TABLE = "CLASS_TABLE"
    BACKGROUND = "BACKGROUND"
    CLASS_TABLE = "CLASS_TABLE"
    BACKGROUND = "BACKGROUND"
    EXTENT = "EXTENT"
    PIXEL_SIZE = "PIXEL_SIZE"
    MIN_IOU = "MIN_IOU"
    OUTPUT = "OUTPUT"
    ERRORS = "ERRORS"
    METRICS = "METRICS"

    def name(self) -> str:
        return "assess"

    def displayName(self) -> str:
        return tr("Assess change accuracy")

    def shortHelpString(self) -> str:
        return tr(
            "Measures predicted changes against reference labels, in any CRS.\n\n"
            "Predicted: change polygons (e.g. from 'Referring change segmentation') or a change "
            "probability raster with a threshold. Reference: change polygons (optionally with a class "
            "field, for counts per class) or a raster (0/1 or class codes). Both are compared on one "
            "grid over the given extent (empty: where both overlap).\n\n"
            "Pixel level: IoU, precision, recall, F1, overall accuracy. Object level: predicted and "
            "reference objects are matched one-to-one when their IoU reaches the minimum (0.5): true "
            "positives, false positives, false negatives. The report (HTML or Markdown, with a figure) "
            "and a styled layer of false positive and false negative polygons are written; open the "
            "layer to inspect the errors."
        )

    def createInstance(self):
        return AssessAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        polygons = [QgsProcessing.TypeVectorPolygon]
        self.add(
            QgsProcessingParameterVectorLayer(
                self.PREDICTED, tr("Predicted change polygons"), polygons, optional=True
            ),
            tr("A filter set on the layer in QGIS is honoured."),
        )
        self.add(
            QgsProcessingParameterRasterLayer(
                self.PREDICTED_RASTER, tr("…or a predicted change probability raster"), optional=True
            )
        )
        self.add(
            QgsProcessingParameterNumber(
                self.THRESHOLD,
                tr("Probability threshold (probability raster only)"),
                QgsProcessingParameterNumber.Double,
                0.5,
                False,
                0.0,
                1.0,
            )
        )
        self.add(
            QgsProcessingParameterVectorLayer(
                self.REFERENCE, tr("Reference change polygons"), polygons, optional=True
            ),
            tr("The true changes, e.g. labelled by hand; a filter set on the layer in QGIS is honoured."),
        )
        self.add(
            QgsProcessingParameterField(
                self.CLASS_FIELD,
                tr("Class field of the reference"),
                None,
                self.REFERENCE,
                QgsProcessingParameterField.Any,
                optional=True,
            ),
            tr("Object counts are reported per class of this field."),
        )
        self.add(
            QgsProcessingParameterRasterLayer(
                self.REFERENCE_RASTER, tr("…or a reference raster (0/1 or class codes)"), optional=True
            )
        )
        self.add(
            QgsProcessingParameterString(
                self.CLASS_TABLE, tr("Class table of the reference raster (code=name, …)"), optional=True
            ),
            tr("For example: 1=destroyed building,2=damaged building."),
        )
        self.add(
            QgsProcessingParameterRasterLayer(
                self.BACKGROUND, tr("Background image of the figure (e.g. the later raster)"), optional=True
            )
        )
        self.add(
            QgsProcessingParameterExtent(self.EXTENT, tr("Extent (empty: where both overlap)"), optional=True)
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE,
                tr("Pixel size of the comparison grid (map units; empty: from a raster, else 0.5 m)"),
                QgsProcessingParameterNumber.Double,
                None,
                True,
                1e-9,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.MIN_IOU,
                tr("Minimum IoU for two objects to match"),
                QgsProcessingParameterNumber.Double,
                0.5,
                False,
                0.01,
                1.0,
            )
        )
        self.add(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Accuracy report"), tr("HTML files (*.html);;Markdown files (*.md)")
            )
        )
        errors = QgsProcessingParameterVectorDestination(
            self.ERRORS, tr("False positives and false negatives"), QgsProcessing.TypeVectorPolygon
        )
        errors.setSupportsNonFileBasedOutput(False)
        self.add(errors)
        self.add(
            QgsProcessingParameterFileDestination(
                self.METRICS,
                tr("Metrics (JSON)"),
                tr("JSON files (*.json)"),
                optional=True,
                createByDefault=False,
            )
        )
        for key in PIXEL_METRICS:
            self.addOutput(QgsProcessingOutputNumber(key.upper(), key.upper()))
        for key in OBJECT_COUNTS:
            self.addOutput(QgsProcessingOutputNumber(key.upper(), key.upper()))
        self.addOutput(QgsProcessingOutputString("METRICS_JSON", tr("All figures (JSON)")))
        self.addOutput(QgsProcessingOutputFile("FIGURE", tr("Figure (PNG)")))

    def command_args(self, parameters, context, temps: list) -> tuple[list[str], str, str]:
        """`mtrs assess` options, the report path and the errors layer path."""
        args: list[str] = []
        for vector, raster, layer_flag, what in (
            (self.PREDICTED, self.PREDICTED_RASTER, "--predicted-layer", tr("predicted changes")),
            (self.REFERENCE, self.REFERENCE_RASTER, "--reference-layer", tr("reference")),
        ):
            source = self.vector_file(parameters, vector, context, temps)
            raster_file = self.raster_file(parameters, raster, context)
            if (source is None) == (raster_file is None):
                raise QgsProcessingException(
                    tr("Give the {what} either as polygons or as a raster (exactly one of them).").format(
                        what=what
                    )
                )
            if source is not None:
                args.append(source.path)
                if source.layer_name:
                    args += [layer_flag, source.layer_name]
            else:
                args.append(raster_file)
        report = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if not report.lower().endswith((".md", ".html", ".htm")):
            raise QgsProcessingException(
                tr("The report must be an HTML (.html) or Markdown (.md) file: {path}").format(path=report)
            )
        errors = self.parameterAsOutputLayer(parameters, self.ERRORS, context)
        if not errors.lower().endswith(".gpkg"):
            raise QgsProcessingException(
                tr("The errors layer must be a GeoPackage (.gpkg): {path}").format(path=errors)
            )
        args += ["-o", report, "--errors", errors]
        if self.given(parameters, self.PREDICTED_RASTER):
            args += ["--threshold", repr(self.parameterAsDouble(parameters, self.THRESHOLD, context))]
        if self.given(parameters, self.REFERENCE):
            args += self.text_option(parameters, self.CLASS_FIELD, "--class-field", context)
        else:
            args += self.text_option(parameters, self.CLASS_TABLE, "--class-table", context)
        background = self.raster_file(parameters, self.BACKGROUND, context)
        if background:
            args += ["--background", background]
        args += self.extent_options(parameters, self.EXTENT, context)
        args += self.number_option(parameters, self.PIXEL_SIZE, "--pixel-size", context)
        args += ["--min-iou", repr(self.parameterAsDouble(parameters, self.MIN_IOU, context))]
        if self.given(parameters, self.METRICS):
            args += ["--json", self.parameterAsFileOutput(parameters, self.METRICS, context)]
        args.append(
            "--overwrite"
        )  # Processing asks before replacing files; the engine still writes atomically
        return args, report, errors

    def processAlgorithm(self, parameters, context, feedback):
        temps: list = []
        try:
            args, report, errors = self.command_args(parameters, context, temps)
            result = self.run_command("assess", args, feedback)
        finally:
            for temp in temps:
                temp.cleanup()
        metrics = result.get("metrics") or {}
        pixel = metrics.get("pixel") or {}
        objects = metrics.get("objects") or {}
        outputs = {
            self.OUTPUT: result.get("report") or report,
            self.ERRORS: result.get("errors") or errors,
            "METRICS_JSON": json.dumps(metrics, default=str),
            "FIGURE": result.get("figure") or "",
        }
        for key in PIXEL_METRICS:
            outputs[key.upper()] = _number(pixel.get(key))
        for key in OBJECT_COUNTS:
            outputs[key.upper()] = _number(objects.get(key))
        if self.given(parameters, self.METRICS):
            outputs[self.METRICS] = self.parameterAsFileOutput(parameters, self.METRICS, context)
        feedback.pushInfo(
            tr(
                "IoU {iou}, precision {precision}, recall {recall}, F1 {f1}; "
                "objects: {tp} TP, {fp} FP, {fn} FN"
            ).format(
                **{k: _fmt(pixel.get(k)) for k in PIXEL_METRICS},
                **{k: _fmt(objects.get(k)) for k in OBJECT_COUNTS},
            )
        )
        return outputs


def _number(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _fmt(value) -> str:
    number = _number(value)
    if number is None:
        return "–"
    return f"{number:.3f}" if not float(number).is_integer() else str(int(number))

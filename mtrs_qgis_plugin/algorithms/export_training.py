"""`mtrs:exporttraining`: training chips and expressions from two rasters and the analyst's change labels."""

from __future__ import annotations

import os

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..i18n import tr
from .adapt_base import AdaptAlgorithmBase

RESAMPLING = ("bilinear", "nearest", "cubic")


class ExportTrainingAlgorithm(AdaptAlgorithmBase):
    """Earlier + later raster + change polygons (or a change raster) → an MTRS training folder."""

    EARLIER = "EARLIER"
    LATER = "LATER"
    LABELS = "LABELS"
    LABELS_RASTER = "LABELS_RASTER"
    CLASS_FIELD = "CLASS_FIELD"
    DESCRIPTION_FIELD = "DESCRIPTION_FIELD"
    WHERE = "WHERE"
    CLASS_TABLE = "CLASS_TABLE"
    CHANGE_NAME = "CHANGE_NAME"
    EXTENT = "EXTENT"
    NEGATIVES = "NEGATIVES"
    CHIP = "CHIP"
    STRIDE = "STRIDE"
    MIN_LABELLED = "MIN_LABELLED"
    MAX_NODATA = "MAX_NODATA"
    RESAMPLING = "RESAMPLING"
    VAL_FRACTION = "VAL_FRACTION"
    BLOCK_CHIPS = "BLOCK_CHIPS"
    TEMPLATES = "TEMPLATES"
    SEED = "SEED"
    OVERWRITE = "OVERWRITE"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        return "exporttraining"

    def displayName(self) -> str:
        return tr("Export MTRS training data")

    def shortHelpString(self) -> str:
        return tr(
            "Cuts training chips from an earlier and a later raster and your change labels, ready for "
            "'Fine-tune MTRS model'.\n\n"
            "Labels are either change polygons (any vector layer and CRS; optionally a class field such as a "
            "damage class, a free-text description field used verbatim as an expression, and an OGR SQL "
            "filter) or a change raster (0/1, or class codes named by a class table such as "
            "'1=destroyed building,2=damaged building').\n\n"
            "The later raster is aligned onto the earlier one's grid and both are normalised together, "
            "exactly as for analysis, so the chips look like what the model sees. The output folder holds "
            "train/ and val/ (split by spatial blocks so overlapping chips never land on both sides), each "
            "with A/, B/, label/ (all changes, stage 1), masks/ and referring_expression/ (stage 2), and a "
            "manifest.json recording sources, CRS, chip bounds, class counts, the command and the seed. "
            "Expressions are generated from the labels (class, position, size rank, descriptions) including "
            "negatives: a class absent from a chip gets an empty mask, so the model learns to answer "
            "'nothing'.\n\n"
            "Nothing is written when the input is unusable; an output folder that is not empty is only "
            "replaced with 'Replace an existing output folder'."
        )

    def createInstance(self):
        return ExportTrainingAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        self.add(QgsProcessingParameterRasterLayer(self.EARLIER, tr("Earlier raster")))
        self.add(QgsProcessingParameterRasterLayer(self.LATER, tr("Later raster")))
        self.add(
            QgsProcessingParameterVectorLayer(
                self.LABELS,
                tr("Change polygons (labels)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            ),
            tr("Polygons of the changes you labelled; a filter set on the layer in QGIS is honoured."),
        )
        self.add(
            QgsProcessingParameterField(
                self.CLASS_FIELD,
                tr("Class field"),
                None,
                self.LABELS,
                QgsProcessingParameterField.Any,
                optional=True,
            ),
            tr("The kind of change of each polygon, e.g. a damage class; empty: one kind (see below)."),
        )
        self.add(
            QgsProcessingParameterField(
                self.DESCRIPTION_FIELD,
                tr("Description field"),
                None,
                self.LABELS,
                QgsProcessingParameterField.String,
                optional=True,
            ),
            tr("Free text describing each polygon's change; used verbatim as an expression."),
        )
        self.add(
            QgsProcessingParameterString(self.WHERE, tr("Filter on the labels (OGR SQL)"), optional=True),
            tr("For example: damage IN ('destroyed', 'major-damage')."),
        )
        self.add(
            QgsProcessingParameterRasterLayer(
                self.LABELS_RASTER, tr("…or a change raster (0/1 or class codes)"), optional=True
            ),
            tr("Instead of polygons: a raster where 0 is no change and other values are change classes."),
        )
        self.add(
            QgsProcessingParameterString(
                self.CLASS_TABLE, tr("Class table of the change raster (code=name, …)"), optional=True
            ),
            tr("For example: 1=destroyed building,2=damaged building."),
        )
        self.add(
            QgsProcessingParameterString(
                self.CHANGE_NAME,
                tr("Name of the change when labels carry no class"),
                "changed area",
                optional=True,
            ),
            tr("Used in the generated expressions, e.g. 'destroyed building'."),
        )
        self.add(
            QgsProcessingParameterExtent(
                self.EXTENT, tr("Extent (empty: the overlap of the rasters)"), optional=True
            ),
            tr("Export only this area, e.g. where you have labelled every change."),
        )
        self.add(
            QgsProcessingParameterNumber(
                self.CHIP,
                tr("Chip size (pixels)"),
                QgsProcessingParameterNumber.Integer,
                256,
                False,
                32,
                4096,
            )
        )
        self.add(
            QgsProcessingParameterNumber(
                self.VAL_FRACTION,
                tr("Fraction of chips held out for validation"),
                QgsProcessingParameterNumber.Double,
                0.2,
                False,
                0.0,
                0.9,
            )
        )
        self.add_band_parameters(self.EARLIER, self.LATER)
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.STRIDE,
                tr("Stride between chips (pixels; 0: the chip size, no overlap)"),
                QgsProcessingParameterNumber.Integer,
                0,
                False,
                0,
                4096,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.MIN_LABELLED,
                tr("Minimum labelled fraction of a chip"),
                QgsProcessingParameterNumber.Double,
                0.0,
                False,
                0.0,
                1.0,
            ),
            tr("Chips with less labelled change are skipped (0 keeps chips without change as negatives)."),
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.MAX_NODATA,
                tr("Maximum nodata fraction of a chip"),
                QgsProcessingParameterNumber.Double,
                0.1,
                False,
                0.0,
                1.0,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.NEGATIVES,
                tr("'No such change' expressions per chip"),
                QgsProcessingParameterNumber.Integer,
                2,
                False,
                0,
                100,
            ),
            tr("Expressions for classes absent from a chip, answered with an empty mask."),
        )
        self.add_advanced(
            QgsProcessingParameterEnum(
                self.RESAMPLING, tr("Resampling of the later raster"), list(RESAMPLING), False, 0
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.BLOCK_CHIPS,
                tr("Size of the blocks of the train/val split (chips)"),
                QgsProcessingParameterNumber.Integer,
                2,
                False,
                1,
                1000,
            ),
            tr("Chips are split in square blocks of this many chips, so neighbours stay on one side."),
        )
        self.add_advanced(
            QgsProcessingParameterFile(
                self.TEMPLATES,
                tr("Expression templates (JSON)"),
                QgsProcessingParameterFile.File,
                "json",
                optional=True,
            ),
            tr("Your own copy of the engine's engine/export/templates.json; empty: the default templates."),
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, 0, False, 0
            )
        )
        self.add(
            QgsProcessingParameterBoolean(self.OVERWRITE, tr("Replace an existing output folder"), False)
        )
        self.add(QgsProcessingParameterFolderDestination(self.OUTPUT, tr("Training data folder")))
        self.addOutput(QgsProcessingOutputFile("MANIFEST", tr("Manifest (JSON)")))
        self.addOutput(QgsProcessingOutputNumber("TRAIN_CHIPS", tr("Training chips")))
        self.addOutput(QgsProcessingOutputNumber("VAL_CHIPS", tr("Validation chips")))
        self.addOutput(QgsProcessingOutputNumber("TRAIN_EXPRESSIONS", tr("Training expressions")))
        self.addOutput(QgsProcessingOutputNumber("VAL_EXPRESSIONS", tr("Validation expressions")))

    def command_args(self, parameters, context, temps: list) -> tuple[list[str], str]:
        """The `mtrs export-training` options for these parameters, and the output folder."""
        earlier = self.raster_file(parameters, self.EARLIER, context)
        later = self.raster_file(parameters, self.LATER, context)
        labels = self.vector_file(parameters, self.LABELS, context, temps)
        labels_raster = self.raster_file(parameters, self.LABELS_RASTER, context)
        if (labels is None) == (labels_raster is None):
            raise QgsProcessingException(
                tr("Give the change labels either as polygons or as a change raster (exactly one of them).")
            )
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        args = [earlier, later, "-o", output]
        if labels is not None:
            args += ["--labels", labels.path]
            if labels.layer_name:
                args += ["--label-layer", labels.layer_name]
            args += self.text_option(parameters, self.CLASS_FIELD, "--class-field", context)
            args += self.text_option(parameters, self.DESCRIPTION_FIELD, "--description-field", context)
            args += self.text_option(parameters, self.WHERE, "--where", context)
        else:
            args += ["--labels", labels_raster]
            args += self.text_option(parameters, self.CLASS_TABLE, "--class-table", context)
        args += self.text_option(parameters, self.CHANGE_NAME, "--change-name", context)
        args += self.extent_options(parameters, self.EXTENT, context)
        args += ["--chip", str(self.parameterAsInt(parameters, self.CHIP, context))]
        stride = self.parameterAsInt(parameters, self.STRIDE, context)
        if stride > 0:
            args += ["--stride", str(stride)]
        args += ["--min-labelled", repr(self.parameterAsDouble(parameters, self.MIN_LABELLED, context))]
        args += ["--max-nodata", repr(self.parameterAsDouble(parameters, self.MAX_NODATA, context))]
        args += self.band_options(parameters, context)
        args += ["--resampling", RESAMPLING[self.parameterAsEnum(parameters, self.RESAMPLING, context)]]
        args += ["--val-fraction", repr(self.parameterAsDouble(parameters, self.VAL_FRACTION, context))]
        args += ["--negatives", str(self.parameterAsInt(parameters, self.NEGATIVES, context))]
        args += ["--block-chips", str(self.parameterAsInt(parameters, self.BLOCK_CHIPS, context))]
        templates = (
            self.parameterAsFile(parameters, self.TEMPLATES, context)
            if self.given(parameters, self.TEMPLATES)
            else ""
        )
        if templates:
            args += ["--templates", templates]
        args += ["--seed", str(self.parameterAsInt(parameters, self.SEED, context))]
        if self.parameterAsBoolean(parameters, self.OVERWRITE, context):
            args.append("--overwrite")
        return args, output

    def processAlgorithm(self, parameters, context, feedback):
        temps: list = []
        try:
            args, output = self.command_args(parameters, context, temps)
            result = self.run_command("export-training", args, feedback)
        finally:
            for temp in temps:
                temp.cleanup()
        chips = result.get("chips") or {}
        expressions = result.get("expressions") or {}
        feedback.pushInfo(
            tr("{train} training and {val} validation chips in {path}").format(
                train=_count(chips.get("train")), val=_count(chips.get("val")), path=output
            )
        )
        return {
            self.OUTPUT: result.get("output") or output,
            "MANIFEST": os.path.join(result.get("output") or output, "manifest.json"),
            "TRAIN_CHIPS": _count(chips.get("train")),
            "VAL_CHIPS": _count(chips.get("val")),
            "TRAIN_EXPRESSIONS": _count(expressions.get("train")),
            "VAL_EXPRESSIONS": _count(expressions.get("val")),
        }


def _count(value) -> int:
    """A count from the result event (a number, or a list/dict of items)."""
    if isinstance(value, (list, tuple, dict)):
        return len(value)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0

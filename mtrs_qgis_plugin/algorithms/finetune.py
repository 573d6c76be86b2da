"""`mtrs:finetune`: adapt a model to an exported training set, and add it to the user's models by name."""

from __future__ import annotations

import json
import os

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...engine.contract import TRAINING_DEVICES
from .. import user_models
from ..engine_command import EngineCommandCancelled
from ..i18n import tr
from .adapt_base import AdaptAlgorithmBase, resolve_model

STAGES = (2, 1)
#: Seconds fine-tuning gets after a cancel to finish its step, validate and save the best model.
CANCEL_GRACE_S = 120.0
DEVICES = TRAINING_DEVICES  # fine-tuning has no Apple GPU support (engine.contract)


class FinetuneAlgorithm(AdaptAlgorithmBase):
    """Exported chips + a starting model → a model folder of the user's own, listed in the dock by name."""

    DATA = "DATA"
    FROM = "FROM"
    STAGE = "STAGE"
    MINUTES = "MINUTES"
    EPOCHS = "EPOCHS"
    LR = "LR"
    PATIENCE = "PATIENCE"
    MAX_STEPS = "MAX_STEPS"
    SEED = "SEED"
    REVISION = "REVISION"
    DEVICE = "DEVICE"
    RESUME = "RESUME"
    MODEL_NAME = "MODEL_NAME"
    OVERWRITE = "OVERWRITE"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        return "finetune"

    def displayName(self) -> str:
        return tr("Fine-tune MTRS model")

    def shortHelpString(self) -> str:
        return tr(
            "Adapts a model to your imagery with the chips made by 'Export MTRS training data'.\n\n"
            "Start from the bundled lite model, one of your models (by its name), a model "
            "folder or a hub id. Stage 2 (default) teaches the model your prompts; stage 1 only its "
            "sense of change. The defaults suit a few dozen chips on a CPU: the image encoder stays "
            "frozen, the model is checked on the validation chips and the best one is kept; training "
            "stops after the given minutes or epochs, or earlier when validation stops improving.\n\n"
            "The engine runs in its own process; progress shows here. Cancel stops training and keeps "
            "the best model so far. The result is a normal model folder (config, weights, tokenizer and "
            "a model card with the validation figures) and is added to your models under the given "
            "name: the MTRS dock offers it in its model list, and the analysis algorithms accept that "
            "name as model."
        )

    def createInstance(self):
        return FinetuneAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        self.add(
            QgsProcessingParameterFile(
                self.DATA, tr("Training data folder"), QgsProcessingParameterFile.Folder
            ),
            tr("The output folder of 'Export MTRS training data' (train/ and val/), or one split folder."),
        )
        self.add(
            QgsProcessingParameterString(
                self.FROM,
                tr("Starting model (empty: bundled; your model's name, a folder or hub id)"),
                optional=True,
            )
        )
        self.add(
            QgsProcessingParameterEnum(
                self.STAGE,
                tr("What to train"),
                [tr("Stage 2: changes described by prompts"), tr("Stage 1: all changes (no prompts)")],
                False,
                0,
            )
        )
        self.add(
            QgsProcessingParameterNumber(
                self.MINUTES,
                tr("Time budget (minutes; 0: no time limit)"),
                QgsProcessingParameterNumber.Double,
                10.0,
                False,
                0.0,
                10080.0,
            )
        )
        self.add(
            QgsProcessingParameterNumber(
                self.EPOCHS,
                tr("Epochs (0: use the time budget)"),
                QgsProcessingParameterNumber.Integer,
                0,
                False,
                0,
                10000,
            ),
            tr("When set, training runs this many passes over the chips instead of a time budget."),
        )
        self.add(
            QgsProcessingParameterString(
                self.MODEL_NAME, tr("Name in your model list (empty: the folder name)"), optional=True
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.LR,
                tr("Learning rate (empty: engine default)"),
                QgsProcessingParameterNumber.Double,
                None,
                True,
                1e-8,
                1.0,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.PATIENCE,
                tr("Early stopping patience (validations without improvement; empty: engine default)"),
                QgsProcessingParameterNumber.Integer,
                None,
                True,
                1,
                1000,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.MAX_STEPS,
                tr("Maximum optimisation steps (empty: no limit)"),
                QgsProcessingParameterNumber.Integer,
                None,
                True,
                1,
                10_000_000,
            ),
            tr("A hard cap on training steps, e.g. for a quick trial run."),
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Integer, 0, False, 0
            )
        )
        self.add_advanced(
            QgsProcessingParameterString(
                self.REVISION, tr("Hub revision of the starting model"), optional=True
            )
        )
        self.add_advanced(QgsProcessingParameterEnum(self.DEVICE, tr("Device"), list(DEVICES), False, 0))
        self.add_advanced(
            QgsProcessingParameterBoolean(
                self.RESUME, tr("Resume an interrupted fine-tuning in the output folder"), False
            )
        )
        self.add(QgsProcessingParameterBoolean(self.OVERWRITE, tr("Replace an existing model folder"), False))
        self.add(QgsProcessingParameterFolderDestination(self.OUTPUT, tr("Fine-tuned model folder")))
        self.addOutput(QgsProcessingOutputString("MODEL_NAME", tr("Name in your model list")))
        self.addOutput(QgsProcessingOutputNumber("STEPS", tr("Training steps")))
        self.addOutput(QgsProcessingOutputNumber("SECONDS", tr("Training time (s)")))
        self.addOutput(QgsProcessingOutputString("VALIDATION", tr("Validation figures (JSON)")))

    def command_args(self, parameters, context) -> tuple[list[str], str, str, int]:
        """`mtrs finetune` options, the model folder, the starting model and the stage."""
        name = (self.parameterAsString(parameters, self.MODEL_NAME, context) or "").strip()
        data = self.parameterAsFile(parameters, self.DATA, context)
        if not data or not os.path.isdir(data):
            raise QgsProcessingException(
                tr("The training data folder does not exist: {path}").format(path=data)
            )
        start = resolve_model(self.parameterAsString(parameters, self.FROM, context)) or "bundled"
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        stage = STAGES[self.parameterAsEnum(parameters, self.STAGE, context)]
        args = [data, "--from", start, "-o", output, "--stage", str(stage)]
        epochs = self.parameterAsInt(parameters, self.EPOCHS, context)
        minutes = self.parameterAsDouble(parameters, self.MINUTES, context)
        if epochs > 0:
            args += ["--epochs", str(epochs)]
        elif minutes > 0:
            args += ["--minutes", repr(minutes)]
        args += self.number_option(parameters, self.LR, "--lr", context)
        args += self.number_option(parameters, self.PATIENCE, "--patience", context, integer=True)
        args += self.number_option(parameters, self.MAX_STEPS, "--max-steps", context, integer=True)
        args += ["--seed", str(self.parameterAsInt(parameters, self.SEED, context))]
        args += self.text_option(parameters, self.REVISION, "--revision", context)
        args += ["--device", DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)]]
        if name:
            args += ["--name", name]
        if self.parameterAsBoolean(parameters, self.RESUME, context):
            args.append("--resume")
        if self.parameterAsBoolean(parameters, self.OVERWRITE, context):
            args.append("--overwrite")
        return args, output, start, stage

    def keep_stopped_model(self, result: dict, name: str, start: str, stage: int) -> None:
        """After a cancel the engine still publishes the best model so far: list it like a finished one,
        and say so (raises the cancel message)."""
        folder = result.get("model")
        if folder and user_models.UserModel(name, folder).is_available():
            kept = user_models.register(
                name or result.get("name") or "",
                folder,
                base=start,
                stage=stage,
                validation=result.get("validation") or {},
            )
            raise QgsProcessingException(
                tr(
                    "Cancelled; the best model so far was kept in {path} and added to your models "
                    "as '{name}'."
                ).format(path=folder, name=kept.name)
            )

    def processAlgorithm(self, parameters, context, feedback):
        args, output, start, stage = self.command_args(parameters, context)
        name = (self.parameterAsString(parameters, self.MODEL_NAME, context) or "").strip()
        try:
            result = self.run_command("finetune", args, feedback, grace_s=CANCEL_GRACE_S)
        except QgsProcessingException as exc:
            cause = exc.__cause__
            if isinstance(cause, EngineCommandCancelled):
                self.keep_stopped_model(cause.result, name, start, stage)
            raise
        folder = result.get("model") or output
        validation = result.get("validation") or {}
        entry = user_models.register(
            name or result.get("name") or "", folder, base=start, stage=stage, validation=validation
        )
        feedback.pushInfo(
            tr("Model '{name}' saved in {path} and added to your models.").format(
                name=entry.name, path=folder
            )
        )
        return {
            self.OUTPUT: folder,
            "MODEL_NAME": entry.name,
            "STEPS": int(result.get("steps") or 0),
            "SECONDS": float(result.get("seconds") or 0.0),
            "VALIDATION": json.dumps(validation, default=str),
        }

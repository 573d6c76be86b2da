"""Processing provider "MTRS" (id `mtrs`): the dock's analysis for models, batches and qgis_process, and
the tools that adapt the model to the user's imagery (export training data, fine-tune, assess accuracy)."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.all_changes import AllChangesAlgorithm
from .algorithms.assess import AssessAlgorithm
from .algorithms.batch import BatchAlgorithm
from .algorithms.export_training import ExportTrainingAlgorithm
from .algorithms.finetune import FinetuneAlgorithm
from .algorithms.referring_change import ReferringChangeAlgorithm
from .i18n import tr


class MtrsProvider(QgsProcessingProvider):
    """Registers the MTRS algorithms."""

    def __init__(self, icon: QIcon | None = None):
        super().__init__()
        self._icon = icon or QIcon()

    def id(self) -> str:
        return "mtrs"

    def name(self) -> str:
        return "MTRS"

    def longName(self) -> str:
        return tr("MTRS – language-guided change analysis")

    def icon(self) -> QIcon:
        return self._icon

    def loadAlgorithms(self) -> None:
        self.addAlgorithm(ReferringChangeAlgorithm())
        self.addAlgorithm(AllChangesAlgorithm())
        self.addAlgorithm(BatchAlgorithm())
        self.addAlgorithm(ExportTrainingAlgorithm())
        self.addAlgorithm(FinetuneAlgorithm())
        self.addAlgorithm(AssessAlgorithm())

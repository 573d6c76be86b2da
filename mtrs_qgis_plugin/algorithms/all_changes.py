"""`mtrs:allchanges`: every change the model sees (stage-1 head), without a prompt."""

from __future__ import annotations

from ..i18n import tr
from .base import MtrsAlgorithmBase


class AllChangesAlgorithm(MtrsAlgorithmBase):
    """All changes between two rasters, as polygons: the class-agnostic head of MTRefSeg-R1."""

    def name(self) -> str:
        return "allchanges"

    def displayName(self) -> str:
        return tr("All changes")

    def shortHelpString(self) -> str:
        return tr(
            "Segments every change between an earlier and a later raster, without a prompt (the model's "
            "class-agnostic change head), and writes the polygons to a GeoPackage. Useful as an overview "
            "before asking for specific changes with 'Referring change segmentation'."
        )

    def createInstance(self):
        return AllChangesAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        self.add_image_parameters()
        self.add_common_parameters()

    def processAlgorithm(self, parameters, context, feedback):
        request = self.base_request(parameters, context, feedback)
        request["prompts"] = []
        request["all_changes"] = True
        return self.execute_request(request, feedback)

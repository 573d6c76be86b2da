"""`mtrs:referringchange`: polygons of the change described by a prompt (or by each prompt of a table)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
)

from ..i18n import tr
from .base import MtrsAlgorithmBase


class ReferringChangeAlgorithm(MtrsAlgorithmBase):
    """Referring change segmentation: earlier + later raster + words -> GeoPackage polygons."""

    PROMPT = "PROMPT"
    PROMPT_TABLE = "PROMPT_TABLE"
    PROMPT_FIELD = "PROMPT_FIELD"

    def name(self) -> str:
        return "referringchange"

    def displayName(self) -> str:
        return tr("Referring change segmentation")

    def shortHelpString(self) -> str:
        return tr(
            "Finds the change you describe in words between an earlier and a later raster and writes it as "
            "polygons (GeoPackage with style, areas in m², prompt and run record).\n\n"
            "Give one prompt, or a table and a text field holding several prompts (one polygon layer with a "
            "'prompt' attribute; the images are encoded only once). The rasters need not share a grid: the "
            "later one is warped onto the earlier one when needed. The model runs in the MTRS engine "
            "environment (see the MTRS dock for set-up)."
        )

    def createInstance(self):
        return ReferringChangeAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        self.add_image_parameters()
        prompt = QgsProcessingParameterString(self.PROMPT, tr("Prompt (what changed)"), optional=True)
        prompt.setHelp(tr("For example: 'buildings destroyed along the tornado track'."))
        self.addParameter(prompt)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PROMPT_TABLE, tr("Table of prompts"), [QgsProcessing.TypeVector], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.PROMPT_FIELD,
                tr("Prompt field"),
                None,
                self.PROMPT_TABLE,
                QgsProcessingParameterField.String,
                optional=True,
            )
        )
        self.add_common_parameters(presence_check=True)

    def prompts(self, parameters, context) -> list[str]:
        prompts = []
        text = (self.parameterAsString(parameters, self.PROMPT, context) or "").strip()
        if text:
            prompts.append(text)
        source = self.parameterAsSource(parameters, self.PROMPT_TABLE, context)
        if source is not None:
            field = self.parameterAsString(parameters, self.PROMPT_FIELD, context)
            if not field:
                raise QgsProcessingException(tr("Choose the field of the table that holds the prompts."))
            for feature in source.getFeatures():
                value = feature[field]
                if value not in (None, "") and str(value).strip() and str(value).strip() not in prompts:
                    prompts.append(str(value).strip())
        if not prompts:
            raise QgsProcessingException(tr("Give a prompt, or a table and field of prompts."))
        return prompts

    def processAlgorithm(self, parameters, context, feedback):
        request = self.base_request(parameters, context, feedback)
        request["prompts"] = self.prompts(parameters, context)
        request["all_changes"] = False
        return self.execute_request(request, feedback)

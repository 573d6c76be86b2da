"""What the three "adapt the model" algorithms share: their group, typed helpers that turn Processing
parameters into `mtrs` command-line options, layer → file resolution, and the engine-command round trip.

Unlike the analysis algorithms (which talk to the long-lived worker), these run one `mtrs` command per call
in its own process (engine_command), so a fine-tuning of many minutes never holds the worker and torch never
enters QGIS.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterBand,
    QgsProcessingParameterDefinition,
    QgsProcessingUtils,
)

from .. import engine_command, user_models
from ..i18n import tr
from ..layers import LayerError, VectorSource, raster_path, vector_source


class AdaptAlgorithmBase(QgsProcessingAlgorithm):
    """Base of export / fine-tune / assess: group, parameter helpers and `run_command`."""

    def group(self) -> str:
        return tr("Adapt the model")

    def groupId(self) -> str:
        return "adapt"

    # -- declaring parameters --------------------------------------------------------------------------
    def add_advanced(self, param: QgsProcessingParameterDefinition, help_text: str = "") -> None:
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.add(param, help_text)

    def add(self, param: QgsProcessingParameterDefinition, help_text: str = "") -> None:
        if help_text:
            param.setHelp(help_text)
        self.addParameter(param)

    def add_band_parameters(self, earlier: str, later: str) -> None:
        for name, parent, label in (
            ("BANDS_EARLIER", earlier, tr("Bands of the earlier raster (R, G, B)")),
            ("BANDS_LATER", later, tr("Bands of the later raster (R, G, B)")),
        ):
            param = QgsProcessingParameterBand(name, label, None, parent, optional=True, allowMultiple=True)
            self.add_advanced(
                param, tr("Three bands in red, green, blue order; empty: the first three bands.")
            )

    # -- reading parameters ----------------------------------------------------------------------------
    @staticmethod
    def given(parameters: dict[str, Any], name: str) -> bool:
        """True when the user set `name` (optional parameters left empty are None or "")."""
        return parameters.get(name) not in (None, "")

    def raster_file(self, parameters, name: str, context) -> str | None:
        """The local file of a raster-layer parameter, or None when it is optional and empty."""
        if not self.given(parameters, name):
            return None
        layer = self.parameterAsRasterLayer(parameters, name, context)
        try:
            return raster_path(layer)
        except LayerError as exc:
            raise QgsProcessingException(str(exc)) from exc

    def vector_file(self, parameters, name: str, context, temps: list[VectorSource]) -> VectorSource | None:
        """The OGR file of a vector-layer parameter (a copy for memory/filtered layers, kept in `temps`)."""
        if not self.given(parameters, name):
            return None
        layer = self.parameterAsVectorLayer(parameters, name, context)
        try:
            source = vector_source(
                layer, QgsProcessingUtils.tempFolder(), self.parameterAsSource(parameters, name, context)
            )
        except LayerError as exc:
            raise QgsProcessingException(str(exc)) from exc
        temps.append(source)
        return source

    def band_options(self, parameters, context) -> list[str]:
        """`--bands-earlier 1,2,3 --bands-later ...` for the bands the user chose (none: engine default)."""
        args: list[str] = []
        for name, flag in (("BANDS_EARLIER", "--bands-earlier"), ("BANDS_LATER", "--bands-later")):
            bands = [int(b) for b in self.parameterAsInts(parameters, name, context) if int(b) > 0]
            if not bands:
                continue
            if len(bands) != 3:
                raise QgsProcessingException(
                    tr("Give exactly three bands (R, G, B) for {name}, or none for the first three.").format(
                        name=name
                    )
                )
            args += [flag, ",".join(str(b) for b in bands)]
        return args

    def number_option(self, parameters, name: str, flag: str, context, integer: bool = False) -> list[str]:
        """`[flag, value]` when the optional number `name` is set, else [] (the engine's default applies)."""
        if not self.given(parameters, name):
            return []
        if integer:
            return [flag, str(self.parameterAsInt(parameters, name, context))]
        return [flag, repr(self.parameterAsDouble(parameters, name, context))]

    def text_option(self, parameters, name: str, flag: str, context) -> list[str]:
        """`[flag, text]` when the optional text `name` is set, else []."""
        text = (
            (self.parameterAsString(parameters, name, context) or "").strip()
            if self.given(parameters, name)
            else ""
        )
        return [flag, text] if text else []

    def extent_options(self, parameters, name: str, context) -> list[str]:
        """`--extent xmin,ymin,xmax,ymax --extent-crs CRS` in the extent's own CRS (the engine reprojects)."""
        if not self.given(parameters, name):
            return []
        crs = self.parameterAsExtentCrs(parameters, name, context)
        rect = self.parameterAsExtent(parameters, name, context, crs)
        if rect.isNull() or rect.isEmpty():
            return []
        args = [
            "--extent",
            ",".join(repr(v) for v in (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())),
        ]
        if crs.isValid():
            args += ["--extent-crs", crs.authid() or crs.toWkt()]
        return args

    # -- running ---------------------------------------------------------------------------------------
    def run_command(self, command: str, args: list[str], feedback, **kwargs) -> dict[str, Any]:
        """Run `mtrs <command>` with progress/cancel on `feedback`; the engine's result event.

        Failures leave as a plain QgsProcessingException: Processing shows the message of exactly that type,
        and would show a traceback for a subclass.
        """
        try:
            return engine_command.run_engine_command(command, args, feedback, **kwargs)
        except engine_command.EngineCommandError as exc:
            raise QgsProcessingException(exc.message) from exc


def resolve_model(text: str) -> str:
    """A model given by the user: the name of one of their registered models, or a folder / hub id as is."""
    text = (text or "").strip()
    if not text:
        return ""
    registered = user_models.find(text)
    if registered is None:
        return text
    if not registered.is_available():
        raise QgsProcessingException(
            tr("The folder of your model '{name}' no longer exists: {path}").format(
                name=registered.name, path=registered.path
            )
        )
    return registered.path

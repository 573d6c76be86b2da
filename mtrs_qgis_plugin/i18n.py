"""Translation of user-visible strings.

One free function `tr()` is used everywhere. pylupdate5 files free `tr("...")` calls under the context
"@default", so the runtime lookup uses the same context; the .ts files stay extractable with the stock tool
and no class-name bookkeeping is needed.
"""

from __future__ import annotations

import os
import re

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "@default"
_installed: QTranslator | None = None
_engine_cache: tuple[object, list[tuple[re.Pattern, str]]] | None = None


def tr(text: str) -> str:
    """Translate `text` with the plugin's catalogue (English when no catalogue matches)."""
    return QCoreApplication.translate(CONTEXT, text)


def user_locale() -> str:
    """The locale QGIS uses for its own UI: the user override if set, else the system locale."""
    value = QgsSettings().value("locale/userLocale", "") or ""
    if not value:
        value = QLocale.system().name()
    return str(value)


def catalogue_path(plugin_dir: str, locale: str) -> str | None:
    """The .qm for `locale`: exact name first (zh_CN), then the language alone (de_DE -> de)."""
    candidates = [locale, locale.split("_")[0]]
    for name in candidates:
        path = os.path.join(plugin_dir, "i18n", f"mtrs_{name}.qm")
        if os.path.isfile(path):
            return path
    return None


def install_translator(plugin_dir: str, locale: str | None = None) -> str | None:
    """Load and install the catalogue for the QGIS locale; returns the .qm path used, or None."""
    remove_translator()
    path = catalogue_path(plugin_dir, locale or user_locale())
    if path is None:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    global _installed
    _installed = translator
    return path


def remove_translator() -> None:
    """Uninstall the plugin's catalogue (plugin unload, or before switching locale)."""
    global _installed
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None


def _engine_patterns() -> list[tuple[str, str]]:
    """The engine's recurring progress and error texts (English, sent over the worker protocol) as full-match
    regexes, each with its translated template; named groups fill the template's {placeholders}.

    The engine stays English (logs, the CLI, bug reports); the plugin translates what it shows. The English
    templates equal the engine's texts, so without a catalogue a text comes out unchanged. More specific
    patterns come first."""
    path = r"(?P<path>.+)"
    return [
        # progress
        (r"tile (?P<done>\d+)/(?P<total>\d+)", tr("tile {done}/{total}")),
        (r"polygonising '(?P<label>.*)'", tr("polygonising '{label}'")),
        (r"loading model", tr("loading model")),
        (r"model loaded", tr("model loaded")),
        (r"chip (?P<done>\d+)/(?P<total>\d+)", tr("chip {done}/{total}")),
        (r"scanning labels (?P<done>\d+)/(?P<total>\d+)", tr("scanning labels {done}/{total}")),
        (r"reading the inputs", tr("reading the inputs")),
        (r"writing the outputs", tr("writing the outputs")),
        # cancel
        (r"analysis cancelled", tr("analysis cancelled")),
        (r"cancelled while polygonising", tr("cancelled while polygonising")),
        (r"cancelled before it started", tr("cancelled before it started")),
        # input rasters
        (r"input raster not found: " + path, tr("input raster not found: {path}")),
        (path + r" is a folder, not a raster file", tr("{path} is a folder, not a raster file")),
        (r"give the raster file inside it", tr("give the raster file inside it")),
        (r"not a raster GDAL can read: " + path, tr("not a raster GDAL can read: {path}")),
        (
            r"(?P<name>.+) is not georeferenced \(no coordinate reference system, no geotransform\)",
            tr("{name} is not georeferenced (no coordinate reference system, no geotransform)"),
        ),
        (
            r"georeference it first \(QGIS: Raster > Georeferencer\); `mtrs predict` also takes two plain "
            r"images of the same size and works in pixel coordinates",
            tr(
                "georeference it first (QGIS: Raster > Georeferencer); `mtrs predict` also takes two plain "
                "images of the same size and works in pixel coordinates"
            ),
        ),
        (r"(?P<name>.+) has no coordinate reference system", tr("{name} has no coordinate reference system")),
        (
            r"assign one \(QGIS: Raster > Projections > Assign Projection; GDAL: gdal_edit -a_srs\)",
            tr("assign one (QGIS: Raster > Projections > Assign Projection; GDAL: gdal_edit -a_srs)"),
        ),
        (r"(?P<name>.+) is truncated: (?P<problem>.+)", tr("{name} is truncated: {problem}")),
        (r"copy or download the file again", tr("copy or download the file again")),
        (
            r"band (?P<band>\d+) does not exist in (?P<name>.+) \(it has (?P<count>\d+) band\(s\)\)",
            tr("band {band} does not exist in {name} (it has {count} band(s))"),
        ),
        (r"choose bands between 1 and (?P<count>\d+)", tr("choose bands between 1 and {count}")),
        (r"cannot read (?P<name>[^:]+): (?P<detail>.+)", tr("cannot read {name}: {detail}")),
        (
            r"the file is damaged or incomplete; copy or download it again",
            tr("the file is damaged or incomplete; copy or download it again"),
        ),
        # the pair and the extent
        (r"the earlier and later rasters do not overlap", tr("the earlier and later rasters do not overlap")),
        (
            r"earlier covers (?P<bounds>\(.*\)) in (?P<crs>.+)",
            tr("earlier covers {bounds} in {crs}"),
        ),
        (
            r"there is no valid pixel where both rasters overlap: everything is nodata, masked or NaN",
            tr("there is no valid pixel where both rasters overlap: everything is nodata, masked or NaN"),
        ),
        (
            r"check the rasters' nodata values, masks and bands \(--bands-earlier, --bands-later\)",
            tr("check the rasters' nodata values, masks and bands (--bands-earlier, --bands-later)"),
        ),
        (
            r"the requested extent does not overlap the area covered by both rasters",
            tr("the requested extent does not overlap the area covered by both rasters"),
        ),
        # prompts and options
        (r"no prompt given", tr("no prompt given")),
        (r"empty prompt", tr("empty prompt")),
        (
            r"describe the change, e\.g\. 'buildings destroyed by the tornado'",
            tr("describe the change, e.g. 'buildings destroyed by the tornado'"),
        ),
        (r"describe the change in a sentence or two", tr("describe the change in a sentence or two")),
        (
            r"CUDA was requested but no CUDA GPU is available",
            tr("CUDA was requested but no CUDA GPU is available"),
        ),
        (r"use --device auto or cpu", tr("use --device auto or cpu")),
        (
            r"out of memory on (?P<device>.+) even with a batch of one (?P<tile>\d+)×(?P=tile) tile",
            tr("out of memory on {device} even with a batch of one {tile}×{tile} tile"),
        ),
        (
            r"use a smaller --tile, --device cpu, or close other programs using the GPU",
            tr("use a smaller --tile, --device cpu, or close other programs using the GPU"),
        ),
        # outputs
        (r"output already exists: " + path, tr("output already exists: {path}")),
        (r"choose another name or pass --overwrite", tr("choose another name or pass --overwrite")),
        (r"output folder does not exist: " + path, tr("output folder does not exist: {path}")),
        (r"output folder is not writable: " + path, tr("output folder is not writable: {path}")),
        # the model
        (
            r"model not found: (?P<model>.+) is neither a folder nor a hub id \(owner/name\)",
            tr("model not found: {model} is neither a folder nor a hub id (owner/name)"),
        ),
        (
            r"give a folder with config\.json and model\.safetensors, or a hub id like owner/name",
            tr("give a folder with config.json and model.safetensors, or a hub id like owner/name"),
        ),
        (
            r"a model folder needs config\.json and model\.safetensors",
            tr("a model folder needs config.json and model.safetensors"),
        ),
        (path + r" is missing", tr("{path} is missing")),
        # the worker process (texts of worker_client.py)
        (r"The engine exited while starting\.", tr("The engine exited while starting.")),
        (r"The engine did not start in time\.", tr("The engine did not start in time.")),
        (r"The engine was stopped\.", tr("The engine was stopped.")),
        (r"The engine stopped unexpectedly\.", tr("The engine stopped unexpectedly.")),
        (r"The engine is not running\.", tr("The engine is not running.")),
        (
            r"The engine process ended unexpectedly \(exit code (?P<code>-?\d+|None)\)\.",
            tr("The engine process ended unexpectedly (exit code {code})."),
        ),
        (
            r"The engine did not answer '(?P<cmd>.+)' in time\.",
            tr("The engine did not answer '{cmd}' in time."),
        ),
        (
            r"Cannot start the engine \((?P<python>.+)\): (?P<message>.+)",
            tr("Cannot start the engine ({python}): {message}"),
        ),
    ]


def engine_text(text: str) -> str:
    """`text` from the engine (a progress message, an error message or hint) in the user's language, when it
    is one of the engine's known texts; otherwise unchanged (English)."""
    global _engine_cache
    if _engine_cache is None or _engine_cache[0] is not _installed:
        compiled = [(re.compile(p, re.DOTALL), t) for p, t in _engine_patterns()]
        _engine_cache = (_installed, compiled)
    for pattern, template in _engine_cache[1]:
        match = pattern.fullmatch(text or "")
        if match is not None:
            try:
                return template.format(**match.groupdict())
            except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
                return text
    return text


def engine_error(message: str, hint: str | None = None, sep: str = "\n") -> str:
    """An engine error (message and optional hint, as WorkerError carries them) translated for display."""
    text = engine_text(message)
    return text + (sep + engine_text(hint) if hint else "")

"""The single description of what crosses the engine/plugin seam (docs/INTERFACES.md §2–3).

Why one module: the `mtrs predict` flags, `AnalysisRequest`, the worker, the dock and the Processing
algorithms used to spell out the request fields, their defaults and allowed values, the protocol names and the
alignment thresholds each by hand, and they drifted apart (a device missing in one place, another resolution
threshold in the next). All of them are derived from the tables below instead; a test compares each side with
this module.

Standard library only, on purpose: the engine imports it in its own environment, the plugin imports it
inside QGIS's Python (the plugin archive ships the engine folder; `engine/__init__.py` imports nothing), so it
must never pull in torch, numpy or qgis.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

# -- worker protocol -----------------------------------------------------------------------------------------

#: Sent in the worker's `ready` line; the client speaks exactly this version.
PROTOCOL_VERSION = 1


class Command:
    """`cmd` values a client sends to `python -m engine.worker`."""

    STATUS = "status"
    LOAD_MODEL = "load_model"
    CHECK_ALIGNMENT = "check_alignment"
    ANALYSE = "analyse"
    CANCEL = "cancel"
    SHUTDOWN = "shutdown"


COMMANDS = (
    Command.STATUS,
    Command.LOAD_MODEL,
    Command.CHECK_ALIGNMENT,
    Command.ANALYSE,
    Command.CANCEL,
    Command.SHUTDOWN,
)


class Event:
    """`event` values of the worker's lines."""

    READY = "ready"
    PROGRESS = "progress"
    RESULT = "result"
    ERROR = "error"


EVENTS = (Event.READY, Event.PROGRESS, Event.RESULT, Event.ERROR)
READY_FIELDS = ("event", "version", "pid", "protocol")
PROGRESS_FIELDS = ("id", "event", "done", "total", "message")
ERROR_FIELDS = ("code", "message", "hint")  # + "detail" (a traceback) with code `internal`


class ErrorCode:
    """`error.code` values: the engine's error classes (engine.errors), `internal` for a bug (with a
    traceback), and two the client raises itself when the worker cannot answer."""

    ERROR = "error"
    INPUT = "input_error"
    OUTPUT = "output_error"
    MODEL = "model_error"
    CANCELLED = "cancelled"
    OUT_OF_MEMORY = "out_of_memory"
    INTERNAL = "internal"
    WORKER_DIED = "worker_died"  # client side: the process ended or never became ready
    TIMEOUT = "timeout"  # client side: no answer in time


ENGINE_ERROR_CODES = (
    ErrorCode.ERROR,
    ErrorCode.INPUT,
    ErrorCode.OUTPUT,
    ErrorCode.MODEL,
    ErrorCode.CANCELLED,
    ErrorCode.OUT_OF_MEMORY,
    ErrorCode.INTERNAL,
)
ERROR_CODES = (*ENGINE_ERROR_CODES, ErrorCode.WORKER_DIED, ErrorCode.TIMEOUT)

# -- enumerations and limits ---------------------------------------------------------------------------------

#: Devices an analysis can be asked to run on (offered in this order); "cuda:N" picks one GPU.
DEVICES = ("auto", "cpu", "cuda", "mps")
#: Fine-tuning runs on these only (no Apple GPU support in the training loop).
TRAINING_DEVICES = ("auto", "cpu", "cuda")
_CUDA_INDEX = re.compile(r"cuda:\d+")
#: How the later raster is resampled onto the earlier grid (rasterio/GDAL warp names); the first is default.
RESAMPLING_METHODS = ("bilinear", "nearest", "cubic", "cubic_spline", "lanczos", "average", "mode")

TILE_MULTIPLE = 32  # the model downsamples by 32: tiles are multiples of it
MIN_TILE = 32
MAX_TILE = 8192  # px; the model's own size is 256 (tiny) or 1024 (paper)
MAX_PROMPT_CHARS = 2000  # a change description is a sentence or two; checked before any model is loaded

# -- co-registration (engine.geo.align; the dock's metadata preview) -----------------------------------------

#: Pixel sizes of the two rasters differing by more than this factor (either way) are reported to the user.
RESOLUTION_NOTE_RATIO = 1.5
#: Grid origins differing by less than this fraction of a pixel count as the same grid.
GRID_TOLERANCE_PX = 1e-3
#: Parameters of the worker's `check_alignment` (a subset of the request fields, same meaning).
ALIGNMENT_PARAMS = (
    "earlier",
    "later",
    "bands_earlier",
    "bands_later",
    "extent",
    "extent_crs",
    "extent_wkt",
    "resampling",
    "tile",
    "overlap",
)
#: Fields of the `check_alignment` result.
ALIGNMENT_RESULT_FIELDS = (
    "same_grid",
    "will_warp",
    "overlap_area_m2",
    "resolution_ratio",
    "warnings",
    "tiles_estimate",
)


def is_device(name: Any) -> bool:
    """True for a device name the engine accepts (one of DEVICES, or cuda:N)."""
    return isinstance(name, str) and (name in DEVICES or _CUDA_INDEX.fullmatch(name) is not None)


# -- request fields ------------------------------------------------------------------------------------------

REQUIRED = object()  # default of a field without a default (earlier, later)
_SAME = object()


@dataclass(frozen=True)
class Field:
    """One request field: its JSON kind, default, meaning, allowed values and how the CLI spells it.

    `kind` is the JSON type: "str", "int", "number", "bool" or "list[str]" / "list[int]" / "list[number]";
    `nullable` adds null. Ranges follow JSON-schema words. `cli` lists the `mtrs predict` spellings (a name
    without a dash is positional); `cli_text` says the flag takes text that the command parses (comma lists).
    `ui_default` differs from `default` where the plugin's interfaces deliberately start elsewhere;
    `ui_none` is the widget value standing for null; `ui_maximum` bounds a widget where the engine has no top.
    """

    name: str
    kind: str
    default: Any
    help: str
    nullable: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    multiple_of: int | None = None
    hint: str | None = None  # shown with a value outside the allowed ones
    cli: tuple[str, ...] = ()
    cli_help: str | None = None
    cli_text: bool = False
    cli_required: bool = False
    ui_default: Any = _SAME
    ui_none: Any = None
    ui_maximum: float | None = None
    ui_step: float | None = None

    @property
    def flag(self) -> str:
        """The main CLI spelling (the last one: `--output` rather than `-o`)."""
        return self.cli[-1] if self.cli else ""

    @property
    def label(self) -> str:
        """The field's name in messages ("presence threshold")."""
        return self.name.replace("_", " ")

    @property
    def interface_default(self) -> Any:
        """The starting value in the dock and in Processing (null shown as `ui_none`)."""
        value = self.default if self.ui_default is _SAME else self.ui_default
        return self.ui_none if value is None and self.ui_none is not None else value


def _flag(name: str) -> tuple[str, ...]:
    return ("--" + name.replace("_", "-"),)


# fmt: off
REQUEST_FIELDS: tuple[Field, ...] = (
    Field("earlier", "str", REQUIRED, "the earlier raster (any GDAL format); its grid and CRS are used",
          cli=("earlier",)),
    Field("later", "str", REQUIRED, "the later raster (warped onto the earlier grid if needed)",
          cli=("later",)),
    Field("prompts", "list[str]", (), "change descriptions, one result layer each (empty only with "
          "all_changes)", cli=("--prompt",), cli_help="change description (repeatable)"),
    Field("output", "str", "changes.gpkg", "output vector file; format by extension (.gpkg recommended)",
          cli=("-o", "--output"), cli_required=True),
    Field("model", "str", None, "checkpoint folder or hub id (default: the bundled model)", nullable=True,
          cli=_flag("model")),
    Field("revision", "str", None, "hub revision of the model", nullable=True, cli=_flag("revision")),
    Field("bands_earlier", "list[int]", None, "1-based bands of the earlier raster in R, G, B order "
          "(default: the first three)", nullable=True, cli=_flag("bands_earlier"), cli_text=True,
          cli_help="1-based bands, e.g. 1,2,3 (default: the first three)"),
    Field("bands_later", "list[int]", None, "1-based bands of the later raster (default: the first three)",
          nullable=True, cli=_flag("bands_later"), cli_text=True),
    Field("extent", "list[number]", None, "[xmin, ymin, xmax, ymax] to analyse (default: the rasters' "
          "overlap)", nullable=True, cli=_flag("extent"), cli_text=True,
          cli_help="xmin,ymin,xmax,ymax[,CRS] (default CRS: the earlier's)"),
    Field("extent_crs", "str", None, "CRS (auth id) of extent and extent_wkt (default: the earlier's)",
          nullable=True, cli=_flag("extent_crs")),
    Field("extent_wkt", "str", None, "clip polygon as WKT, in extent_crs", nullable=True,
          cli=_flag("extent_wkt")),
    Field("tile", "int", None, "tile size in px (default: the model's size)", nullable=True,
          minimum=MIN_TILE, maximum=MAX_TILE, multiple_of=TILE_MULTIPLE,
          hint="leave it out to use the model's own size", cli=_flag("tile"), ui_none=0,
          ui_step=TILE_MULTIPLE),
    Field("overlap", "int", 64, "overlap of neighbouring tiles in px, blended (smaller than the tile)",
          minimum=0, cli=_flag("overlap"), ui_maximum=4096),
    Field("threshold", "number", 0.5, "probability above which a pixel counts as changed", minimum=0.0,
          maximum=1.0, exclusive_minimum=True, cli=_flag("threshold"), ui_step=0.01),
    Field("presence_threshold", "number", 0.5, "models with a presence head: below this presence "
          "probability the described change counts as absent from a tile, and from the area when absent "
          "from every tile (0: off)", minimum=0.0, maximum=1.0, exclusive_maximum=True,
          hint="0 turns the 'no such change' check off", cli=_flag("presence_threshold"), ui_step=0.01),
    Field("min_area", "number", 0.0, "drop polygons smaller than this (m²)", minimum=0.0,
          cli=_flag("min_area"), ui_default=10.0, ui_maximum=1e9),
    Field("fill_holes", "number", 0.0, "fill holes smaller than this (m²)", minimum=0.0,
          cli=_flag("fill_holes"), ui_maximum=1e9),
    Field("simplify", "number", 0.0, "simplification tolerance (map units)", minimum=0.0,
          cli=_flag("simplify"), ui_maximum=1e6),
    Field("device", "str", "auto", "where the model runs", choices=DEVICES,
          hint="auto, cpu, cuda, cuda:N or mps", cli=_flag("device"),
          cli_help="auto, cpu, cuda, cuda:N or mps"),
    Field("batch_size", "int", None, "tiles per batch (default: by device)", nullable=True, minimum=1,
          cli=_flag("batch_size")),
    Field("probabilities", "str", None, "also write the probability raster to this GeoTIFF", nullable=True,
          cli=_flag("probabilities")),
    Field("overwrite", "bool", False, "replace an existing output", cli=_flag("overwrite")),
    Field("all_changes", "bool", False, "all changed areas, no prompt (stage-1 head)",
          cli=_flag("all_changes")),
    Field("resampling", "str", RESAMPLING_METHODS[0], "resampling when warping the later raster",
          choices=RESAMPLING_METHODS, hint=", ".join(RESAMPLING_METHODS), cli=_flag("resampling")),
    Field("output_crs", "str", None, "CRS of the output (default: the earlier's)", nullable=True,
          cli=_flag("output_crs")),
)
# fmt: on

REQUEST: dict[str, Field] = {f.name: f for f in REQUEST_FIELDS}
REQUEST_NAMES: tuple[str, ...] = tuple(REQUEST)
#: Engine defaults by field name (REQUIRED for earlier/later; a tuple stands for an empty list).
DEFAULTS: dict[str, Any] = {f.name: f.default for f in REQUEST_FIELDS}


def request_params(**values: Any) -> dict[str, Any]:
    """A request (or check_alignment) dict whose keys are request fields: a misspelt key fails here, in the
    plugin, instead of coming back from the worker as `unknown request field`."""
    unknown = sorted(set(values) - set(REQUEST))
    if unknown:
        raise KeyError(f"not analysis request fields: {', '.join(unknown)}")
    return dict(values)


_JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "a string"),
    "int": ((int,), "an integer"),
    "number": ((int, float), "a number"),
    "bool": ((bool,), "true or false"),
}


def json_types(
    names: tuple[str, ...] | None = None, null_means_default: bool = False
) -> dict[str, tuple[tuple[type, ...], str]]:
    """(accepted Python types, words) of the scalar request fields, for engine.json_fields.check_field_types
    (lists are checked element by element by their reader). With `null_means_default` every field that has
    a default also accepts null (check_alignment: null = the default)."""
    out = {}
    for f in REQUEST_FIELDS if names is None else (REQUEST[n] for n in names):
        if f.kind not in _JSON_TYPES:
            continue
        accepted, words = _JSON_TYPES[f.kind]
        if f.nullable or (null_means_default and f.default is not REQUIRED):
            accepted, words = (*accepted, type(None)), f"{words} or null"
        out[f.name] = (accepted, words)
    return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def interval(name: str) -> str:
    """The allowed range of a numeric field in words: "(0, 1]", "at least 1", ..."""
    f = REQUEST[name]
    if f.minimum is not None and f.maximum is not None:
        left, right = "(" if f.exclusive_minimum else "[", ")" if f.exclusive_maximum else "]"
        return f"{left}{_num(f.minimum)}, {_num(f.maximum)}{right}"
    if f.minimum is not None:
        return f"above {_num(f.minimum)}" if f.exclusive_minimum else f"at least {_num(f.minimum)}"
    return "any number"


def problem(name: str, value: Any) -> tuple[str, str | None] | None:
    """(message, hint) when `value` is outside what field `name` allows, else None. Types are checked
    elsewhere (json_types); null passes here (whether null is allowed is a type question)."""
    f = REQUEST[name]
    if value is None:
        return None
    if f.name == "device":
        return None if is_device(value) else (f"unknown device '{value}'", f.hint)
    if f.choices and value not in f.choices:
        return f"unknown {f.label} '{value}'", f.hint or ", ".join(f.choices)
    if f.kind not in ("int", "number") or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if f.multiple_of is not None and (
        value % f.multiple_of or (f.minimum is not None and value < f.minimum) or value > (f.maximum or value)
    ):
        return (
            f"{f.label} must be a multiple of {f.multiple_of} between {_num(f.minimum or f.multiple_of)} and "
            f"{_num(f.maximum or math.inf)}, got {value}",
            f.hint,
        )
    low_bad = f.minimum is not None and (value <= f.minimum if f.exclusive_minimum else value < f.minimum)
    high_bad = f.maximum is not None and (value >= f.maximum if f.exclusive_maximum else value > f.maximum)
    if not (low_bad or high_bad):
        return None
    if f.maximum is None and f.minimum == 0 and not f.exclusive_minimum:
        return f"{f.label} must not be negative, got {value}", f.hint
    if f.maximum is None:
        return f"{f.label} must be {interval(name)}, got {value}", f.hint
    return f"{f.label} must be in {interval(name)}, got {value}", f.hint


def ui_range(name: str) -> tuple[float, float]:
    """Closed (lowest, highest) values of a widget for numeric field `name`: open ends move in by one
    step, null gets `ui_none`, and a field without a top gets `ui_maximum`."""
    f = REQUEST[name]
    step = f.ui_step or 1
    low = f.minimum if f.minimum is not None else 0
    if f.exclusive_minimum:
        low += step
    if f.nullable and f.ui_none is not None:
        low = min(low, f.ui_none)
    high = f.maximum if f.maximum is not None else f.ui_maximum
    if high is None:
        raise ValueError(f"request field '{name}' has no upper bound for a widget")
    if f.exclusive_maximum:
        high -= step
    return (round(low, 10), round(high, 10))


# -- result fields -------------------------------------------------------------------------------------------

#: Fields of `AnalysisResult` (the worker's `analyse` result), in order.
RESULT_FIELDS: dict[str, str] = {
    "output": "the vector file written",
    "layer": "its layer name",
    "n_polygons": "number of polygons",
    "total_area_m2": "their total area (m², or px in pixel mode)",
    "seconds": "wall time of the analysis",
    "device": "the device it ran on",
    "tiles": "tiles analysed",
    "cache_hits": "tiles whose image features came from the cache",
    "probabilities": "the probability raster written, or null",
    "run_record": "everything needed to reproduce the run (also stored in the output)",
    "prompts": "the prompts analysed",
    "warnings": "notes for the user (reprojection, resolution gap, nodata share, pixel coordinates)",
    "presence": "per prompt, models with a presence head only: the presence verdict, else null",
}
#: Keys of one prompt's presence verdict (`presence[prompt]`).
PRESENCE_FIELDS = ("probability", "present", "tiles_present", "tiles")

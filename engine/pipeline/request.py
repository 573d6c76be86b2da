"""The request and result of one analysis (INTERFACES §2). JSON names = field names = CLI flags."""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InputError
from engine.json_fields import check_field_types

MAX_TILE = 8192  # px; the model's own size is 256 (tiny) or 1024 (paper)
MAX_PROMPT_CHARS = 2000  # a change description is a sentence or two; checked before any model is loaded

# JSON type of each request field: (accepted Python types, words for the message). bool is not a number.
_STR = ((str,), "a string")
_OPT_STR = ((str, type(None)), "a string or null")
_NUM = ((int, float), "a number")
_INT = ((int,), "an integer")
_OPT_INT = ((int, type(None)), "an integer or null")
_BOOL = ((bool,), "true or false")
_FIELD_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "earlier": _STR,
    "later": _STR,
    "output": _STR,
    "model": _OPT_STR,
    "revision": _OPT_STR,
    "extent_crs": _OPT_STR,
    "extent_wkt": _OPT_STR,
    "tile": _OPT_INT,
    "overlap": _INT,
    "threshold": _NUM,
    "presence_threshold": _NUM,
    "min_area": _NUM,
    "fill_holes": _NUM,
    "simplify": _NUM,
    "device": _STR,
    "batch_size": _OPT_INT,
    "probabilities": _OPT_STR,
    "overwrite": _BOOL,
    "all_changes": _BOOL,
    "resampling": _STR,
    "output_crs": _OPT_STR,
}


def _check_list(name: str, value: Any, kind: type, words: str, allow_str: bool = False) -> None:
    if value is None or (allow_str and isinstance(value, str)):
        return
    if not isinstance(value, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
        raise InputError(f"request field '{name}' must be a list of {words}, got {value!r}"[:300])


@dataclass
class AnalysisRequest:
    """Everything needed to reproduce one analysis; stored verbatim in the run record."""

    earlier: str
    later: str
    prompts: list[str] = field(default_factory=list)
    output: str = "changes.gpkg"
    model: str | None = None
    revision: str | None = None
    bands_earlier: list[int] | None = None
    bands_later: list[int] | None = None
    extent: list[float] | None = None
    extent_crs: str | None = None
    extent_wkt: str | None = None
    tile: int | None = None
    overlap: int = 64
    threshold: float = 0.5
    # models with a presence head: below this presence probability a prompt's change counts as absent from a
    # tile (no probability there) and, when absent from every tile, from the area; 0 turns the check off
    presence_threshold: float = 0.5
    min_area: float = 0.0
    fill_holes: float = 0.0
    simplify: float = 0.0
    device: str = "auto"
    batch_size: int | None = None
    probabilities: str | None = None
    overwrite: bool = False
    all_changes: bool = False
    resampling: str = "bilinear"
    output_crs: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnalysisRequest:
        """A request from JSON (the worker protocol): unknown fields, missing inputs and wrongly typed
        values are InputErrors, checked once here."""
        if not isinstance(data, dict):
            raise InputError(f"the request parameters must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown request field(s): {', '.join(map(str, unknown))}"[:300])
        for required in ("earlier", "later"):
            if not data.get(required):
                raise InputError(f"request field '{required}' is required")
        check_field_types(data, _FIELD_TYPES)
        _check_list("prompts", data.get("prompts"), str, "strings", allow_str=True)
        _check_list("bands_earlier", data.get("bands_earlier"), int, "band numbers", allow_str=True)
        _check_list("bands_later", data.get("bands_later"), int, "band numbers", allow_str=True)
        _check_list("extent", data.get("extent"), (int, float), "numbers")
        req = cls(**data)
        if isinstance(req.prompts, str):
            req.prompts = [req.prompts]
        if req.prompts is None:
            req.prompts = []
        from engine.geo.raster import parse_bands

        req.bands_earlier = parse_bands(req.bands_earlier)
        req.bands_later = parse_bands(req.bands_later)
        return req

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validate(self) -> None:
        """Cheap option checks (no file access, no model)."""
        if not self.all_changes and not self.prompts:
            raise InputError(
                "no prompt given", hint="describe the change with --prompt, or use --all-changes"
            )
        for p in self.prompts:
            check_prompt_text(p)
        for name in ("threshold", "presence_threshold", "min_area", "fill_holes", "simplify"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                raise InputError(f"{name.replace('_', '-')} must be a finite number, got {value!r}")
        if not 0.0 < self.threshold <= 1.0:
            raise InputError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 <= self.presence_threshold < 1.0:
            raise InputError(
                f"presence threshold must be in [0, 1), got {self.presence_threshold}",
                hint="0 turns the 'no such change' check off",
            )
        if self.tile is not None and (self.tile < 32 or self.tile % 32 or self.tile > MAX_TILE):
            raise InputError(
                f"tile must be a multiple of 32 between 32 and {MAX_TILE}, got {self.tile}",
                hint="leave it out to use the model's own size",
            )
        if self.overlap < 0:
            raise InputError(f"overlap must not be negative, got {self.overlap}")
        if self.tile is not None and self.overlap >= self.tile:
            default = " (the default)" if self.overlap == 64 else ""
            raise InputError(
                f"the overlap of {self.overlap} px{default} must be smaller than the tile of {self.tile} px",
                hint=f"pass --overlap {self.tile // 4} (or less) with --tile {self.tile}",
            )
        if self.min_area < 0 or self.fill_holes < 0 or self.simplify < 0:
            raise InputError("min_area, fill_holes and simplify must not be negative")
        if self.batch_size is not None and self.batch_size < 1:
            raise InputError(f"batch size must be at least 1, got {self.batch_size}")
        if self.device not in ("auto", "cpu", "cuda", "mps") and not str(self.device).startswith("cuda:"):
            raise InputError(f"unknown device '{self.device}'", hint="auto, cpu, cuda or mps")


def check_prompt_text(prompt: Any) -> None:
    """A prompt must be non-empty text of reasonable length without control characters (a NUL byte cut
    the stored prompt short in the output's attribute table)."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise InputError(
            "empty prompt", hint="describe the change, e.g. 'buildings destroyed by the tornado'"
        )
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InputError(
            f"the prompt is too long ({len(prompt):,} characters; at most {MAX_PROMPT_CHARS:,})",
            hint="describe the change in a sentence or two",
        )
    bad = next((ch for ch in prompt if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t"), None)
    if bad is not None:
        raise InputError(
            f"the prompt contains a control character (U+{ord(bad):04X})",
            hint="prompts are plain text; remove the character",
        )


@dataclass
class AnalysisResult:
    output: str
    layer: str
    n_polygons: int
    total_area_m2: float
    seconds: float
    device: str
    tiles: int
    cache_hits: int
    probabilities: str | None
    run_record: dict[str, Any]
    prompts: list[str]
    warnings: list[str] = field(default_factory=list)  # notes for the user (alignment, pixel mode, nodata)
    # per prompt, models with a presence head only: {"probability", "present", "tiles_present", "tiles"}
    presence: dict[str, dict[str, Any]] | None = None

    @property
    def absent_prompts(self) -> list[str]:
        """The prompts whose change the model found nowhere in the analysed area."""
        return [p for p, v in (self.presence or {}).items() if not v["present"]]

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

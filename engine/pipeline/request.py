"""The request and result of one analysis (INTERFACES §2). JSON names = field names = CLI flags."""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.contract import DEFAULTS as _D
from engine.contract import MAX_PROMPT_CHARS, REQUEST_NAMES, json_types, problem
from engine.errors import InputError
from engine.json_fields import check_field_types

# JSON type of each scalar request field: (accepted Python types, words). bool is not a number.
_FIELD_TYPES: dict[str, tuple[tuple[type, ...], str]] = json_types()


def _check_list(name: str, value: Any, kind: type, words: str, allow_str: bool = False) -> None:
    if value is None or (allow_str and isinstance(value, str)):
        return
    if not isinstance(value, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
        raise InputError(f"request field '{name}' must be a list of {words}, got {value!r}"[:300])


@dataclass
class AnalysisRequest:
    """Everything needed to reproduce one analysis; stored verbatim in the run record."""

    # names, order and defaults: engine.contract.REQUEST_FIELDS (a test keeps them equal)
    earlier: str
    later: str
    prompts: list[str] = field(default_factory=list)
    output: str = _D["output"]
    model: str | None = _D["model"]
    revision: str | None = _D["revision"]
    bands_earlier: list[int] | None = _D["bands_earlier"]
    bands_later: list[int] | None = _D["bands_later"]
    extent: list[float] | None = _D["extent"]
    extent_crs: str | None = _D["extent_crs"]
    extent_wkt: str | None = _D["extent_wkt"]
    tile: int | None = _D["tile"]
    overlap: int = _D["overlap"]
    threshold: float = _D["threshold"]
    # models with a presence head: below this presence probability a prompt's change counts as absent from a
    # tile (no probability there) and, when absent from every tile, from the area; 0 turns the check off
    presence_threshold: float = _D["presence_threshold"]
    min_area: float = _D["min_area"]
    fill_holes: float = _D["fill_holes"]
    simplify: float = _D["simplify"]
    device: str = _D["device"]
    batch_size: int | None = _D["batch_size"]
    probabilities: str | None = _D["probabilities"]
    overwrite: bool = _D["overwrite"]
    all_changes: bool = _D["all_changes"]
    resampling: str = _D["resampling"]
    output_crs: str | None = _D["output_crs"]

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
        for name in REQUEST_NAMES:  # ranges and choices: the contract's
            found = problem(name, getattr(self, name))
            if found is not None:
                raise InputError(found[0], hint=found[1])
        if self.tile is not None and self.overlap >= self.tile:
            is_default = self.overlap == _D["overlap"]
            raise InputError(
                f"the overlap of {self.overlap} px{' (the default)' if is_default else ''} must be smaller "
                f"than the tile of {self.tile} px",
                hint=f"pass --overlap {self.tile // 4} (or less) with --tile {self.tile}",
            )


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

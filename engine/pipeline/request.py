"""The request and result of one analysis (INTERFACES §2). JSON names = field names = CLI flags."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InputError


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
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown request field(s): {', '.join(unknown)}")
        for required in ("earlier", "later"):
            if not data.get(required):
                raise InputError(f"request field '{required}' is required")
        req = cls(**data)
        if isinstance(req.prompts, str):
            req.prompts = [req.prompts]
        return req

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validate(self) -> None:
        """Cheap option checks (no file access)."""
        if not self.all_changes and not self.prompts:
            raise InputError(
                "no prompt given", hint="describe the change with --prompt, or use --all-changes"
            )
        for p in self.prompts:
            if not isinstance(p, str) or not p.strip():
                raise InputError(
                    "empty prompt", hint="describe the change, e.g. 'buildings destroyed by the tornado'"
                )
        if not 0.0 < self.threshold <= 1.0:
            raise InputError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.tile is not None and (self.tile < 32 or self.tile % 32):
            raise InputError(f"tile must be a multiple of 32 (at least 32), got {self.tile}")
        if self.overlap < 0 or (self.tile is not None and self.overlap >= self.tile):
            raise InputError(f"overlap must be between 0 and the tile size, got {self.overlap}")
        if self.min_area < 0 or self.fill_holes < 0 or self.simplify < 0:
            raise InputError("min_area, fill_holes and simplify must not be negative")
        if self.batch_size is not None and self.batch_size < 1:
            raise InputError(f"batch size must be at least 1, got {self.batch_size}")
        if self.device not in ("auto", "cpu", "cuda", "mps") and not str(self.device).startswith("cuda:"):
            raise InputError(f"unknown device '{self.device}'", hint="auto, cpu, cuda or mps")


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

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

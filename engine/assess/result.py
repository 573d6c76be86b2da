"""`AssessmentResult`: what an assessment measured, in one JSON-ready object (the `--json` file, the result
event of `--progress-json`, the return value of `engine.assess.assess`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine import __version__
from engine.assess.grid import AnalysisGrid
from engine.assess.object_metrics import ObjectMetrics
from engine.assess.pixels import PixelMetrics


@dataclass
class AssessmentResult:
    predicted: str
    reference: str
    grid: AnalysisGrid
    pixel: PixelMetrics
    objects: ObjectMetrics
    options: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    report: str | None = None
    figure: str | None = None
    errors: str | None = None
    metrics_json: str | None = None
    errors_count: dict[str, int] = field(default_factory=dict)  # {"fp": n, "fn": m} written to `errors`
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "mtrs_version": __version__,
            "predicted": self.predicted,
            "reference": self.reference,
            "options": self.options,
            "grid": self.grid.to_json(),
            "pixel": self.pixel.to_json(),
            "objects": self.objects.to_json(),
            "outputs": {
                "report": self.report,
                "figure": self.figure,
                "errors": self.errors,
                "json": self.metrics_json,
            },
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
        }

    def result_event(self) -> dict[str, Any]:
        """The `result` event of `mtrs assess --progress-json` (keys fixed by the CLI contract)."""
        p, o = self.pixel, self.objects
        return {
            "report": self.report,
            "errors": self.errors,
            "json": self.metrics_json,
            "figure": self.figure,
            "metrics": {
                "pixel": {"iou": p.iou, "precision": p.precision, "recall": p.recall, "f1": p.f1, "oa": p.oa},
                "objects": {
                    "tp": o.tp,
                    "fp": o.fp,
                    "fn": o.fn,
                    "precision": o.precision,
                    "recall": o.recall,
                    "f1": o.f1,
                },
            },
        }

    def summary(self) -> str:
        """A few lines for a person at a terminal."""
        p, o = self.pixel, self.objects
        size = "×".join(f"{v:g}" for v in self.grid.pixel_size)
        lines = [
            f"pixels  IoU {pct(p.iou)}  precision {pct(p.precision)}  recall {pct(p.recall)}  "
            f"F1 {pct(p.f1)}  OA {pct(p.oa)}",
            f"        TP {p.tp:,}  FP {p.fp:,}  FN {p.fn:,}  TN {p.tn:,} px of {size} "
            f"({self.grid.width}×{self.grid.height} px grid in {self.grid.crs.to_string()})",
            f"objects (one-to-one, IoU ≥ {o.min_iou:g})  TP {o.tp}  FP {o.fp}  FN {o.fn}  "
            f"precision {pct(o.precision)}  recall {pct(o.recall)}  F1 {pct(o.f1)}",
        ]
        for label, path in (
            ("report", self.report),
            ("figure", self.figure),
            ("errors", self.errors),
            ("metrics", self.metrics_json),
        ):
            if path:
                lines.append(f"{label} → {path}")
        lines += [f"note: {w}" for w in self.warnings]
        return "\n".join(lines)


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"

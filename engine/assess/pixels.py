"""Pixel-level agreement of two change masks on the analysis grid.

Definitions (TP/FP/FN/TN = pixel counts where both inputs have data):
  IoU = TP / (TP+FP+FN)   precision = TP / (TP+FP)   recall = TP / (TP+FN)
  F1 = 2TP / (2TP+FP+FN)  overall accuracy = (TP+TN) / all
IoU and F1 are 1 when neither side has any change (perfect agreement on "nothing changed"), as in the
evaluation protocol of `mtrs eval`; precision (nothing predicted) and recall (nothing to find) are then
undefined and reported as None.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


def ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


@dataclass(frozen=True)
class PixelMetrics:
    tp: int
    fp: int
    fn: int
    tn: int
    pixel_area_m2: float

    @property
    def iou(self) -> float:
        d = self.tp + self.fp + self.fn
        return 1.0 if d == 0 else self.tp / d

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        d = 2 * self.tp + self.fp + self.fn
        return 1.0 if d == 0 else 2 * self.tp / d

    @property
    def oa(self) -> float | None:
        return ratio(self.tp + self.tn, self.tp + self.fp + self.fn + self.tn)

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def to_json(self) -> dict:
        return {
            "iou": self.iou,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "oa": self.oa,
            **asdict(self),
            "area_m2": {
                "tp": self.tp * self.pixel_area_m2,
                "fp": self.fp * self.pixel_area_m2,
                "fn": self.fn * self.pixel_area_m2,
            },
        }


def pixel_metrics(
    predicted: np.ndarray, reference: np.ndarray, valid: np.ndarray | None, pixel_area_m2: float
) -> PixelMetrics:
    """Counts over the pixels where `valid` (None: everywhere) of two boolean masks of the same shape."""
    p, r = predicted, reference
    if valid is not None:
        p, r = p & valid, r & valid
        n = int(np.count_nonzero(valid))
    else:
        n = p.size
    tp = int(np.count_nonzero(p & r))
    fp = int(np.count_nonzero(p)) - tp
    fn = int(np.count_nonzero(r)) - tp
    return PixelMetrics(tp=tp, fp=fp, fn=fn, tn=n - tp - fp - fn, pixel_area_m2=pixel_area_m2)


def categories(
    predicted: np.ndarray, reference: np.ndarray, valid: np.ndarray | None, step: int = 1
) -> np.ndarray:
    """Per-pixel outcome for figures (every `step`-th pixel): 0 TN, 1 TP, 2 FP, 3 FN, 255 no data."""
    p = predicted[::step, ::step]
    r = reference[::step, ::step]
    out = np.zeros(p.shape, dtype=np.uint8)
    out[p & r] = 1
    out[p & ~r] = 2
    out[~p & r] = 3
    if valid is not None:
        out[~valid[::step, ::step]] = 255
    return out

"""Why a referring prediction fails: one outcome per sample, beside the reference metrics.

mIoU says how much is wrong, not what. For a change-referring model the two failures that need different
fixes are a poor mask of the right change (mask quality) and a mask of a different change (the model did not
pick the change the expression names). The other expressions on the same image pair tell them apart: their
targets are the other changes a model is likely to confuse with this one.

Outcomes, decided on the boolean masks of the letterboxed frame (the reference protocol's frame):

- non-empty target: `correct` (IoU >= 0.5), `missed` (nothing predicted), `partial` (most of the prediction
  lies on the target but covers too little of it), `spills_over` (most of the target is covered, but most of
  the prediction lies outside it), `other_target` (most of the prediction lies on the target of another
  expression of the pair), `elsewhere` (anything else);
- empty target ("no such change"): `correct_empty`, `false_alarm_other_target` (the prediction mostly lies
  on another expression's target), `false_alarm_elsewhere`.

The checks run in that order, so a prediction that is mostly on the target is never called `other_target`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

OUTCOMES = (
    "correct",
    "partial",
    "spills_over",
    "other_target",
    "elsewhere",
    "missed",
    "correct_empty",
    "false_alarm_other_target",
    "false_alarm_elsewhere",
)
HIT_IOU = 0.5
MOSTLY = 0.5  # "most of the prediction / of the target"


def classify(pred: np.ndarray, target: np.ndarray, other_targets: np.ndarray) -> str:
    """One sample's outcome. All three are boolean arrays of one shape; `other_targets` is the union of the
    targets of the pair's other expressions (it may include this target: pixels of the target never count as
    another's)."""
    pred, target = np.asarray(pred, dtype=bool), np.asarray(target, dtype=bool)
    n_pred = int(pred.sum())
    on_other = int((pred & np.asarray(other_targets, dtype=bool) & ~target).sum())
    if not target.any():
        if n_pred == 0:
            return "correct_empty"
        return "false_alarm_other_target" if on_other > MOSTLY * n_pred else "false_alarm_elsewhere"
    if n_pred == 0:
        return "missed"
    inter = int((pred & target).sum())
    if inter / int((pred | target).sum()) >= HIT_IOU:
        return "correct"
    if inter >= MOSTLY * n_pred:
        return "partial"
    if inter >= MOSTLY * int(target.sum()):
        return "spills_over"
    return "other_target" if on_other > MOSTLY * n_pred else "elsewhere"


def describe_counts(counts: dict[str, int]) -> str:
    """One line for reports and logs: 'correct 756, partial 88, ...'."""
    return ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items())


@dataclass
class OutcomeCounter:
    """Classifies samples pair by pair while an evaluation streams through a dataset.

    Samples arrive in dataset order, where a pair's expressions are consecutive (one annotation file per
    pair); a pair is classified when the next pair begins (or at `finish`), so memory holds one pair's masks,
    not the dataset's. Each sample comes with its per-sample record (a dict), which receives an `outcome` key.
    """

    counts: Counter = field(default_factory=Counter)
    _pair: str | None = None
    _pending: list[tuple[dict, np.ndarray, np.ndarray]] = field(default_factory=list)

    def add(self, pair_id: str, record: dict, pred: np.ndarray, target: np.ndarray) -> None:
        if pair_id != self._pair:
            self._flush()
            self._pair = pair_id
        self._pending.append((record, np.asarray(pred, dtype=bool), np.asarray(target, dtype=bool)))

    def finish(self) -> dict[str, int]:
        """Classify what is still pending; returns the count of every outcome (zeros included)."""
        self._flush()
        return {name: int(self.counts[name]) for name in OUTCOMES}

    def _flush(self) -> None:
        if not self._pending:
            return
        # every target of the pair; `classify` leaves out the sample's own
        targets = np.logical_or.reduce([target for _, _, target in self._pending])
        for record, pred, target in self._pending:
            record["outcome"] = classify(pred, target, targets)
            self.counts[record["outcome"]] += 1
        self._pending = []

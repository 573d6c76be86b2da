"""Object-level counts from a matching: overall, per reference class, per prompt, and class × prompt.

TP = matched pairs, FP = predicted objects without a match, FN = reference objects without a match;
precision = TP / predicted, recall = TP / reference, F1 = 2TP / (predicted + reference) (None when the
denominator is 0). Per class, only recall is meaningful (a prediction has no class); per prompt, only
precision (a reference object has no prompt); `pairs` tells which prompt found which class.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from engine.assess.matching import Matching
from engine.assess.objects import GridObject
from engine.assess.pixels import ratio


@dataclass
class ObjectMetrics:
    tp: int
    fp: int
    fn: int
    predicted: int
    reference: int
    min_iou: float
    mean_matched_iou: float | None
    per_class: dict[str, dict] = field(default_factory=dict)
    per_prompt: dict[str, dict] = field(default_factory=dict)
    pairs: dict[str, dict[str, int]] = field(default_factory=dict)  # prompt -> class -> matched pairs

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.reference)

    @property
    def f1(self) -> float | None:
        return ratio(2 * self.tp, self.predicted + self.reference)

    def to_json(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "predicted": self.predicted,
            "reference": self.reference,
            "min_iou": self.min_iou,
            "mean_matched_iou": self.mean_matched_iou,
            "per_class": self.per_class,
            "per_prompt": self.per_prompt,
            "pairs": self.pairs,
        }


def object_metrics(
    predicted: list[GridObject], reference: list[GridObject], matching: Matching, min_iou: float
) -> ObjectMetrics:
    tp = len(matching.pairs)
    matched_p, matched_r = matching.matched_pred, matching.matched_ref
    per_class: dict[str, dict] = {}
    for cls, n in sorted(Counter(o.cls for o in reference).items()):
        found = sum(1 for j in matched_r if reference[j].cls == cls)
        per_class[cls] = {"reference": n, "tp": found, "fn": n - found, "recall": ratio(found, n)}
    per_prompt: dict[str, dict] = {}
    for prompt, n in sorted(Counter(o.prompt for o in predicted).items()):
        hit = sum(1 for i in matched_p if predicted[i].prompt == prompt)
        per_prompt[prompt] = {"predicted": n, "tp": hit, "fp": n - hit, "precision": ratio(hit, n)}
    pairs: dict[str, dict[str, int]] = {}
    for i, j, _ in matching.pairs:
        row = pairs.setdefault(predicted[i].prompt, {})
        row[reference[j].cls] = row.get(reference[j].cls, 0) + 1
    mean_iou = sum(iou for _, _, iou in matching.pairs) / tp if tp else None
    return ObjectMetrics(
        tp=tp,
        fp=len(predicted) - tp,
        fn=len(reference) - tp,
        predicted=len(predicted),
        reference=len(reference),
        min_iou=min_iou,
        mean_matched_iou=mean_iou,
        per_class=per_class,
        per_prompt=per_prompt,
        pairs=pairs,
    )

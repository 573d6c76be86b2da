"""Outcome classes of referring predictions (engine/evaluate/outcomes.py) on hand-drawn masks, and their
counts in the evaluation runner."""

from __future__ import annotations

import numpy as np
import pytest

from engine.evaluate.outcomes import OUTCOMES, OutcomeCounter, classify


def box(y0: int, y1: int, x0: int, x1: int, size: int = 20) -> np.ndarray:
    m = np.zeros((size, size), bool)
    m[y0:y1, x0:x1] = True
    return m


TARGET = box(0, 10, 0, 10)  # 100 px
OTHER = box(12, 20, 12, 20)  # another expression's target, 64 px
EMPTY = np.zeros((20, 20), bool)


@pytest.mark.parametrize(
    ("pred", "target", "expected"),
    [
        (box(0, 10, 0, 8), TARGET, "correct"),  # IoU 0.8
        (EMPTY, TARGET, "missed"),
        (box(0, 4, 0, 10), TARGET, "partial"),  # all on the target, IoU 0.4
        (TARGET | box(10, 20, 0, 11), TARGET, "spills_over"),  # whole target + 110 px more: IoU 0.48
        (OTHER | box(0, 2, 0, 2), TARGET, "other_target"),  # 64 of 68 px on the other target
        (box(12, 20, 0, 8), TARGET, "elsewhere"),  # on neither
        (EMPTY, EMPTY, "correct_empty"),
        (OTHER, EMPTY, "false_alarm_other_target"),
        (box(0, 3, 0, 3), EMPTY, "false_alarm_elsewhere"),
    ],
)
def test_each_outcome_on_hand_drawn_masks(pred: np.ndarray, target: np.ndarray, expected: str) -> None:
    others = OTHER if target is not OTHER else EMPTY
    assert classify(pred, target, others) == expected


def test_a_prediction_mostly_on_its_own_target_is_never_blamed_on_another() -> None:
    # the other expression refers to an overlapping region; the prediction covers 40 % of the target only
    assert classify(box(0, 4, 0, 10), TARGET, TARGET | OTHER) == "partial"


def test_counter_uses_the_other_expressions_of_the_same_pair_only() -> None:
    counter = OutcomeCounter()
    records = [{} for _ in range(4)]
    # pair a: expression 0 is answered with expression 1's target
    counter.add("a", records[0], OTHER, TARGET)
    counter.add("a", records[1], OTHER, OTHER)
    # pair b: the same wrong mask, but no other expression claims it
    counter.add("b", records[2], OTHER, TARGET)
    counter.add("b", records[3], EMPTY, EMPTY)
    counts = counter.finish()
    assert [r["outcome"] for r in records] == ["other_target", "correct", "elsewhere", "correct_empty"]
    assert set(counts) == set(OUTCOMES) and sum(counts.values()) == 4

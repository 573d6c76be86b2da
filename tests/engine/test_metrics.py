"""The reference evaluation protocol (docs/REFERENCE.md R4) on hand-computed cases, including empty masks."""

from __future__ import annotations

import pytest
import torch

from engine.evaluate.metrics import ChangeMeter, ReferringMeter, change_metrics, referring_metrics


def masks(*rows: str) -> torch.Tensor:
    """Each string is one 1×N sample: '1' set, '0' unset."""
    return torch.tensor([[[c == "1" for c in r]] for r in rows])


def test_reference_metrics_hand_computed() -> None:
    pred = masks("1100", "1111", "0000", "0000", "1000")
    gt = masks("1000", "0011", "0000", "0110", "0000")
    m = referring_metrics(pred, gt)
    # IoUs: 1/2, 2/4, both empty -> 1, empty pred on non-empty GT -> 0, FP on empty GT -> 0
    assert m["mIoU"] == pytest.approx((0.5 + 0.5 + 1 + 0 + 0) / 5, abs=1e-6)
    # ΣI = 1 + 2 + 0 + 0 + 0 = 3; ΣU = 2 + 4 + 0 + 2 + 1 = 9
    assert m["oIoU"] == pytest.approx(3 / 9, abs=1e-6)
    # The reference divides by U + 1e-6: an exact 1/2 is 0.49999975 < 0.5, only the empty-both sample counts.
    assert m["Pr@0.5"] == pytest.approx(1 / 5)
    assert m["Pr@0.6"] == pytest.approx(1 / 5)
    assert (m["empty_gt"], m["empty_pred"], m["empty_both"]) == (2, 2, 1)
    assert (m["fp_on_empty_gt"], m["fn_on_nonempty_gt"], m["nonempty_gt"]) == (1, 1, 3)


def test_pr_uses_greater_or_equal_on_exact_iou() -> None:
    m = referring_metrics(masks("11"), masks("11"))  # I = U = 2: IoU = 2/(2+1e-6) just below 1
    assert m["Pr@0.9"] == 1.0


def test_all_empty_and_accumulation() -> None:
    assert referring_metrics(masks("00", "00"), masks("00", "00"))["oIoU"] == 1.0
    assert referring_metrics(masks("00", "10"), masks("00", "00"))["oIoU"] == 0.0
    meter = ReferringMeter()
    meter.update(masks("1100"), masks("1000"))
    meter.update(masks("0000", "0110"), masks("0000", "0100"))
    assert meter.compute()["mIoU"] == pytest.approx((0.5 + 1 + 0.5) / 3, abs=1e-6)


def test_change_detection_metrics() -> None:
    pred = masks("1100", "0010")
    gt = masks("1000", "0011")
    c = change_metrics(pred, gt)  # tp 2, fp 1, fn 1, tn 4
    assert (c["tp"], c["fp"], c["fn"], c["tn"]) == (2, 1, 1, 4)
    assert c["precision"] == pytest.approx(2 / 3) and c["recall"] == pytest.approx(2 / 3)
    assert (
        c["F1"] == pytest.approx(2 / 3)
        and c["IoU"] == pytest.approx(2 / 4)
        and c["OA"] == pytest.approx(6 / 8)
    )
    perfect_empty = ChangeMeter()
    perfect_empty.update(masks("000"), masks("000"))
    assert perfect_empty.compute()["IoU"] == 1.0 and perfect_empty.compute()["F1"] == 1.0

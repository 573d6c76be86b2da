"""Evaluation metrics: the reference protocol exactly (docs/REFERENCE.md R4), plus change-detection metrics.

Referring segmentation, per (pair, expression) sample, prediction = logit > 0:
  I = |P∧G|, U = |P|+|G|−I, IoU = I/(U+1e-6); both empty -> IoU = 1; exactly one empty -> 0.
  mIoU = mean IoU; oIoU = ΣI/(ΣU+1e-6) (both-empty samples add 0 to both sums; if ΣU = 0, oIoU = 1 only when
  every sample is empty-both); Pr@t = fraction of samples with IoU ≥ t, t ∈ {0.5,…,0.9}.
Change detection (the change class over all pixels of all samples): precision, recall, F1, IoU, OA.
Presence, per sample, "present" = the target mask is not empty: accuracy, precision, recall, F1, and as in
generalised referring segmentation N-acc (empty targets said absent) and T-acc (non-empty targets said
present); the prediction comes from a presence head, or from whether the predicted mask is empty.

`ReferringMeter` / `ChangeMeter` accumulate batch by batch so evaluation memory does not grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

PR_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
EPS = 1e-6


def binarise(logits: torch.Tensor) -> torch.Tensor:
    """The reference threshold: logit > 0 (⇔ sigmoid > 0.5)."""
    return logits > 0


def intersection_union(pred: torch.Tensor, gt: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample I and U (int64, shape B) of boolean masks B×…"""
    p = pred.reshape(pred.shape[0], -1).bool()
    g = gt.reshape(gt.shape[0], -1).bool()
    inter = (p & g).sum(dim=1)
    union = p.sum(dim=1) + g.sum(dim=1) - inter
    return inter.long(), union.long()


def sample_iou(inter: int, union: int, pred_empty: bool, gt_empty: bool) -> float:
    """IoU with the reference's empty rules."""
    if pred_empty and gt_empty:
        return 1.0
    if pred_empty or gt_empty:
        return 0.0
    return inter / (union + EPS)


@dataclass
class ReferringMeter:
    """Accumulates the reference metrics over batches of boolean predictions and targets."""

    ious: list[float] = field(default_factory=list)
    sum_i: int = 0
    sum_u: int = 0
    gt_empty: int = 0
    pred_empty: int = 0
    both_empty: int = 0
    fp_on_empty_gt: int = 0
    fn_on_nonempty_gt: int = 0

    def update(self, pred: torch.Tensor, gt: torch.Tensor) -> list[float]:
        """Add a batch (B×… bool/{0,1}); returns the per-sample IoUs of this batch."""
        inter, union = intersection_union(pred, gt)
        p_sum = pred.reshape(pred.shape[0], -1).bool().sum(dim=1)
        g_sum = gt.reshape(gt.shape[0], -1).bool().sum(dim=1)
        out = []
        for i, u, ps, gs in zip(inter.tolist(), union.tolist(), p_sum.tolist(), g_sum.tolist(), strict=True):
            pe, ge = ps == 0, gs == 0
            iou = sample_iou(i, u, pe, ge)
            out.append(iou)
            self.sum_i += i
            self.sum_u += u
            self.gt_empty += ge
            self.pred_empty += pe
            self.both_empty += pe and ge
            self.fp_on_empty_gt += ge and not pe
            self.fn_on_nonempty_gt += (not ge) and pe
        self.ious.extend(out)
        return out

    def compute(self) -> dict:
        n = len(self.ious)
        ious = np.asarray(self.ious, dtype=np.float64)
        if self.sum_u == 0:
            oiou = 1.0 if n and self.both_empty == n else 0.0
        else:
            oiou = self.sum_i / (self.sum_u + EPS)
        result = {
            "samples": n,
            "mIoU": float(ious.mean()) if n else 0.0,
            "oIoU": float(oiou),
        }
        for t in PR_THRESHOLDS:
            result[f"Pr@{t:.1f}"] = float((ious >= t).mean()) if n else 0.0
        result.update(
            {
                "nonempty_gt": n - self.gt_empty,
                "empty_gt": self.gt_empty,
                "empty_pred": self.pred_empty,
                "empty_both": self.both_empty,
                "fp_on_empty_gt": self.fp_on_empty_gt,
                "fn_on_nonempty_gt": self.fn_on_nonempty_gt,
            }
        )
        return result


@dataclass
class ChangeMeter:
    """Pixel confusion counts of the change class, summed over all samples."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def update(self, pred: torch.Tensor, gt: torch.Tensor) -> None:
        p = pred.bool().reshape(-1)
        g = gt.bool().reshape(-1)
        tp = int((p & g).sum())
        fp = int((p & ~g).sum())
        fn = int((~p & g).sum())
        self.tp += tp
        self.fp += fp
        self.fn += fn
        self.tn += p.numel() - tp - fp - fn

    def compute(self) -> dict:
        """Precision/recall/F1/IoU of the change class and overall accuracy. A ratio with a zero denominator
        is 1.0 when the situation is perfect (nothing to find and nothing found), else 0.0."""
        tp, fp, fn, tn = self.tp, self.fp, self.fn, self.tn
        total = tp + fp + fn + tn
        precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
        recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        iou = tp / (tp + fp + fn) if tp + fp + fn else 1.0
        return {
            "precision": precision,
            "recall": recall,
            "F1": f1,
            "IoU": iou,
            "OA": (tp + tn) / total if total else 0.0,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        }


@dataclass
class PresenceMeter:
    """Per-sample confusion counts of "the described change is present" (positive = non-empty target)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def update(self, said_present: torch.Tensor, gt: torch.Tensor) -> None:
        """said_present: B bool; gt: B×… target masks (a sample is present when its mask has any pixel)."""
        p = said_present.reshape(-1).bool().cpu()
        g = gt.reshape(gt.shape[0], -1).bool().any(dim=1).cpu()
        self.tp += int((p & g).sum())
        self.fp += int((p & ~g).sum())
        self.fn += int((~p & g).sum())
        self.tn += int((~p & ~g).sum())

    def compute(self) -> dict:
        """Ratios as ChangeMeter's (1.0 when nothing was to be found and nothing was found); N-acc / T-acc are
        None when there was no empty / non-empty target."""
        tp, fp, fn, tn = self.tp, self.fp, self.fn, self.tn
        n = tp + fp + fn + tn
        precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
        recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "samples": n,
            "accuracy": (tp + tn) / n if n else 0.0,
            "precision": precision,
            "recall": recall,
            "F1": f1,
            "N-acc": tn / (tn + fp) if tn + fp else None,
            "T-acc": tp / (tp + fn) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        }


def referring_metrics(preds: torch.Tensor, gts: torch.Tensor) -> dict:
    """One-shot helper: reference metrics of B×… boolean predictions against targets."""
    meter = ReferringMeter()
    meter.update(preds, gts)
    return meter.compute()


def change_metrics(preds: torch.Tensor, gts: torch.Tensor) -> dict:
    meter = ChangeMeter()
    meter.update(preds, gts)
    return meter.compute()

"""Evaluation with the reference protocol: metrics, the dataset runner, reports."""

from engine.evaluate.metrics import (
    ChangeMeter,
    PresenceMeter,
    ReferringMeter,
    change_metrics,
    referring_metrics,
)
from engine.evaluate.runner import evaluate, shuffled_expressions

__all__ = [
    "ChangeMeter",
    "PresenceMeter",
    "ReferringMeter",
    "change_metrics",
    "evaluate",
    "referring_metrics",
    "shuffled_expressions",
]

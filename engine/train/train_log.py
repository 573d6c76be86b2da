"""What a training run leaves for humans: a per-step CSV (the source of truth, resume-aware), TensorBoard
scalars when TensorBoard is installed, a training-curve PNG at the end, and a tqdm progress bar with ETA."""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

BASE_FIELDS = ["step", "epoch", "lr", "loss", "samples_per_s", "seconds"]
# One row per validation on the selection split (written when the run has one).
VALIDATION_LOG = "validation_log.csv"
VALIDATION_FIELDS = ["step", "epoch", "selection_metric", "best", "seconds"]


class StepLog:
    """Append-only CSV of optimiser steps. On resume, rows after the checkpointed step (written by the killed
    run after its last checkpoint) are dropped so the file reads as one uninterrupted run."""

    def __init__(self, path: Path, resume_step: int | None = None, base_fields: list[str] = BASE_FIELDS):
        self.path = Path(path)
        self.base_fields = list(base_fields)
        self.fields: list[str] | None = None
        self._rows_kept: list[dict] = []
        if resume_step is not None and self.path.is_file():
            with open(self.path, newline="") as fh:
                reader = csv.DictReader(fh)
                self.fields = list(reader.fieldnames or [])
                self._rows_kept = [r for r in reader if int(r["step"]) <= resume_step]
        self._fh = None
        self._writer = None

    def write(self, row: dict) -> None:
        if self._writer is None:
            if self.fields is None:
                extra = sorted(k for k in row if k not in self.base_fields)
                self.fields = self.base_fields + extra
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "w", newline="")  # noqa: SIM115 (open for the whole run, closed in close())
            self._writer = csv.DictWriter(self._fh, fieldnames=self.fields, extrasaction="ignore")
            self._writer.writeheader()
            self._writer.writerows(self._rows_kept)
        self._writer.writerow({k: _fmt(v) for k, v in row.items()})
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _fmt(value):
    # repr keeps every bit of a float, so two runs can be compared exactly from their CSVs
    return repr(value) if isinstance(value, float) else value


def read_log(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


class TensorBoardSink:
    """Scalars to TensorBoard when `torch.utils.tensorboard` works (it needs the tensorboard package)."""

    def __init__(self, log_dir: Path):
        self.writer = None
        try:
            from torch.utils.tensorboard import SummaryWriter
        except Exception:  # tensorboard is optional
            return
        self.writer = SummaryWriter(log_dir=str(log_dir))

    def write(self, row: dict) -> None:
        if self.writer is None:
            return
        for key, value in row.items():
            if key not in ("step", "epoch") and isinstance(value, (int, float)) and math.isfinite(value):
                self.writer.add_scalar(f"train/{key}", value, int(row["step"]))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def plot_curves(
    csv_path: Path, png_path: Path, title: str = "training", validation_csv: Path | None = None
) -> Path | None:
    """Loss components and learning rate against the optimiser step; with a validation log, the selection
    metric in a third panel."""
    rows = read_log(csv_path) if Path(csv_path).is_file() else []
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    val_rows = read_log(validation_csv) if validation_csv and Path(validation_csv).is_file() else []
    steps = [int(r["step"]) for r in rows]
    loss_keys = [k for k in rows[0] if k == "loss" or k.startswith("loss_")]
    if val_rows:
        fig, (ax_loss, ax_val, ax_lr) = plt.subplots(
            3, 1, figsize=(8, 8), sharex=True, height_ratios=[3, 2, 1]
        )
        metric = val_rows[0]["selection_metric"]
        ax_val.plot([int(r["step"]) for r in val_rows], [float(r[metric]) for r in val_rows], "o-")
        ax_val.set_ylabel(f"validation {metric}")
    else:
        fig, (ax_loss, ax_lr) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, height_ratios=[3, 1])
    for key in loss_keys:
        ax_loss.plot(steps, [float(r[key]) for r in rows], label=key, linewidth=1.2 if key == "loss" else 0.8)
    ax_loss.set_ylabel("loss")
    ax_loss.set_yscale("log")
    ax_loss.legend(fontsize=8)
    ax_loss.set_title(title)
    ax_lr.plot(steps, [float(r["lr"]) for r in rows], color="tab:gray")
    ax_lr.set_ylabel("lr")
    ax_lr.set_xlabel("optimiser step")
    fig.tight_layout()
    png_path = Path(png_path)
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    return png_path


def progress_bar(total: int, initial: int, enabled: bool | None, desc: str):
    """tqdm bar with ETA; by default only when stderr is a terminal (logs stay clean in CI and pipes)."""
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, initial=initial, disable=not enabled, desc=desc, unit="step", dynamic_ncols=True)

"""Writing chips in the two layouts the engine trains on, into one folder per split.

Why one folder serves both stages: `A/` and `B/` are shared; `label/<chip>.png` (the union of every labelled
change) is what the change-detection reader of stage 1 looks for, and `masks/<chip>/<k>.png` +
`referring_expression/<chip>.json` are what the referring reader of stage 2 looks for. So one export feeds
`mtrs train --stage 1 --data-format cd` and `--stage 2` without copying images twice.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from engine.errors import OutputError
from engine.export.expressions import Expression

SUBFOLDERS = ("A", "B", "label", "masks", "referring_expression")


def write_chip(
    split_dir: Path, chip_id: str, earlier: np.ndarray, later: np.ndarray, expressions: list[Expression]
) -> None:
    """One chip: both images (H×W×3 uint8), its change label and one mask per expression."""
    for name in SUBFOLDERS:
        (split_dir / name).mkdir(parents=True, exist_ok=True)
    Image.fromarray(earlier).save(split_dir / "A" / f"{chip_id}.png")
    Image.fromarray(later).save(split_dir / "B" / f"{chip_id}.png")
    union = np.zeros(earlier.shape[:2], dtype=bool)
    for e in expressions:
        union |= e.mask
    Image.fromarray(union.astype(np.uint8) * 255).save(split_dir / "label" / f"{chip_id}.png")
    mask_dir = split_dir / "masks" / chip_id
    mask_dir.mkdir(exist_ok=True)
    for k, e in enumerate(expressions):
        Image.fromarray(e.mask.astype(np.uint8) * 255).save(mask_dir / f"{k}.png")
    record = {
        "sample_id": chip_id,
        "img_A": f"{chip_id}.png",
        "img_B": f"{chip_id}.png",
        "referring_expressions": [e.text for e in expressions],
        "mask": [f"{chip_id}/{k}.png" for k in range(len(expressions))],
        "kinds": [e.kind for e in expressions],
    }
    (split_dir / "referring_expression" / f"{chip_id}.json").write_text(
        json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def check_output_folder(out: Path, overwrite: bool, inputs: list[str]) -> None:
    """Refuse before any work: an existing non-empty folder (unless overwrite), a file in the way, a missing
    parent, or an output folder holding one of the inputs (overwrite would delete it)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder", hint="choose a folder path for -o")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OutputError(
            f"the output folder {out} is not empty", hint="choose another folder or add --overwrite"
        )
    parent = out.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"the folder {parent} does not exist", hint="create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write into {parent}")
    root = out.resolve()
    for path in inputs:
        if path and "://" not in path and not path.startswith("/vsi"):
            real = Path(path).resolve()
            if real == root or root in real.parents:
                raise OutputError(
                    f"the output folder {out} contains the input {path}",
                    hint="write the training data to a folder of its own",
                )


class StagingFolder:
    """A hidden sibling folder that becomes the output only when complete (rename), removed on failure."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out.resolve().parent / f".{out.name}.partial-{os.getpid()}"
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir()

    def publish(self, overwrite: bool) -> None:
        old = None
        if self.out.exists():
            if any(self.out.iterdir()) and not overwrite:  # appeared while we worked
                raise OutputError(f"the output folder {self.out} is not empty", hint="add --overwrite")
            old = self.out.resolve().parent / f".{self.out.name}.old-{os.getpid()}"
            self.out.rename(old)
        self.path.rename(self.out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

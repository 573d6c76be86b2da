"""Train/val split by spatial blocks.

Why blocks and not chips: neighbouring chips show the same buildings, roofs and roads (and overlap when the
stride is smaller than the chip), so a random per-chip split leaks the validation scene into training and
makes the validation figure a memory test. Chips are grouped into square blocks of `block_chips` ×
`block_chips` chip positions; whole blocks go to one side. Blocks with labelled change and blocks without are
drawn separately, so both sides get labelled change whenever there are two such blocks. A training chip that
still overlaps a validation chip (possible only with overlapping chips at a block border) is dropped."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ChipSlot:
    """A chip position: grid indices (row, col) in the chip lattice and its pixel window in the region."""

    index: int
    row: int
    col: int
    x: int
    y: int
    size: int
    labelled: bool

    def overlaps(self, other: ChipSlot) -> bool:
        return (
            self.x < other.x + other.size
            and other.x < self.x + self.size
            and self.y < other.y + other.size
            and other.y < self.y + self.size
        )


def assign_splits(
    slots: list[ChipSlot], val_fraction: float, block_chips: int, seed: int
) -> tuple[dict[int, str], int]:
    """{slot index: 'train' | 'val'} and the number of training chips dropped for overlapping validation."""
    if val_fraction <= 0 or not slots:
        return {s.index: "train" for s in slots}, 0
    blocks: dict[tuple[int, int], list[ChipSlot]] = {}
    for s in slots:
        blocks.setdefault((s.row // block_chips, s.col // block_chips), []).append(s)
    rng = np.random.default_rng([seed, 7])
    keys = sorted(blocks)
    val_blocks: set[tuple[int, int]] = set()
    labelled = [k for k in keys if any(s.labelled for s in blocks[k])]
    unlabelled = [k for k in keys if k not in set(labelled)]
    for group in (labelled, unlabelled):
        if len(group) < 2 and group is labelled and len(keys) >= 2:
            continue  # one labelled block: keep it for training, validation gets unlabelled blocks only
        n = math.floor(val_fraction * len(group) + 0.5) if len(group) >= 2 else 0
        if group is labelled and len(group) >= 2:
            n = min(max(n, 1), len(group) - 1)  # both sides see labelled change
        order = rng.permutation(len(group))
        val_blocks.update(group[int(i)] for i in order[:n])
    splits: dict[int, str] = {}
    for key, members in blocks.items():
        for s in members:
            splits[s.index] = "val" if key in val_blocks else "train"
    val = [s for s in slots if splits[s.index] == "val"]
    dropped = 0
    for s in slots:
        if splits[s.index] == "train" and any(s.overlaps(v) for v in val):
            splits[s.index] = "dropped"
            dropped += 1
    return splits, dropped

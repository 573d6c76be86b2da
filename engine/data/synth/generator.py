"""One synthetic pair, end to end: scene -> images -> referring expressions with their masks.

Each pair draws from its own generator seeded by (seed, index), so a dataset is deterministic for a seed,
independent of the number of worker processes, and pair i of seed s is the same in a 10-pair and a 10,000-pair
set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.data.synth.expressions import describe, describe_absent
from engine.data.synth.render import change_mask, render_pair
from engine.data.synth.scene import SceneObject, sample_scene
from engine.data.synth.vocabulary import NO_CHANGE_FRACTION, UNCHANGED


@dataclass
class SyntheticPair:
    earlier: np.ndarray  # H×W×3 uint8
    later: np.ndarray
    expressions: list[str]
    masks: list[np.ndarray]  # H×W bool, aligned with expressions (all False for "no such change")
    kinds: list[str]  # change kind of each expression's target, or "none"
    targets: list[int | None]  # index into objects, None for "no such change"
    objects: list[SceneObject]
    all_changes: np.ndarray  # union of every change of the pair (stage-1 target)
    shift: tuple[int, int] = (0, 0)
    meta: dict = field(default_factory=dict)


def generate_pair(seed: int, index: int, size: int) -> SyntheticPair:
    rng = np.random.default_rng([int(seed), int(index)])
    objects = sample_scene(size, rng)
    earlier, later, shift = render_pair(objects, size, rng)
    changes = [i for i, o in enumerate(objects) if o.kind != UNCHANGED]
    expressions: list[str] = []
    masks: list[np.ndarray] = []
    kinds: list[str] = []
    targets: list[int | None] = []
    for i in rng.permutation(changes):
        text = describe(objects[int(i)], objects, size, rng)
        if text is None:
            continue
        expressions.append(text)
        masks.append(change_mask(objects[int(i)], size))
        kinds.append(objects[int(i)].kind)
        targets.append(int(i))
    # One "no such change" expression with the probability that makes them NO_CHANGE_FRACTION of all.
    p_absent = NO_CHANGE_FRACTION * len(expressions) / (1.0 - NO_CHANGE_FRACTION)
    if rng.random() < p_absent or not expressions:
        slot = int(rng.integers(len(expressions) + 1))
        expressions.insert(slot, describe_absent(objects, size, rng))
        masks.insert(slot, np.zeros((size, size), dtype=bool))
        kinds.insert(slot, "none")
        targets.insert(slot, None)
    union = np.zeros((size, size), dtype=bool)
    for i in changes:
        union |= change_mask(objects[i], size)
    return SyntheticPair(earlier, later, expressions, masks, kinds, targets, objects, union, shift)

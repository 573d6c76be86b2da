"""Sampling one synthetic scene: objects with their state before and after, at least two changes of
different kinds, and unchanged distractors that share shapes and colours with the changes (so an
expression must use attributes, the change type or the place to single out its target)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data.synth.vocabulary import CHANGE_KINDS, COLOURS, SHAPES, SIZE_RADIUS, SIZES, UNCHANGED

COLOUR_NAMES = tuple(COLOURS)


@dataclass
class SceneObject:
    """One object. Positions are (x, y) centres in image A's pixel frame; None where the object is absent."""

    shape: str
    size: str
    colour_a: str
    colour_b: str
    pos_a: tuple[float, float] | None
    pos_b: tuple[float, float] | None
    kind: str

    @property
    def positions(self) -> list[tuple[float, float]]:
        return [p for p in (self.pos_a, self.pos_b) if p is not None]

    @property
    def colours(self) -> set[str]:
        return {c for c, p in ((self.colour_a, self.pos_a), (self.colour_b, self.pos_b)) if p is not None}

    def to_json(self) -> dict:
        return {
            "shape": self.shape,
            "size": self.size,
            "colour_a": self.colour_a if self.pos_a else None,
            "colour_b": self.colour_b if self.pos_b else None,
            "pos_a": [round(v, 2) for v in self.pos_a] if self.pos_a else None,
            "pos_b": [round(v, 2) for v in self.pos_b] if self.pos_b else None,
            "change": self.kind,
        }


class _Placer:
    """Rejection sampling of non-overlapping discs (all positions of all objects, both dates)."""

    def __init__(self, size: int, rng: np.random.Generator):
        self.size, self.rng = size, rng
        self.discs: list[tuple[float, float, float]] = []

    def place(self, radius: float, tries: int = 60) -> tuple[float, float] | None:
        margin = 3.0
        lo, hi = radius + margin, self.size - radius - margin
        for _ in range(tries):
            x, y = self.rng.uniform(lo, hi, size=2)
            if all((x - px) ** 2 + (y - py) ** 2 > (radius + pr + margin) ** 2 for px, py, pr in self.discs):
                self.discs.append((float(x), float(y), radius))
                return float(x), float(y)
        return None


def sample_scene(size: int, rng: np.random.Generator) -> list[SceneObject]:
    """2–4 changes (the first two of different kinds) and 2–3 unchanged distractors.

    Extra changes are usually "twins" of an earlier one (same change type and shape, other colour, size or
    place), so "the square that appeared" is ambiguous and the expression needs an attribute or a place.
    """
    n_changes = int(rng.choice([2, 3, 4], p=[0.3, 0.45, 0.25]))
    n_distractors = int(rng.integers(2, 4))
    placer = _Placer(size, rng)
    objects: list[SceneObject] = []
    for kind in rng.permutation(CHANGE_KINDS)[:2]:
        obj = _sample_object(str(kind), rng, placer, size)
        if obj is not None:
            objects.append(obj)
    for _ in range(n_changes - 2):
        if objects and rng.random() < 0.75:
            twin = objects[int(rng.integers(len(objects)))]
            obj = _sample_object(twin.kind, rng, placer, size, shape=twin.shape)
        else:
            obj = _sample_object(str(rng.choice(CHANGE_KINDS)), rng, placer, size)
        if obj is not None:
            objects.append(obj)
    changes = list(objects)
    for _ in range(n_distractors):
        # Distractors borrow the shape and/or colour of a change: without the change type, "the red square"
        # would be ambiguous.
        template = changes[int(rng.integers(len(changes)))] if changes else None
        obj = _sample_object(UNCHANGED, rng, placer, size, template=template)
        if obj is not None:
            objects.append(obj)
    return objects


def _sample_object(
    kind: str,
    rng: np.random.Generator,
    placer: _Placer,
    size: int,
    template: SceneObject | None = None,
    shape: str | None = None,
) -> SceneObject | None:
    shape = shape or str(rng.choice(SHAPES))
    colour = str(rng.choice(COLOUR_NAMES))
    obj_size = str(rng.choice(SIZES))
    if template is not None:
        borrow = rng.random()
        if borrow < 0.4:
            shape = template.shape
        elif borrow < 0.8:
            colour = template.colour_a if template.pos_a else template.colour_b
        else:
            shape, colour = template.shape, (template.colour_a if template.pos_a else template.colour_b)
    radius = SIZE_RADIUS[obj_size] * size
    pos = placer.place(radius)
    if pos is None:
        return None
    colour_b = colour
    pos_a: tuple[float, float] | None = pos
    pos_b: tuple[float, float] | None = pos
    if kind == "appeared":
        pos_a = None
    elif kind == "disappeared":
        pos_b = None
    elif kind == "recoloured":
        colour_b = str(rng.choice([c for c in COLOUR_NAMES if c != colour]))
    elif kind == "moved":
        pos_b = placer.place(radius)
        if pos_b is None:
            return None
    return SceneObject(shape, obj_size, colour, colour_b, pos_a, pos_b, kind)

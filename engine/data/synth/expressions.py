"""Referring expressions that pick exactly one change of a scene, and "no such change" expressions.

A description is a set of predicates (shape, colour, size, change type, quadrant, relation to a landmark). It
is accepted only if exactly one object of the scene satisfies it, where matching is deliberately generous for
the other objects (a moved object is "in" every quadrant it touches; a recoloured one has both colours;
relations use no margin), so an accepted expression is never ambiguous. The shortest unique description
is preferred, sometimes with one redundant predicate for variety.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from engine.data.synth.scene import COLOUR_NAMES, SceneObject
from engine.data.synth.vocabulary import CHANGE_KINDS, REGIONS, RELATIONS, SHAPES, UNCHANGED

_KIND_PHRASE = {"appeared": "that appeared", "disappeared": "that disappeared", "moved": "that moved"}
OPTIONAL = ("colour", "size", "region", "relation")


@dataclass(frozen=True)
class Description:
    shape: str
    kind: str
    colour: str | None = None  # for "recoloured": the colour before
    new_colour: str | None = None  # for "recoloured": the colour after ("that turned blue")
    size: str | None = None
    region: str | None = None
    relation: str | None = None
    landmark: SceneObject | None = None

    def text(self) -> str:
        words = ["the"]
        if self.size:
            words.append(self.size)
        if self.colour:
            words.append(self.colour)
        words.append(self.shape)
        if self.kind == "recoloured":
            words.append(f"that turned {self.new_colour}")
        else:
            words.append(_KIND_PHRASE[self.kind])
        if self.region:
            words.append(self.region)
        if self.relation and self.landmark is not None:
            words.append(f"{self.relation} the {self.landmark.colour_a} {self.landmark.shape}")
        return " ".join(words)


def region_of(pos: tuple[float, float], size: int) -> str | None:
    """Quadrant phrase, or None when the centre is too close to a midline to be called either way."""
    x, y = pos
    band = 0.08 * size
    if abs(x - size / 2) < band or abs(y - size / 2) < band:
        return None
    return REGIONS[(y > size / 2, x > size / 2)]


def _relation_holds(pos: tuple[float, float], ref: tuple[float, float], relation: str, strict: bool) -> bool:
    dx, dy = pos[0] - ref[0], pos[1] - ref[1]
    along, across = {"left of": (-dx, dy), "right of": (dx, dy), "above": (-dy, dx), "below": (dy, dx)}[
        relation
    ]
    if strict:  # the target: clearly in that direction
        return along > 8 and along > 1.5 * abs(across)
    return along > 0  # anyone else: "maybe" is enough to count as a competitor


def matches(obj: SceneObject, d: Description, size: int, is_target: bool) -> bool:
    if obj.shape != d.shape or obj.kind != d.kind:
        return False
    if d.kind == "recoloured" and obj.colour_b != d.new_colour:
        return False
    if d.colour and (obj.colour_a != d.colour if d.kind == "recoloured" else d.colour not in obj.colours):
        return False
    if d.size and obj.size != d.size:
        return False
    if d.region:
        regions = {region_of(p, size) for p in obj.positions}
        if is_target and regions != {d.region}:
            return False
        if not is_target and d.region not in regions and None not in regions:
            return False
    if d.relation and d.landmark is not None:
        ref = d.landmark.pos_a
        holds = [_relation_holds(p, ref, d.relation, strict=is_target) for p in obj.positions]
        if not (all(holds) if is_target else any(holds)):
            return False
    return True


def _landmarks(objects: list[SceneObject]) -> list[SceneObject]:
    """Unchanged objects that 'the <colour> <shape>' names uniquely among everything in the scene."""
    out = []
    for lm in objects:
        if lm.kind != UNCHANGED:
            continue
        same = [o for o in objects if o.shape == lm.shape and lm.colour_a in o.colours]
        if len(same) == 1:
            out.append(lm)
    return out


def describe(
    target: SceneObject, objects: list[SceneObject], size: int, rng: np.random.Generator
) -> str | None:
    """Shortest (randomly tie-broken, sometimes one predicate longer) unique description of `target`."""
    landmarks = [lm for lm in _landmarks(objects) if lm is not target]
    region = region_of(target.pos_a or target.pos_b, size) if target.kind != "moved" else None
    options: dict[str, list[dict]] = {
        "colour": [{"colour": target.colour_a if target.pos_a else target.colour_b}],
        "size": [{"size": target.size}],
        "region": [{"region": region}] if region else [],
        "relation": [
            {"relation": rel, "landmark": lm}
            for lm in landmarks
            for rel in RELATIONS
            if target.kind != "moved" and _relation_holds(target.positions[0], lm.pos_a, rel, strict=True)
        ],
    }
    base = {"shape": target.shape, "kind": target.kind}
    if target.kind == "recoloured":
        base["new_colour"] = target.colour_b
    unique: list[Description] = []
    for n in range(len(OPTIONAL) + 1):
        for names in itertools.combinations(OPTIONAL, n):
            choices = [options[name] for name in names]
            for combo in itertools.product(*choices):
                fields = dict(base)
                for part in combo:
                    fields.update(part)
                d = Description(**fields)
                if _is_unique(d, target, objects, size):
                    unique.append(d)
        if unique and (n == len(OPTIONAL) or rng.random() < 0.75):
            break
    if not unique:
        return None
    return unique[int(rng.integers(len(unique)))].text()


def _is_unique(d: Description, target: SceneObject, objects: list[SceneObject], size: int) -> bool:
    if not matches(target, d, size, is_target=True):
        return False
    return not any(matches(o, d, size, is_target=False) for o in objects if o is not target)


def describe_absent(objects: list[SceneObject], size: int, rng: np.random.Generator) -> str:
    """An expression that matches no change: usually a real object with the wrong change type
    ("the blue circle that appeared" where the blue circle did not change), else random attributes."""
    for _ in range(40):
        if rng.random() < 0.8 and objects:
            obj = objects[int(rng.integers(len(objects)))]
            shape, colour = obj.shape, obj.colour_a if obj.pos_a else obj.colour_b
        else:
            shape, colour = str(rng.choice(SHAPES)), str(rng.choice(COLOUR_NAMES))
        kind = str(rng.choice(CHANGE_KINDS))
        new_colour = (
            str(rng.choice([c for c in COLOUR_NAMES if c != colour])) if kind == "recoloured" else None
        )
        d = Description(shape=shape, kind=kind, colour=colour, new_colour=new_colour)
        if not any(matches(o, d, size, is_target=False) for o in objects):
            return d.text()
    for shape, colour, kind in itertools.product(SHAPES, COLOUR_NAMES, ("appeared", "disappeared", "moved")):
        d = Description(shape=shape, kind=kind, colour=colour)
        if not any(matches(o, d, size, is_target=False) for o in objects):
            return d.text()
    raise AssertionError("a scene with every shape, colour and change type cannot exist")  # pragma: no cover

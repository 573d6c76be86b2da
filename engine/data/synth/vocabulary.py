"""The closed vocabulary of the synthetic MTRS benchmark.

Kept small on purpose: every word a referring expression can contain is listed here (see `WORDS`), so a tiny
tokenizer covers it and a model has to combine words (attribute + change type + place) rather than memorise
phrases. Bump GENERATOR_VERSION whenever any output for a given seed changes.
"""

from __future__ import annotations

GENERATOR_VERSION = 1

SHAPES = ("square", "circle", "triangle", "cross")
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (215, 40, 40),
    "green": (40, 175, 65),
    "blue": (45, 80, 215),
    "yellow": (230, 210, 45),
    "white": (240, 240, 240),
}
SIZES = ("small", "large")
# Radius of the shape's bounding circle as a fraction of the image side.
SIZE_RADIUS = {"small": 0.055, "large": 0.1}

CHANGE_KINDS = ("appeared", "disappeared", "recoloured", "moved")
UNCHANGED = "unchanged"

# Quadrant names used in expressions, keyed by (is_lower, is_right).
REGIONS = {
    (False, False): "in the upper left",
    (False, True): "in the upper right",
    (True, False): "in the lower left",
    (True, True): "in the lower right",
}
RELATIONS = ("left of", "right of", "above", "below")

NO_CHANGE_FRACTION = 0.1

_TEMPLATE_WORDS = "the that appeared disappeared moved turned in upper lower left right of above below"
WORDS = tuple(sorted(set(_TEMPLATE_WORDS.split()) | set(SHAPES) | set(COLOURS) | set(SIZES)))

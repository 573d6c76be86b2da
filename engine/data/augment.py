"""Optional train-time augmentation (off by default: the reference trains without any; docs/REFERENCE.md
R3.1).

Geometric transforms (flips, 90° rotations) are applied identically to both dates and the mask so the change
stays where it is; photometric jitter (brightness, contrast, per-channel gain) is drawn independently per
date, which is what real acquisitions look like. Applied to raw uint8 pixels before letterboxing, so the
padding stays zero and `pad` in the item stays true.

An expression that says where ("the building in the north-east", "in the upper left", "left of the road")
would be false after a flip or rotation, so such samples get the photometric jitter only.
"""

from __future__ import annotations

import re

import numpy as np

# words that place something in the image frame; any of them keeps the geometry as it is
SPATIAL_WORDS = re.compile(
    r"\b(north|south|east|west|northern|southern|eastern|western|north-?east|north-?west|south-?east|"
    r"south-?west|centre|center|central|middle|left|right|upper|lower|top|bottom|above|below)\b",
    re.IGNORECASE,
)


def says_where(expression: str) -> bool:
    """True when the expression refers to a position or direction in the image."""
    return bool(SPATIAL_WORDS.search(expression or ""))


def augment_pair(
    image_a: np.ndarray,
    image_b: np.ndarray,
    mask: np.ndarray,
    rng: np.random.Generator,
    geometric: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random flip / 90° rotation shared by all three arrays (unless `geometric` is false: the draws are
    the same either way), then per-date photometric jitter."""
    k = int(rng.integers(0, 4))
    flip = bool(rng.integers(0, 2))
    if not geometric:
        k, flip = 0, False
    arrays = []
    for arr in (image_a, image_b, mask):
        out = np.rot90(arr, k, axes=(0, 1))
        if flip:
            out = out[:, ::-1]
        arrays.append(np.ascontiguousarray(out))
    a, b, m = arrays
    return _jitter(a, rng), _jitter(b, rng), m


def _jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    brightness = rng.uniform(-12.0, 12.0)
    contrast = rng.uniform(0.9, 1.1)
    gain = rng.uniform(0.95, 1.05, size=3)
    img = image.astype(np.float32)
    mean = img.mean(axis=(0, 1), keepdims=True)
    img = (img - mean) * contrast + mean + brightness
    img = img * gain[None, None, :]
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)

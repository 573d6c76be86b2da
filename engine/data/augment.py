"""Optional train-time augmentation (off by default: the reference trains without any, §3.1).

Geometric transforms (flips, 90° rotations) are applied identically to both dates and the mask so the change
stays where it is; photometric jitter (brightness, contrast, per-channel gain) is drawn independently per
date, which is what real acquisitions look like. Applied to raw uint8 pixels before letterboxing, so the
padding stays zero and `pad` in the item stays true.
"""

from __future__ import annotations

import numpy as np


def augment_pair(
    image_a: np.ndarray, image_b: np.ndarray, mask: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random flip / 90° rotation shared by all three arrays, then per-date photometric jitter."""
    k = int(rng.integers(0, 4))
    flip = bool(rng.integers(0, 2))
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

"""Rendering a scene into two images and its change masks.

What keeps plain differencing from solving it: a textured background (smooth field-like noise plus parcels),
per-date photometric changes (channel gains, offset, noise, slight blur), a few background parcels whose tone
changes between dates without being a labelled change, and an integer misregistration of up to 2 px of the
later image. Masks are in the earlier image's pixel frame.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from engine.data.synth.scene import SceneObject
from engine.data.synth.vocabulary import COLOURS, SIZE_RADIUS

MAX_SHIFT = 2


def shape_polygon(shape: str, cx: float, cy: float, r: float) -> list[tuple[float, float]] | None:
    """Outline of a shape inside a circle of radius r (None for the circle, drawn as an ellipse)."""
    if shape == "square":
        h = r * 0.8
        return [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
    if shape == "triangle":
        return [
            (cx + r * math.cos(a), cy + r * math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)
        ]
    if shape == "cross":
        a, t = r * 0.9, r * 0.32
        return [
            (cx - t, cy - a), (cx + t, cy - a), (cx + t, cy - t), (cx + a, cy - t), (cx + a, cy + t),
            (cx + t, cy + t), (cx + t, cy + a), (cx - t, cy + a), (cx - t, cy + t), (cx - a, cy + t),
            (cx - a, cy - t), (cx - t, cy - t),
        ]  # fmt: skip
    return None


def draw_shape(draw: ImageDraw.ImageDraw, shape: str, cx: float, cy: float, r: float, fill) -> None:
    poly = shape_polygon(shape, cx, cy, r)
    if poly is None:
        draw.ellipse((cx - r * 0.85, cy - r * 0.85, cx + r * 0.85, cy + r * 0.85), fill=fill)
    else:
        draw.polygon(poly, fill=fill)


def _background(size: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Muted field texture (float32 H×W×3) and the parcels drawn on it."""
    base = rng.uniform(85, 150, size=3)
    base = base.mean() + (base - base.mean()) * 0.35  # desaturate: objects stay the vivid things
    coarse = rng.normal(0, 18, size=(6, 6, 3)).astype(np.float32)
    field = (
        np.asarray(
            Image.fromarray(np.clip(coarse + 128, 0, 255).astype(np.uint8)).resize(
                (size, size), Image.BICUBIC
            ),
            dtype=np.float32,
        )
        - 128.0
    )
    img = base[None, None, :].astype(np.float32) + field
    parcels = []
    for _ in range(int(rng.integers(3, 7))):
        x0, y0 = rng.integers(0, size - size // 6, size=2)
        w, h = rng.integers(size // 8, size // 2, size=2)
        tone = rng.normal(0, 14, size=3) * 0.6 + rng.normal(0, 10)
        img[y0 : y0 + h, x0 : x0 + w] += tone.astype(np.float32)
        parcels.append((int(x0), int(y0), int(w), int(h)))
    stripes = np.sin(np.arange(size, dtype=np.float32) * rng.uniform(0.3, 1.2))[None, :, None] * rng.uniform(
        0, 5
    )
    img += stripes
    img += rng.normal(0, 4, size=img.shape).astype(np.float32)
    return img, parcels


def _photometric(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    gain = rng.uniform(0.85, 1.15) * rng.uniform(0.93, 1.07, size=3)
    out = img * gain[None, None, :] + rng.uniform(-18, 18)
    out += rng.normal(0, rng.uniform(2, 6), size=out.shape)
    out = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        out = np.asarray(Image.fromarray(out).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9))))
    return out


def _colour(name: str, rng: np.random.Generator) -> tuple[int, int, int]:
    jitter = rng.integers(-12, 13, size=3)
    return tuple(int(np.clip(c + j, 0, 255)) for c, j in zip(COLOURS[name], jitter, strict=True))


def object_mask(obj: SceneObject, size: int, which: str) -> np.ndarray:
    """Bool mask of the object at its earlier ("a"), later ("b") or both ("ab") positions."""
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    r = SIZE_RADIUS[obj.size] * size
    for tag, pos in (("a", obj.pos_a), ("b", obj.pos_b)):
        if tag in which and pos is not None:
            draw_shape(draw, obj.shape, pos[0], pos[1], r, 255)
    return np.asarray(canvas) > 127


def change_mask(obj: SceneObject, size: int) -> np.ndarray:
    """What counts as the changed area of an object: where it appeared, disappeared, changed colour, or both
    its old and new places when it moved."""
    which = {"appeared": "b", "disappeared": "a", "recoloured": "a", "moved": "ab"}.get(obj.kind)
    if which is None:
        return np.zeros((size, size), dtype=bool)
    return object_mask(obj, size, which)


def render_pair(
    objects: list[SceneObject], size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """(earlier uint8 H×W×3, later uint8 H×W×3, (dx, dy) shift of the later image)."""
    pad = MAX_SHIFT
    big = size + 2 * pad
    background, parcels = _background(big, rng)
    later_bg = background.copy()
    for x0, y0, w, h in parcels:
        if rng.random() < 0.35:  # nuisance change: a parcel's tone changes (harvest, season) but is no target
            later_bg[y0 : y0 + h, x0 : x0 + w] += rng.normal(0, 16, size=3).astype(np.float32)
    dates = []
    for date, bg in (("a", background), ("b", later_bg)):
        img = Image.fromarray(np.clip(np.rint(bg), 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(img)
        for obj in objects:
            pos = obj.pos_a if date == "a" else obj.pos_b
            if pos is None:
                continue
            colour = _colour(obj.colour_a if date == "a" else obj.colour_b, rng)
            draw_shape(draw, obj.shape, pos[0] + pad, pos[1] + pad, SIZE_RADIUS[obj.size] * size, colour)
        dates.append(_photometric(np.asarray(img, dtype=np.float32), rng))
    dx, dy = (int(v) for v in rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, size=2))
    earlier = dates[0][pad : pad + size, pad : pad + size]
    later = dates[1][pad + dy : pad + dy + size, pad + dx : pad + dx + size]
    return np.ascontiguousarray(earlier), np.ascontiguousarray(later), (dx, dy)

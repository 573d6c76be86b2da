"""Letterboxing for dataset items, on top of `engine.model.preprocess` (docs/REFERENCE.md R5.1).

Images and normalisation use the model's own functions so training, evaluation and the pipeline cannot drift
apart. Masks are resized here with torch's "nearest" (floor(dst · src/dst)), which is what cv2.INTER_NEAREST
does in the reference loaders; "nearest-exact" (PIL-style rounding) would shift GT masks by up to one pixel.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

from engine.model.preprocess import LetterboxInfo, letterbox, letterbox_geometry, normalise, unletterbox

__all__ = [
    "Letterbox",
    "letterbox_image",
    "letterbox_mask",
    "normalise",
    "unletterbox_logits",
]


class Letterbox(NamedTuple):
    """Where the content sits in the S×S canvas: rows [top, top+content_h), cols [left, left+content_w)."""

    top: int
    left: int
    content_h: int
    content_w: int


def letterbox_image(image: np.ndarray, size: int) -> tuple[torch.Tensor, Letterbox]:
    """H×W×3 uint8 RGB -> 3×S×S float32, 0–255 scale (bilinear, rounded to uint8 like cv2), zero padded."""
    chw = torch.from_numpy(np.ascontiguousarray(image[..., :3])).permute(2, 0, 1)
    out, info = letterbox(chw, size, mode="bilinear")
    return out.float(), Letterbox(info.top, info.left, info.new_h, info.new_w)


def letterbox_mask(mask: np.ndarray, size: int) -> torch.Tensor:
    """H×W bool/{0,1} mask -> 1×S×S float32 in {0,1}; cv2.INTER_NEAREST-equivalent resize, zero padding."""
    info = letterbox_geometry(mask.shape[0], mask.shape[1], size)
    m = torch.from_numpy(np.ascontiguousarray(mask.astype(np.float32)))[None, None]
    if (info.new_h, info.new_w) != tuple(mask.shape[:2]):
        m = F.interpolate(m, size=(info.new_h, info.new_w), mode="nearest")
    canvas = torch.zeros((1, size, size), dtype=torch.float32)
    canvas[:, info.top : info.top + info.new_h, info.left : info.left + info.new_w] = m[0]
    return canvas


def unletterbox_logits(logits: torch.Tensor, box: Letterbox, orig_size: tuple[int, int]) -> torch.Tensor:
    """…×S×S logits -> …×H×W at the original resolution (crop the content box, then bilinear resize)."""
    size = logits.shape[-1]
    info = LetterboxInfo(
        int(orig_size[0]), int(orig_size[1]), box.content_h, box.content_w, box.top, box.left, size
    )
    return unletterbox(logits.float(), info, mode="bilinear")

"""Input preparation and its exact inverse (docs/REFERENCE.md R5.1, R5.3).

The model sees a square letterboxed image: aspect-preserving resize so the longer side equals the model size
(the shorter side truncated, as the reference does), then centre padding with zeros on raw pixel values, then
ImageNet normalisation on the 0-255 scale. `unletterbox` crops the padding box *before* resizing back, which
the reference visualiser forgets (its masks are shifted on non-square images).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the universal torch idiom)

IMAGENET_MEAN_255 = (123.675, 116.28, 103.53)
IMAGENET_STD_255 = (58.395, 57.12, 57.375)


def normalise(x: torch.Tensor | np.ndarray) -> torch.Tensor:
    """ImageNet mean/std normalisation of RGB values on the 0-255 scale; channels on dim -3 (…×3×H×W)."""
    t = torch.as_tensor(x).float()
    if t.ndim < 3 or t.shape[-3] != 3:
        raise ValueError(f"expected …×3×H×W RGB values, got shape {tuple(t.shape)}")
    mean = torch.tensor(IMAGENET_MEAN_255, dtype=t.dtype, device=t.device).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD_255, dtype=t.dtype, device=t.device).view(3, 1, 1)
    return (t - mean) / std


@dataclass(frozen=True)
class LetterboxInfo:
    """Where the original image sits inside the square: enough to undo the letterbox exactly."""

    orig_h: int
    orig_w: int
    new_h: int  # size of the resized image before padding
    new_w: int
    top: int
    left: int
    size: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def letterbox_geometry(h: int, w: int, size: int) -> LetterboxInfo:
    """Resize so the longer side is `size` (shorter side truncated: docs/REFERENCE.md R5.1 step 2), centre
    pad."""
    if h <= 0 or w <= 0:
        raise ValueError(f"image must be non-empty, got {h}×{w}")
    if w >= h:
        new_w, new_h = size, max(1, int(h * size / w))
    else:
        new_h, new_w = size, max(1, int(w * size / h))
    top = (size - new_h) // 2
    left = (size - new_w) // 2
    return LetterboxInfo(h, w, new_h, new_w, top, left, size)


def letterbox(
    img: torch.Tensor | np.ndarray, size: int, *, mode: str = "bilinear", pad_value: float = 0.0
) -> tuple[torch.Tensor | np.ndarray, LetterboxInfo]:
    """Letterbox an image or mask to size×size.

    Accepts torch tensors shaped …×H×W (channels first) or numpy arrays shaped H×W or H×W×C (channels
    last) and returns the same kind and layout. `mode="nearest"` for masks/labels, "bilinear" for images
    (the reference uses cv2 INTER_LINEAR / INTER_NEAREST). Padding is applied to raw values, before
    normalisation.
    """
    is_numpy = isinstance(img, np.ndarray)
    t = _to_chw(img) if is_numpy else img
    h, w = t.shape[-2:]
    info = letterbox_geometry(int(h), int(w), size)
    resized = _resize(t, (info.new_h, info.new_w), mode)
    pad = (info.left, size - info.new_w - info.left, info.top, size - info.new_h - info.top)
    out = F.pad(resized, pad, value=pad_value)
    return (_from_chw(out, img) if is_numpy else out), info


def unletterbox(
    x: torch.Tensor | np.ndarray, info: LetterboxInfo, *, mode: str = "bilinear"
) -> torch.Tensor | np.ndarray:
    """Inverse of `letterbox` for model outputs (logits, probabilities or masks) of any square size.

    The padding box is located by scaling the recorded offsets to the output's size (outputs may be at a
    lower resolution than the letterboxed input), cropped, and resized back to the original H×W. Use
    `mode="bilinear"` on logits/probabilities, "nearest" on binary masks.
    """
    is_numpy = isinstance(x, np.ndarray)
    t = _to_chw(x) if is_numpy else x
    side_h, side_w = t.shape[-2:]
    sy, sx = side_h / info.size, side_w / info.size
    top, left = round(info.top * sy), round(info.left * sx)
    crop_h, crop_w = max(1, round(info.new_h * sy)), max(1, round(info.new_w * sx))
    cropped = t[..., top : top + crop_h, left : left + crop_w]
    out = _resize(cropped, (info.orig_h, info.orig_w), mode)
    return _from_chw(out, x) if is_numpy else out


def _resize(t: torch.Tensor, hw: tuple[int, int], mode: str) -> torch.Tensor:
    if tuple(t.shape[-2:]) == tuple(hw):
        return t
    if t.dtype == torch.bool:
        return _resize(t.to(torch.uint8), hw, "nearest").bool()
    lead = t.shape[:-2]
    flat = t.reshape(-1, 1, *t.shape[-2:])
    is_float = flat.is_floating_point()
    src = flat if is_float else flat.float()
    if mode == "nearest":
        out = F.interpolate(src, size=hw, mode="nearest-exact")
    else:
        out = F.interpolate(src, size=hw, mode=mode, align_corners=False)
    if not is_float:
        out = (
            out.round().clamp(torch.iinfo(t.dtype).min, torch.iinfo(t.dtype).max)
            if mode != "nearest"
            else out
        )
        out = out.to(t.dtype)
    return out.reshape(*lead, *hw)


def _to_chw(a: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(np.ascontiguousarray(a))
    return t if t.ndim == 2 else t.permute(2, 0, 1)


def _from_chw(t: torch.Tensor, like: np.ndarray) -> np.ndarray:
    out = t if like.ndim == 2 else t.permute(1, 2, 0)
    return out.contiguous().numpy()

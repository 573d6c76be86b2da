"""Joint radiometric normalisation of the two dates to the model's 0–255 input scale.

Why joint: a per-image min–max stretch maps two differently-exposed images of the SAME ground to different
values and so fakes change. The stretch is computed once, from percentiles of samples of
BOTH dates pooled per channel, and applied identically to every tile of both dates. 8-bit imagery is passed
through unchanged because that is what the model was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rasterio.windows import Window

from engine.geo.align import AlignedPair

SAMPLE_PIXELS = 1024 * 1024  # target number of sampled pixels per date (decimated overview read)


@dataclass(frozen=True)
class Stretch:
    """Per-channel linear stretch lo→0, hi→255 (None = identity for 8-bit input)."""

    lo: tuple[float, float, float] | None = None
    hi: tuple[float, float, float] | None = None

    @property
    def identity(self) -> bool:
        return self.lo is None

    def apply(self, image: np.ndarray) -> np.ndarray:
        """3×h×w array of any dtype → float32 in [0, 255]."""
        if self.identity:
            return image.astype(np.float32, copy=False)
        lo = np.asarray(self.lo, dtype=np.float32)[:, None, None]
        hi = np.asarray(self.hi, dtype=np.float32)[:, None, None]
        out = (image.astype(np.float32) - lo) * (255.0 / np.maximum(hi - lo, 1e-12))
        return np.clip(out, 0.0, 255.0, out=out)

    def to_json(self) -> dict:
        return (
            {"mode": "identity"}
            if self.identity
            else {"mode": "joint-percentile", "lo": self.lo, "hi": self.hi}
        )


def compute_stretch(pair: AlignedPair, low_pct: float = 2.0, high_pct: float = 98.0) -> Stretch:
    """Identity when both dates are 8-bit; otherwise percentiles of both dates' valid samples pooled."""
    dtypes = set(pair.earlier_info.dtypes) | set(pair.later_info.dtypes)
    if dtypes == {"uint8"}:
        return Stretch()
    w, h = pair.width, pair.height
    step = max(1.0, (w * h / SAMPLE_PIXELS) ** 0.5)
    shape = (max(1, round(h / step)), max(1, round(w / step)))
    earlier, later, valid = pair.read(Window(0, 0, w, h), out_shape=shape)
    if not valid.any():
        return Stretch((0.0, 0.0, 0.0), (255.0, 255.0, 255.0))
    lo, hi = [], []
    for c in range(3):
        values = np.concatenate([earlier[c][valid], later[c][valid]]).astype(np.float64)
        values = values[np.isfinite(values)]
        if values.size == 0:
            lo.append(0.0)
            hi.append(255.0)
            continue
        a, b = np.percentile(values, [low_pct, high_pct])
        if b <= a:  # flat band: keep it flat instead of amplifying noise
            b = a + 1.0
        lo.append(float(a))
        hi.append(float(b))
    return Stretch(tuple(lo), tuple(hi))

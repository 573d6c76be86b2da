"""A model with the interface of INTERFACES §1 but no learning: its logits are a known function of the input.

Why: pipeline geometry (alignment, tiling, blending, polygonising, areas) must be tested EXACTLY, and the
pipeline's own overhead benchmarked, independently of what a network predicts. `NullModel` marks pixels where
the later image is brighter than the earlier one by more than `delta` (0–255 scale, mean over RGB): paint a
bright square into the later raster and the expected polygon is known to the pixel. It can also simulate
out-of-memory errors to test the batch back-off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.errors import InputError

IMAGENET_MEAN_255 = (123.675, 116.28, 103.53)
IMAGENET_STD_255 = (58.395, 57.12, 57.375)


@dataclass
class NullFeatures:
    """Brightness difference later − earlier (B×1×H×W), the null model's whole 'visual feature'."""

    diff: torch.Tensor

    def to(self, device) -> NullFeatures:
        return NullFeatures(self.diff.to(device))

    def split(self) -> list[NullFeatures]:
        return [NullFeatures(d.unsqueeze(0)) for d in self.diff]

    @staticmethod
    def stack(items: list[NullFeatures]) -> NullFeatures:
        return NullFeatures(torch.cat([i.diff for i in items], dim=0))

    @property
    def nbytes(self) -> int:
        return self.diff.numel() * self.diff.element_size()


@dataclass
class NullConfig:
    image_size: int = 256


class NullModel:
    """logits = gain·(mean_rgb(later) − mean_rgb(earlier) − delta); mode 'constant': `value` everywhere."""

    def __init__(
        self,
        image_size: int = 256,
        delta: float = 40.0,
        gain: float = 1.0,
        mode: str = "brighter",
        value: float = -10.0,
        oom_above_batch: int | None = None,
        max_prompt_tokens: int = 32,
    ):
        self.config = NullConfig(image_size)
        self.delta, self.gain, self.mode, self.value = delta, gain, mode, value
        self.oom_above_batch = oom_above_batch
        self.max_prompt_tokens = max_prompt_tokens
        self.model_id = f"null-{mode}"
        # tiles per call when the request sets no batch size: the null model's cost per tile is a few
        # element-wise passes, so the per-call overhead is amortised over many tiles; 16, not a whole row
        # of 64: the batch's normalised span grows with it (4096² → 16384² peak RSS growth 1.19× at 16,
        # 1.26× at 64; 1.40× vs 1.60× of the raw-read time; docs/benchmarks/pipeline.md)
        self.preferred_batch_size = 16
        self.revision = None
        self.encode_calls = 0
        self.segment_calls = 0
        self.batch_sizes: list[int] = []

    def to(self, device) -> NullModel:
        return self

    def eval(self) -> NullModel:
        return self

    def encode_pair(self, earlier: torch.Tensor, later: torch.Tensor) -> NullFeatures:
        b = earlier.shape[0]
        self.batch_sizes.append(b)
        if self.oom_above_batch is not None and b > self.oom_above_batch:
            raise torch.OutOfMemoryError(f"simulated out of memory for batch {b}")
        self.encode_calls += 1
        # mean_rgb(later·std + mean) − mean_rgb(earlier·std + mean) = mean_rgb((later − earlier)·std),
        # channel by channel into one output, on the whole batch at once: the inputs (strided views of the
        # pipeline's buffer) are read once, and torch's vectorised kernels read such views ~3× faster than
        # NumPy's. Whole batches (a row of tiles), not tiny per-tile ops: see preferred_batch_size.
        w = [s / 3.0 for s in IMAGENET_STD_255]
        diff = torch.sub(later[:, 0], earlier[:, 0]).float().mul_(w[0])
        for c in (1, 2):
            diff.add_(torch.sub(later[:, c], earlier[:, c]).float(), alpha=w[c])
        return NullFeatures(diff.unsqueeze(1))

    def _logits(self, feats: NullFeatures) -> torch.Tensor:
        if self.mode == "constant":
            return torch.full_like(feats.diff, self.value)
        logits = np.subtract(_np(feats.diff), self.delta, dtype=np.float32)
        if self.gain != 1.0:
            logits *= self.gain
        return torch.from_numpy(logits).to(feats.diff.device)

    def segment(self, feats: NullFeatures, prompts: list[str]) -> torch.Tensor:
        if len(prompts) != feats.diff.shape[0]:
            raise ValueError("one prompt per batch item")
        self.segment_calls += 1
        return self._logits(feats)

    def segment_all_changes(self, feats: NullFeatures) -> torch.Tensor:
        self.segment_calls += 1
        if self.mode == "constant":
            return self._logits(feats)
        return _tensor_like(self.gain * (np.abs(_np(feats.diff)) - self.delta), feats.diff)

    def tokenize_check(self, prompt: str) -> None:
        if not prompt or not prompt.strip():
            raise InputError("empty prompt")
        n = len(prompt.split())
        if n > self.max_prompt_tokens:
            raise InputError(
                f"prompt too long: {n} tokens, the model accepts at most {self.max_prompt_tokens}"
            )


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()


def _tensor_like(a: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).to(like.device)

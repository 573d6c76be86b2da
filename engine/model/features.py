"""PairFeatures: everything the model computes from an image pair that no prompt changes.

The pipeline caches these per tile, so a second prompt on the same layers reruns only the language branch
and the mask decoder (the visual part is the costly one; docs/PIPELINE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class PairFeatures:
    mask_features: torch.Tensor  # B×D×H/4×W/4 (pixel decoder, fused)
    multi_scale: list[torch.Tensor]  # [B×D×H/32×W/32, B×D×H/16×W/16, B×D×H/8×W/8]
    fused_res5: torch.Tensor  # B×C5×H/32×W/32 (description projector memory)
    visual_tokens: torch.Tensor  # B×2T×lm_hidden (T1's tokens then T2's; raw res5 per date)
    image_size: tuple[int, int]  # input H, W

    def _tensors(self) -> list[torch.Tensor]:
        return [self.mask_features, *self.multi_scale, self.fused_res5, self.visual_tokens]

    @property
    def batch_size(self) -> int:
        return int(self.mask_features.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self._tensors())

    def _map(self, fn) -> PairFeatures:
        """The same features with `fn` applied to every tensor (the one place that knows the fields)."""
        return PairFeatures(
            fn(self.mask_features),
            [fn(t) for t in self.multi_scale],
            fn(self.fused_res5),
            fn(self.visual_tokens),
            self.image_size,
        )

    def to(self, device: torch.device | str, dtype: torch.dtype | None = None) -> PairFeatures:
        if dtype is None:
            return self._map(lambda t: t.to(device))
        return self._map(lambda t: t.to(device=device, dtype=dtype))

    def detach(self) -> PairFeatures:
        return self._map(torch.Tensor.detach)

    def select(self, index: torch.Tensor) -> PairFeatures:
        """Rows `index` of every tensor (repeats allowed; gradients flow back to the shared rows)."""
        return self._map(lambda t: t.index_select(0, index.to(t.device)))

    def split(self) -> list[PairFeatures]:
        """One PairFeatures per batch item (views, batch dimension kept at 1)."""
        return [self._map(lambda t, i=i: t[i : i + 1]) for i in range(self.batch_size)]

    @staticmethod
    def stack(items: list[PairFeatures]) -> PairFeatures:
        if not items:
            raise ValueError("cannot stack an empty list of PairFeatures")
        sizes = {it.image_size for it in items}
        if len(sizes) != 1:
            raise ValueError(f"cannot stack features of different input sizes: {sorted(sizes)}")
        return PairFeatures(
            torch.cat([it.mask_features for it in items]),
            [torch.cat(level) for level in zip(*[it.multi_scale for it in items], strict=False)],
            torch.cat([it.fused_res5 for it in items]),
            torch.cat([it.visual_tokens for it in items]),
            items[0].image_size,
        )


def shared_pairs(
    image_a: torch.Tensor, image_b: torch.Tensor, pair_keys: list[str]
) -> tuple[torch.Tensor, torch.Tensor]:
    """(rows to encode, for every sample the position of its pair among those rows).

    Samples are one pair when their keys match AND their pixels are identical (an augmented copy of a pair is
    a different input). Training and evaluation use it to run the vision part once per pair, then
    `PairFeatures.select(index)` gives every expression its pair's features."""
    first: dict[str, list[int]] = {}
    unique: list[int] = []
    index: list[int] = []
    for i, key in enumerate(pair_keys):
        match = next(
            (
                slot
                for slot in first.get(key, [])
                if torch.equal(image_a[i], image_a[unique[slot]])
                and torch.equal(image_b[i], image_b[unique[slot]])
            ),
            None,
        )
        if match is None:
            match = len(unique)
            unique.append(i)
            first.setdefault(key, []).append(match)
        index.append(match)
    return torch.tensor(unique, dtype=torch.long), torch.tensor(index, dtype=torch.long)

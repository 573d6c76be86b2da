"""Building the item dict every dataset returns, and batching items (contract: docs/INTERFACES.md §4)."""

from __future__ import annotations

import numpy as np
import torch

from engine.data.augment import augment_pair, says_where
from engine.data.transforms import letterbox_image, letterbox_mask, normalise


def make_item(
    image_a: np.ndarray,
    image_b: np.ndarray,
    mask: np.ndarray,
    expression: str,
    sample_id: str,
    expression_index: int,
    image_size: int,
    rng: np.random.Generator | None = None,
) -> dict:
    """Letterbox + normalise one sample; `rng` given -> augment first (identical geometry for all three)."""
    if mask.shape[:2] != image_a.shape[:2]:
        from PIL import Image

        mask = (
            np.asarray(
                Image.fromarray(mask.astype(np.uint8) * 255).resize(
                    (image_a.shape[1], image_a.shape[0]), Image.NEAREST
                )
            )
            > 127
        )
    if image_b.shape[:2] != image_a.shape[:2]:
        from PIL import Image

        image_b = np.asarray(
            Image.fromarray(image_b).resize((image_a.shape[1], image_a.shape[0]), Image.BILINEAR)
        )
    if rng is not None:
        image_a, image_b, mask = augment_pair(
            image_a, image_b, mask, rng, geometric=not says_where(expression)
        )
    a, box = letterbox_image(image_a, image_size)
    b, _ = letterbox_image(image_b, image_size)
    return {
        "image_a": normalise(a),
        "image_b": normalise(b),
        "mask": letterbox_mask(mask, image_size),
        "expression": expression,
        "sample_id": sample_id,
        "expression_index": int(expression_index),
        "pad": tuple(int(v) for v in box),
        "orig_size": (int(image_a.shape[0]), int(image_a.shape[1])),
    }


def collate(items: list[dict]) -> dict:
    """Stack tensors; `pad` -> LongTensor B×4, `orig_size` -> B×2, `expression_index` -> B; strings as
    lists."""
    batch: dict = {}
    for key in items[0]:
        values = [item[key] for item in items]
        if isinstance(values[0], torch.Tensor):
            batch[key] = torch.stack(values)
        elif isinstance(values[0], (tuple, list, int)) and not isinstance(values[0], bool):
            batch[key] = torch.as_tensor(values, dtype=torch.long)
        else:
            batch[key] = values
    return batch

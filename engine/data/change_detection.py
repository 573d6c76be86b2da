"""Stage-1 change-detection reader: pairs `A/<stem>`, `B/<stem>` and a binary change mask
(docs/REFERENCE.md R1.5).

The mask of a pair is looked up as `label/<stem>.*` (LEVIR-CD style), then `masks/<stem>.*` (the MTRefSeg
pretraining layout), then `masks_all/<stem>.*` (the union-of-changes masks written by `mtrs synth`), so the
same synthetic folder serves stage 1 and stage 2. Binarised at > 127. The expression is the reference's
constant text, used only when stage-1 data are fed through the language path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch.utils.data import Dataset

from engine.data.decoded_cache import DEFAULT_CACHE_MB, DecodedCache
from engine.data.image_io import IMAGE_EXTENSIONS, read_mask, read_rgb, resolve_image
from engine.data.items import make_item
from engine.errors import InputError

CONSTANT_EXPRESSION = "the changed area between the two images"
MASK_FOLDERS = ("label", "masks", "masks_all")


class ChangeDetectionDataset(Dataset):
    """One sample per pair; items as in docs/INTERFACES.md §4 (expression = CONSTANT_EXPRESSION). Decoded
    arrays are kept up to `cache_mb` for later epochs (engine/data/decoded_cache.py)."""

    def __init__(
        self,
        root: str | Path,
        image_size: int,
        augment: bool = False,
        seed: int = 0,
        cache_mb: float = DEFAULT_CACHE_MB,
    ):
        self.root = Path(root)
        self.image_size = int(image_size)
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self.pairs: list[tuple[str, Path, Path, Path]] = []
        self.skipped: list[str] = []
        self.cache = DecodedCache(cache_mb)
        a_dir = self.root / "A"
        if not a_dir.is_dir() or not (self.root / "B").is_dir():
            raise InputError(f"{self.root} needs A/ and B/ folders", hint="layout: A/ B/ label/ (or masks/)")
        for path_a in sorted(p for p in a_dir.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS):
            stem = path_a.stem
            path_b = resolve_image(self.root / "B", path_a.name)
            mask = next(
                (m for m in (resolve_image(self.root / d, stem) for d in MASK_FOLDERS) if m is not None), None
            )
            if path_b is None or mask is None:
                self.skipped.append(f"{stem}: {'B image' if path_b is None else 'change mask'} not found")
                continue
            self.pairs.append((stem, path_a, path_b, mask))
        if not self.pairs:
            raise InputError(
                f"no complete A/B/mask triplets in {self.root}",
                hint=f"masks are looked up in {', '.join(MASK_FOLDERS)}/ by the stem of A/ files",
            )

    def __len__(self) -> int:
        return len(self.pairs)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def original_mask(self, index: int) -> np.ndarray:
        """Shared with the cache: do not modify in place."""
        return self.cache.get(("mask", index), lambda: read_mask(self.pairs[index][3]))

    def original_images(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Shared with the cache: do not modify in place."""
        _, path_a, path_b, _ = self.pairs[index]
        return self.cache.get(("pair", index), lambda: (read_rgb(path_a), read_rgb(path_b)))

    def __getitem__(self, index: int) -> dict:
        stem = self.pairs[index][0]
        image_a, image_b = self.original_images(index)
        rng = np.random.default_rng((self.seed, self.epoch, index)) if self.augment else None
        return make_item(
            image_a, image_b, self.original_mask(index), CONSTANT_EXPRESSION, stem, 0, self.image_size, rng
        )

"""MTRefSeg-21K reader: one sample per (image pair, referring expression), docs/REFERENCE.md R1.3–R1.4."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch.utils.data import Dataset

from engine.data.annotations import LoadReport, SampleRecord, load_split
from engine.data.decoded_cache import DEFAULT_CACHE_MB, DecodedCache
from engine.data.image_io import image_size, rasterise_polygons, read_mask, read_rgb
from engine.data.items import make_item
from engine.errors import InputError

# The paper's three settings: name -> (train folder, evaluation folder) under the root
# (docs/REFERENCE.md R1.2).
SETTINGS: dict[str, tuple[str, str]] = {
    "TV": ("train_FINAL_CLEAN", "val_FINAL_CLEAN"),
    "NS": ("NS_FINAL_CLEAN_train", "NS_FINAL_CLEAN_val"),
    "RS": ("RS_FINAL_CLEAN_train", "RS_FINAL_CLEAN_val"),
}


def resolve_split_dir(root_or_split_dir: str | Path, split: str | None = None) -> Path:
    """A split folder from a split folder, `root` + a split folder name, or `root` + a setting role
    ("TV:train", "RS:val"). Raises InputError with what exists when nothing matches."""
    root = Path(root_or_split_dir)
    if split is None:
        if (root / "referring_expression").is_dir():
            return root
        raise InputError(
            f"{root} is not a split folder (no referring_expression/)",
            hint=f"pass a split folder, or a split name among: {_children(root)}",
        )
    if ":" in split:
        setting, role = split.split(":", 1)
        if setting.upper() not in SETTINGS or role not in ("train", "val"):
            raise InputError(f"unknown setting '{split}'", hint="use TV:train, TV:val, NS:…, RS:…")
        split = SETTINGS[setting.upper()][0 if role == "train" else 1]
    candidate = root / split
    if not (candidate / "referring_expression").is_dir():
        raise InputError(f"split '{split}' not found under {root}", hint=f"available: {_children(root)}")
    return candidate


def _children(root: Path) -> str:
    names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    return ", ".join(names) or "(none)"


class MTRefSegDataset(Dataset):
    """Items as in docs/INTERFACES.md §4. `augment=True` draws a fresh augmentation per (seed, epoch, index);
    call `set_epoch` from the training loop so resumed runs see the same augmentations. Decoded images and
    masks are kept up to `cache_mb` (engine/data/decoded_cache.py); 0 keeps only the last few pairs."""

    def __init__(
        self,
        root_or_split_dir: str | Path,
        image_size: int,
        augment: bool = False,
        split: str | None = None,
        seed: int = 0,
        cache_mb: float = DEFAULT_CACHE_MB,
    ):
        self.split_dir = resolve_split_dir(root_or_split_dir, split)
        self.image_size = int(image_size)
        self.augment = augment
        self.seed = seed
        self.epoch = 0
        self.records: list[SampleRecord]
        self.report: LoadReport
        self.records, self.report = load_split(self.split_dir)
        self.cache = DecodedCache(cache_mb)
        if not self.records:
            raise InputError(
                f"no usable samples in {self.split_dir}",
                hint="; ".join(self.report.skipped[:5]) or "the referring_expression/ folder is empty",
            )

    def __len__(self) -> int:
        return len(self.records)

    def pair_keys(self) -> list[str]:
        """The image pair of each sample (its `sample_id`), for batches that group a pair's expressions."""
        return [rec.sample_id for rec in self.records]

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def original_mask(self, index: int) -> np.ndarray:
        """H×W bool at the pair's native resolution (for evaluation at original resolution). Shared with the
        cache: do not modify in place."""
        return self.cache.get(("mask", index), lambda: self._read_mask(self.records[index]))

    @staticmethod
    def _read_mask(rec: SampleRecord) -> np.ndarray:
        if rec.mask_path is not None:
            return read_mask(rec.mask_path)
        h, w = image_size(rec.image_a)
        return rasterise_polygons([list(p) for p in rec.polygons or ()], h, w)

    def original_images(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The pair's two images, decoded once and shared by its expressions (and epochs, within the cache
        budget): callers must not modify them in place (make_item copies)."""
        rec = self.records[index]
        key = ("pair", str(rec.image_a), str(rec.image_b))
        return self.cache.get(key, lambda: (read_rgb(rec.image_a), read_rgb(rec.image_b)))

    def __getitem__(self, index: int) -> dict:
        rec = self.records[index]
        image_a, image_b = self.original_images(index)
        mask = self.original_mask(index)
        rng = np.random.default_rng((self.seed, self.epoch, index)) if self.augment else None
        return make_item(
            image_a, image_b, mask, rec.expression, rec.sample_id, rec.expression_index, self.image_size, rng
        )

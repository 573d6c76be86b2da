"""Datasets for training and evaluation: MTRefSeg-21K (referring), change detection (stage 1), synthetic MTRS.

Every dataset returns the item dict documented in docs/INTERFACES.md §4; `collate` batches them.
"""

from engine.data.change_detection import CONSTANT_EXPRESSION, ChangeDetectionDataset
from engine.data.items import collate, make_item
from engine.data.mtrefseg import SETTINGS, MTRefSegDataset, resolve_split_dir
from engine.data.transforms import Letterbox, letterbox_image, letterbox_mask, normalise, unletterbox_logits

__all__ = [
    "CONSTANT_EXPRESSION",
    "SETTINGS",
    "ChangeDetectionDataset",
    "Letterbox",
    "MTRefSegDataset",
    "collate",
    "letterbox_image",
    "letterbox_mask",
    "make_item",
    "normalise",
    "resolve_split_dir",
    "unletterbox_logits",
]

"""MTRefSeg-R1: change-aware vision-language referring segmentation of image pairs (docs/MODEL.md).

Public API (docs/INTERFACES.md §1):
    build_model(ModelConfig.from_preset("mtrefseg-r1-tiny"))  -> random-init model
    load_model(None | folder | "owner/name", revision=None, device="cpu")  -> trained model
"""

from __future__ import annotations

from engine.model.config import PRESETS, ModelConfig
from engine.model.features import PairFeatures
from engine.model.loading import BUNDLED_MODEL_DIR, DEMO_MODEL_DIR, build_model, load_model

__all__ = [
    "BUNDLED_MODEL_DIR",
    "DEMO_MODEL_DIR",
    "PRESETS",
    "ModelConfig",
    "PairFeatures",
    "build_model",
    "load_model",
]

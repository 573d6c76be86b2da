"""Model loading for the pipeline: real checkpoints through engine.model, plus the diagnostic null models.

`null:brighter[:TILE]` / `null:constant[:TILE]` select `NullModel` (no weights): used by the pipeline
benchmarks (pipeline overhead without a network) and by worker tests that must know the exact answer.
"""

from __future__ import annotations

from typing import Any

from engine.errors import ModelError


def load(source: str | None, revision: str | None = None, device: str = "cpu") -> Any:
    if isinstance(source, str) and source.startswith("null:"):
        from engine.pipeline.null_model import NullModel

        parts = source.split(":")
        mode = parts[1] or "brighter"
        if mode not in ("brighter", "constant"):
            raise ModelError(f"unknown null model '{source}'", hint="null:brighter or null:constant")
        size = int(parts[2]) if len(parts) > 2 and parts[2] else 256
        return NullModel(image_size=size, mode=mode)
    try:
        from engine.model import load_model
    except ImportError as exc:
        raise ModelError(f"the model package cannot be imported: {exc}") from None
    return load_model(source, revision=revision, device=device)

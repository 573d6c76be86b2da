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
        usage = "null:brighter[:TILE] or null:constant[:TILE], TILE a multiple of 32"
        if mode not in ("brighter", "constant") or len(parts) > 3:
            raise ModelError(f"unknown null model '{source}'", hint=usage)
        size_text = parts[2] if len(parts) > 2 and parts[2] else "256"
        if not size_text.isdigit() or int(size_text) < 32 or int(size_text) % 32 or int(size_text) > 8192:
            raise ModelError(f"bad tile size '{size_text}' in null model '{source}'", hint=usage)
        return NullModel(image_size=int(size_text), mode=mode)
    try:
        from engine.model import load_model
    except ImportError as exc:
        raise ModelError(f"the model package cannot be imported: {exc}") from None
    return load_model(source, revision=revision, device=device)

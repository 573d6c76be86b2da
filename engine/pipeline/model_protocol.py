"""The model interface the analysis pipeline needs (INTERFACES §1), as typing Protocols.

Why a Protocol and not a base class: the trained network (engine.model.MTRefSegR1, a torch module) and the
diagnostic NullModel share no code and must not; the pipeline only relies on these members, and a new model
(a fine-tuned variant, a remote model, a test double) qualifies by having them. `isinstance(m, ChangeModel)`
checks that the members exist (not their signatures); mypy/pyright check the signatures.

Optional members, looked up with getattr/hasattr by the pipeline:
- `segment_with_presence(feats, prompts) -> (logits, presence_logits | None)` (PresenceModel): a model with a
  presence head also says, per tile, whether the described change is there at all;
- `preferred_batch_size: int` (BatchHintModel): tiles per call when the request sets none;
- `parameters()` / `to(device)`: a torch module is moved to the requested device.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import torch


class ModelConfig(Protocol):
    image_size: int  # the model's native tile side in px (a multiple of 32)


@runtime_checkable
class ChangeModel(Protocol):
    """Encode a pair of tiles once, then decode a mask per prompt (or the all-changes head) from the features.

    Inputs are N×3×T×T float tensors, ImageNet-normalised (engine.pipeline.inference); they may be strided
    views of a buffer the pipeline reuses, so the features must never be views of them. Features have
    `to(device)`, `split()` (one per tile), `stack(list)` (static) and `nbytes` (engine.pipeline.cache)."""

    model_id: Any  # str or a path-like, written into every feature and the run record
    revision: str | None
    config: ModelConfig

    def encode_pair(self, earlier: torch.Tensor, later: torch.Tensor) -> Any: ...

    def segment(self, feats: Any, prompts: list[str]) -> torch.Tensor: ...

    def segment_all_changes(self, feats: Any) -> torch.Tensor: ...

    def tokenize_check(self, prompt: str) -> None: ...


@runtime_checkable
class PresenceModel(ChangeModel, Protocol):
    """A model with a presence head: logits N×1×T×T and presence logits N (or None)."""

    def segment_with_presence(
        self, feats: Any, prompts: list[str]
    ) -> tuple[torch.Tensor, torch.Tensor | None]: ...


@runtime_checkable
class BatchHintModel(Protocol):
    """A model that knows its best batch (a cheap model amortises the per-call overhead over many tiles)."""

    preferred_batch_size: int

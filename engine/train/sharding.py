"""`mtrs train --fsdp`: PyTorch's FSDP2 (`torch.distributed.fsdp.fully_shard`) instead of DDP, so that each
of N processes keeps 1/N of the parameters, gradients and optimiser state between layers, for the paper
preset on GPUs with less memory than one full replica needs.

Units. FSDP2 gathers a unit's parameters in the unit's forward pre-hook, so only modules their parent CALLS
can be units; a parameter the model reads directly stays with the root. Units here: each transformer block
of the encoders and the language model (`UNIT_CLASSES`), each layer of the pixel and mask decoders, and the
top-level parts that are called as a whole (`UNIT_NAMES`). The mask decoder (its learned queries are read
by `forward_stage1`) and the language model (the prompt builder and `run_language_model` call its parts, not
the whole) stay in the root, apart from their layers and the LM's embeddings and head. The model is entered
through methods, not `forward`, so those methods are registered as forward methods of the root
(`ROOT_METHODS`); they never call each other, so the root is never entered twice at once.

Checkpoints stay those of DDP: the full weights gathered on rank 0 (`get_model_state_dict(full_state_dict,
cpu_offload)`) go to `save_pretrained`, and the full optimiser state is re-keyed from parameter names to the
0..n-1 indices of `Optimizer.state_dict()`, so an FSDP checkpoint loads for inference, resumes under FSDP and
resumes under DDP, and the reverse.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import torch
from torch import nn

from engine.errors import InputError
from engine.train.distributed import DistContext

# Blocks of the Swin encoder (timm), the causal LM (transformers Phi), the sentence encoder (BERT-like) and
# the layers of our pixel and mask decoders.
UNIT_CLASSES = frozenset(
    {
        "SwinTransformerBlock",
        "PhiDecoderLayer",
        "BertLayer",
        "DeformableEncoderLayer",
        "CrossAttentionLayer",
        "SelfAttentionLayer",
        "FFNLayer",
    }
)
# Parts called as a whole. The causal LM's input embeddings and head are called (only the dtype of the weight
# is read) by the prompt builder and `run_language_model`; as units they keep the largest tensors of the
# paper preset (2 × 103 M parameters) out of the root, whose parameters stay gathered from the first forward
# to the end of backward.
UNIT_NAMES = (
    "vision_encoder",
    "fusion",
    "pixel_decoder",
    "projector",
    "description_projector",
    "presence_head",
    "language_model.model.embed_tokens",
    "language_model.lm_head",
)
ROOT_METHODS = ("forward_stage1", "encode_pair", "decode_stage2", "segment_all_changes")


def shard_model(model: nn.Module, ctx: DistContext) -> list[str]:
    """Apply `fully_shard` to the units (innermost first) and then to the root, in place. Returns the units'
    qualified names (the root last, as "")."""
    if not ctx.distributed:
        raise InputError("--fsdp shards over processes: it needs torchrun with 2 or more processes")
    from torch.distributed.fsdp import fully_shard, register_fsdp_forward_method

    # FSDP2 warns for every unit whose output is a view (a reshape): an in-place op on it would skip the
    # unit's pre-backward all-gather. The model and losses change no activation in place, and the tests
    # compare FSDP's gradient norms and losses with DDP's step by step.
    warnings.filterwarnings("ignore", message=r"FSDP2-wrapped module .* returned a view tensor")

    units = [
        name
        for name, module in model.named_modules()
        if name and _has_params(module) and (type(module).__name__ in UNIT_CLASSES or name in UNIT_NAMES)
    ]
    # named_modules lists parents before children: shard the children first (reversed order)
    for name in reversed(units):
        fully_shard(model.get_submodule(name))
    fully_shard(model)
    for method in ROOT_METHODS:
        register_fsdp_forward_method(model, method)
    return [*units, ""]


def _has_params(module: nn.Module) -> bool:
    return any(True for _ in module.parameters())


@contextlib.contextmanager
def gradient_sync(model: nn.Module, enabled: bool) -> Iterator[None]:
    """FSDP's `no_sync`: with `enabled=False` the gradients of this backward accumulate unreduced (the
    micro-batches before the last of an accumulation)."""
    if enabled:
        yield
        return
    model.set_requires_gradient_sync(False)
    try:
        yield
    finally:
        model.set_requires_gradient_sync(True)


def _full_options():
    from torch.distributed.checkpoint.state_dict import StateDictOptions

    return StateDictOptions(full_state_dict=True, cpu_offload=True)


class GatheredModel:
    """The parts of a model `save_checkpoint` reads (config, tokenizer, state_dict), with the full weights
    gathered on rank 0; `save_pretrained` then writes exactly what an unsharded model would."""

    def __init__(self, model: nn.Module, state: dict[str, torch.Tensor]):
        self.config = model.config
        self.tokenizer = model.tokenizer
        self._state = state

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self._state

    def save_pretrained(self, directory):
        from engine.model.checkpoint import save_checkpoint

        return save_checkpoint(self, directory)


def gathered_model(model: nn.Module, ctx: DistContext) -> GatheredModel | None:
    """The full model on rank 0, None elsewhere. A collective: every rank must call it."""
    from torch.distributed.checkpoint.state_dict import get_model_state_dict

    state = get_model_state_dict(model, options=_full_options())
    return GatheredModel(model, state) if ctx.is_main else None


def full_optimizer_state(model: nn.Module, optimizer: torch.optim.Optimizer, ctx: DistContext) -> dict | None:
    """The optimiser state as `optimizer.state_dict()` of an unsharded model would give it, on rank 0 (None
    elsewhere). A collective: every rank must call it."""
    from torch.distributed.checkpoint.state_dict import get_optimizer_state_dict

    named = get_optimizer_state_dict(model, optimizer, options=_full_options())
    if not ctx.is_main:
        return None
    index: dict[str, int] = {}
    groups = []
    for group in named["param_groups"]:
        ids = [index.setdefault(fqn, len(index)) for fqn in group["params"]]
        groups.append({**group, "params": ids})
    return {"state": {index[fqn]: s for fqn, s in named["state"].items()}, "param_groups": groups}


def load_full_optimizer_state(model: nn.Module, optimizer: torch.optim.Optimizer, state: dict) -> None:
    """Shard a full, index-keyed optimiser state (`full_optimizer_state` or a DDP checkpoint's) into this
    process's optimiser. Every rank passes the full state (all read the same checkpoint)."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, set_optimizer_state_dict

    names = {id(p): name for name, p in model.named_parameters()}
    fqns = [names[id(p)] for group in optimizer.param_groups for p in group["params"]]
    if len(fqns) != sum(len(g["params"]) for g in state["param_groups"]):
        raise InputError("--resume: the checkpoint's optimiser state does not match the trainable parameters")
    named = {
        "state": {fqns[i]: s for i, s in state["state"].items()},
        "param_groups": [{**g, "params": [fqns[i] for i in g["params"]]} for g in state["param_groups"]],
    }
    set_optimizer_state_dict(model, optimizer, named, options=StateDictOptions(full_state_dict=True))


def scalar(value) -> float:
    """A float from a tensor that may be a DTensor (clip_grad_norm_ of sharded gradients returns one)."""
    full = getattr(value, "full_tensor", None)
    return float(full() if full is not None else value)

"""Which parameters a stage trains: the stage's groups (docs/REFERENCE.md R3.2/R3.3), minus `--freeze` groups,
or LoRA adapters (docs/REFERENCE.md R3.4: rank r, alpha 2r, dropout 0.05, on every nn.Linear except the LM
head) via `peft`."""

from __future__ import annotations

import torch
from torch import nn

from engine.errors import InputError
from engine.train.config import LORA_DROPOUT, STAGE1_GROUPS


def group_parameters(model: nn.Module) -> dict[str, list[nn.Parameter]]:
    """`model.parameter_groups()` normalised to name -> parameters (it may map to modules or parameters)."""
    groups = model.parameter_groups()
    out: dict[str, list[nn.Parameter]] = {}
    for name, value in groups.items():
        if isinstance(value, nn.Module):
            out[name] = list(value.parameters())
        else:
            out[name] = [p for p in value]
    return out


def set_trainable(model: nn.Module, stage: int, freeze: list[str]) -> dict[str, int]:
    """Freeze everything, then unfreeze the stage's groups except `freeze`. Returns trainable counts per
    group."""
    groups = group_parameters(model)
    unknown = sorted(set(freeze) - set(groups))
    if unknown:
        raise InputError(
            f"unknown parameter group(s) for --freeze: {', '.join(unknown)}",
            hint=f"groups are: {', '.join(groups)}",
        )
    train_groups = [g for g in (STAGE1_GROUPS if stage == 1 else groups) if g not in freeze]
    missing = [g for g in train_groups if g not in groups]
    if missing:
        raise InputError(f"the model has no parameter group(s) {', '.join(missing)}")
    for p in model.parameters():
        p.requires_grad_(False)
    for g in train_groups:
        for p in groups[g]:
            p.requires_grad_(True)
    return {g: sum(p.numel() for p in groups[g] if p.requires_grad) for g in groups}


def lora_target_modules(model: nn.Module, exclude: tuple[str, ...] = ("lm_head",)) -> list[str]:
    """Qualified names of every nn.Linear except the LM head (the reference's `find_all_linear_names`,
    made exact: full names, so a decoder linear called `head` is not confused with `lm_head`)."""
    names = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear) and name.split(".")[-1] not in exclude:
            names.append(name)
    return names


def apply_lora(model: nn.Module, rank: int, freeze: list[str]) -> nn.Module:
    """Inject LoRA adapters in place (peft) and make only them trainable (the base stays frozen, as in the
    reference's `train_backbone False` LoRA runs). `--freeze` groups get no adapters."""
    from peft import LoraConfig, inject_adapter_in_model

    frozen_params = set()
    if freeze:
        groups = group_parameters(model)
        for g in freeze:
            if g not in groups:
                raise InputError(
                    f"unknown parameter group for --freeze: {g}", hint=f"groups: {', '.join(groups)}"
                )
            frozen_params.update(id(p) for p in groups[g])
    targets = [
        n for n in lora_target_modules(model) if id(model.get_submodule(n).weight) not in frozen_params
    ]
    if not targets:
        raise InputError("no nn.Linear layers to adapt with LoRA")
    config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=LORA_DROPOUT, target_modules=targets)
    for p in model.parameters():
        p.requires_grad_(False)
    inject_adapter_in_model(config, model)  # adds lora_A / lora_B (trainable) around each target
    return model


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The adapter tensors only (what a LoRA run changes)."""
    from peft import get_peft_model_state_dict

    return {k: v.detach().cpu().clone() for k, v in get_peft_model_state_dict(model).items()}


def load_lora_state_dict(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    from peft import set_peft_model_state_dict

    result = set_peft_model_state_dict(model, state)
    unexpected = [k for k in getattr(result, "unexpected_keys", []) if "lora_" in k]
    if unexpected:
        raise InputError(f"LoRA checkpoint does not match the model: {unexpected[:3]}")


def merged_copy(model: nn.Module) -> nn.Module:
    """A deep copy with the LoRA deltas folded into the base weights and the adapters removed, so the saved
    model is a plain MTRefSeg-R1 that `load_model` reads. The training model is left untouched (merging in
    place and un-merging would round the weights and break exact resume)."""
    import copy

    from peft.tuners.lora import LoraLayer

    clone = copy.deepcopy(model)
    for name, module in list(clone.named_modules()):
        if isinstance(module, LoraLayer):
            module.merge()
            parent_name, _, child = name.rpartition(".")
            parent = clone.get_submodule(parent_name) if parent_name else clone
            setattr(parent, child, module.get_base_layer())
    return clone


def count_parameters(model: nn.Module) -> tuple[int, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total

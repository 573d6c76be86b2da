"""Turning a TrainConfig into the model to train and the datasets to read.

Stage 1 reads change-detection folders (`A/ B/ label|masks|masks_all/`; a synthetic MTRS folder qualifies
through its union-of-changes masks); stage 2 reads MTRefSeg-21K-layout folders, one sample per expression.
"""

from __future__ import annotations

from pathlib import Path

from torch import nn

from engine.errors import InputError
from engine.train.config import TrainConfig, stage_defaults
from engine.train.trainable import apply_lora, load_lora_state_dict, set_trainable


def preset_of(model: nn.Module) -> str:
    return str(getattr(model.config, "name", "mtrefseg-r1"))


def build_training_model(
    config: TrainConfig, resume_dir: Path | None, state: dict | None
) -> tuple[nn.Module, int]:
    """The model with the stage's trainable parameters set. Returns (model, its image size).

    Resuming a full/partial fine-tune reloads the checkpointed weights; resuming LoRA rebuilds the base from
    `--init` and reloads only the adapters, so the frozen base is bit-identical to the interrupted run's.
    """
    from engine.model import ModelConfig, build_model, load_model

    if resume_dir is not None and not config.lora_rank:
        model = load_model(str(resume_dir), device="cpu")
    elif config.preset:
        size = config.image_size or stage_defaults(config.preset, config.stage).image_size
        overrides = {"image_size": size} if size else {}
        model = build_model(
            ModelConfig.from_preset(config.preset, **{**overrides, **config.model_overrides}),
            swin_weights=config.swin_weights,
            phi=config.phi,
        )
    else:
        if not config.init or not Path(config.init).exists():
            raise InputError(f"--init {config.init}: no such checkpoint folder")
        model = load_model(str(config.init), device="cpu")
    image_size = int(model.config.image_size)
    if config.image_size and config.image_size != image_size:
        raise InputError(
            f"--image-size {config.image_size} differs from the checkpoint's {image_size}",
            hint="a checkpoint keeps the input size it was built for; omit --image-size",
        )
    freeze = config.frozen_groups(preset_of(model))
    if config.lora_rank:
        apply_lora(model, config.lora_rank, freeze)
        if resume_dir is not None and state is not None and state.get("lora"):
            load_lora_state_dict(model, state["lora"])
    else:
        set_trainable(model, config.stage, freeze)
    if config.grad_checkpointing:
        model.set_gradient_checkpointing(True)
    return model, image_size


def open_dataset(
    root: str, data_format: str, image_size: int, augment: bool, seed: int, cache_mb: float | None = None
):
    from engine.data import ChangeDetectionDataset, MTRefSegDataset

    if not Path(root).exists():
        raise InputError(f"data folder {root} does not exist")
    dataset = ChangeDetectionDataset if data_format == "cd" else MTRefSegDataset
    cache = {} if cache_mb is None else {"cache_mb": cache_mb}
    return dataset(root, image_size, augment=augment, seed=seed, **cache)


def build_datasets(cfg: TrainConfig):
    """(training set, selection set or None). The selection set is never augmented; both keep decoded
    arrays between epochs up to --cache-mb each."""
    train_set = open_dataset(cfg.data, cfg.data_format, cfg.image_size, cfg.augment, cfg.seed, cfg.cache_mb)
    select_set = None
    if cfg.select_on:
        select_set = open_dataset(
            cfg.select_on, cfg.select_format, cfg.image_size, False, cfg.seed, cfg.cache_mb
        )
    return train_set, select_set

"""Everything a training run is, as one dataclass, plus the per-preset defaults.

The paper preset's defaults are the reference recipe (docs/REFERENCE.md R3); the tiny preset's are chosen for
learning speed on a CPU (see docs/benchmarks/training.md). Options the user leaves at None take the preset
default, and the resolved configuration is written to `train_config.json` next to the checkpoints.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError

# Trainable groups per stage (docs/REFERENCE.md R3.2: stage 1 trains Swin, fusion and both decoders; R3.3:
# stage 2 trains everything). Names are those of `model.parameter_groups()`.
STAGE1_GROUPS = ("vision_encoder", "fusion", "pixel_decoder", "mask_decoder")
LORA_DROPOUT = 0.05
BF16_SCOPES = ("all", "vision")
LR_SCHEDULES = ("cosine", "constant")


@dataclass(frozen=True)
class StageDefaults:
    lr: float
    epochs: int
    batch_size: int  # per process, per micro-batch
    global_batch: int
    image_size: int | None  # None: the model's own
    loss_points: int | None = None  # None: the reference's 12,544 sampled points per mask
    bf16_on_gpu: bool = True
    bf16_on_cpu: bool = False  # only where the CPU computes bf16 natively (elsewhere it is slower than fp32)
    bf16_scope: str = "all"  # "all": the whole forward pass; "vision": stage 2's vision part only
    warmup_ratio: float = 0.05
    clip: float = 1.0
    pair_batches: bool = False  # stage 2: expressions of one pair share a micro-batch and one vision pass
    freeze: tuple[str, ...] = ()  # parameter groups kept frozen unless --freeze says otherwise


# (preset name, stage) -> defaults. Unknown presets fall back to the paper recipe.
DEFAULTS: dict[tuple[str, int], StageDefaults] = {
    ("mtrefseg-r1", 1): StageDefaults(lr=1e-4, epochs=20, batch_size=4, global_batch=128, image_size=None),
    ("mtrefseg-r1", 2): StageDefaults(lr=5e-5, epochs=20, batch_size=4, global_batch=128, image_size=None),
    # 128² inputs give 32² logit maps: 1,024 points cover them, 12,544 would mostly resample the same pixels
    # and make the 100-query matching of stage 1 the most expensive part of a CPU step.
    ("mtrefseg-r1-tiny", 1): StageDefaults(
        lr=1e-3,
        epochs=3,
        batch_size=16,
        global_batch=16,
        image_size=128,
        loss_points=1024,
        bf16_on_cpu=True,
    ),
    # Stage 2 encodes each pair once for all its expressions (pair batches): ≈2× the samples/s of one
    # vision pass per expression on a CPU, and every micro-batch asks different questions of the same images.
    ("mtrefseg-r1-tiny", 2): StageDefaults(
        lr=1.5e-3,
        epochs=16,  # the frozen encoder's faster epochs: 16 fit where 12 did (docs/benchmarks/training.md)
        batch_size=32,
        global_batch=32,
        image_size=128,
        loss_points=1024,
        pair_batches=True,
        # Swin keeps what stage 1 taught it: no backward pass through it makes an epoch ~1.3x faster, and the
        # extra epochs buy more than training Swin does (full runs, three seeds: 62.7 mIoU on average against
        # 60.0 for the 12-epoch all-trainable recipe; docs/benchmarks/training.md).
        freeze=("vision_encoder",),
        # bf16 for the vision part only: 8-10 % faster steps on a CPU with native bf16 at no measured accuracy
        # cost, where bf16 over the whole pass was no faster (docs/benchmarks/training.md, "Recipe 7").
        bf16_on_cpu=True,
        bf16_scope="vision",
    ),
    # The lite preset starts from ImageNet EfficientNet-Lite0 and all-MiniLM-L6-v2 weights, so it fine-tunes
    # rather than learns from scratch: a lower rate than tiny's 1e-3, 256² inputs (64² logit maps: 2,048
    # sampled points cover half of them), bf16 on CPUs that compute it (stage 1, 4 steps of 8 on 256²:
    # 3.9 against 3.2 samples/s in fp32).
    ("mtrefseg-r1-lite", 1): StageDefaults(
        lr=4e-4,
        epochs=10,
        batch_size=8,
        global_batch=8,
        image_size=256,
        loss_points=2048,
        bf16_on_cpu=True,
    ),
    # Stage 2 keeps both pretrained encoders frozen: the sentence encoder is what makes paraphrases land on
    # the same query (training it on a few hundred phrasings would teach it those phrasings only), and the
    # vision encoder keeps what stage 1 taught it while every step skips its backward pass.
    ("mtrefseg-r1-lite", 2): StageDefaults(
        lr=4e-4,
        epochs=10,
        batch_size=16,
        global_batch=16,
        image_size=256,
        loss_points=2048,
        pair_batches=True,
        freeze=("vision_encoder", "language_model"),
        bf16_on_cpu=True,
        bf16_scope="vision",
    ),
}


def cpu_computes_bf16() -> bool:
    """True on CPUs with bf16 instructions (AVX512-BF16 or AMX), where bf16 autocast runs tiny-preset stage 1
    1.2x faster (375 steps: 373 -> 303 s); elsewhere bf16 is emulated and slower than fp32."""
    import torch

    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    try:
        return any(getattr(torch.cpu, name)() for name in probes if hasattr(torch.cpu, name))
    except RuntimeError:
        return False


def stage_defaults(preset: str, stage: int) -> StageDefaults:
    return DEFAULTS.get((preset, stage)) or DEFAULTS[("mtrefseg-r1", stage)]


@dataclass
class TrainConfig:
    """One training run. `None` fields are resolved from the preset defaults by `resolve`."""

    stage: int
    data: str
    out: str
    preset: str | None = None
    init: str | None = None
    model_overrides: dict[str, Any] = field(default_factory=dict)  # fresh model: ModelConfig fields to change
    swin_weights: str | None = None  # fresh model only: timm hub id or local file for the Swin encoder
    phi: str | None = None  # fresh model only: hub id or local folder of a Phi checkpoint
    data_format: str | None = None  # None: cd for stage 1, mtrefseg for stage 2
    epochs: int | None = None
    lr: float | None = None
    batch_size: int | None = None
    grad_accum: int | None = None
    global_batch: int | None = None
    image_size: int | None = None
    warmup_ratio: float | None = None
    clip: float | None = None
    weight_decay: float = 0.0
    lora_rank: int = 0
    freeze: list[str] | None = None  # None: the preset's default for the stage; [] trains every group
    select_on: str | None = None
    select_format: str | None = None  # default: same as data_format
    resume: bool = False
    seed: int = 0
    device: str = "auto"
    bf16: bool | None = None
    bf16_scope: str | None = None  # "all" | "vision" (stage 2 only); None: preset default
    num_workers: int = 0
    cache_mb: float | None = None  # decoded arrays kept per dataset (and worker); None: the datasets' default
    max_steps: int | None = (
        None  # stop (with a checkpoint) after this many optimiser steps; schedule unchanged
    )
    log_every: int = 1
    save_every: int | None = None  # optimiser steps between mid-epoch checkpoints (None: end of epoch only)
    grad_checkpointing: bool = False
    loss_points: int | None = None  # points sampled per mask by the losses (None: preset default)
    augment: bool = False
    pair_batches: bool | None = None  # None: preset default (stage 2 only)
    progress: bool | None = None  # None: only when stderr is a terminal
    # Hooks for small-data fine-tuning (`mtrs finetune`); the defaults leave `mtrs train` as it was.
    select_every: int | None = None  # validate every N optimiser steps instead of at the end of each epoch
    select_at_start: bool = False  # validate the starting weights first: the baseline, and the first best/
    patience: int | None = None  # stop after this many validations in a row without a better score
    time_budget_s: float | None = None  # stop in time to validate and checkpoint within this wall time
    stop_on_interrupt: bool = False  # Ctrl-C / SIGTERM: stop at the next step boundary, keep best/ and last/
    lr_schedule: str = "cosine"  # "cosine" (to zero over the epochs) or "constant" (after the warm-up)
    # Under torchrun: shard parameters, gradients and optimiser state over the processes (FSDP2) instead of
    # replicating them (DDP); same maths, same checkpoint format (engine/train/sharding.py).
    fsdp: bool = False
    dist_timeout_s: float | None = None  # how long a collective waits for a lost process (None: torch's)

    def validate(self) -> None:
        if self.stage not in (1, 2):
            raise InputError(f"--stage must be 1 or 2 (got {self.stage})")
        if bool(self.preset) == bool(self.init):
            raise InputError("give exactly one of --preset NAME (fresh model) or --init DIR (a checkpoint)")
        if self.model_overrides and not self.preset:
            raise InputError(
                "--model-set changes a fresh model only", hint="a checkpoint keeps its own configuration"
            )
        if self.data_format is None:
            self.data_format = "cd" if self.stage == 1 else "mtrefseg"
        if self.data_format not in ("mtrefseg", "cd"):
            raise InputError(f"--data-format must be mtrefseg or cd (got {self.data_format})")
        if self.stage == 2 and self.data_format == "cd":
            raise InputError("stage 2 needs referring expressions", hint="use --data-format mtrefseg")
        if self.lora_rank < 0:
            raise InputError("--lora-rank must be >= 0")
        if self.lora_rank and self.stage != 2:
            raise InputError("LoRA applies to stage 2 only (docs/REFERENCE.md R3.4)")
        if self.max_steps is not None and self.max_steps < 1:
            raise InputError("--max-steps must be at least 1")
        if self.bf16_scope not in (None, *BF16_SCOPES):
            raise InputError(f"--bf16-scope must be one of {', '.join(BF16_SCOPES)} (got {self.bf16_scope})")
        if self.bf16_scope == "vision" and self.stage != 2:
            raise InputError(
                "--bf16-scope vision applies to stage 2 only", hint="stage 1 is all vision: use all"
            )
        if self.cache_mb is not None and self.cache_mb < 0:
            raise InputError(f"--cache-mb must be >= 0 (got {self.cache_mb})")
        if self.log_every < 1:
            raise InputError("--log-every must be at least 1")
        if self.select_every is not None and self.select_every < 1:
            raise InputError(f"validation every {self.select_every} steps: must be at least 1")
        if self.patience is not None and self.patience < 1:
            raise InputError(f"--patience must be at least 1 (got {self.patience})")
        if self.patience is not None and not self.select_on:
            raise InputError("early stopping (--patience) needs a validation split")
        if self.time_budget_s is not None and self.time_budget_s <= 0:
            raise InputError(f"the time budget must be positive (got {self.time_budget_s:g} s)")
        if self.dist_timeout_s is not None and self.dist_timeout_s <= 0:
            raise InputError(f"--dist-timeout must be positive (got {self.dist_timeout_s:g} s)")
        if self.fsdp and self.lora_rank:
            raise InputError(
                "--fsdp and --lora-rank do not combine",
                hint="LoRA trains a few adapters and needs no sharding: drop --fsdp",
            )
        if self.lr_schedule not in LR_SCHEDULES:
            raise InputError(f"lr schedule must be one of {', '.join(LR_SCHEDULES)} (got {self.lr_schedule})")

    def resolve(self, preset_name: str, on_gpu: bool, model_image_size: int) -> TrainConfig:
        """Fill the `None` fields from the defaults of `preset_name` for this stage."""
        d = stage_defaults(preset_name, self.stage)
        out = dataclasses.replace(self)
        out.lr = self.lr if self.lr is not None else d.lr
        out.epochs = self.epochs if self.epochs is not None else d.epochs
        out.batch_size = self.batch_size or d.batch_size
        if self.global_batch is None and self.grad_accum is None:
            out.global_batch = d.global_batch
        out.image_size = model_image_size  # build_training_model applied --image-size / the preset default
        out.warmup_ratio = self.warmup_ratio if self.warmup_ratio is not None else d.warmup_ratio
        out.clip = self.clip if self.clip is not None else d.clip
        default_bf16 = d.bf16_on_gpu if on_gpu else d.bf16_on_cpu and cpu_computes_bf16()
        out.bf16 = self.bf16 if self.bf16 is not None else default_bf16
        out.bf16_scope = self.bf16_scope or d.bf16_scope
        out.select_format = self.select_format or self.data_format
        out.loss_points = self.loss_points or d.loss_points
        wanted = self.pair_batches if self.pair_batches is not None else d.pair_batches
        out.pair_batches = bool(wanted) and self.stage == 2
        out.freeze = self.frozen_groups(preset_name)
        return out

    def frozen_groups(self, preset_name: str) -> list[str]:
        if self.freeze is not None:
            return list(self.freeze)
        return list(stage_defaults(preset_name, self.stage).freeze)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def write(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

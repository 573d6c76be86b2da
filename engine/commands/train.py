"""`mtrs train`: stage 1 (vision-only change pretraining) or stage 2 (referring fine-tuning, full or LoRA).

Run it under `torchrun --nproc_per_node N -m engine.cli train ...` (or `torchrun ... $(which mtrs) train`) for
distributed data parallel training, on one node or several (`--nnodes`, docs/TRAINING.md "Multi-node
training"); the same flags apply, and `--global-batch` stays the global batch."""

from __future__ import annotations

import argparse
import json
import os

from engine.train.config import BF16_SCOPES


def _groups(text: str) -> list[str]:
    if text.strip().lower() == "none":
        return []
    return [g.strip() for g in text.split(",") if g.strip()]


def _model_setting(text: str) -> tuple[str, object]:
    """FIELD=VALUE with VALUE read as JSON where it parses (numbers, lists, true/false), else as a string."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected FIELD=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.ArgumentDefaultsHelpFormatter
    p = parser.add_argument
    p(
        "--stage",
        type=int,
        choices=(1, 2),
        required=True,
        help="1: change pretraining, 2: referring fine-tuning",
    )
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--preset", help="start from a fresh model of this preset (e.g. mtrefseg-r1-tiny)")
    src.add_argument("--init", help="start from this checkpoint folder (stage 2: the stage-1 output's last/)")
    p(
        "--model-set",
        dest="model_overrides",
        type=_model_setting,
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="fresh model: change one field of the preset's model configuration (repeatable; VALUE is JSON "
        "or a plain string), e.g. --model-set fusion=abs_diff for the fusion ablation",
    )
    p("--swin-weights", help="fresh model: Swin base weights (timm hub id or local .safetensors)")
    p("--phi", help="fresh model: Phi base checkpoint (hub id, e.g. microsoft/phi-1_5, or local folder)")
    p(
        "--data",
        required=True,
        help="training folder (stage 1: A/ B/ label|masks|masks_all/; stage 2: MTRefSeg)",
    )
    p("--data-format", choices=("mtrefseg", "cd"), help="default: cd for stage 1, mtrefseg for stage 2")
    p("--out", required=True, help="output folder (checkpoints last/ and best/, logs, curve)")
    p("--epochs", type=int, help="default: preset recipe (paper: 20)")
    p("--lr", type=float, help="peak learning rate (paper: 1e-4 stage 1, 5e-5 stage 2)")
    p("--batch-size", type=int, help="micro-batch per process")
    p("--grad-accum", type=int, help="micro-batches accumulated per optimiser step")
    p("--global-batch", type=int, help="samples per optimiser step over all processes (paper: 128)")
    p("--image-size", type=int, help="square input size (fresh model only; default: preset recipe)")
    p("--warmup-ratio", type=float, help="fraction of optimiser steps of linear warm-up (default 0.05)")
    p("--clip", type=float, help="gradient-norm clipping, 0 = off (default 1.0)")
    p("--weight-decay", type=float, default=0.0)
    p(
        "--lora-rank",
        type=int,
        default=0,
        help="stage 2: LoRA of this rank (alpha 2r, dropout 0.05) instead of full FT",
    )
    p(
        "--freeze",
        type=_groups,
        help="comma-separated parameter groups to keep frozen, 'none' to train all "
        "(default: the preset recipe; tiny stage 2: vision_encoder)",
    )
    p("--select-on", help="evaluate after each epoch on this split folder and keep the best in best/")
    p("--select-format", choices=("mtrefseg", "cd"), help="format of --select-on (default: --data-format)")
    p("--resume", action="store_true", help="continue exactly from OUT/last")
    p("--seed", type=int, default=0)
    p("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p(
        "--bf16",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="bf16 autocast (default: on GPU; tiny preset also on CPUs with native bf16)",
    )
    p(
        "--bf16-scope",
        choices=BF16_SCOPES,
        help="what --bf16 covers: the whole pass, or (stage 2) only Swin, fusion and pixel decoder "
        "(default: vision for tiny stage 2, else all)",
    )
    p("--num-workers", type=int, default=0, help="DataLoader worker processes")
    p(
        "--cache-mb",
        type=float,
        help="MB of decoded images and masks kept in memory between epochs, per dataset and worker "
        "(default: 2048; 0: only the last few pairs)",
    )
    p(
        "--max-steps",
        type=int,
        help="stop (with a checkpoint) after this many optimiser steps; schedule unchanged",
    )
    p("--save-every", type=int, help="also checkpoint every N optimiser steps (default: end of each epoch)")
    p("--log-every", type=int, default=1, help="CSV/TensorBoard row every N optimiser steps")
    p("--grad-checkpointing", action="store_true", help="gradient checkpointing in the language model")
    p("--loss-points", type=int, help="points sampled per mask by the losses (paper: 12544)")
    p("--augment", action="store_true", help="train-time flips/rotations/jitter (off in the paper)")
    p(
        "--pair-batches",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stage 2: keep the expressions of a pair in one micro-batch and encode the pair once "
        "(default: on for the tiny preset, off for the paper preset)",
    )
    p(
        "--fsdp",
        action="store_true",
        help="under torchrun: shard parameters, gradients and optimiser state over the processes (FSDP2) "
        "instead of replicating them (DDP), for GPUs too small for a full replica; same checkpoints",
    )
    p(
        "--dist-timeout",
        type=float,
        metavar="SECONDS",
        help="under torchrun: how long a collective waits for a lost process before the job fails "
        "(default: torch's, 30 min on CPU, 10 on GPU)",
    )
    p(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: only when stderr is a terminal)",
    )


def run(args: argparse.Namespace) -> int:
    from engine.train.config import TrainConfig
    from engine.train.loop import train

    config = TrainConfig(
        stage=args.stage,
        data=args.data,
        out=args.out,
        preset=args.preset,
        init=args.init,
        model_overrides=dict(args.model_overrides),
        swin_weights=args.swin_weights,
        phi=args.phi,
        data_format=args.data_format,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        grad_accum=args.grad_accum,
        global_batch=args.global_batch,
        image_size=args.image_size,
        warmup_ratio=args.warmup_ratio,
        clip=args.clip,
        weight_decay=args.weight_decay,
        lora_rank=args.lora_rank,
        freeze=args.freeze,
        select_on=args.select_on,
        select_format=args.select_format,
        resume=args.resume,
        seed=args.seed,
        device=args.device,
        bf16=args.bf16,
        bf16_scope=args.bf16_scope,
        num_workers=args.num_workers,
        cache_mb=args.cache_mb,
        max_steps=args.max_steps,
        log_every=args.log_every,
        save_every=args.save_every,
        grad_checkpointing=args.grad_checkpointing,
        augment=args.augment,
        pair_batches=args.pair_batches,
        loss_points=args.loss_points,
        progress=args.progress,
        fsdp=args.fsdp,
        dist_timeout_s=args.dist_timeout,
    )
    result = train(config)
    if int(os.environ.get("RANK", "0")) != 0:  # under torchrun only rank 0 reports
        return 0
    if result.finished:
        print(
            f"mtrs train: done, {result.global_step} steps in {result.seconds:.0f} s -> {result.out / 'last'}"
        )
    else:
        print(
            f"mtrs train: stopped at step {result.global_step}/{result.total_steps}; "
            f"continue with the same command plus --resume"
        )
    return 0

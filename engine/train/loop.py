"""The training loop shared by stage 1 and stage 2, single process or `torchrun`.

Invariants that make `--resume` exact and DDP equal to one process:
- the samples of optimiser step `s` are a pure function of (seed, epoch, s) (engine.train.sampler);
- checkpoints are taken only between optimiser steps and hold optimiser, scheduler, the RNG states of every
  rank and the data position; nothing between two steps draws random numbers outside the model and loss;
- the DataLoader gets its own generator, so creating it does not advance the global RNG.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from engine.errors import InputError
from engine.train import checkpoint as ckpt
from engine.train.build import build_datasets, build_training_model, preset_of
from engine.train.config import TrainConfig
from engine.train.distributed import (
    DistContext,
    barrier,
    gather_objects,
    init_distributed,
    mean_across_ranks,
    shutdown,
)
from engine.train.sampler import BatchPlan, StepBatchSampler, epoch_permutation, grouped_permutation
from engine.train.schedule import build_optimizer, build_scheduler
from engine.train.selection import evaluate_for_selection
from engine.train.steps import StageForward, micro_batch_seed, stage_loss
from engine.train.train_log import StepLog, TensorBoardSink, plot_curves, progress_bar
from engine.train.trainable import count_parameters, lora_state_dict, merged_copy

# Options that may differ between the interrupted run and `--resume` (they do not change the maths).
RUNTIME_FIELDS = (
    "resume",
    "max_steps",
    "num_workers",
    "cache_mb",
    "progress",
    "device",
    "log_every",
    "save_every",
)


@dataclass
class TrainResult:
    out: Path
    global_step: int
    total_steps: int
    epochs_done: int
    finished: bool
    last_loss: float | None
    seconds: float
    best: dict | None


def seed_all(seed: int) -> None:
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def train(config: TrainConfig) -> TrainResult:
    """Run (or continue) one training stage as described by `config`; see `mtrs train --help`."""
    config.validate()
    ctx = init_distributed(config.device)
    try:
        return _Trainer(config, ctx).run()
    finally:
        shutdown(ctx)


class _Trainer:
    def __init__(self, config: TrainConfig, ctx: DistContext):
        self.ctx = ctx
        self.out = Path(config.out)
        self.state: dict | None = None
        self.resume_dir: Path | None = None
        self._saved_at_step = -1
        if config.resume:
            config = self._load_resume_config(config)
        # identical initialisation on every rank (DDP also broadcasts rank 0's weights, this keeps RNG equal)
        seed_all(config.seed)
        self.model, model_image_size = build_training_model(
            config, self.resume_dir if self.state else None, self.state
        )
        preset = preset_of(self.model)
        self.cfg = config.resolve(preset, ctx.device.type == "cuda", model_image_size)
        self.plan = BatchPlan.resolve(
            micro_batch=self.cfg.batch_size,
            grad_accum=self.cfg.grad_accum,
            global_batch=self.cfg.global_batch,
            world_size=ctx.world_size,
        )
        self.dataset, self.select_set = build_datasets(self.cfg)
        self.steps_per_epoch = self.plan.steps_per_epoch(len(self.dataset))
        if self.steps_per_epoch < 1:
            raise InputError(
                f"{len(self.dataset)} training samples are fewer than one global batch "
                f"({self.plan.global_batch})",
                hint="lower --global-batch / --batch-size or add data",
            )
        self.total_steps = self.steps_per_epoch * self.cfg.epochs
        self.model.to(ctx.device)
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = build_optimizer(self.params, self.cfg.lr, self.cfg.weight_decay)
        self.scheduler = build_scheduler(self.optimizer, self.total_steps, self.cfg.warmup_ratio)
        vision_bf16 = bool(self.cfg.bf16) and self.cfg.bf16_scope == "vision"
        self.forward = self._wrap(StageForward(self.model, self.cfg.stage, vision_bf16))
        self.epoch, self.step_in_epoch, self.global_step = 0, 0, 0
        self.best: dict | None = None
        # training randomness (drop-path, point sampling) differs per rank, like independent GPUs would
        seed_all(self.cfg.seed + 7919 * (ctx.rank + 1))
        if self.state is not None:
            self._restore(self.state)

    # ---- set-up ---------------------------------------------------------------------------------------
    def _load_resume_config(self, cli: TrainConfig) -> TrainConfig:
        found = ckpt.resolve_checkpoint(self.out / "last")
        if found is None:
            raise InputError(f"--resume: no checkpoint in {self.out / 'last'}", hint="start without --resume")
        self.state = ckpt.load_trainer_state(found)
        self.resume_dir = found
        saved_fields = json.loads(self.state["config_json"])
        saved_fields.setdefault("pair_batches", False)  # checkpoints from before pair batches
        saved_fields.setdefault("bf16_scope", "all")  # checkpoints from before --bf16-scope (whole-pass bf16)
        saved = TrainConfig(**saved_fields)
        clashes = [
            f"--{k.replace('_', '-')} {getattr(cli, k)!r} (checkpoint: {getattr(saved, k)!r})"
            for k in saved.to_dict()
            if k not in RUNTIME_FIELDS
            and getattr(cli, k) not in (None, [], {}, getattr(saved, k))
            and k not in ("data", "out", "preset", "init", "stage", "data_format", "select_on")
        ]
        if clashes:
            raise InputError("--resume with different training options: " + "; ".join(clashes))
        for k in RUNTIME_FIELDS:
            setattr(saved, k, getattr(cli, k))
        saved.resume = True
        return saved

    def _wrap(self, module: nn.Module) -> nn.Module:
        if not self.ctx.distributed:
            return module
        from torch.nn.parallel import DistributedDataParallel

        ids = [self.ctx.device.index] if self.ctx.device.type == "cuda" else None
        # Stage 2 leaves the stage-1 learned queries out of its graph (docs/INTERFACES.md §1b); DDP must be
        # told, or it waits for their gradients forever. Stage 1 uses every trainable tensor.
        return DistributedDataParallel(module, device_ids=ids, find_unused_parameters=self.cfg.stage == 2)

    def _restore(self, state: dict) -> None:
        if state["total_steps"] != self.total_steps or state["n_samples"] != len(self.dataset):
            raise InputError(
                "--resume: the data or schedule changed since the checkpoint "
                f"({state['n_samples']} samples / {state['total_steps']} steps then, "
                f"{len(self.dataset)} / {self.total_steps} now)"
            )
        if state["world_size"] != self.ctx.world_size:
            raise InputError(
                f"--resume: the checkpoint was written by {state['world_size']} process(es), now "
                f"{self.ctx.world_size}; exact continuation needs the same number"
            )
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.epoch, self.step_in_epoch = state["epoch"], state["step_in_epoch"]
        self.global_step = state["global_step"]
        self.best = state.get("best")
        perm = self._permutation()
        if not torch.equal(perm, state["permutation"]):
            raise InputError("--resume: the sample order does not match the checkpoint (different data?)")
        ckpt.restore_rng(state["rng"][self.ctx.rank])

    # ---- the loop -------------------------------------------------------------------------------------
    def run(self) -> TrainResult:
        cfg, ctx = self.cfg, self.ctx
        t0 = time.perf_counter()
        main = ctx.is_main
        if main:
            self.out.mkdir(parents=True, exist_ok=True)
            cfg.write(self.out / "train_config.json")
            trainable, total = count_parameters(self.model)
            print(
                f"mtrs train: stage {cfg.stage}, {len(self.dataset)} samples, "
                f"{self.steps_per_epoch} steps/epoch × "
                f"{cfg.epochs} epochs, global batch {self.plan.global_batch} = {self.plan.micro_batch} × "
                f"{self.plan.grad_accum} accum × {ctx.world_size} proc, lr {cfg.lr:g}, "
                f"image {cfg.image_size}, "
                f"trainable {trainable:,} / {total:,} params, device {ctx.device}"
                + (f", resuming at step {self.global_step}" if self.state else ""),
                flush=True,
            )
        log = StepLog(self.out / "train_log.csv", resume_step=self.global_step if self.state else None)
        tb = TensorBoardSink(self.out / "tensorboard") if main else None
        bar = progress_bar(
            self.total_steps, self.global_step, cfg.progress if main else False, f"stage {cfg.stage}"
        )
        self.model.train()
        last_loss = None
        stopped = False
        whole_pass_bf16 = bool(cfg.bf16) and cfg.bf16_scope == "all"
        autocast = torch.autocast(ctx.device.type, dtype=torch.bfloat16, enabled=whole_pass_bf16)
        try:
            while self.epoch < cfg.epochs and not stopped:
                if hasattr(self.dataset, "set_epoch"):
                    self.dataset.set_epoch(self.epoch)
                loader = self._loader()
                batches = iter(loader)
                while self.step_in_epoch < self.steps_per_epoch:
                    t_step = time.perf_counter()
                    row = self._optimiser_step(batches, autocast)
                    self.step_in_epoch += 1
                    self.global_step += 1
                    last_loss = row["loss"]
                    dt = time.perf_counter() - t_step
                    row.update(
                        step=self.global_step,
                        epoch=self.epoch,
                        samples_per_s=self.plan.global_batch / max(dt, 1e-9),
                        seconds=time.perf_counter() - t0,
                    )
                    if main and (
                        self.global_step % cfg.log_every == 0 or self.global_step == self.total_steps
                    ):
                        log.write(row)
                        tb.write(row)
                    bar.update(1)
                    bar.set_postfix(loss=f"{row['loss']:.4f}", lr=f"{row['lr']:.2e}", refresh=False)
                    epoch_done = self.step_in_epoch == self.steps_per_epoch
                    if epoch_done:
                        self._end_of_epoch()  # resets step_in_epoch: leave this epoch's loader below
                    stop_now = cfg.max_steps is not None and self.global_step >= cfg.max_steps
                    periodic = cfg.save_every and self.global_step % cfg.save_every == 0
                    if stop_now or (periodic and self.step_in_epoch):
                        self._save_last()
                    if stop_now:
                        stopped = True
                    if stop_now or epoch_done:
                        break
                del batches, loader
        finally:
            bar.close()
            log.close()
            if tb is not None:
                tb.close()
        finished = self.epoch >= cfg.epochs
        if main and finished:
            plot_curves(self.out / "train_log.csv", self.out / "training_curve.png", f"stage {cfg.stage}")
        seconds = time.perf_counter() - t0
        result = TrainResult(
            self.out, self.global_step, self.total_steps, self.epoch, finished, last_loss, seconds, self.best
        )
        if main:
            summary = {k: (str(v) if isinstance(v, Path) else v) for k, v in result.__dict__.items()}
            (self.out / "train_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        barrier(ctx)
        return result

    def _permutation(self) -> torch.Tensor:
        """This epoch's sample order: pair-grouped for `pair_batches`, else a plain shuffle."""
        if self.cfg.pair_batches:
            return grouped_permutation(self.dataset.pair_keys(), self.cfg.seed, self.epoch)
        return epoch_permutation(len(self.dataset), self.cfg.seed, self.epoch)

    def _loader(self) -> DataLoader:
        perm = self._permutation()
        sampler = StepBatchSampler(perm, self.plan, self.ctx.rank, start_step=self.step_in_epoch)
        # its own generator: building the iterator must not advance the global RNG (exact resume)
        gen = torch.Generator().manual_seed(self.cfg.seed * 1_000_003 + self.epoch)
        from engine.data import collate

        return DataLoader(
            self.dataset,
            batch_sampler=sampler,
            collate_fn=collate,
            num_workers=self.cfg.num_workers,
            generator=gen,
            pin_memory=self.ctx.device.type == "cuda",
        )

    def _optimiser_step(self, batches, autocast) -> dict:
        accum = self.plan.grad_accum
        sums: dict[str, float] = {}
        for micro in range(accum):
            batch = next(batches)
            torch.manual_seed(
                micro_batch_seed(self.cfg.seed, self.global_step, self.ctx.rank * accum + micro)
            )
            sync = micro == accum - 1 or not self.ctx.distributed
            with contextlib.nullcontext() if sync else self.forward.no_sync():
                with autocast:
                    outputs = self.forward(
                        batch["image_a"].to(self.ctx.device, non_blocking=True),
                        batch["image_b"].to(self.ctx.device, non_blocking=True),
                        batch["expression"] if self.cfg.stage == 2 else None,
                        batch["sample_id"] if self.cfg.pair_batches else None,
                    )
                    batch["mask"] = batch["mask"].to(self.ctx.device, non_blocking=True)
                    loss, parts = stage_loss(self.cfg.stage, outputs, batch, self.cfg.loss_points)
                (loss / accum).backward()
            if not math.isfinite(float(loss.detach())):
                raise InputError(
                    f"the loss became {float(loss.detach())} at step {self.global_step + 1}",
                    hint="lower --lr, or turn off --bf16",
                )
            for k, v in {"loss": float(loss.detach()), **parts}.items():
                sums[k] = sums.get(k, 0.0) + v / accum
        lr = self.optimizer.param_groups[0]["lr"]
        if self.cfg.clip and self.cfg.clip > 0:
            grad_norm = float(torch.nn.utils.clip_grad_norm_(self.params, self.cfg.clip))
        else:
            grad_norm = float(torch.nn.utils.clip_grad_norm_(self.params, float("inf")))
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        row = mean_across_ranks(sums, self.ctx)
        row.update(lr=lr, grad_norm=grad_norm)
        return row

    # ---- epochs, selection, checkpoints ------------------------------------------------------------------
    def _end_of_epoch(self) -> None:
        finished_epoch = self.epoch
        self.epoch += 1
        self.step_in_epoch = 0
        if self.select_set is not None:
            metrics = evaluate_for_selection(self.model, self.select_set, self.cfg, self.ctx)
            key, value = metrics["selection_metric"], metrics[metrics["selection_metric"]]
            if self.ctx.is_main:
                print(
                    f"mtrs train: epoch {finished_epoch}: {key} on {self.cfg.select_on} = {value:.4f}",
                    flush=True,
                )
            if self.best is None or value > self.best["value"]:
                self.best = {"epoch": finished_epoch, "step": self.global_step, "metric": key, "value": value}
                self._save_model(
                    self.out / "best", extra={"selection": {**self.best, "split": self.cfg.select_on}}
                )
            self.model.train()
        self._save_last()

    def _model_to_save(self) -> nn.Module:
        return merged_copy(self.model) if self.cfg.lora_rank else self.model

    def _save_model(self, dst: Path, extra: dict | None = None) -> None:
        if self.ctx.is_main:

            def write(tmp: Path) -> None:
                self._model_to_save().save_pretrained(tmp)
                if extra:
                    (tmp / "training.json").write_text(json.dumps(extra, indent=2) + "\n")

            ckpt.atomic_write_dir(dst, write)
        barrier(self.ctx)

    def _save_last(self) -> None:
        if self._saved_at_step == self.global_step:
            return
        self._saved_at_step = self.global_step
        rng_all = gather_objects(ckpt.capture_rng(), self.ctx)  # every rank takes part
        if self.ctx.is_main:
            state = {
                "config_json": json.dumps(self.cfg.to_dict(), sort_keys=True),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "rng": rng_all,
                "epoch": self.epoch,
                "step_in_epoch": self.step_in_epoch,
                "global_step": self.global_step,
                "total_steps": self.total_steps,
                "n_samples": len(self.dataset),
                "world_size": self.ctx.world_size,
                "permutation": self._permutation(),
                "best": self.best,
                "lora": lora_state_dict(self.model) if self.cfg.lora_rank else None,
            }

            def write(tmp: Path) -> None:
                self._model_to_save().save_pretrained(tmp)
                ckpt.save_trainer_state(tmp, state)

            ckpt.atomic_write_dir(self.out / "last", write)
        barrier(self.ctx)

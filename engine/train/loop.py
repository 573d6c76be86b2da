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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from engine.errors import InputError
from engine.train import checkpoint as ckpt
from engine.train import sharding
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
from engine.train.interrupts import StopRequest
from engine.train.sampler import BatchPlan, StepBatchSampler, epoch_permutation, grouped_permutation
from engine.train.schedule import build_optimizer, build_scheduler
from engine.train.selection import evaluate_for_selection
from engine.train.steps import StageForward, micro_batch_seed, stage_loss
from engine.train.train_log import (
    VALIDATION_FIELDS,
    VALIDATION_LOG,
    StepLog,
    TensorBoardSink,
    plot_curves,
    progress_bar,
)
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
    "select_at_start",
    "patience",
    "time_budget_s",
    "stop_on_interrupt",
    "fsdp",  # same maths as DDP and the same checkpoint format; only the float summation order differs
    "dist_timeout_s",
)

# Why a run ended before its last scheduled step (TrainResult.stop_reason; "finished" when it did not).
STOP_REASONS = ("finished", "max_steps", "time_budget", "patience", "interrupted")

# `on_event(kind, info)` receives "start", "step", "validation" and "stop" (see `_Trainer._emit`).
EventSink = Callable[[str, dict], None]


@dataclass
class TrainResult:
    out: Path
    global_step: int
    total_steps: int
    epochs_done: int
    finished: bool
    last_loss: float | None
    seconds: float  # this invocation
    best: dict | None
    stop_reason: str = "finished"
    baseline: dict | None = None  # validation metrics of the starting weights (select_at_start)
    train_seconds: float = 0.0  # all invocations of this run together (resumes add up)
    validations: list[dict] = field(default_factory=list)  # this invocation's, in order
    device: str = "cpu"


def seed_all(seed: int) -> None:
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def train(config: TrainConfig, on_event: EventSink | None = None, name: str = "mtrs train") -> TrainResult:
    """Run (or continue) one training stage as described by `config`; see `mtrs train --help`.

    `on_event(kind, info)` is called on the main process at the start, after every optimiser step, after
    every validation and at the stop (progress for callers such as `mtrs finetune --progress-json`); `name`
    prefixes the lines printed for humans."""
    config.validate()
    ctx = init_distributed(config.device, config.dist_timeout_s)
    try:
        return _Trainer(config, ctx, on_event, name).run()
    finally:
        shutdown(ctx)


class _Trainer:
    def __init__(
        self,
        config: TrainConfig,
        ctx: DistContext,
        on_event: EventSink | None = None,
        name: str = "mtrs train",
    ):
        self.t_created = time.perf_counter()  # the time budget counts model and data loading too
        self.ctx = ctx
        self.on_event = on_event if ctx.is_main else None
        self.name = name
        self.out = Path(config.out)
        self.state: dict | None = None
        self.resume_dir: Path | None = None
        self._saved_at_step = -1
        self._validated_at_step = -1
        self._validation_seconds = 0.0
        self.validations: list[dict] = []
        self.val_log: StepLog | None = None
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
        if ctx.distributed and self.cfg.time_budget_s is not None:
            # every rank would read its own clock and they could stop at different steps
            raise InputError("a time budget needs a single process", hint="use --max-steps under torchrun")
        self.model.to(ctx.device)
        if self.cfg.fsdp:  # before the optimiser: it must hold the sharded parameters
            sharding.shard_model(self.model, ctx)
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = build_optimizer(self.params, self.cfg.lr, self.cfg.weight_decay)
        self.scheduler = build_scheduler(
            self.optimizer, self.total_steps, self.cfg.warmup_ratio, self.cfg.lr_schedule
        )
        vision_bf16 = bool(self.cfg.bf16) and self.cfg.bf16_scope == "vision"
        self.forward = self._wrap(StageForward(self.model, self.cfg.stage, vision_bf16))
        self.epoch, self.step_in_epoch, self.global_step = 0, 0, 0
        self.best: dict | None = None
        self.baseline: dict | None = None
        self.stale_validations = 0  # validations in a row without a better score (early stopping)
        self.seconds_before = 0.0  # training time of earlier invocations (resume)
        # training randomness (drop-path, point sampling) differs per rank, like independent GPUs would
        seed_all(self.cfg.seed + 7919 * (ctx.rank + 1))
        if self.state is not None:
            self._restore(self.state)

    # ---- set-up ---------------------------------------------------------------------------------------
    def _load_resume_config(self, cli: TrainConfig) -> TrainConfig:
        found, self.state = self._read_checkpoint_on_every_rank()
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

    def _read_checkpoint_on_every_rank(self) -> tuple[Path, dict]:
        """Every process reads OUT/last itself, so under torchrun over several nodes the output folder must be
        on a filesystem they all mount at the same path. The ranks compare what they found before anything
        else happens: a node that sees no checkpoint, or another one, stops the whole job with a message
        instead of failing alone while the others wait for it in a collective."""
        last = self.out / "last"
        found = ckpt.resolve_checkpoint(last)
        state, problem = None, None
        try:
            if found is None:
                raise InputError(f"--resume: no checkpoint in {last}", hint="start without --resume")
            state = ckpt.load_trainer_state(found)
        except InputError as exc:
            problem = exc
        views = gather_objects((str(problem) if problem else None, state and state["global_step"]), self.ctx)
        if problem is not None and (not self.ctx.distributed or all(v[0] for v in views)):
            raise problem  # the same on every rank: the user's own mistake, reported as such
        troubled = [r for r, (message, _) in enumerate(views) if message]
        steps = {step for _, step in views}
        if troubled or len(steps) > 1:
            detail = (
                f"rank {troubled[0]}: {views[troubled[0]][0]}"
                if troubled
                else "they found checkpoints of steps " + ", ".join(str(s) for s in sorted(steps))
            )
            raise InputError(
                f"--resume: the processes do not all see the same checkpoint in {last} ({detail})",
                hint="under torchrun on several nodes, --out must be a shared folder at the same path on "
                "every node",
            )
        return found, state

    def _wrap(self, module: nn.Module) -> nn.Module:
        if not self.ctx.distributed or self.cfg.fsdp:  # FSDP: the sharded model synchronises itself
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
        if self.cfg.fsdp:
            sharding.load_full_optimizer_state(self.model, self.optimizer, state["optimizer"])
        else:
            self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.epoch, self.step_in_epoch = state["epoch"], state["step_in_epoch"]
        self.global_step = state["global_step"]
        self.best = state.get("best")
        self.baseline = state.get("baseline")
        self.stale_validations = int(state.get("stale_validations", 0))
        self.seconds_before = float(state.get("train_seconds", 0.0))
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
                f"{self.name}: stage {cfg.stage}, {len(self.dataset)} samples, "
                f"{self.steps_per_epoch} steps/epoch × "
                f"{cfg.epochs} epochs, global batch {self.plan.global_batch} = {self.plan.micro_batch} × "
                f"{self.plan.grad_accum} accum × {ctx.world_size} proc, lr {cfg.lr:g}, "
                f"image {cfg.image_size}, "
                f"trainable {trainable:,} / {total:,} params, device {ctx.device}"
                + (f", resuming at step {self.global_step}" if self.state else ""),
                flush=True,
            )
        self._emit(
            "start",
            samples=len(self.dataset),
            select_samples=len(self.select_set) if self.select_set is not None else 0,
            steps_per_epoch=self.steps_per_epoch,
            resumed_at=self.global_step if self.state else None,
        )
        log = StepLog(self.out / "train_log.csv", resume_step=self.global_step if self.state else None)
        self.val_log = (
            StepLog(self.out / VALIDATION_LOG, self.global_step if self.state else None, VALIDATION_FIELDS)
            if main and self.select_set is not None
            else None
        )
        tb = TensorBoardSink(self.out / "tensorboard") if main else None
        bar = progress_bar(
            self.total_steps, self.global_step, cfg.progress if main else False, f"stage {cfg.stage}"
        )
        self.model.train()
        last_loss = None
        stop_reason = None
        whole_pass_bf16 = bool(cfg.bf16) and cfg.bf16_scope == "all"
        autocast = torch.autocast(ctx.device.type, dtype=torch.bfloat16, enabled=whole_pass_bf16)
        # a stop request must reach every rank at once; under torchrun a signal is left to torchrun
        stop_request = StopRequest(cfg.stop_on_interrupt and not ctx.distributed, f"{self.name}: stopping")
        try:
            with stop_request:
                if self._validation_at_start_due():
                    self._validate()  # the starting weights: the baseline and the first best/
                stop_reason = self._stop_reason(stop_request, step_seconds=0.0)
                while self.epoch < cfg.epochs and stop_reason is None:
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
                        postfix = {"loss": f"{row['loss']:.4f}", "lr": f"{row['lr']:.2e}"}
                        if cfg.time_budget_s is not None:
                            left = max(0.0, cfg.time_budget_s - self._elapsed())
                            postfix["budget_left"] = bar.format_interval(left)
                        bar.set_postfix(postfix, refresh=False)
                        self._emit("step", **row, elapsed=self._elapsed())
                        epoch_done = self.step_in_epoch == self.steps_per_epoch
                        if epoch_done:
                            self.epoch += 1
                            self.step_in_epoch = 0  # leave this epoch's loader below
                        stop_reason = self._after_step(epoch_done, stop_request, dt)
                        if stop_reason or epoch_done:
                            break
                    del batches, loader
        except KeyboardInterrupt:
            if not cfg.stop_on_interrupt:
                raise
            # a second interrupt, possibly inside a step: the weights in memory belong to no step, so
            # nothing is saved; best/ and last/ hold the state of the last checkpoint
            stop_reason = "interrupted"
        finally:
            bar.close()
            log.close()
            if self.val_log is not None:
                self.val_log.close()
            if tb is not None:
                tb.close()
        finished = self.epoch >= cfg.epochs
        stop_reason = "finished" if finished else stop_reason
        if main and (finished or stop_reason in ("time_budget", "patience", "interrupted")):
            plot_curves(
                self.out / "train_log.csv",
                self.out / "training_curve.png",
                f"stage {cfg.stage}",
                validation_csv=self.out / VALIDATION_LOG,
            )
        seconds = time.perf_counter() - t0
        result = TrainResult(
            out=self.out,
            global_step=self.global_step,
            total_steps=self.total_steps,
            epochs_done=self.epoch,
            finished=finished,
            last_loss=last_loss,
            seconds=seconds,
            best=self.best,
            stop_reason=stop_reason or "finished",
            baseline=self.baseline,
            train_seconds=self.seconds_before + self._elapsed(),
            validations=list(self.validations),
            device=str(ctx.device),
        )
        if main:
            summary = {k: (str(v) if isinstance(v, Path) else v) for k, v in result.__dict__.items()}
            (self.out / "train_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        self._emit("stop", reason=result.stop_reason, step=self.global_step, best=self.best)
        barrier(ctx)
        return result

    def _after_step(self, epoch_done: bool, stop_request: StopRequest, step_seconds: float) -> str | None:
        """Validation, stop decision and checkpoint after an optimiser step; returns the stop reason."""
        if self._validation_due(epoch_done):
            self._validate()
        stop_reason = self._stop_reason(stop_request, step_seconds)
        if stop_reason in ("max_steps", "time_budget") and self._validation_pending():
            self._validate()  # the last steps get their chance to be the best
        periodic = self.cfg.save_every and self.global_step % self.cfg.save_every == 0
        if stop_reason or epoch_done or periodic or self._validated_at_step == self.global_step:
            self._save_last()
        return stop_reason

    def _emit(self, kind: str, **info) -> None:
        if self.on_event is not None:
            self.on_event(kind, {"total_steps": self.total_steps, "step": self.global_step, **info})

    def _elapsed(self) -> float:
        return time.perf_counter() - self.t_created

    def _stop_reason(self, stop_request: StopRequest, step_seconds: float) -> str | None:
        """Why to stop after this step (None: go on). The time budget keeps room for one more step and
        one more validation, so the run ends with a validated, checkpointed model inside the budget."""
        cfg = self.cfg
        if stop_request.requested:
            return "interrupted"
        if cfg.max_steps is not None and self.global_step >= cfg.max_steps:
            return "max_steps"
        if cfg.patience is not None and self.stale_validations >= cfg.patience:
            return "patience"
        if cfg.time_budget_s is not None:
            reserve = step_seconds + (self._validation_seconds if self.select_set is not None else 0.0)
            if self._elapsed() + reserve >= cfg.time_budget_s:
                return "time_budget"
        return None

    def _validation_at_start_due(self) -> bool:
        return (
            self.select_set is not None and self.cfg.select_at_start and self.best is None and not self.state
        )

    def _validation_due(self, epoch_done: bool) -> bool:
        if self.select_set is None:
            return False
        if self.cfg.select_every:
            return self.global_step % self.cfg.select_every == 0 or self.epoch >= self.cfg.epochs
        return epoch_done

    def _validation_pending(self) -> bool:
        """Steps were taken since the last validation (or there was none)."""
        return self.select_set is not None and self._validated_at_step != self.global_step

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
            with self._gradient_sync(sync):
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
        clip = self.cfg.clip if self.cfg.clip and self.cfg.clip > 0 else float("inf")
        grad_norm = sharding.scalar(torch.nn.utils.clip_grad_norm_(self.params, clip))
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        row = mean_across_ranks(sums, self.ctx)
        row.update(lr=lr, grad_norm=grad_norm)
        return row

    def _gradient_sync(self, enabled: bool):
        """Reduce gradients over the processes in this backward (the last micro-batch of an accumulation)."""
        if enabled:
            return contextlib.nullcontext()
        if self.cfg.fsdp:
            return sharding.gradient_sync(self.model, False)
        return self.forward.no_sync()

    # ---- validation, selection, checkpoints ----------------------------------------------------------------
    def _validate(self) -> None:
        """Score the weights on the selection split; a better score replaces best/, a worse one counts
        towards --patience. Every rank takes part (DDP evaluates a shard each)."""
        t = time.perf_counter()
        metrics = evaluate_for_selection(self.model, self.select_set, self.cfg, self.ctx)
        self._validation_seconds = time.perf_counter() - t
        self._validated_at_step = self.global_step
        # the epoch these weights were trained in (at an epoch's end: the one just finished)
        epoch = self.epoch - 1 if self.step_in_epoch == 0 and self.global_step > 0 else self.epoch
        key, value = metrics["selection_metric"], metrics[metrics["selection_metric"]]
        improved = self.best is None or value > self.best["value"]
        if self.global_step == 0:
            self.baseline = dict(metrics)
        if improved:
            self.stale_validations = 0
            self.best = {
                "epoch": epoch,
                "step": self.global_step,
                "metric": key,
                "value": value,
                "metrics": dict(metrics),
            }
            self._save_model(
                self.out / "best", extra={"selection": {**self.best, "split": self.cfg.select_on}}
            )
        else:
            self.stale_validations += 1
        row = {"step": self.global_step, "epoch": epoch, **metrics, "best": int(improved)}
        row["seconds"] = self._validation_seconds
        self.validations.append(row)
        if self.ctx.is_main:
            where = "starting weights" if self.global_step == 0 else f"step {self.global_step}"
            best = "best" if improved else f"best {self.best['value']:.4f} at step {self.best['step']}"
            print(
                f"{self.name}: {where} (epoch {epoch}): {key} on {self.cfg.select_on} = {value:.4f} ({best})",
                flush=True,
            )
            if self.val_log is not None:
                self.val_log.write(row)
        self._emit("validation", metrics=metrics, improved=improved, best=self.best)
        self.model.train()

    def _model_to_save(self):
        """What rank 0 writes as a model folder (None on the other ranks). Under FSDP every rank must call
        it: the full weights are gathered from all of them."""
        if self.cfg.fsdp:
            return sharding.gathered_model(self.model, self.ctx)
        if not self.ctx.is_main:
            return None
        return merged_copy(self.model) if self.cfg.lora_rank else self.model

    def _save_model(self, dst: Path, extra: dict | None = None) -> None:
        to_save = self._model_to_save()
        if self.ctx.is_main:

            def write(tmp: Path) -> None:
                to_save.save_pretrained(tmp)
                if extra:
                    (tmp / "training.json").write_text(json.dumps(extra, indent=2) + "\n")

            ckpt.atomic_write_dir(dst, write)
        barrier(self.ctx)

    def _save_last(self) -> None:
        if self._saved_at_step == self.global_step:
            return
        self._saved_at_step = self.global_step
        rng_all = gather_objects(ckpt.capture_rng(), self.ctx)  # every rank takes part
        if self.cfg.fsdp:  # gathered from every rank, in the format of an unsharded optimiser
            optimizer_state = sharding.full_optimizer_state(self.model, self.optimizer, self.ctx)
        else:
            optimizer_state = self.optimizer.state_dict() if self.ctx.is_main else None
        to_save = self._model_to_save()
        if self.ctx.is_main:
            state = {
                "config_json": json.dumps(self.cfg.to_dict(), sort_keys=True),
                "optimizer": optimizer_state,
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
                "baseline": self.baseline,
                "stale_validations": self.stale_validations,
                "train_seconds": self.seconds_before + self._elapsed(),
                "lora": lora_state_dict(self.model) if self.cfg.lora_rank else None,
            }

            def write(tmp: Path) -> None:
                to_save.save_pretrained(tmp)
                ckpt.save_trainer_state(tmp, state)

            ckpt.atomic_write_dir(self.out / "last", write)
        barrier(self.ctx)

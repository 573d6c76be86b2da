"""`mtrs finetune DATA --from bundled|DIR|HUB_ID -o MODEL_DIR`: adapt a model to an exported training set.

DATA is the folder `mtrs export-training` writes (`manifest.json`, `train/`, `val/`) or one split folder.
MODEL_DIR becomes a normal model folder (config.json, model.safetensors, tokenizer files) for
`mtrs predict --model MODEL_DIR`, plus README.md (model card) and finetune.json; checkpoints and logs stay in
MODEL_DIR/training/ so that `--resume` continues. Ctrl-C or SIGTERM stops at the next step and keeps the best
model so far (exit status 130, MODEL_DIR complete). Recipe and measurements: engine/train/finetune.py.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from engine.commands.progress_events import ProgressEvents, add_progress_json_flag


def _groups(text: str) -> list[str]:
    if text.strip().lower() == "none":
        return []
    return [g.strip() for g in text.split(",") if g.strip()]


def configure(parser: argparse.ArgumentParser) -> None:
    p = parser.add_argument
    p("data", metavar="DATA", help="export folder (manifest.json, train/, val/) or one split folder")
    p(
        "--from",
        dest="start",
        default="bundled",
        metavar="MODEL",
        help="starting model: 'bundled' (the demo model), a model folder or a hub id (default: bundled)",
    )
    p("--revision", help="hub revision of --from")
    p("-o", "--output", required=True, metavar="MODEL_DIR", help="folder of the fine-tuned model")
    p(
        "--stage",
        type=int,
        choices=(1, 2),
        default=2,
        help="2: referring segmentation on the MTRS layout (default); 1: change detection on label/",
    )
    p("--minutes", type=float, help="time budget: stop in time to validate and save within N minutes")
    p(
        "--epochs",
        type=int,
        help="passes over the training chips (default: 30, or as many as --minutes allows)",
    )
    p("--max-steps", type=int, help="stop after this many optimiser steps")
    p("--patience", type=int, help="stop after N validations without a better score (default: 5)")
    p("--lr", type=float, help="learning rate (default: the recipe's for the model, 1e-3 for the tiny model)")
    p("--batch-size", type=int, help="samples per optimiser step (default 8; fewer if the data are fewer)")
    p(
        "--freeze",
        type=_groups,
        metavar="GROUPS",
        help="parameter groups kept frozen, comma-separated, or 'none' (default: the recipe's; none for the "
        "tiny model)",
    )
    p(
        "--augment",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="random flips, rotations and colour jitter of the training chips (default: on)",
    )
    p(
        "--validate-every",
        type=int,
        metavar="STEPS",
        help="validation cadence in optimiser steps (default: every epoch, at most every 25 steps unless the "
        "validation split is larger than 25 batches)",
    )
    p("--name", help="name of the model in its card and in the QGIS model list (default: MODEL_DIR's name)")
    p("--seed", type=int, default=0)
    p("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p("--resume", action="store_true", help="continue the interrupted run in MODEL_DIR")
    p("--overwrite", action="store_true", help="replace an existing MODEL_DIR")
    add_progress_json_flag(parser)


def _command_line(args: argparse.Namespace) -> str:
    """The command as the user could type it again (for the model card)."""
    parts = ["mtrs", "finetune", args.data, "--from", args.start, "-o", args.output]
    flags = ("revision", "stage", "minutes", "epochs", "max_steps", "patience", "lr", "batch_size",
             "validate_every", "name", "seed", "device")  # fmt: skip
    defaults = {"stage": 2, "seed": 0, "device": "auto"}
    for name in flags:
        value = getattr(args, name)
        if value is not None and value != defaults.get(name):
            parts += [f"--{name.replace('_', '-')}", str(value)]
    if args.freeze is not None:
        parts += ["--freeze", ",".join(args.freeze) or "none"]
    if not args.augment:
        parts.append("--no-augment")
    parts += [f"--{f}" for f in ("resume", "overwrite") if getattr(args, f)]
    return shlex.join(parts)


class _Progress:
    """Loop events -> `--progress-json` events, with the steps and time still to come. Under a time budget
    the expected end is whichever comes first: the schedule or the budget."""

    def __init__(self, events: ProgressEvents, minutes: float | None, max_steps: int | None):
        self.events = events
        self.budget = minutes * 60.0 if minutes else None
        self.max_steps = max_steps
        self.t0 = time.perf_counter()
        self.origin: tuple[int, float] = (0, 0.0)  # (step, seconds) the rate is measured from

    def __call__(self, kind: str, info: dict) -> None:
        if kind == "start":
            self.origin = (int(info.get("resumed_at") or 0), time.perf_counter() - self.t0)
            resumed = f", resuming at step {info['resumed_at']}" if info.get("resumed_at") else ""
            self.events.log(
                f"{info['samples']} training samples, {info['select_samples']} validation samples, "
                f"{info['steps_per_epoch']} steps per epoch{resumed}"
            )
        elif kind == "step":
            self._step(info)
        elif kind == "validation":
            m, best = info["metrics"], info["best"]
            key = m["selection_metric"]
            where = "starting model" if info["step"] == 0 else f"step {info['step']}"
            mark = "best so far" if info["improved"] else f"best {best['value']:.3f} at step {best['step']}"
            self.events.log(f"{where}: {key} {m[key]:.3f} on the validation split ({mark})")

    def _step(self, info: dict) -> None:
        step, now = int(info["step"]), time.perf_counter() - self.t0
        s0, t0 = self.origin
        per_step = (now - t0) / max(1, step - s0)  # includes the validations (and the first one)
        end = int(info["total_steps"])
        if self.max_steps is not None:
            end = min(end, self.max_steps)
        left = (end - step) * per_step
        if self.budget is not None:
            budget_left = max(0.0, self.budget - now)
            if budget_left < left:
                left = budget_left
                end = step + int(budget_left / per_step) if per_step > 0 else step
        end = max(end, step)
        message = f"step {step}/{end}, loss {info['loss']:.3f}, {_clock(now)} elapsed, {_clock(left)} left"
        self.events(step, end, message)


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def run(args: argparse.Namespace) -> int:
    from engine.train.finetune import FinetuneOptions, run_finetune

    events = ProgressEvents(args.progress_json)
    options = FinetuneOptions(
        data=args.data,
        output=args.output,
        start=args.start,
        revision=args.revision,
        stage=args.stage,
        minutes=args.minutes,
        epochs=args.epochs,
        max_steps=args.max_steps,
        patience=args.patience,
        lr=args.lr,
        batch_size=args.batch_size,
        freeze=args.freeze,
        augment=args.augment,
        validate_every=args.validate_every,
        seed=args.seed,
        device=args.device,
        resume=args.resume,
        overwrite=args.overwrite,
        name=args.name,
        progress=False if args.progress_json else None,
        command=_command_line(args),
    )
    result = run_finetune(options, on_event=_Progress(events, args.minutes, args.max_steps))
    summary = result.summary
    validation = summary.get("validation", {"split": None})
    events.result({
        "model": str(result.model_dir) if result.published_from else None,
        "name": summary.get("name"),
        "stage": result.stage,
        "validation": validation,
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "training_minutes": round(result.train_seconds / 60.0, 2),
        "stopped": result.stop_reason,
    })  # fmt: skip
    if not result.published_from:
        print(f"mtrs finetune: interrupted before the first checkpoint; nothing was written to {args.output}",
              file=sys.stderr)  # fmt: skip
        return 130
    print(_report(result, validation))
    if result.interrupted:
        print(f"mtrs finetune: interrupted; {args.output} holds the best model so far "
              "(the same command with --resume continues)", file=sys.stderr)  # fmt: skip
        return 130
    return 0


def _report(result, validation: dict) -> str:
    lines = [
        f"mtrs finetune: {result.steps} steps in {result.train_seconds / 60.0:.1f} min "
        f"({result.stop_reason}) -> {result.model_dir}"
    ]
    if validation.get("metric"):
        start, tuned = validation.get("starting_model") or {}, validation.get("finetuned") or {}
        pairs = ", ".join(f"{k} {100 * start[k]:.1f} -> {100 * tuned[k]:.1f}" for k in tuned if k in start)
        lines.append(
            f"  validation ({validation['samples']} samples): {pairs} (step {validation['best_step']})"
        )
        if not validation.get("improved"):
            lines.append("  no step beat the starting model: MODEL_DIR holds the starting weights")
    else:
        lines.append("  no validation split: the last model was kept, unmeasured")
    lines.append(f"  model card: {result.model_dir / 'README.md'}")
    return "\n".join(lines)

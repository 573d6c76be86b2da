"""`mtrs finetune`: adapt a trained model to a small exported training set, on the shared training loop.

The recipe (what is frozen, learning rate, batch, validation cadence, patience) is chosen for a few dozen
256² chips on a CPU; the loop (engine.train.loop) does the training, validation, early stopping, time budget,
checkpoints and resume. This module turns DATA + a starting model into a `TrainConfig`, keeps the work
folder `MODEL_DIR/training/`, and publishes the best model at the top of MODEL_DIR with a model card.

How the tiny-preset stage-2 recipe was chosen. Stage 2 from the bundled demo model on 2 CPU cores (AMD EPYC
with native bf16); the human-labelled xBD Joplin tornado scenes cut into 256² chips with stride 128: scene 0
for training (49 chips, 147 expressions: "buildings destroyed by the tornado", "houses flattened by the
tornado", "buildings damaged by the tornado"), scene 1 for validation (49 chips, 147 expressions). The
starting model scores 16.3 mIoU there. Validation mIoU in %, batch 8, one seed:

    after 72 steps (4 epochs)                       mIoU
    lr 1e-3, Swin frozen, augmentation              30.3
    lr 3e-4                                         26.1
    nothing frozen                                  32.6
    Swin, fusion and pixel decoder frozen           12.0   (below the start: the vision side must adapt)
    no augmentation                                 32.5

    best of 216 steps (12 epochs)                   mIoU   s/step
    lr 1e-3, Swin frozen, augmentation              40.4   0.36
    nothing frozen                                  42.7   0.41
    no augmentation (Swin frozen)                   35.7   0.24   (peaks at epoch 9, then overfits)

With the defaults below, `mtrs finetune` stopped early after 270 steps in 2.5 minutes (the best step: 180)
with 42.7 mIoU / 53.6 oIoU against the starting model's 16.3 / 22.0. The figures of a few dozen chips move
by a few points from run to run; the ordering lr 1e-3 > 3e-4 and augmentation on > off held throughout.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError, OutputError
from engine.train.finetune_data import FinetuneData, inspect_data

TRAINING_DIR = "training"  # MODEL_DIR/training: checkpoints (last/, best/), logs, curve: what --resume needs
RUN_FILE = "finetune_run.json"  # MODEL_DIR/training/: how the run was started (kept across --resume)
SUMMARY_FILE = "finetune.json"  # MODEL_DIR/: machine-readable summary (figures, data, recipe)
CARD_FILE = "README.md"
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
               "special_tokens_map.json")  # fmt: skip
BUNDLED = "bundled"
# when only --minutes is given the time decides, so the schedule just has to be long enough
EPOCHS_UNDER_A_TIME_BUDGET = 1000


@dataclass(frozen=True)
class FinetuneRecipe:
    """Defaults are the tiny preset's; a recipe states only where it differs."""

    lr: float
    batch_size: int = 8  # per optimiser step (no accumulation); smaller when the data are fewer
    freeze: tuple[str, ...] = ()
    epochs: int = 30  # when neither --epochs nor --minutes is given
    patience: int = 5  # validations in a row without a better score before stopping
    validate_every: int = 25  # optimiser steps between validations at most (every epoch when shorter)
    warmup_steps: int = 5


# the paper model (not measured: a GPU model): fewer, longer validations on 4-sample batches
PAPER_STAGE1 = FinetuneRecipe(
    lr=5e-5, batch_size=4, epochs=10, patience=3, validate_every=50, warmup_steps=10
)

# (preset, stage) -> recipe; other presets take the paper preset's.
RECIPES: dict[tuple[str, int], FinetuneRecipe] = {
    # measured (module docstring): new imagery needs the vision side to adapt (freezing fusion and pixel
    # decoder lost ground, training Swin too gained 2 points for 1.14x the step time); 1e-3 learns faster
    # than 3e-4; augmentation keeps 49 chips from being learnt by heart; 30 epochs is a cap that early
    # stopping (5 validations, one per epoch here) reaches first
    ("mtrefseg-r1-tiny", 2): FinetuneRecipe(lr=1e-3),
    # not measured separately: stage 1 trains the same vision side; a lower rate as its head has 100
    # queries matched to the mask (on the Joplin export, 10 steps: change IoU 29.1 -> 47.8 on val)
    ("mtrefseg-r1-tiny", 1): FinetuneRecipe(lr=5e-4),
    # the lite preset (not measured separately): half the rate that trained it from its pretrained parts; the
    # sentence encoder stays frozen (it is what carries paraphrases), the vision side adapts to new imagery
    ("mtrefseg-r1-lite", 2): FinetuneRecipe(lr=2e-4, freeze=("language_model",)),
    ("mtrefseg-r1-lite", 1): FinetuneRecipe(lr=2e-4),
    ("mtrefseg-r1", 1): PAPER_STAGE1,
    # the paper model on a few dozen chips: a small rate, the language model learns, Swin stays as it is
    ("mtrefseg-r1", 2): dataclasses.replace(PAPER_STAGE1, lr=2e-5, freeze=("vision_encoder",)),
}


def recipe_for(preset: str, stage: int) -> FinetuneRecipe:
    return RECIPES.get((preset, stage)) or RECIPES[("mtrefseg-r1", stage)]


@dataclass
class FinetuneOptions:
    data: str
    output: str
    start: str = BUNDLED
    revision: str | None = None
    stage: int = 2
    minutes: float | None = None
    epochs: int | None = None
    max_steps: int | None = None
    patience: int | None = None
    lr: float | None = None
    batch_size: int | None = None
    freeze: list[str] | None = None
    augment: bool = True
    validate_every: int | None = None
    seed: int = 0
    device: str = "auto"
    resume: bool = False
    overwrite: bool = False
    name: str | None = None
    progress: bool | None = None  # tqdm bar; None: on a terminal
    command: str = ""  # as typed, for the model card

    def validate(self) -> None:
        if self.stage not in (1, 2):
            raise InputError(f"--stage must be 1 or 2 (got {self.stage})")
        for flag, value in (("--epochs", self.epochs), ("--max-steps", self.max_steps),
                            ("--patience", self.patience), ("--batch-size", self.batch_size),
                            ("--validate-every", self.validate_every)):  # fmt: skip
            if value is not None and value < 1:
                raise InputError(f"{flag} must be at least 1 (got {value})")
        if self.minutes is not None and not self.minutes > 0:
            raise InputError(f"--minutes must be positive (got {self.minutes:g})")
        if self.lr is not None and not self.lr > 0:
            raise InputError(f"--lr must be positive (got {self.lr:g})")
        if self.resume and self.overwrite:
            raise InputError("--resume continues MODEL_DIR, --overwrite replaces it: give only one")


@dataclass
class StartModel:
    """The model fine-tuning starts from, resolved to a local folder."""

    directory: Path
    label: str  # as the user named it (bundled, a folder, a hub id[@revision])
    preset: str
    image_size: int
    revision: str | None = None


@dataclass
class FinetuneResult:
    model_dir: Path
    stage: int
    steps: int
    seconds: float  # this invocation
    train_seconds: float  # all invocations (resumes add up)
    stop_reason: str
    selection_metric: str | None
    baseline: dict | None  # starting model on the validation split
    best: dict | None  # published model on the validation split (with its step)
    published_from: str  # "best", "last" or "" (nothing was published)
    summary: dict = field(default_factory=dict)

    @property
    def interrupted(self) -> bool:
        return self.stop_reason == "interrupted"


def resolve_start(source: str, revision: str | None) -> StartModel:
    """`bundled`, a model folder or a hub id -> a local folder with its preset (ModelError if none)."""
    from engine.errors import ModelError
    from engine.model.checkpoint import read_config, resolve_source
    from engine.model.loading import BUNDLED_MODEL_DIR

    if source == BUNDLED:
        if not (BUNDLED_MODEL_DIR / "config.json").is_file():
            raise ModelError(f"the bundled model is missing ({BUNDLED_MODEL_DIR})", hint="reinstall MTRS")
        directory, label = BUNDLED_MODEL_DIR, f"the bundled {BUNDLED_MODEL_DIR.name}"
    else:
        directory, revision = resolve_source(source, revision)
        label = source + (f"@{revision}" if revision and not Path(source).is_dir() else "")
    cfg = read_config(Path(directory))
    return StartModel(Path(directory), label, str(cfg.name), int(cfg.image_size), revision)


# ---- the output folder --------------------------------------------------------------------------------


def _within(inner: Path, outer: Path) -> bool:
    inner, outer = inner.resolve(), outer.resolve()
    return inner == outer or outer in inner.parents


def check_output(out: Path, options: FinetuneOptions, data: FinetuneData, start: StartModel) -> None:
    """Refuse an output that would destroy the inputs, an existing one without --overwrite, or a --resume
    with nothing to resume. Runs before anything is written."""
    from engine.train.checkpoint import resolve_checkpoint

    for what, path in (("training data", data.root), ("starting model", start.directory)):
        if _within(path, out):
            raise OutputError(f"the output folder {out} holds the {what} ({path})", hint="choose another -o")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder", hint="choose another -o")
    if options.resume:
        if resolve_checkpoint(out / TRAINING_DIR / "last") is None:
            raise InputError(
                f"--resume: {out / TRAINING_DIR} holds no checkpoint to continue",
                hint="start without --resume (and with --overwrite to replace the folder)",
            )
        return
    if out.is_dir() and any(out.iterdir()) and not options.overwrite:
        hint = "add --overwrite to replace it"
        if (out / TRAINING_DIR / "last").is_dir():
            hint = "add --resume to continue that run, or --overwrite to replace it"
        raise OutputError(f"the output folder {out} exists and is not empty", hint=hint)


class OutputFolder:
    """MODEL_DIR for the duration of a run. A new run that fails leaves nothing (a replaced folder comes
    back); a resumed run that fails keeps its checkpoints, which is what resume is for."""

    def __init__(self, out: Path, resume: bool):
        self.out = out
        self.resume = resume
        self.created = False
        self.set_aside: Path | None = None

    def __enter__(self) -> OutputFolder:
        if not self.resume:
            if self.out.exists():
                self.set_aside = Path(
                    tempfile.mkdtemp(prefix=f".{self.out.name}.replaced-", dir=self.out.parent)
                )
                os.replace(self.out, self.set_aside / self.out.name)
            self.out.mkdir(parents=True)
            self.created = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None or self.resume:
            if self.set_aside is not None and exc_type is None:
                shutil.rmtree(self.set_aside, ignore_errors=True)
            return
        self.discard()

    def discard(self) -> None:
        """Remove what this run created and bring back what it replaced."""
        if self.created:
            shutil.rmtree(self.out, ignore_errors=True)
            self.created = False
        if self.set_aside is not None:
            os.replace(self.set_aside / self.out.name, self.out)
            shutil.rmtree(self.set_aside, ignore_errors=True)
            self.set_aside = None


def _link_or_copy(src: Path, dst: Path) -> None:
    """Into place under a temporary name, then renamed: readers never see half a file. A hard link costs no
    space and stays valid when training/best/ is later replaced (the loop renames folders, never rewrites)."""
    tmp = dst.with_name(f".{dst.name}.partial")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # readable like any file the user writes (checkpoints are private)
    os.replace(tmp, dst)


def publish_model(src: Path, out: Path) -> None:
    """Copy the model files of checkpoint `src` to the top of `out` (config last: a reader that finds
    config.json finds the weights it describes)."""
    names = [n for n in MODEL_FILES if (src / n).is_file()]
    for name in sorted(names, key=lambda n: n == "config.json"):
        _link_or_copy(src / name, out / name)


# ---- the run ------------------------------------------------------------------------------------------


def build_config(
    options: FinetuneOptions, data: FinetuneData, start: StartModel, recipe: FinetuneRecipe
) -> tuple[Any, int]:
    """(the TrainConfig of this fine-tuning run, its number of training samples). Opens the datasets once,
    so that bad data fail here, before anything is written, and the batch and the validation cadence can
    follow the data size."""
    from engine.train.build import open_dataset
    from engine.train.config import TrainConfig

    train_set = open_dataset(str(data.train), data.data_format, start.image_size, False, options.seed, 0)
    n_val = 0
    if data.val is not None:
        n_val = len(open_dataset(str(data.val), data.data_format, start.image_size, False, options.seed, 0))
    n = len(train_set)
    # WHY: a few dozen chips must still make whole batches; fewer samples than a batch make one batch
    batch = min(options.batch_size or recipe.batch_size, n)
    steps_per_epoch = n // batch
    if options.epochs is not None:
        epochs = options.epochs
    elif options.minutes is not None:
        epochs = EPOCHS_UNDER_A_TIME_BUDGET
    else:
        epochs = recipe.epochs
    total_steps = steps_per_epoch * epochs
    # WHY constant after the warm-up: the run usually ends by early stopping or the time budget, long
    # before a cosine over all epochs would have decayed
    warmup_ratio = min(1.0, recipe.warmup_steps / max(1, total_steps))
    # WHY validate by steps: on a few dozen chips an epoch is a handful of steps, validated each; on larger
    # sets a check every `validate_every` steps keeps early stopping and the time budget responsive, but
    # not before as many samples were trained as a validation scores (a validation sample costs about a
    # third of a training sample, so validating stays under a quarter of the time)
    cadence = max(recipe.validate_every, math.ceil(n_val / batch))
    select_every = options.validate_every or min(steps_per_epoch, cadence)
    has_val = data.val is not None
    cfg = TrainConfig(
        stage=options.stage,
        data=str(data.train),
        out=str(Path(options.output) / TRAINING_DIR),
        init=str(start.directory),
        data_format=data.data_format,
        epochs=epochs,
        lr=options.lr if options.lr is not None else recipe.lr,
        batch_size=batch,
        global_batch=batch,
        warmup_ratio=warmup_ratio,
        freeze=list(options.freeze) if options.freeze is not None else list(recipe.freeze),
        select_on=str(data.val) if has_val else None,
        select_format=data.data_format if has_val else None,
        resume=options.resume,
        seed=options.seed,
        device=options.device,
        max_steps=options.max_steps,
        # without validation the last checkpoint is what Ctrl-C keeps: take one at the same cadence
        save_every=None if has_val else select_every,
        augment=options.augment,
        progress=options.progress,
        select_every=select_every if has_val else None,
        select_at_start=has_val,
        patience=(options.patience or recipe.patience) if has_val else None,
        time_budget_s=None,  # set by run_finetune from --minutes, less the time already spent
        stop_on_interrupt=True,
        lr_schedule="constant",
    )
    return cfg, n


def run_finetune(options: FinetuneOptions, on_event=None) -> FinetuneResult:
    """Check everything, train (or continue), publish the best model with its card. `on_event(kind, info)`
    gets the loop's events (start, step, validation, stop)."""
    from engine.train.loop import train

    t0 = time.perf_counter()
    options.validate()
    data = inspect_data(options.data, options.stage)
    if options.patience is not None and data.val is None:
        raise InputError("--patience needs a validation split (DATA/val)", hint="export with a val split")
    out = Path(options.output).expanduser()
    options.output = str(out)
    start = resolve_start(options.start, options.revision)
    recipe = recipe_for(start.preset, options.stage)
    check_output(out, options, data, start)
    run_info = _run_info(out, options, start, data)
    cfg, samples = build_config(options, data, start, recipe)
    if options.minutes is not None:
        cfg.time_budget_s = max(1.0, options.minutes * 60.0 - (time.perf_counter() - t0))
    with OutputFolder(out, options.resume) as folder:
        (out / TRAINING_DIR).mkdir(exist_ok=True)
        (out / TRAINING_DIR / RUN_FILE).write_text(json.dumps(run_info, indent=2) + "\n")
        result = train(cfg, on_event=on_event, name="mtrs finetune")
        source = _published_source(out, data)
        if source is None:  # stopped before the first checkpoint: nothing worth keeping
            if not options.resume:
                folder.discard()
            return FinetuneResult(
                model_dir=out,
                stage=options.stage,
                steps=result.global_step,
                seconds=time.perf_counter() - t0,
                train_seconds=result.train_seconds,
                stop_reason=result.stop_reason,
                selection_metric=None,
                baseline=result.baseline,
                best=None,
                published_from="",
            )
        from engine.train.interrupts import StopRequest
        from engine.train.model_card import render_card, summarise, write_text_atomic

        # a Ctrl-C now would cost the whole run (a new run that fails leaves nothing): finish publishing
        with StopRequest(message="mtrs finetune: writing the model"):
            publish_model(source, out)
            summary = summarise(result, cfg, run_info, data, start, source.name, samples)
            write_text_atomic(out / SUMMARY_FILE, json.dumps(summary, indent=2, default=str) + "\n")
            write_text_atomic(out / CARD_FILE, render_card(summary))
    best = result.best if data.val is not None else None
    return FinetuneResult(
        model_dir=out,
        stage=options.stage,
        steps=result.global_step,
        seconds=time.perf_counter() - t0,
        train_seconds=result.train_seconds,
        stop_reason=result.stop_reason,
        selection_metric=best["metric"] if best else None,
        baseline=result.baseline,
        best=best,
        published_from=source.name,
        summary=summary,
    )


def _published_source(out: Path, data: FinetuneData) -> Path | None:
    from engine.train.checkpoint import resolve_checkpoint

    training = out / TRAINING_DIR
    if data.val is not None:
        best = training / "best"
        if (best / "model.safetensors").is_file():
            return best
        old = training / "best.old"  # a replace of best/ was cut short
        return old if (old / "model.safetensors").is_file() else None
    return resolve_checkpoint(training / "last")


def _run_info(out: Path, options: FinetuneOptions, start: StartModel, data: FinetuneData) -> dict[str, Any]:
    """How the run started; a --resume keeps the original (the starting model, the first command) and adds
    its own command."""
    path = out / TRAINING_DIR / RUN_FILE
    if options.resume and path.is_file():
        info = json.loads(path.read_text())
        info.setdefault("resumed_with", []).append(options.command)
        return info
    return {
        "name": options.name or out.name,
        "start": {
            "label": start.label,
            "directory": str(start.directory),
            "revision": start.revision,
            "preset": start.preset,
        },
        "stage": options.stage,
        "data": str(data.root),
        "command": options.command,
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }

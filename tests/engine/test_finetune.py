"""`mtrs finetune` end to end on tiny data (synthetic 64² pairs laid out as an export folder, a random 64²
tiny-preset model), a few optimiser steps each: the published model folder and its card, time budget, early
stopping, Ctrl-C / SIGTERM, resume, stage 1, and the refusals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main as mtrs
from engine.train.train_log import read_log

FAST = ["--batch-size", "4", "--validate-every", "1", "--seed", "0"]


@pytest.fixture(scope="module")
def start_model(tmp_path_factory) -> Path:
    """A random tiny-preset model at 64² with parameter-free fusion (3.0 M parameters instead of 6.8 M):
    fast steps and small checkpoints; the recipe is the tiny preset's all the same."""
    from engine.model import ModelConfig, build_model

    directory = tmp_path_factory.mktemp("start") / "tiny64"
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64, fusion="avg")
    build_model(cfg).save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """An export-like folder: train/ (4 pairs) and val/ (2 pairs) in both layouts, and a manifest."""
    from engine.data.synth import write_dataset

    root = tmp_path_factory.mktemp("export") / "joplin-like"
    for split, pairs, seed in (("train", 4, 1), ("val", 2, 2)):
        write_dataset(root / split, pairs=pairs, seed=seed, size=64)
        shutil.copytree(root / split / "masks_all", root / split / "label")  # the stage-1 layout
    manifest = {
        "format": "mtrs-training-export",
        "command": "mtrs export-training pre.tif post.tif --labels buildings.gpkg -o joplin-like",
        "seed": 0,
        "sources": {"earlier": "pre.tif", "later": "post.tif", "labels": "buildings.gpkg"},
        "crs": "EPSG:32615",
        "chip_size": 64,
        "summary": {"chips": {"train": 4, "val": 2}, "class_counts": {"train": {"destroyed": 7}, "val": {}}},
        "licence": "CC BY-NC-SA 4.0 (test value)",
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


def _finetune(export: Path, start: Path, out: Path, *extra: str) -> int:
    return mtrs(["finetune", str(export), "--from", str(start), "-o", str(out), *FAST, *extra])


def _events(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def _summary(out: Path) -> dict:
    return json.loads((out / "finetune.json").read_text())


def test_publishes_a_loadable_model_with_card_and_json_events(export, start_model, tmp_path, capsys):
    out = tmp_path / "my-model"
    assert _finetune(export, start_model, out, "--max-steps", "2", "--progress-json") == 0
    events = _events(capsys.readouterr().err)
    progress = [e for e in events if e["event"] == "progress"]
    assert [e["done"] for e in progress] == [1, 2] and all(e["total"] == 2 for e in progress)
    result = events[-1]
    assert result["event"] == "result" and result["model"] == str(out) and result["steps"] == 2
    assert result["seconds"] > 0 and result["stopped"] == "max_steps"
    val = result["validation"]
    assert val["metric"] == "mIoU" and set(val["starting_model"]) == set(val["finetuned"]) == {"mIoU", "oIoU"}
    assert val["finetuned"]["mIoU"] >= val["starting_model"]["mIoU"]  # the best of steps 0, 1, 2

    # a normal model folder at the top, the work in training/
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md", "finetune.json"} <= {
        p.name for p in out.iterdir()
    }
    training = out / "training"
    assert (training / "last" / "trainer_state.pt").is_file() and (training / "best").is_dir()
    assert [int(r["step"]) for r in read_log(training / "validation_log.csv")] == [0, 1, 2]
    from engine.pipeline.loading import load

    model = load(str(out))
    assert model.config.image_size == 64

    card = (out / "README.md").read_text()
    assert "# my-model" in card and str(start_model) in card
    start_row = next(line for line in card.splitlines() if line.startswith("| starting model"))
    assert (
        f"| {100 * val['starting_model']['mIoU']:.1f} | {100 * val['starting_model']['oIoU']:.1f} |"
        in start_row
    )
    assert "EPSG:32615" in card and "CC BY-NC-SA 4.0 (test value)" in card and "| destroyed | 7 | 0 |" in card
    assert "mtrs export-training pre.tif" in card and "--max-steps 2" in card
    summary = _summary(out)
    assert summary["training"]["steps"] == 2 and summary["training"]["frozen"] == []  # the tiny recipe
    assert summary["training"]["augment"] is True and summary["validation"] == val


def test_the_published_model_predicts(export, start_model, tmp_path):
    import numpy as np

    from tests.conftest import write_geotiff

    out = tmp_path / "m"
    assert _finetune(export, start_model, out, "--max-steps", "1") == 0
    rng = np.random.default_rng(0)
    earlier = write_geotiff(tmp_path / "a.tif", rng.integers(0, 255, (3, 96, 96), dtype=np.uint8))
    later = write_geotiff(tmp_path / "b.tif", rng.integers(0, 255, (3, 96, 96), dtype=np.uint8))
    args = ["predict", earlier, later, "--model", str(out), "--prompt", "new buildings", "--overlap", "16"]
    assert mtrs([*args, "-o", str(tmp_path / "changes.gpkg"), "--quiet"]) == 0
    assert (tmp_path / "changes.gpkg").is_file()


def test_time_budget_stops_cleanly_and_keeps_the_best(export, start_model, tmp_path, capsys):
    out = tmp_path / "budget"
    # patience out of reach: only the 3-second budget may stop it (a quiet machine validates often in 3 s)
    budget = ("--minutes", "0.05", "--patience", "100000", "--progress-json")
    assert _finetune(export, start_model, out, *budget) == 0
    result = _events(capsys.readouterr().err)[-1]
    assert result["stopped"] == "time_budget"
    summary = _summary(out)
    # an unbounded schedule (1000 epochs) stopped by the 3-second budget, with a model to show for it
    assert summary["training"]["steps"] < 1000 and summary["published_from"] == "best"
    from engine.model import load_model

    load_model(str(out))


def test_early_stopping_after_patience_validations_without_progress(export, start_model, tmp_path):
    out = tmp_path / "patient"
    # a learning rate too small to change any prediction: no validation can beat the starting model
    assert _finetune(export, start_model, out, "--lr", "1e-12", "--patience", "2", "--epochs", "50") == 0
    summary = _summary(out)
    assert summary["training"]["stop_reason"] == "patience" and summary["training"]["steps"] == 2
    assert summary["validation"]["best_step"] == 0 and summary["validation"]["improved"] is False
    assert "holds the starting weights" in (out / "README.md").read_text()


def _interrupt_at(monkeypatch, step: int, how: str) -> None:
    """Interrupt optimiser step `step`: a real SIGTERM to this process (the signal path; SIGINT may be
    ignored when the tests run as a background job), or a KeyboardInterrupt raised inside the step (a
    second Ctrl-C, mid-update)."""
    from engine.train import loop

    original = loop._Trainer._optimiser_step
    calls = {"n": 0}

    def step_then_interrupt(self, batches, autocast):
        calls["n"] += 1
        if calls["n"] == step and how == "raise":
            raise KeyboardInterrupt
        row = original(self, batches, autocast)
        if calls["n"] == step and how == "signal":
            os.kill(os.getpid(), signal.SIGTERM)
        return row

    monkeypatch.setattr(loop._Trainer, "_optimiser_step", step_then_interrupt)


def test_ctrl_c_finishes_the_step_and_keeps_the_best(export, start_model, tmp_path, monkeypatch):
    _interrupt_at(monkeypatch, 2, "signal")
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    out = tmp_path / "stopped"
    assert _finetune(export, start_model, out, "--epochs", "50") == 130
    summary = _summary(out)
    assert summary["training"]["stop_reason"] == "interrupted" and summary["training"]["steps"] == 2
    assert summary["validation"]["best_step"] in (0, 1, 2)
    from engine.model import load_model
    from engine.train.checkpoint import load_trainer_state

    load_model(str(out))
    assert load_trainer_state(out / "training" / "last")["global_step"] == 2  # the step was finished
    mtrs_sigterm = signal.getsignal(signal.SIGTERM)  # engine.cli turns SIGTERM into KeyboardInterrupt
    assert signal.getsignal(signal.SIGINT) == handlers[signal.SIGINT]  # the loop gave its handlers back
    assert getattr(mtrs_sigterm, "__name__", "") == "_sigterm_as_interrupt"


def test_interrupt_inside_a_step_keeps_the_last_checkpoints(export, start_model, tmp_path, monkeypatch):
    _interrupt_at(monkeypatch, 3, "raise")
    out = tmp_path / "cut"
    assert _finetune(export, start_model, out, "--epochs", "50") == 130
    from engine.model import load_model
    from engine.train.checkpoint import load_trainer_state

    load_model(str(out))
    # step 3 was abandoned half-way: nothing of it is saved, the checkpoints are those of step 2
    assert load_trainer_state(out / "training" / "last")["global_step"] == 2
    assert _summary(out)["training"]["steps"] <= 3


def test_resume_continues_and_existing_output_is_refused(export, start_model, tmp_path, capsys):
    out = tmp_path / "resumable"
    assert _finetune(export, start_model, out, "--max-steps", "1") == 0
    capsys.readouterr()
    assert _finetune(export, start_model, out, "--max-steps", "2") == 2  # no --resume, no --overwrite
    err = capsys.readouterr().err
    assert "exists and is not empty" in err and "--resume" in err
    assert _finetune(export, start_model, out, "--max-steps", "2", "--resume") == 0
    assert [int(r["step"]) for r in read_log(out / "training" / "train_log.csv")] == [1, 2]
    summary = _summary(out)
    assert summary["training"]["steps"] == 2 and len(summary["commands"]) == 2
    assert summary["validation"]["starting_model"]  # the baseline survives the resume


def test_overwrite_replaces_the_output(export, start_model, tmp_path):
    out = tmp_path / "replace"
    out.mkdir()
    (out / "old.txt").write_text("old")
    assert _finetune(export, start_model, out, "--max-steps", "1", "--overwrite") == 0
    assert not (out / "old.txt").exists() and (out / "model.safetensors").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no set-aside folder left


def test_stage1_on_the_change_detection_layout(export, start_model, tmp_path, capsys):
    out = tmp_path / "s1"
    assert _finetune(export, start_model, out, "--stage", "1", "--max-steps", "1", "--progress-json") == 0
    result = _events(capsys.readouterr().err)[-1]
    assert result["stage"] == 1 and result["validation"]["metric"] == "change_IoU"
    assert set(result["validation"]["finetuned"]) == {"F1", "IoU", "precision", "recall"}
    card = (out / "README.md").read_text()
    assert "change detection (stage 1)" in card and "| F1 | IoU |" in card
    assert _summary(out)["training"]["frozen"] == []


def test_a_single_split_folder_trains_without_validation(export, start_model, tmp_path):
    out = tmp_path / "noval"
    assert _finetune(export / "train", start_model, out, "--max-steps", "1") == 0
    summary = _summary(out)
    assert summary["published_from"] == "last" and summary["validation"] == {"split": None}
    assert "single split folder" in (out / "README.md").read_text()


@pytest.mark.parametrize(
    ("data", "extra", "message"),
    [
        ("missing", [], "does not exist"),
        ("empty", [], "neither an export folder"),
        ("cd_only", [], "use --stage 1"),
        ("export", ["--lr", "0"], "--lr must be positive"),
        ("export/train", ["--patience", "2"], "needs a validation split"),
        ("export", ["--resume"], "no checkpoint to continue"),
    ],
)
def test_bad_input_is_one_clear_error_and_nothing_on_disk(export, start_model, tmp_path, capsys, data, extra,
                                                          message):  # fmt: skip
    folders = {"missing": tmp_path / "nope", "empty": tmp_path / "empty", "cd_only": tmp_path / "cd"}
    folders["empty"].mkdir()
    for sub in ("A", "B", "label"):
        shutil.copytree(export / "train" / ("masks_all" if sub == "label" else sub), folders["cd_only"] / sub)
    path = folders.get(data) or export / data.removeprefix("export").lstrip("/")
    out = tmp_path / "out"
    assert _finetune(path, start_model, out, *extra) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_the_output_may_not_hold_the_inputs(export, start_model, tmp_path, capsys):
    assert _finetune(export, start_model, export.parent, "--overwrite") == 2
    assert "holds the training data" in capsys.readouterr().err
    assert (export / "manifest.json").is_file()


@pytest.mark.slow
def test_sigterm_from_another_process_keeps_the_best(export, start_model, tmp_path):
    """The way QGIS cancels: SIGTERM to an `mtrs finetune` process that reports JSON progress."""
    out = tmp_path / "terminated"
    cmd = [sys.executable, "-m", "engine.cli", "finetune", str(export), "--from", str(start_model),
           "-o", str(out), *FAST, "--epochs", "500", "--progress-json"]  # fmt: skip
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stderr:
            if line.startswith("{") and json.loads(line)["event"] == "progress":
                proc.send_signal(signal.SIGTERM)
                break
        rest = proc.stderr.read()
        assert proc.wait(timeout=120) == 130
    finally:
        proc.kill()
    result = _events(rest)[-1]
    assert result["event"] == "result" and result["stopped"] == "interrupted" and result["model"] == str(out)
    from engine.model import load_model

    load_model(str(out))


def test_augmentation_keeps_the_geometry_of_expressions_that_say_where():
    """Flips and rotations would make "the building in the north-east" false; such samples get only the
    photometric jitter, the others every transform."""
    import numpy as np

    from engine.data.items import make_item

    image = np.zeros((32, 32, 3), np.uint8)
    mask = np.zeros((32, 32), bool)
    mask[:8, 24:] = True  # a change in the north-east corner

    def masks(expression: str) -> list[np.ndarray]:
        rngs = [np.random.default_rng(seed) for seed in range(8)]
        return [make_item(image, image, mask, expression, "s", 0, 32, rng)["mask"].numpy() for rng in rngs]

    reference = make_item(image, image, mask, "x", "s", 0, 32)["mask"].numpy()
    assert all(np.array_equal(m, reference) for m in masks("the destroyed building in the north-east"))
    assert not all(np.array_equal(m, reference) for m in masks("all destroyed buildings"))

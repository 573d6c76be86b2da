"""End-to-end tests of `mtrs train` on the tiny preset with 64² synthetic pairs (a few optimiser steps each):
exact resume, 2-process gloo DDP = one process, LoRA, freezing, best-checkpoint selection, user errors."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from engine.cli import main as mtrs
from engine.train.train_log import read_log

# 8 pairs, global batch 4 = micro-batch 2 × accumulation 2 -> 2 optimiser steps (one epoch). fp32 throughout:
# the tolerance of the DDP comparison is fp32's (tiny stage 1 would use bf16 on a CPU that has it).
COMMON = ["--preset", "mtrefseg-r1-tiny", "--image-size", "64", "--batch-size", "2", "--global-batch", "4"]
COMMON += ["--no-bf16"]
STAGE1 = ["train", "--stage", "1", *COMMON, "--epochs", "1", "--no-progress"]


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    from engine.data.synth import write_dataset

    out = tmp_path_factory.mktemp("synth") / "train"
    write_dataset(out, pairs=8, seed=1, size=64)
    return out


@pytest.fixture(scope="module")
def stage1_run(synth, tmp_path_factory) -> Path:
    """The uninterrupted reference run (2 optimiser steps)."""
    out = tmp_path_factory.mktemp("s1") / "run"
    assert mtrs([*STAGE1, "--data", str(synth), "--out", str(out)]) == 0
    return out


def _losses(out: Path, key: str = "loss") -> list[float]:
    return [float(r[key]) for r in read_log(out / "train_log.csv")]


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    return load_file(str(folder / "model.safetensors"))


def test_uninterrupted_run_writes_checkpoint_logs_and_curve(stage1_run):
    rows = read_log(stage1_run / "train_log.csv")
    assert [int(r["step"]) for r in rows] == [1, 2]
    assert {"loss_bce", "loss_dice", "lr", "samples_per_s"} <= set(rows[0])
    assert (stage1_run / "training_curve.png").stat().st_size > 1000
    assert not (stage1_run / "best").exists()  # no --select-on: no silent selection
    from engine.model import load_model

    model = load_model(str(stage1_run / "last"))
    assert model.config.image_size == 64


def test_resume_after_kill_continues_bit_exactly(synth, stage1_run, tmp_path):
    out = tmp_path / "killed"
    args = [*STAGE1, "--data", str(synth), "--out", str(out)]
    assert mtrs([*args, "--max-steps", "1"]) == 0  # "killed" after step 1, mid-epoch 0
    assert [int(r["step"]) for r in read_log(out / "train_log.csv")] == [1]
    # the decoded-data cache is a runtime option: another budget on resume changes nothing
    assert mtrs([*args, "--resume", "--cache-mb", "0"]) == 0
    assert _losses(out) == _losses(stage1_run)  # identical floats, not approximately
    assert _losses(out, "lr") == _losses(stage1_run, "lr")
    final, reference = _weights(out / "last"), _weights(stage1_run / "last")
    assert all(torch.equal(final[k], reference[k]) for k in reference)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_process_gloo_ddp_matches_single_process(synth, stage1_run, tmp_path):
    out = tmp_path / "ddp"
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--nnodes", "1",
        "--master_addr", "127.0.0.1", "--master_port", str(_free_port()),
        "-m", "engine.cli", *STAGE1, "--data", str(synth), "--out", str(out), "--device", "cpu",
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 × 1 accum × 2 proc" in proc.stdout  # really two processes, no accumulation
    ddp, single = _losses(out), _losses(stage1_run)
    assert len(ddp) == len(single) == 2
    assert ddp == pytest.approx(single, rel=1e-5, abs=1e-6)
    assert _losses(out, "loss_dice") == pytest.approx(_losses(stage1_run, "loss_dice"), rel=1e-5, abs=1e-6)


def test_lora_stage2_resumes_exactly_and_saves_a_plain_model(synth, stage1_run, tmp_path):
    init = stage1_run / "last"
    base = ["train", "--stage", "2", "--init", str(init), "--data", str(synth), "--batch-size", "2",
            "--global-batch", "4", "--epochs", "1", "--lora-rank", "2", "--no-progress"]  # fmt: skip
    full, cut = tmp_path / "full", tmp_path / "cut"
    assert mtrs([*base, "--out", str(full), "--max-steps", "2"]) == 0
    assert mtrs([*base, "--out", str(cut), "--max-steps", "1"]) == 0
    assert mtrs([*base, "--out", str(cut), "--resume", "--max-steps", "2"]) == 0
    assert _losses(cut) == _losses(full)
    assert {"loss_lm", "loss_bce", "loss_dice"} <= set(read_log(full / "train_log.csv")[0])
    # the tiny preset's stage 2 groups a pair's expressions (and resumes exactly with them)
    assert json.loads((full / "train_config.json").read_text())["pair_batches"] is True

    from engine.model import load_model

    saved = _weights(full / "last")
    assert not any("lora" in k for k in saved)  # merged: a plain MTRefSeg-R1 checkpoint
    before = _weights(init)
    changed = {k for k in before if not torch.equal(before[k], saved[k])}
    assert changed and all(k.endswith("weight") for k in changed)  # only adapted Linear weights move
    assert not any(k.startswith("mask_decoder.query") for k in changed)
    load_model(str(full / "last"))


def test_full_stage2_with_freezing_and_gradient_checkpointing(synth, stage1_run, tmp_path):
    init, out = stage1_run / "last", tmp_path / "s2"
    args = ["train", "--stage", "2", "--init", str(init), "--data", str(synth), "--out", str(out),
            "--batch-size", "2", "--global-batch", "4", "--epochs", "1", "--max-steps", "1",
            "--warmup-ratio", "0", "--freeze", "vision_encoder,fusion", "--grad-checkpointing",
            "--no-progress"]  # fmt: skip
    assert mtrs(args) == 0
    before, after = _weights(init), _weights(out / "last")
    moved = {k.split(".")[0] for k in before if not torch.equal(before[k], after[k])}
    assert "vision_encoder" not in moved and "fusion" not in moved
    assert {"language_model", "mask_decoder", "description_projector"} <= moved


def test_model_set_changes_the_fresh_model_and_is_recorded(synth, tmp_path):
    out = tmp_path / "ablation"
    args = [*STAGE1, "--data", str(synth), "--out", str(out), "--max-steps", "1"]
    assert mtrs([*args, "--model-set", "fusion=abs_diff", "--model-set", "decoder_layers=3"]) == 0
    saved = json.loads((out / "last" / "config.json").read_text())["config"]
    assert saved["fusion"] == "abs_diff" and saved["decoder_layers"] == 3  # the preset's: change_aware, 2
    from engine.model import load_model

    assert load_model(str(out / "last")).config.fusion == "abs_diff"
    # resuming needs no --model-set again: the checkpoint has the model, the trainer state the settings
    assert mtrs([*STAGE1, "--data", str(synth), "--out", str(out), "--resume"]) == 0
    assert len(read_log(out / "train_log.csv")) == 2
    assert load_model(str(out / "last")).config.decoder_layers == 3


def test_select_on_keeps_the_best_epoch(synth, tmp_path):
    out = tmp_path / "sel"
    args = [*STAGE1, "--data", str(synth), "--out", str(out), "--select-on", str(synth), "--max-steps", "2"]
    assert mtrs(args) == 0
    import json

    info = json.loads((out / "best" / "training.json").read_text())["selection"]
    assert info["metric"] == "change_IoU" and info["split"] == str(synth) and 0.0 <= info["value"] <= 1.0
    assert (out / "best" / "model.safetensors").is_file()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--resume"], "no checkpoint"),
        (["--freeze", "not_a_group"], "unknown parameter group"),
        (["--lora-rank", "4"], "stage 2 only"),
        (["--cache-mb", "-1"], "--cache-mb must be >= 0"),
        (["--global-batch", "5"], "not a multiple"),
        (["--model-set", "no_such_field=1"], "no model configuration field named no_such_field"),
    ],
)
def test_user_errors_are_reported_without_traceback(synth, tmp_path, capsys, extra, message):
    args = [*STAGE1, "--data", str(synth), "--out", str(tmp_path / "x"), *extra]
    if "--global-batch" in extra:
        i = args.index("--global-batch")
        del args[i : i + 2]
        args += extra
    assert mtrs(args) == 2
    assert message in capsys.readouterr().err


def test_model_set_without_a_value_is_a_usage_error(synth, tmp_path, capsys):
    from engine.commands.train import _model_setting

    assert _model_setting("decoder_layers=6") == ("decoder_layers", 6)
    template = "<image> and <image>: <refer>"
    assert _model_setting(f"prompt_template={template}") == ("prompt_template", template)
    args = [*STAGE1, "--data", str(synth), "--out", str(tmp_path / "x"), "--model-set", "fusion"]
    with pytest.raises((SystemExit, argparse.ArgumentError)) as failure:
        mtrs(args)
    assert "expected FIELD=VALUE" in str(failure.value) + capsys.readouterr().err


def test_cleanup_leaves_no_temporary_checkpoint_folders(stage1_run):
    leftovers = [p.name for p in stage1_run.iterdir() if p.name.startswith(".") or p.name.endswith(".old")]
    assert leftovers == []
    shutil.rmtree(stage1_run / "tensorboard", ignore_errors=True)


def test_tiny_stage2_keeps_the_encoder_frozen_by_default(synth, stage1_run, tmp_path):
    init, out = stage1_run / "last", tmp_path / "default"
    args = ["train", "--stage", "2", "--init", str(init), "--data", str(synth), "--out", str(out),
            "--batch-size", "4", "--global-batch", "4", "--epochs", "1", "--max-steps", "2",
            "--no-progress"]  # fmt: skip
    assert mtrs(args) == 0
    assert json.loads((out / "train_config.json").read_text())["freeze"] == ["vision_encoder"]
    before, after = _weights(init), _weights(out / "last")
    moved = {k.split(".")[0] for k in before if not torch.equal(before[k], after[k])}
    assert "vision_encoder" not in moved and {"fusion", "pixel_decoder", "language_model"} <= moved


def test_freeze_none_trains_every_group(synth, stage1_run, tmp_path):
    init, out = stage1_run / "last", tmp_path / "all"
    args = ["train", "--stage", "2", "--init", str(init), "--data", str(synth), "--out", str(out),
            "--batch-size", "4", "--global-batch", "4", "--epochs", "1", "--max-steps", "2",
            "--freeze", "none", "--no-progress"]  # fmt: skip
    assert mtrs(args) == 0
    assert json.loads((out / "train_config.json").read_text())["freeze"] == []
    before, after = _weights(init), _weights(out / "last")
    assert any(not torch.equal(before[k], after[k]) for k in before if k.startswith("vision_encoder."))

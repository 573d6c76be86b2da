"""`mtrs train --fsdp` (FSDP2 `fully_shard`) on the tiny preset, 2 CPU processes under torchrun (gloo): the
same losses, gradient norms and validation as replicated training (DDP, or the one process it equals), a
checkpoint in the DDP format that loads with `engine.model` and predicts like the replicated model, an exact
resume, and stage 2 with the language model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from engine.cli import main as mtrs
from engine.train.train_log import read_log

# 8 pairs, global batch 4 = micro-batch 2 × 2 processes -> 2 steps per epoch, 4 in all; validation on the
# training pairs after each epoch (under FSDP every rank scores the whole split). fp32 throughout.
COMMON = ["--batch-size", "2", "--global-batch", "4", "--no-bf16", "--no-progress", "--device", "cpu"]
STAGE1 = ["train", "--stage", "1", "--preset", "mtrefseg-r1-tiny", "--image-size", "64", "--epochs", "2",
          *COMMON]  # fmt: skip
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    from engine.data.synth import write_dataset

    out = tmp_path_factory.mktemp("synth") / "train"
    write_dataset(out, pairs=8, seed=1, size=64)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _torchrun(synth: Path, out: Path, *extra: str, base: list[str] = STAGE1, select: bool = True) -> str:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--nnodes", "1",
           "--master-addr", "127.0.0.1", "--master-port", str(_free_port()), "-m", "engine.cli", *base,
           "--data", str(synth), "--out", str(out), *extra]  # fmt: skip
    if select:
        cmd += ["--select-on", str(synth)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def _one_process(synth: Path, out: Path, base: list[str] = STAGE1) -> Path:
    """The replicated reference: one process with accumulation 2, which DDP equals to float tolerance
    (test_train_loop.py) and whose checkpoints DDP's are; in this process, so without a second start-up."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # like the workers (OMP_NUM_THREADS=1)
    try:
        assert mtrs([*base, "--data", str(synth), "--out", str(out), "--select-on", str(synth)]) == 0
    finally:
        torch.set_num_threads(threads)
    return out


@pytest.fixture(scope="module")
def ddp(synth, tmp_path_factory) -> Path:
    return _one_process(synth, tmp_path_factory.mktemp("ddp") / "run")


@pytest.fixture(scope="module")
def fsdp(synth, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fsdp") / "run"
    log = _torchrun(synth, out, "--fsdp")
    assert "returned a view tensor" not in log  # FSDP2's per-unit warning is filtered (see sharding.py)
    return out


def _column(out: Path, key: str, log: str = "train_log.csv") -> list[float]:
    return [float(r[key]) for r in read_log(out / log)]


def test_fsdp_trains_like_ddp(ddp, fsdp):
    assert [int(r["step"]) for r in read_log(fsdp / "train_log.csv")] == [1, 2, 3, 4]
    assert _column(fsdp, "loss") == pytest.approx(_column(ddp, "loss"), rel=1e-5, abs=1e-6)
    assert _column(fsdp, "grad_norm") == pytest.approx(_column(ddp, "grad_norm"), rel=1e-5)
    assert _column(fsdp, "lr") == _column(ddp, "lr")
    val = "validation_log.csv"
    assert _column(fsdp, "samples", val) == _column(ddp, "samples", val) == [8.0, 8.0]  # each pair once
    assert _column(fsdp, "change_IoU", val) == pytest.approx(_column(ddp, "change_IoU", val), abs=1e-3)
    assert (fsdp / "best" / "model.safetensors").is_file()


def test_fsdp_checkpoint_is_a_ddp_checkpoint_that_loads_and_predicts(synth, ddp, fsdp):
    from engine.data import ChangeDetectionDataset
    from engine.model import load_model
    from engine.train.checkpoint import load_trainer_state

    sharded, replicated = load_trainer_state(fsdp / "last"), load_trainer_state(ddp / "last")
    assert sharded["optimizer"]["param_groups"] == replicated["optimizer"]["param_groups"]
    assert sharded["optimizer"]["state"].keys() == replicated["optimizer"]["state"].keys()
    for index, moments in replicated["optimizer"]["state"].items():
        for name, value in moments.items():
            assert sharded["optimizer"]["state"][index][name].shape == value.shape, (index, name)
    weights, reference = (
        load_file(str(fsdp / "last/model.safetensors")),
        load_file(str(ddp / "last/model.safetensors")),
    )
    assert weights.keys() == reference.keys()

    sample = ChangeDetectionDataset(str(synth), 64)[0]
    logits = {}
    for name, folder in (("fsdp", fsdp), ("ddp", ddp)):
        model = load_model(str(folder / "last"))
        with torch.no_grad():
            feats = model.encode_pair(sample["image_a"][None], sample["image_b"][None])
            logits[name] = model.segment_all_changes(feats)
    assert logits["fsdp"].shape == (1, 1, 64, 64) and torch.isfinite(logits["fsdp"]).all()
    assert torch.allclose(logits["fsdp"], logits["ddp"], rtol=1e-3, atol=1e-3)


def test_fsdp_resumes_exactly(synth, fsdp, tmp_path):
    cut = tmp_path / "cut"
    # without validation: it changes neither the weights nor the random numbers (each micro-batch is seeded)
    _torchrun(synth, cut, "--fsdp", "--max-steps", "2", select=False)
    _torchrun(synth, cut, "--fsdp", "--resume", select=False)
    assert _column(cut, "loss") == _column(fsdp, "loss")  # identical floats
    assert _column(cut, "grad_norm") == _column(fsdp, "grad_norm")
    final, expected = (
        load_file(str(cut / "last/model.safetensors")),
        load_file(str(fsdp / "last/model.safetensors")),
    )
    assert all(torch.equal(final[k], expected[k]) for k in expected)


def test_fsdp_stage2_with_the_language_model_trains_like_ddp(synth, ddp, tmp_path):
    """Stage 2 enters the model twice per step (pair encoding, then decoding), calls the language model's
    embeddings several times per prompt and recomputes its layers (gradient checkpointing)."""
    stage2 = ["train", "--stage", "2", "--init", str(ddp / "last"), "--epochs", "1", "--max-steps", "2",
              "--freeze", "none", "--grad-checkpointing", *COMMON]  # fmt: skip
    runs = {"ddp": _one_process(synth, tmp_path / "ddp", stage2), "fsdp": tmp_path / "fsdp"}
    _torchrun(synth, runs["fsdp"], "--fsdp", base=stage2)
    for key in ("loss", "loss_lm", "grad_norm"):
        assert _column(runs["fsdp"], key) == pytest.approx(_column(runs["ddp"], key), rel=1e-5), key
    val = "validation_log.csv"  # every rank scores every expression under FSDP; rank 0's count
    assert _column(runs["fsdp"], "samples", val) == _column(runs["ddp"], "samples", val)
    assert _column(runs["fsdp"], "mIoU", val) == pytest.approx(_column(runs["ddp"], "mIoU", val), abs=1e-3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--fsdp"], "it needs torchrun with 2 or more processes"),
        (["--fsdp", "--lora-rank", "2"], "--fsdp and --lora-rank do not combine"),
        (["--dist-timeout", "0"], "--dist-timeout must be positive"),
    ],
)
def test_fsdp_and_timeout_user_errors(synth, tmp_path, capsys, extra, message):
    args = [*STAGE1, "--data", str(synth), "--out", str(tmp_path / "x"), *extra]
    if "--lora-rank" in extra:
        args[2] = "2"  # LoRA is a stage-2 option: the clash with --fsdp is what is refused
    assert mtrs(args) == 2
    assert message in capsys.readouterr().err

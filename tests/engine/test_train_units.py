"""Unit tests of the training machinery that needs no model: batch plans, schedule, checkpoints, logs."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import torch

from engine.errors import InputError
from engine.model.features import shared_pairs
from engine.train import checkpoint as ckpt
from engine.train import config as train_config
from engine.train.sampler import (
    BatchPlan,
    StepBatchSampler,
    epoch_permutation,
    eval_shard,
    grouped_permutation,
)
from engine.train.schedule import build_optimizer, build_scheduler
from engine.train.train_log import StepLog, plot_curves, read_log


def test_ddp_ranks_and_accumulation_see_the_same_samples_per_step():
    perm = epoch_permutation(37, seed=3, epoch=1)
    single = StepBatchSampler(perm, BatchPlan(micro_batch=2, grad_accum=4, world_size=1), rank=0)
    ranks = [StepBatchSampler(perm, BatchPlan(2, 2, world_size=2), rank=r) for r in (0, 1)]
    assert single.n_steps == ranks[0].n_steps == 37 // 8
    for step in range(single.n_steps):
        one = sorted(i for mb in single.micro_batches(step) for i in mb)
        two = sorted(i for r in ranks for mb in r.micro_batches(step) for i in mb)
        assert one == two == sorted(perm[step * 8 : (step + 1) * 8].tolist())
    # resuming at step 2 yields exactly the tail of the uninterrupted sequence
    full = list(StepBatchSampler(perm, BatchPlan(2, 4), rank=0))
    tail = list(StepBatchSampler(perm, BatchPlan(2, 4), rank=0, start_step=2))
    assert tail == full[2 * 4 :]
    assert len(tail) == (single.n_steps - 2) * 4


def test_permutation_depends_on_seed_and_epoch_only():
    assert torch.equal(epoch_permutation(50, 1, 2), epoch_permutation(50, 1, 2))
    assert not torch.equal(epoch_permutation(50, 1, 2), epoch_permutation(50, 1, 3))
    assert not torch.equal(epoch_permutation(50, 1, 2), epoch_permutation(50, 2, 2))


def test_grouped_permutation_keeps_each_pair_together_and_shuffles_pairs():
    groups = [f"p{i // 3}" for i in range(30)] + ["p10", "p11"]  # ten pairs of 3, two singletons
    perm = grouped_permutation(groups, seed=4, epoch=0).tolist()
    assert sorted(perm) == list(range(32))
    runs = [groups[i] for i in perm]
    # each pair forms one contiguous run, in file order
    seen = [k for k, _ in itertools.groupby(runs)]
    assert len(seen) == len(set(seen)) == 12
    for key in set(groups):
        idx = [i for i in perm if groups[i] == key]
        assert idx == sorted(idx)
    assert perm != sorted(perm)  # pairs are shuffled
    assert torch.equal(grouped_permutation(groups, 4, 0), grouped_permutation(groups, 4, 0))
    assert not torch.equal(grouped_permutation(groups, 4, 0), grouped_permutation(groups, 4, 1))


def test_shared_pairs_merges_only_identical_images_of_the_same_pair():
    a = torch.rand(5, 3, 4, 4)
    b = torch.rand(5, 3, 4, 4)
    a[1], b[1] = a[0], b[0]  # same pair, same pixels: shared
    a[3], b[3] = a[2], b[2]
    a[3, 0, 0, 0] += 1  # same pair key but augmented differently: not shared
    a[4], b[4] = a[0], b[0]  # identical pixels but another pair key: not shared
    unique, index = shared_pairs(a, b, ["x", "x", "y", "y", "z"])
    assert unique.tolist() == [0, 2, 3, 4]
    assert index.tolist() == [0, 0, 1, 2, 3]


def test_batch_plan_resolution_and_errors():
    assert BatchPlan.resolve(micro_batch=4, grad_accum=None, global_batch=128, world_size=4).grad_accum == 8
    assert BatchPlan.resolve(micro_batch=4, grad_accum=3, global_batch=None, world_size=2).global_batch == 24
    with pytest.raises(InputError):
        BatchPlan.resolve(micro_batch=3, grad_accum=None, global_batch=16, world_size=1)
    with pytest.raises(InputError):
        BatchPlan.resolve(micro_batch=4, grad_accum=2, global_batch=16, world_size=1)


def test_eval_shard_covers_every_sample_once_without_padding():
    shards = [eval_shard(11, r, 4) for r in range(4)]
    assert sorted(i for s in shards for i in s) == list(range(11))


def test_warmup_cosine_schedule_shape():
    opt = build_optimizer([torch.nn.Parameter(torch.ones(1))], lr=1.0)
    (factor,) = build_scheduler(opt, total_steps=100, warmup_ratio=0.05).lr_lambdas
    f = [factor(s) for s in range(101)]
    assert f[0] == 0.0 and f[5] == pytest.approx(1.0) and f[100] == pytest.approx(0.0, abs=1e-12)
    assert all(a <= b for a, b in itertools.pairwise(f[:6]))  # rising warm-up
    assert all(a >= b for a, b in itertools.pairwise(f[5:]))  # falling cosine
    assert f[52] == pytest.approx(0.5, abs=0.02)  # half-way through the decay


def test_optimizer_and_scheduler_state_round_trip_with_weights_only(tmp_path):
    w = torch.nn.Parameter(torch.ones(3))
    opt = build_optimizer([w], lr=0.1)
    sched = build_scheduler(opt, total_steps=20, warmup_ratio=0.05)
    for _ in range(3):
        (w**2).sum().backward()
        opt.step()
        sched.step()
        opt.zero_grad()
    ckpt.save_trainer_state(tmp_path, {"optimizer": opt.state_dict(), "scheduler": sched.state_dict()})
    state = ckpt.load_trainer_state(tmp_path)
    opt2 = build_optimizer([torch.nn.Parameter(w.detach().clone())], lr=0.1)
    sched2 = build_scheduler(opt2, total_steps=20, warmup_ratio=0.05)
    opt2.load_state_dict(state["optimizer"])
    sched2.load_state_dict(state["scheduler"])
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert torch.equal(opt2.state_dict()["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])


def test_rng_capture_restore_is_exact():
    random.seed(1), np.random.seed(1), torch.manual_seed(1)
    state = ckpt.capture_rng()
    a = (random.random(), np.random.rand(), torch.rand(2))
    random.seed(9), np.random.seed(9), torch.manual_seed(9)
    ckpt.restore_rng(state)
    b = (random.random(), np.random.rand(), torch.rand(2))
    assert a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def test_trainer_state_refuses_pickled_objects(tmp_path):
    import argparse  # any non-allow-listed class stands for arbitrary pickled code

    torch.save({"format": ckpt.STATE_FORMAT, "x": argparse.Namespace(a=1)}, tmp_path / ckpt.TRAINER_STATE)
    with pytest.raises(InputError, match="cannot read"):
        ckpt.load_trainer_state(tmp_path)


def test_atomic_write_replaces_or_keeps_the_old_checkpoint(tmp_path):
    dst = tmp_path / "last"

    def write(tag):
        def fn(folder):
            ckpt.save_trainer_state(folder, {"tag": tag})

        return fn

    ckpt.atomic_write_dir(dst, write("one"))
    ckpt.atomic_write_dir(dst, write("two"))
    assert ckpt.load_trainer_state(dst)["tag"] == "two"

    def crash(folder):
        (folder / "half").write_text("x")
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        ckpt.atomic_write_dir(dst, crash)
    assert ckpt.load_trainer_state(dst)["tag"] == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["last"]  # no temporary left behind
    # a crash between the two renames leaves only last.old: it is still found
    dst.rename(tmp_path / "last.old")
    assert ckpt.resolve_checkpoint(dst) == tmp_path / "last.old"


def test_step_log_drops_rows_after_the_checkpoint_on_resume(tmp_path):
    path = tmp_path / "log.csv"
    log = StepLog(path)
    for s in range(1, 6):
        log.write({"step": s, "epoch": 0, "lr": 0.1, "loss": 1.0 / s, "samples_per_s": 1.0, "seconds": 0.0})
    log.close()
    log = StepLog(path, resume_step=3)
    log.write(
        {"step": 4, "epoch": 0, "lr": 0.1, "loss": 0.123456789012345, "samples_per_s": 1.0, "seconds": 0.0}
    )
    log.close()
    rows = read_log(path)
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4]
    assert float(rows[-1]["loss"]) == 0.123456789012345  # full float precision kept
    png = plot_curves(path, tmp_path / "curve.png")
    assert png is not None and png.stat().st_size > 1000


@pytest.mark.parametrize("fast_bf16", [True, False])
def test_bf16_default_follows_device_preset_and_cpu(monkeypatch, fast_bf16):
    """bf16 autocast by default on a GPU, and on a CPU only for the tiny recipes on a CPU that computes bf16
    natively (stage 2: the vision part only); an explicit --bf16/--no-bf16 always wins."""
    monkeypatch.setattr(train_config, "cpu_computes_bf16", lambda: fast_bf16)

    def bf16(preset: str, stage: int, on_gpu: bool, flag: bool | None = None) -> bool:
        cfg = train_config.TrainConfig(stage=stage, data="d", out="o", preset=preset, bf16=flag)
        return cfg.resolve(preset, on_gpu=on_gpu, model_image_size=128).bf16

    assert bf16("mtrefseg-r1", 1, on_gpu=True) and bf16("mtrefseg-r1-tiny", 2, on_gpu=True)
    assert not bf16("mtrefseg-r1", 1, on_gpu=False) and not bf16("mtrefseg-r1", 2, on_gpu=False)
    assert bf16("mtrefseg-r1-tiny", 1, on_gpu=False) == fast_bf16
    assert bf16("mtrefseg-r1-tiny", 2, on_gpu=False) == fast_bf16
    assert not bf16("mtrefseg-r1-tiny", 1, on_gpu=False, flag=False)
    assert bf16("mtrefseg-r1", 2, on_gpu=False, flag=True)


def test_bf16_scope_defaults_and_validation():
    """The tiny stage-2 recipe limits bf16 to the vision part; every other recipe covers the whole pass;
    `--bf16-scope vision` is refused for stage 1 (which is all vision)."""

    def scope(preset: str, stage: int, flag: str | None = None) -> str:
        cfg = train_config.TrainConfig(stage=stage, data="d", out="o", preset=preset, bf16_scope=flag)
        cfg.validate()
        return cfg.resolve(preset, on_gpu=True, model_image_size=128).bf16_scope

    assert scope("mtrefseg-r1-tiny", 2) == "vision"
    assert scope("mtrefseg-r1-tiny", 1) == scope("mtrefseg-r1", 2) == scope("mtrefseg-r1", 1) == "all"
    assert scope("mtrefseg-r1-tiny", 2, "all") == "all" and scope("mtrefseg-r1", 2, "vision") == "vision"
    with pytest.raises(InputError, match="stage 2 only"):
        scope("mtrefseg-r1-tiny", 1, "vision")
    with pytest.raises(InputError, match="bf16-scope"):
        scope("mtrefseg-r1-tiny", 2, "language")


def test_model_settings_apply_to_fresh_models_only():
    cfg = train_config.TrainConfig(stage=2, data="d", out="o", init="ckpt", model_overrides={"fusion": "avg"})
    with pytest.raises(InputError, match="fresh model only"):
        cfg.validate()

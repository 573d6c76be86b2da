"""The learning-rate schedules come from transformers; these tests pin them to the formulas MTRS used before
(written out here), so a resumed run or a recipe keeps exactly the same rates."""

from __future__ import annotations

import math

import pytest
import torch

from engine.train import checkpoint as ckpt
from engine.train.schedule import build_optimizer, build_scheduler


def cosine_before(step: int, warmup: int, total: int) -> float:
    """Linear warm-up, then half a cosine from 1 to 0 over the remaining steps."""
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))))


def constant_before(step: int, warmup: int) -> float:
    return step / max(1, warmup) if step < warmup else 1.0


def rates(kind: str, total: int, warmup_ratio: float, lr: float = 0.25) -> list[float]:
    """The rate of every optimiser step 0…total as the training loop sees it (scheduler steps after each)."""
    opt = build_optimizer([torch.nn.Parameter(torch.ones(2))], lr=lr)
    sched = build_scheduler(opt, total_steps=total, warmup_ratio=warmup_ratio, kind=kind)
    out = []
    for _ in range(total + 1):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize(("total", "warmup_ratio"), [(100, 0.05), (37, 0.1), (10, 0.0), (8, 1.0), (1, 0.03)])
def test_cosine_schedule_equals_the_previous_formula(total: int, warmup_ratio: float) -> None:
    warmup = math.ceil(total * warmup_ratio)
    got = rates("cosine", total, warmup_ratio)
    want = [0.25 * cosine_before(s, warmup, total) for s in range(total + 1)]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-15)
    if warmup < total:  # (with the warm-up filling the run, the decay never starts, in both)
        assert got[-1] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize(("total", "warmup_ratio"), [(100, 0.05), (37, 0.1), (10, 0.0), (8, 1.0)])
def test_constant_schedule_equals_the_previous_formula(total: int, warmup_ratio: float) -> None:
    warmup = math.ceil(total * warmup_ratio)
    got = rates("constant", total, warmup_ratio)
    assert got == pytest.approx([0.25 * constant_before(s, warmup) for s in range(total + 1)], rel=1e-12)


def test_the_two_schedules_differ_and_an_unknown_one_is_refused() -> None:
    cosine, constant = rates("cosine", 20, 0.1), rates("constant", 20, 0.1)
    assert cosine[:3] == constant[:3] and cosine[10] < constant[10] == 0.25
    opt = build_optimizer([torch.nn.Parameter(torch.ones(1))], lr=1.0)
    with pytest.raises(ValueError, match="linear"):
        build_scheduler(opt, 10, 0.1, kind="linear")


@pytest.mark.parametrize("kind", ["cosine", "constant"])
def test_resumed_scheduler_continues_with_the_same_rates(tmp_path, kind: str) -> None:
    """The state goes through the trainer-state file (torch.load with weights_only=True) and the rates after
    resuming equal those of an uninterrupted run."""
    whole = rates(kind, 30, 0.1)
    w = torch.nn.Parameter(torch.ones(2))
    opt = build_optimizer([w], lr=0.25)
    sched = build_scheduler(opt, 30, 0.1, kind)
    for _ in range(12):
        opt.step()
        sched.step()
    ckpt.save_trainer_state(tmp_path, {"optimizer": opt.state_dict(), "scheduler": sched.state_dict()})
    state = ckpt.load_trainer_state(tmp_path)
    opt2 = build_optimizer([torch.nn.Parameter(w.detach().clone())], lr=0.25)
    sched2 = build_scheduler(opt2, 30, 0.1, kind)
    opt2.load_state_dict(state["optimizer"])
    sched2.load_state_dict(state["scheduler"])
    resumed = []
    for _ in range(12, 31):
        resumed.append(opt2.param_groups[0]["lr"])
        opt2.step()
        sched2.step()
    assert resumed == pytest.approx(whole[12:], rel=1e-12)

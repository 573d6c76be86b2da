"""The learning benchmark's command lines: what each stage of `bench/train_benchmark.py` asks of `mtrs train`.

The full benchmark takes ~30 CPU-minutes and is run by hand (docs/benchmarks/training.md); these tests keep
its defaults and its stage-only options from drifting silently.
"""

from __future__ import annotations

import pytest

from tests.bench.conftest import load_script


@pytest.fixture(scope="module")
def bench():
    return load_script("bench/train_benchmark.py")


def _flag(cmd: list[str], name: str) -> str | None:
    return cmd[cmd.index(name) + 1] if name in cmd else None


def test_defaults_spend_the_step_budget_on_6000_pairs(bench, tmp_path):
    args = bench.parse_args([])
    assert (args.train_pairs, args.stage1_epochs, args.stage2_epochs) == (6000, 1, 8)
    stage1 = bench.stage_command(args, 1, tmp_path / "train", tmp_path / "s1", None)
    stage2 = bench.stage_command(args, 2, tmp_path / "train", tmp_path / "s2", tmp_path / "s1" / "last")
    assert _flag(stage1, "--preset") == "mtrefseg-r1-tiny" and _flag(stage1, "--epochs") == "1"
    assert _flag(stage2, "--init") == str(tmp_path / "s1" / "last") and _flag(stage2, "--epochs") == "8"
    assert "--preset" not in stage2


def test_stage1_args_reach_stage1_only_and_epochs_0_keeps_the_preset_default(bench, tmp_path):
    args = bench.parse_args(
        [
            "--stage1-args",
            "--model-set decoder_layers=3 --model-set 'prompt_template=[INST] <image> and <image>: <refer>'",
            "--train-args",
            "--seed 2",
            "--stage2-epochs",
            "0",
        ]
    )
    stage1 = bench.stage_command(args, 1, tmp_path, tmp_path / "s1", None)
    stage2 = bench.stage_command(args, 2, tmp_path, tmp_path / "s2", tmp_path / "s1" / "last")
    assert stage1.count("--model-set") == 2
    assert "prompt_template=[INST] <image> and <image>: <refer>" in stage1  # quoted values stay whole
    assert "--model-set" not in stage2  # a checkpoint keeps its own configuration
    assert _flag(stage1, "--seed") == _flag(stage2, "--seed") == "2"
    assert "--epochs" not in stage2

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
    assert (args.train_pairs, args.stage1_epochs, args.stage2_epochs) == (6000, 1, 9)
    stage1 = bench.stage_command(args, 1, tmp_path / "train", tmp_path / "s1", None)
    stage2 = bench.stage_command(args, 2, tmp_path / "train", tmp_path / "s2", tmp_path / "s1" / "last")
    assert _flag(stage1, "--preset") == "mtrefseg-r1-tiny" and _flag(stage1, "--epochs") == "1"
    assert _flag(stage2, "--init") == str(tmp_path / "s1" / "last") and _flag(stage2, "--epochs") == "9"
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


def test_stage1_pairs_are_the_first_pairs_of_the_stage2_set(bench, tmp_path):
    """--stage1-pairs N: stage 1 trains on a folder of its own holding exactly the first N pairs of the
    stage-2 set (same seed, same pixels and annotations); without it, both stages share the set."""
    args = bench.parse_args(["--train-pairs", "5", "--stage1-pairs", "2", "--size", "64"])
    train = tmp_path / "train"
    bench.synthesise(train, args.train_pairs, 1, args.size, reuse=False)
    folder, pairs, _ = bench.stage1_training_set(args, train)
    assert (folder, pairs) == (tmp_path / "train_stage1", 2)
    subset = sorted(
        p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.name != "synth_meta.json"
    )
    assert sum(rel.suffix == ".json" for rel in subset) == 2 and len(subset) > 6  # JSONs, images, masks
    for rel in subset:
        assert (folder / rel).read_bytes() == (train / rel).read_bytes(), rel
    whole = bench.parse_args(["--train-pairs", "5", "--stage1-pairs", "0"])
    assert bench.stage1_training_set(whole, train)[:2] == (train, 5)

"""Reliability of model loading: damaged or hand-edited checkpoints (cases L18–L21, L45 and N53–N61).
Every case fails before the model's memory is allocated, or (N60) as soon as the model predicts NaN."""

from __future__ import annotations

import json
import pickle
import resource

import pytest
import torch
from safetensors.torch import load_file, save_file

from tests.reliability.conftest import assert_clean_failure, mtrs, snapshot

P = ["--prompt", "brighter", "--quiet"]


@pytest.fixture
def model_dir(tmp_path, tiny_checkpoint):
    """A copy of the tiny checkpoint inside the case's folder (so the snapshot covers it)."""
    target = tmp_path / "model"
    target.mkdir()
    for f in tiny_checkpoint.iterdir():
        (target / f.name).write_bytes(f.read_bytes())
    return target


def edit_config(model_dir, change) -> None:
    path = model_dir / "config.json"
    meta = json.loads(path.read_text())
    change(meta)
    path.write_text(json.dumps(meta))


def _run(pair, tmp_path, model_dir, phrase):
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--model", model_dir, *P, "-o", tmp_path / "o.gpkg")
    return assert_clean_failure(run, before, tmp_path, phrase)


# -- L18–L21: config.json ------------------------------------------------------------------------------------
def test_L18_config_without_its_config_key(pair, tmp_path, model_dir) -> None:
    edit_config(model_dir, lambda m: m.pop("config"))
    _run(pair, tmp_path, model_dir, "has no model configuration ('config' is missing)")


def test_L19_non_integer_format_version(pair, tmp_path, model_dir) -> None:
    edit_config(model_dir, lambda m: m.update(format_version="two"))
    _run(pair, tmp_path, model_dir, "'format_version' must be a positive integer")


def test_L20_string_where_a_number_belongs(pair, tmp_path, model_dir) -> None:
    edit_config(model_dir, lambda m: m["config"].update(hidden_dim="64"))
    _run(pair, tmp_path, model_dir, "'hidden_dim' must be an integer")


@pytest.mark.parametrize(
    ("case", "vocabulary", "phrase"),
    [("L21", 200_000_000, "'lm_vocab_size' = 200000000 is out of range"), ("N61", 5_000_000, "embed")],
)
def test_L21_N61_absurd_vocabulary_is_refused_before_allocation(
    pair, tmp_path, model_dir, case, vocabulary, phrase
) -> None:
    """2e8 is out of any sensible range; 5e6 is in range, but the weights file's embedding has another
    shape: refused by comparing shapes on the meta device, before 2.6 GB are allocated."""
    edit_config(model_dir, lambda m: m["config"].update(lm_vocab_size=vocabulary))
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _run(pair, tmp_path, model_dir, phrase)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    assert grown_mb < 512, grown_mb


# -- L45: pickled weights ------------------------------------------------------------------------------------
class _Payload:
    """Any object other than tensors: torch refuses it with weights_only=True."""


def test_L45_unsafe_pickle_is_refused_without_relaying_torchs_advice(pair, tmp_path, model_dir) -> None:
    (model_dir / "model.safetensors").unlink()
    with open(model_dir / "pytorch_model.bin", "wb") as fh:
        pickle.dump({"weight": _Payload()}, fh)
    message = _run(pair, tmp_path, model_dir, "does not unpickle")
    assert "weights_only" not in message and "arbitrary code" not in message


# -- N53–N60: more damaged checkpoints -----------------------------------------------------------------------
def test_N53_weights_file_missing(pair, tmp_path, model_dir) -> None:
    (model_dir / "model.safetensors").unlink()
    _run(pair, tmp_path, model_dir, "model.safetensors is missing")


def test_N54_model_given_as_a_file(pair, tmp_path, model_dir) -> None:
    _run(pair, tmp_path, model_dir / "config.json", "is a file")


def test_N55_config_not_json(pair, tmp_path, model_dir) -> None:
    (model_dir / "config.json").write_text("{not json")
    _run(pair, tmp_path, model_dir, "not valid JSON")


def test_N56_config_with_an_unknown_field(pair, tmp_path, model_dir) -> None:
    edit_config(model_dir, lambda m: m["config"].update(warp_drive=True))
    _run(pair, tmp_path, model_dir, "unknown fields: warp_drive")


def test_N57_truncated_weights(pair, tmp_path, model_dir) -> None:
    data = (model_dir / "model.safetensors").read_bytes()
    (model_dir / "model.safetensors").write_bytes(data[: len(data) // 2])
    _run(pair, tmp_path, model_dir, "corrupt")


def test_N58_tensor_of_the_wrong_shape(pair, tmp_path, model_dir) -> None:
    state = load_file(str(model_dir / "model.safetensors"))
    name = next(k for k in state if k.endswith(".weight") and state[k].ndim == 2)
    state[name] = torch.zeros(3, 3)
    save_file(state, str(model_dir / "model.safetensors"))
    _run(pair, tmp_path, model_dir, name)


def test_N59_negative_size_in_config(pair, tmp_path, model_dir) -> None:
    edit_config(model_dir, lambda m: m["config"].update(decoder_layers=-2))
    _run(pair, tmp_path, model_dir, "out of range")


def test_N60_finite_but_absurd_weights_give_a_model_error_not_zero_polygons(
    pair, tmp_path, model_dir
) -> None:
    state = load_file(str(model_dir / "model.safetensors"))
    for k in state:
        if k.startswith("vision_encoder") and state[k].is_floating_point():
            state[k] = torch.full_like(state[k], 3.0e38)
    save_file(state, str(model_dir / "model.safetensors"))
    _run(pair, tmp_path, model_dir, "produced NaN")

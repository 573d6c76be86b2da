"""Reliability of prompts and options (cases L16, L17, L22, L23, L39–L44 and N40–N52,
N77)."""

from __future__ import annotations

import pytest

import engine.pipeline.loading as pipeline_loading
from tests.reliability.conftest import (
    NULL,
    assert_clean_failure,
    assert_success,
    mtrs,
    read_features,
    run_record,
    snapshot,
)

P = ["--prompt", "brighter", "--quiet"]


@pytest.fixture
def no_model_load(monkeypatch):
    """Fails the case if any model is loaded: the checks under test must come before."""
    calls = []

    def load(*args, **kw):
        calls.append(args)
        raise AssertionError("the model was loaded before the option was checked")

    monkeypatch.setattr(pipeline_loading, "load", load)
    return calls


# -- L16–L17, L39–L41: prompts -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "content", "phrase"),
    [
        ("L16", bytes(range(256)) * 4, "not a text file"),
        ("L17", "bâtiments détruits\n".encode("latin-1"), "not UTF-8"),
        ("L41", b"# only a comment\n\n   \n", "has no prompt"),
    ],
)
def test_L16_L17_L41_unusable_prompts_files(pair, tmp_path, no_model_load, case, content, phrase) -> None:
    (tmp_path / "prompts.txt").write_bytes(content)
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--prompts", tmp_path / "prompts.txt", "--quiet", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, phrase)


def test_L39_very_long_prompt_is_refused_before_the_model_loads(pair, tmp_path, no_model_load) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--prompt", "x" * 10_000, "--quiet", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "too long")
    assert "Token indices" not in run.err and not no_model_load


def test_L40_nul_byte_in_a_prompt_is_refused(pair, tmp_path, no_model_load) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--prompt", "new\x00roofs", "--quiet", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "control character")


# -- L22–L23, L42–L44: options -------------------------------------------------------------------------------
def test_L22_huge_tile_is_refused_before_any_allocation(pair, tmp_path, no_model_load) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *P, "--tile", "100000", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "tile must be a multiple of 32 between 32 and 8192")


def test_L22b_tile_larger_than_the_raster_is_bounded_by_it(pair, tmp_path) -> None:
    run = mtrs("predict", *pair, *NULL, *P, "--tile", "8192", "-o", tmp_path / "o.gpkg")
    assert_success(run)
    assert run_record(tmp_path / "o.gpkg")["tiling"]["tile"] == 256  # the null model's size, not 8192


def test_L23_malformed_null_model_spec(pair, tmp_path) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--model", "null:brighter:abc", *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "bad tile size")


def test_L42_a_file_where_a_folder_is_expected(pair, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("a file")
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "-o", tmp_path / "notes.txt" / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "notes.txt is a file, not a folder")


def test_L43_simplify_nan_is_refused(pair, tmp_path, no_model_load) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *P, "--simplify", "nan", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "simplify must be a finite number")


def test_L44_small_tile_names_the_default_overlap(pair, tmp_path, no_model_load, monkeypatch) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *P, "--tile", "32", "-o", tmp_path / "o.gpkg")
    message = assert_clean_failure(run, before, tmp_path, "(the default)")
    assert "--overlap 8" in message
    monkeypatch.undo()  # the advice works:
    assert_success(
        mtrs("predict", *pair, *NULL, *P, "--tile", "32", "--overlap", "8", "-o", tmp_path / "o.gpkg")
    )
    assert read_features(tmp_path / "o.gpkg")[0][0]["area_m2"] == pytest.approx(400)


# -- N40–N52: more options -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "flags", "phrase"),
    [
        ("N40", ["--threshold", "0"], "threshold must be in (0, 1]"),
        ("N41", ["--threshold", "1.5"], "threshold must be in (0, 1]"),
        ("N42", ["--threshold", "nan"], "threshold must be a finite number"),
        ("N43", ["--batch-size", "0"], "batch size must be at least 1"),
        ("N44", ["--overlap", "-1"], "overlap must not be negative"),
        ("N45", ["--min-area", "-5"], "must not be negative"),
        ("N46", ["--fill-holes", "inf"], "fill-holes must be a finite number"),
        ("N47", ["--device", "tpu"], "unknown device"),
        ("N48", ["--tile", "100"], "multiple of 32"),
    ],
)
def test_N40_N48_bad_numbers_and_names(pair, tmp_path, no_model_load, case, flags, phrase) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *P, *flags, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, phrase)


def test_N49_whitespace_prompt(pair, tmp_path, no_model_load) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--prompt", "   ", "--quiet", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "empty prompt")


def test_N50_all_changes_with_a_prompt(pair, tmp_path, no_model_load) -> None:
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, "--all-changes", *P, "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "takes no prompt")


def test_N51_prompts_file_is_not_replaced_by_an_output(pair, tmp_path) -> None:
    (tmp_path / "p.geojson").write_text("brighter\n")
    before = snapshot(tmp_path)
    run = mtrs(
        "predict",
        *pair,
        *NULL,
        "--prompts",
        tmp_path / "p.geojson",
        "--quiet",
        "-o",
        tmp_path / "p.geojson",
        "--overwrite",
    )
    assert_clean_failure(run, before, tmp_path, "is an input")


def test_N52_cuda_requested_without_a_gpu(pair, tmp_path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    before = snapshot(tmp_path)
    run = mtrs("predict", *pair, *NULL, *P, "--device", "cuda", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "no CUDA GPU")


def test_N77_tile_bounded_by_memory(tmp_path, monkeypatch) -> None:
    """On a machine with little free memory a large tile is refused before any buffer is allocated (the
    free memory is what psutil reports: here set to 20 MB, as on a busy small machine)."""
    from collections import namedtuple

    import psutil

    from tests.reliability.conftest import square_pair

    e, l_ = square_pair(tmp_path, size=1024)
    free = namedtuple("svmem", "available total")(20 * 1024**2, 8 * 1024**3)
    monkeypatch.setattr(psutil, "virtual_memory", lambda: free)
    before = snapshot(tmp_path)
    run = mtrs("predict", e, l_, *NULL, *P, "--tile", "1024", "-o", tmp_path / "o.gpkg")
    assert_clean_failure(run, before, tmp_path, "GB are available")
    monkeypatch.undo()
    assert_success(mtrs("predict", e, l_, *NULL, *P, "--tile", "1024", "-o", tmp_path / "o.gpkg"))

"""Training checkpoints: a model folder in `save_pretrained` format (so `load_model(out/last)` just works)
plus `trainer_state.pt` with everything needed to continue bit-exactly (optimiser, scheduler, RNG states of
every rank, epoch / step / data position).

Safety: the trainer state holds only tensors, numbers, strings, lists and dicts and is read back with
`torch.load(weights_only=True)`, so a checkpoint can never execute code. Atomicity: a checkpoint is written
into a temporary sibling folder and renamed into place; a crash leaves either the old or the new one.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from engine.errors import InputError

TRAINER_STATE = "trainer_state.pt"
STATE_FORMAT = 1


def capture_rng() -> dict:
    """This process's RNG states as plain data (tuples -> lists, numpy arrays -> tensors)."""
    py_version, py_state, py_gauss = random.getstate()
    np_name, np_keys, np_pos, np_has_gauss, np_gauss = np.random.get_state()
    state = {
        "python": [py_version, list(py_state), py_gauss],
        "numpy": [np_name, torch.from_numpy(np_keys.astype(np.int64)), np_pos, np_has_gauss, np_gauss],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict) -> None:
    py_version, py_state, py_gauss = state["python"]
    random.setstate((py_version, tuple(py_state), py_gauss))
    np_name, np_keys, np_pos, np_has_gauss, np_gauss = state["numpy"]
    np.random.set_state((np_name, np_keys.numpy().astype(np.uint32), np_pos, np_has_gauss, np_gauss))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def atomic_write_dir(dst: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_dir)` then move `tmp_dir` to `dst`, replacing an existing `dst`.

    Two renames are needed to replace a non-empty folder; in between, the previous checkpoint lives at
    `dst.old`, which `resolve_checkpoint` falls back to, so there is no window without a usable checkpoint.
    """
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dst.name}.tmp-", dir=dst.parent))
    try:
        write(tmp)
        _fsync_dir_files(tmp)
        old = dst.with_name(dst.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if dst.exists():
            os.replace(dst, old)
        os.replace(tmp, dst)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dst


def _fsync_dir_files(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def resolve_checkpoint(path: Path) -> Path | None:
    """The usable checkpoint at `path` (or its `.old` twin left by a crash mid-replace), else None."""
    path = Path(path)
    for candidate in (path, path.with_name(path.name + ".old")):
        if (candidate / TRAINER_STATE).is_file():
            return candidate
    return None


def save_trainer_state(folder: Path, state: dict) -> None:
    torch.save({"format": STATE_FORMAT, **state}, Path(folder) / TRAINER_STATE)


def load_trainer_state(folder: Path) -> dict:
    path = Path(folder) / TRAINER_STATE
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputError(f"no trainer state in {folder}", hint="is this a training output folder?") from None
    except Exception as exc:  # an unpickling refusal or a truncated file: either way not resumable
        raise InputError(f"cannot read {path}: {exc}", hint="the checkpoint is corrupt or not ours") from exc
    if state.get("format") != STATE_FORMAT:
        raise InputError(f"{path} has trainer-state format {state.get('format')}, expected {STATE_FORMAT}")
    return state

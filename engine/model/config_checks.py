"""Checks of a checkpoint BEFORE anything is built from it: config.json's structure and value types and
ranges, then the tensors against the model's shapes, the memory the model needs and finiteness.

Why: a damaged or hand-edited config.json used to fail deep inside the model's constructor with a
TypeError (a string where a number belongs), a KeyError (no "config"), or by allocating ~100 GB for an
absurd vocabulary before any shape was compared; a checkpoint with a few flipped bytes loaded, gave NaN
weights and reported "0 polygons". Each of these is now one ModelError naming the file and the field.

`check_checkpoint_meta` runs on the parsed config.json (engine.model.checkpoint.read_config);
`check_before_allocation` on the model built on the meta device (no memory) and the tensors read from the
weights file, before the model's memory is allocated (engine.model.loading.load_model).
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import Any

from engine.errors import ModelError

MAX_INT = 10_000_000  # no width, depth, vocabulary or size of a sensible model comes near this
MAX_IMAGE_SIZE = 8192
MEMORY_FRACTION = 0.9  # of the available RAM a model's parameters may take

_HINT = "the checkpoint's config.json is damaged or hand-edited; re-save or re-download the model"


def _kind(type_text: str) -> str | None:
    """'int', 'float', 'str', 'bool', 'ints', 'floats', 'dict' from a field's annotation text."""
    t = type_text.replace(" ", "")
    simple = {"int": "int", "float": "float", "str": "str", "bool": "bool"}
    if t in simple:
        return simple[t]
    m = re.fullmatch(r"tuple\[(int|float),\.\.\.\]", t)
    if m:
        return m.group(1) + "s"
    if t.startswith("dict["):
        return "dict"
    return None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool)) and math.isfinite(v)


def _field_problem(name: str, kind: str, value: Any) -> str | None:
    if kind == "int":
        if not _is_int(value):
            return f"'{name}' must be an integer, got {value!r}"
        if not 0 <= value <= MAX_INT:
            return f"'{name}' = {value} is out of range (0 to {MAX_INT:,})"
    elif kind == "float":
        if not _is_number(value):
            return f"'{name}' must be a finite number, got {value!r}"
    elif kind == "str":
        if not isinstance(value, str):
            return f"'{name}' must be a string, got {value!r}"
    elif kind == "bool":
        if not isinstance(value, bool):
            return f"'{name}' must be true or false, got {value!r}"
    elif kind in ("ints", "floats"):
        check = _is_int if kind == "ints" else _is_number
        if not isinstance(value, list | tuple) or not all(check(v) for v in value):
            words = "integers" if kind == "ints" else "finite numbers"
            return f"'{name}' must be a list of {words}, got {value!r}"
        if kind == "ints" and any(not 0 <= v <= MAX_INT for v in value):
            return f"'{name}' has a value out of range (0 to {MAX_INT:,}): {value!r}"
    elif kind == "dict" and not isinstance(value, dict):
        return f"'{name}' must be an object, got {value!r}"
    return None


def check_checkpoint_meta(meta: Any, path: str | Path) -> None:
    """ModelError for a config.json whose structure or values cannot describe a model (see module doc)."""
    from engine.model.config import ModelConfig

    if not isinstance(meta, dict):
        raise ModelError(f"{path} is not a JSON object", hint=_HINT)
    version = meta.get("format_version", 1)
    if not _is_int(version) or version < 1:
        raise ModelError(f"{path}: 'format_version' must be a positive integer, got {version!r}", hint=_HINT)
    config = meta.get("config")
    if not isinstance(config, dict):
        what = "missing" if config is None else "not an object"
        raise ModelError(f"{path} has no model configuration ('config' is {what})", hint=_HINT)
    kinds = {f.name: _kind(str(f.type)) for f in dataclasses.fields(ModelConfig)}
    problems = []
    for name, value in config.items():
        kind = kinds.get(name)
        if kind is None:  # unknown fields are reported by ModelConfig.from_dict; free-form ones pass
            continue
        problem = _field_problem(name, kind, value)
        if problem:
            problems.append(problem)
    size = config.get("image_size")
    if _is_int(size) and not 32 <= size <= MAX_IMAGE_SIZE:
        problems.append(f"'image_size' = {size} is out of range (32 to {MAX_IMAGE_SIZE})")
    if problems:
        raise ModelError(
            f"{path}: invalid model configuration: " + "; ".join(problems[:3])[:600],
            hint=_HINT,
        )


def check_before_allocation(model: Any, state: dict, origin: str) -> None:
    """On a model built on the meta device: every tensor read from the weights file must have the shape
    the config implies and be finite, and the model's parameters must fit in the available memory.

    Tensors the model has but the file lacks are left to the strict load (they may come from elsewhere)."""
    expected = model.state_dict()
    unexpected = [k for k in state if k not in expected]
    wrong = [k for k in state if k in expected and tuple(state[k].shape) != tuple(expected[k].shape)]
    if unexpected or wrong:
        parts = []
        if unexpected:
            more = f" (+{len(unexpected) - 1} more)" if len(unexpected) > 1 else ""
            parts.append(f"unexpected tensor {unexpected[0]!r}{more}")
        for k in wrong[:3]:
            shapes = f"{tuple(state[k].shape)}, expected {tuple(expected[k].shape)}"
            parts.append(f"tensor {k!r} has shape {shapes}")
        raise ModelError(
            f"{origin} does not match its config.json: " + "; ".join(parts),
            hint="the weights file is damaged or belongs to another model; re-save or re-download it",
        )
    need = sum(t.numel() * t.element_size() for t in expected.values())
    try:
        import psutil

        available = psutil.virtual_memory().available
    except Exception:
        available = None
    if available is not None and need > MEMORY_FRACTION * available:
        raise ModelError(
            f"the model described by {Path(origin).parent / 'config.json'} needs {need / 1e9:,.1f} GB for "
            f"its parameters; {available / 1e9:,.1f} GB of memory are available",
            hint=_HINT,
        )
    check_finite(state, origin)


def check_finite(state: dict, origin: str) -> None:
    """ModelError naming the first floating-point tensor with NaN or infinite values (a damaged file)."""
    import torch

    for key, tensor in state.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise ModelError(
                f"{origin} is damaged: tensor {key!r} contains NaN or infinite values",
                hint="re-download or re-save the model; a model with such weights predicts nothing",
            )

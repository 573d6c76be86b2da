"""Saving and loading MTRefSeg-R1 checkpoints; weights are data and are loaded safely (docs/MODEL.md
"Checkpoints").

A checkpoint is a folder: `config.json` (ModelConfig + format marker), `model.safetensors`, and the tokenizer
files. It is found as a local folder or a hub repository (huggingface_hub `snapshot_download`, with revision
pinning, the local cache, and HF_HUB_OFFLINE honoured). Weights are only read with safetensors (no pickle),
and every tensor is checked by name and shape so a wrong file fails with a message naming the tensor.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import torch

from engine.errors import ModelError
from engine.model.config import ModelConfig
from engine.model.config_checks import check_checkpoint_meta

FORMAT_NAME = "mtrs-mtrefseg-r1"
FORMAT_VERSION = 2  # 2: tensors may be left out and taken from pip packages (engine/model/package_weights.py)
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
HUB_PATTERNS = ["config.json", "model.safetensors", "tokenizer*", "special_tokens_map.json", "*.txt", "*.md"]


def save_checkpoint(model, directory: str | os.PathLike, *, omit_package_weights: bool = True) -> Path:
    """Write config.json + model.safetensors + tokenizer files into `directory` (created if needed).

    Tensors still identical to the pip package they came from are left out unless `omit_package_weights` is
    False (then the folder needs no package to load); format version 1 when nothing is left out."""
    from safetensors.torch import save_file

    from engine.model.package_weights import RECORD_KEY
    from engine.model.package_weights import omit_package_weights as omit

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    record = {}
    if omit_package_weights:
        state, record = omit(model, state)
    meta = {"format": FORMAT_NAME, "format_version": 2 if record else 1, "config": model.config.to_dict()}
    if record:
        meta[RECORD_KEY] = record
    (out / CONFIG_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp = out / (WEIGHTS_FILE + ".partial")
    save_file(state, str(tmp), metadata={"format": "pt", "mtrs_format": FORMAT_NAME})
    tmp.replace(out / WEIGHTS_FILE)  # atomic: a crash never leaves a truncated model.safetensors
    if model.tokenizer is not None:
        model.tokenizer.save_pretrained(str(out))
    return out


def resolve_source(source: str | os.PathLike, revision: str | None) -> tuple[Path, str | None]:
    """A local folder is used as is; anything else that looks like "owner/name" is fetched from the hub."""
    path = Path(source).expanduser()
    if path.is_dir():
        return path, revision
    text = str(source)
    if path.is_file():
        raise ModelError(
            f"model {text!r} is a file; a model is a folder with config.json and model.safetensors",
            hint="give the folder that holds the model's files",
        )
    if path.exists() or text.startswith((".", "/", "~")) or not HUB_ID.match(text):
        raise ModelError(
            f"model not found: {text!r} is neither a folder nor a hub id (owner/name)",
            hint="give a folder with config.json and model.safetensors, or a hub id like owner/name",
        )
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        local = snapshot_download(repo_id=text, revision=revision, allow_patterns=HUB_PATTERNS)
    except LocalEntryNotFoundError as exc:
        raise ModelError(
            f"model {text!r} (revision {revision or 'main'}) is not in the local cache "
            "and cannot be downloaded",
            hint="connect to the internet once, or download it elsewhere and pass the folder instead "
            "(HF_HUB_OFFLINE=1 forbids downloads)",
        ) from exc
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise ModelError(f"cannot fetch model {text!r} from the hub: {exc}") from exc
    local_path = Path(local)
    return local_path, revision or local_path.name  # snapshot folders are named by commit hash


def read_config(directory: Path) -> ModelConfig:
    cfg_path = directory / CONFIG_FILE
    if not cfg_path.is_file():
        raise ModelError(
            f"{cfg_path} is missing", hint="a model folder needs config.json and model.safetensors"
        )
    try:
        meta = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{cfg_path} is not valid JSON: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise ModelError(
            f"{cfg_path} is not an MTRS MTRefSeg-R1 checkpoint "
            f"(format {meta.get('format') if isinstance(meta, dict) else None!r})",
            hint="save models with MTRS (model.save_pretrained / mtrs train)",
        )
    check_checkpoint_meta(meta, cfg_path)  # types and ranges, before anything is built
    if int(meta.get("format_version", 0)) > FORMAT_VERSION:
        raise ModelError(f"{cfg_path} uses format version {meta['format_version']}", hint="update MTRS")
    return ModelConfig.from_dict(meta["config"])


def read_weights(directory: Path) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    weights = directory / WEIGHTS_FILE
    if not weights.is_file():
        legacy = [p for p in (directory / "pytorch_model.bin", directory / "model.pt") if p.is_file()]
        if legacy:
            # Legacy files: never unpickle arbitrary objects, tensors only.
            try:
                with warnings.catch_warnings():  # torch's notes on pickle protocols mean nothing to a user
                    warnings.simplefilter("ignore")
                    return torch.load(legacy[0], map_location="cpu", weights_only=True)
            except Exception as exc:
                if "weights only load failed" not in str(exc).lower():
                    raise ModelError(f"{legacy[0]} is corrupt or not a PyTorch weights file") from None
                # torch's own message advises weights_only=False, i.e. running the file's code: not relayed
                raise ModelError(
                    f"{legacy[0]} holds more than plain tensors (pickled objects, which can run code); "
                    "MTRS does not unpickle them",
                    hint="convert it to model.safetensors with a tool you trust, or re-save the model",
                ) from None
        raise ModelError(
            f"{weights} is missing", hint="a model folder needs config.json and model.safetensors"
        )
    try:
        return load_file(str(weights), device="cpu")
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelError(f"{weights} is corrupt or not a safetensors file: {exc}") from exc


def load_state_strict(model: torch.nn.Module, state: dict[str, torch.Tensor], origin: str) -> None:
    """Copy `state` into `model`; fail naming the first missing, unexpected or misshaped tensor."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [k for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(
                f"missing tensor {missing[0]!r}"
                + (f" (+{len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        if unexpected:
            parts.append(
                f"unexpected tensor {unexpected[0]!r}"
                + (f" (+{len(unexpected) - 1} more)" if len(unexpected) > 1 else "")
            )
        for k in wrong[:3]:
            parts.append(
                f"tensor {k!r} has shape {tuple(state[k].shape)}, expected {tuple(expected[k].shape)}"
            )
        raise ModelError(
            f"{origin} does not match its config.json: " + "; ".join(parts),
            hint="the weights file is damaged or belongs to another model; re-save or re-download it",
        )
    model.load_state_dict(state, strict=True)


def load_tokenizer(directory: Path, cfg: ModelConfig):
    from transformers import PreTrainedTokenizerFast

    from engine.model.language import prepare_tokenizer

    if not (directory / "tokenizer.json").is_file():
        raise ModelError(
            f"{directory / 'tokenizer.json'} is missing", hint="re-save the model with its tokenizer"
        )
    try:
        tok = PreTrainedTokenizerFast.from_pretrained(str(directory))
    except Exception as exc:  # tokenizers raises plain Exceptions on bad JSON
        raise ModelError(f"cannot read the tokenizer in {directory}: {exc}") from exc
    return prepare_tokenizer(tok, cfg)

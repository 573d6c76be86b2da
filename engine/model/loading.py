"""build_model / load_model: the two ways to obtain an MTRefSeg-R1 (new, or trained from a checkpoint)."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from engine.errors import ModelError
from engine.model.checkpoint import (
    load_state_strict,
    load_tokenizer,
    read_config,
    read_weights,
    resolve_source,
)
from engine.model.config import ModelConfig
from engine.model.config_checks import check_before_allocation
from engine.model.language import new_tokenizer
from engine.model.mtrefseg import MTRefSegR1
from engine.model.package_weights import load_package_weights, read_package_record, restore_package_weights

# The default model: the lite preset (pretrained EfficientNet-Lite0 + all-MiniLM-L6-v2, trained by
# scripts/train_lite_model.py; its card is README.md in the folder). The former tiny demo model stays beside
# it as a small, fast model for tests and demonstrations (`--model` DEMO_MODEL_DIR).
BUNDLED_MODEL_DIR = Path(__file__).resolve().parent.parent / "bundled" / "mtrefseg-r1-lite"
DEMO_MODEL_DIR = Path(__file__).resolve().parent.parent / "bundled" / "mtrefseg-r1-tiny-demo"


def build_model(
    cfg: ModelConfig,
    *,
    swin_weights: str | os.PathLike | None = None,
    phi: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
    package_weights: bool = True,
) -> MTRefSegR1:
    """A new model. Without base weights: random init (tests, toy training). With `swin_weights` (timm hub id
    or file) and/or `phi` (hub id or folder): those parts start from pretrained weights; the language-model
    dims and vocabulary then come from the Phi checkpoint. Parts whose config names a pip package (the lite
    preset's encoder and sentence encoder) start from that package's weights unless `package_weights` is
    False; the tokenizer of such a language model always comes from its package."""
    base_lm = old_vocab = pad_id = None
    tokenizer = None
    if phi is not None:
        from engine.model.base_weights import config_for_base_language_model, load_base_language_model
        from engine.model.language import prepare_tokenizer

        base_lm, tokenizer = load_base_language_model(phi)
        old_vocab = len(tokenizer)
        had_pad = tokenizer.pad_token is not None
        tokenizer = prepare_tokenizer(tokenizer, cfg)
        pad_id = None if had_pad else tokenizer.pad_token_id
        cfg = config_for_base_language_model(cfg, base_lm, len(tokenizer))
    else:
        tokenizer = new_tokenizer(cfg)
    model = MTRefSegR1(cfg, tokenizer=tokenizer)
    if base_lm is not None:
        from engine.model.base_weights import copy_base_language_model

        copy_base_language_model(model.language_model, base_lm, old_vocab, pad_id)
        model.model_id = f"{cfg.name}+{phi}"
        del base_lm
    if swin_weights is not None:
        from engine.model.base_weights import load_swin_weights

        load_swin_weights(model.vision_encoder, swin_weights)
    if package_weights:
        load_package_weights(model)
    if device is not None:
        model.to(device)
    return model


def load_model(
    source: str | os.PathLike | None = None,
    revision: str | None = None,
    device: str | torch.device = "cpu",
) -> MTRefSegR1:
    """A trained model from a folder or hub id; None = the bundled demo model. Returns it in eval mode."""
    if source is None:
        if not (BUNDLED_MODEL_DIR / "config.json").is_file():
            raise ModelError(
                f"the bundled model is missing ({BUNDLED_MODEL_DIR})",
                hint="reinstall MTRS, or give a model folder / hub id explicitly",
            )
        directory, revision, model_id = BUNDLED_MODEL_DIR, None, f"bundled:{BUNDLED_MODEL_DIR.name}"
    else:
        directory, revision = resolve_source(source, revision)
        model_id = str(source)
    cfg = read_config(directory)
    tokenizer = load_tokenizer(directory, cfg)
    state = read_weights(directory)
    with torch.device("meta"):
        model = MTRefSegR1(cfg)
    check_before_allocation(model, state, str(directory / "model.safetensors"))  # shapes, memory, NaN
    model = model.to_empty(device="cpu")
    origin = str(directory / "model.safetensors")
    state = restore_package_weights(model, state, read_package_record(directory), origin)
    load_state_strict(model, state, origin)
    _restore_buffers(model)
    model.set_tokenizer(tokenizer)
    model.model_id, model.revision = model_id, revision
    return model.to(device).eval()


def _restore_buffers(model: MTRefSegR1) -> None:
    """Non-persistent buffers (not in the checkpoint) are rebuilt after building on the meta device."""
    for module in model.modules():
        init = getattr(module, "init_non_persistent_buffers", None)
        if callable(init):
            init()
    lm = model.language_model
    rotary = getattr(getattr(lm, "model", None), "rotary_emb", None)  # the sentence encoder has none
    if rotary is not None:
        lm.model.rotary_emb = type(rotary)(config=lm.config)

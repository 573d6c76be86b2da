"""Pretrained base weights for a new paper-preset model (build order of docs/REFERENCE.md R3.3): Swin from
timm weights, the language model and its tokenizer from a Phi checkpoint (hub id such as `microsoft/phi-1_5`,
or a folder).

The reference starts Swin and the decoders from a Mask2Former COCO *pickle*; MTRS never unpickles, so Swin
comes from timm's safetensors weights (e.g. `timm/swin_base_patch4_window12_384.ms_in1k`) and the decoders
start from scratch (documented in docs/MODEL.md). Everything honours HF_HUB_OFFLINE and fails with a
ModelError saying what is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from engine.errors import ModelError
from engine.model.config import TOKENIZER_FROM_LANGUAGE_MODEL, ModelConfig


def _read_state_file(path: Path) -> dict[str, torch.Tensor]:
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        return load_file(str(path), device="cpu")
    try:  # legacy .pth/.bin: tensors only, never arbitrary objects
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ModelError(f"cannot read {path} safely (tensors only): {exc}") from exc
    if isinstance(state, dict):
        for key in ("model", "state_dict"):
            if key in state and isinstance(state[key], dict):
                state = state[key]
    return state


def read_swin_state(source: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Swin weights from a local file or a hub repo holding model.safetensors (timm's `hf-hub:` ids too)."""
    path = Path(source).expanduser()
    if path.is_file():
        return _read_state_file(path)
    if path.is_dir():
        for name in ("model.safetensors", "pytorch_model.bin"):
            if (path / name).is_file():
                return _read_state_file(path / name)
        raise ModelError(f"no model.safetensors in {path}", hint="give the Swin weights file itself")
    repo = str(source).removeprefix("hf-hub:").removeprefix("timm:")
    if "/" not in repo:
        repo = f"timm/{repo}"
    from huggingface_hub import hf_hub_download

    try:
        return _read_state_file(Path(hf_hub_download(repo, "model.safetensors")))
    except Exception as exc:
        raise ModelError(
            f"cannot get Swin weights {str(source)!r}: {exc.__class__.__name__}: {exc}",
            hint="pass a local weights file (.safetensors) with --swin-weights, or go online once",
        ) from exc


def load_swin_weights(encoder: nn.Module, source: str | os.PathLike) -> None:
    """Load ImageNet (or other timm-format) Swin weights into the encoder; the classifier head is dropped."""
    from timm.models.swin_transformer import checkpoint_filter_fn

    swin = encoder.swin
    state = checkpoint_filter_fn(read_swin_state(source), swin)
    state = {k: v for k, v in state.items() if not k.startswith(("head.", "norm."))}
    expected = {k: v.shape for k, v in swin.state_dict().items() if "relative_position_index" not in k}
    missing = sorted(k for k in expected if k not in state)
    wrong = sorted(k for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k]))
    if missing or wrong:
        what = (
            f"missing {missing[0]!r}" if missing else f"{wrong[0]!r} has shape {tuple(state[wrong[0]].shape)}"
        )
        raise ModelError(
            f"Swin weights {str(source)!r} do not fit this encoder ({what})",
            hint="use Swin weights of the same size as the preset (Swin-B for mtrefseg-r1)",
        )
    swin.load_state_dict({k: state[k] for k in expected}, strict=False)


def load_base_language_model(source: str | os.PathLike):
    """(PhiForCausalLM in fp32, fast tokenizer) from a hub id or a folder saved with save_pretrained."""
    from transformers import AutoTokenizer, PhiForCausalLM

    try:
        lm = PhiForCausalLM.from_pretrained(str(source), dtype=torch.float32, trust_remote_code=False)
        tok = AutoTokenizer.from_pretrained(str(source), use_fast=True, trust_remote_code=False)
    except Exception as exc:
        raise ModelError(
            f"cannot load the base language model {str(source)!r}: {exc.__class__.__name__}: {exc}",
            hint="pass a local Phi folder with --phi (config.json, model.safetensors, tokenizer files), "
            "or go online once to cache microsoft/phi-1_5",
        ) from exc
    return lm, tok


def config_for_base_language_model(cfg: ModelConfig, lm: nn.Module, vocab_size: int) -> ModelConfig:
    """The model config with the language-model fields taken from the base checkpoint."""
    c = lm.config
    rope = getattr(c, "rope_parameters", None) or {}
    return cfg.replace(
        lm_hidden_size=c.hidden_size,
        lm_num_layers=c.num_hidden_layers,
        lm_num_heads=c.num_attention_heads,
        lm_intermediate_size=c.intermediate_size,
        lm_vocab_size=vocab_size,
        lm_max_positions=c.max_position_embeddings,
        lm_partial_rotary_factor=float(
            rope.get("partial_rotary_factor", getattr(c, "partial_rotary_factor", 0.5))
        ),
        lm_rope_theta=float(rope.get("rope_theta", getattr(c, "rope_theta", 10000.0))),
        lm_hidden_act=c.hidden_act,
        lm_layer_norm_eps=c.layer_norm_eps,
        tokenizer=TOKENIZER_FROM_LANGUAGE_MODEL,
    )


@torch.no_grad()
def copy_base_language_model(target: nn.Module, base: nn.Module, old_vocab: int, pad_id: int | None) -> None:
    """Copy the base LM into the model's LM (bias-free lm_head, vocab resized to the tokenizer).

    Rows of tokens the tokenizer had are copied; an added [PAD] gets the mean row (docs/REFERENCE.md R2.6),
    [SEG] keeps its fresh random row.
    """
    body = {k: v for k, v in base.model.state_dict().items() if not k.startswith("embed_tokens.")}
    target.model.load_state_dict(body, strict=False)
    for dst, src in (
        (target.model.embed_tokens.weight, base.model.embed_tokens.weight),
        (target.lm_head.weight, base.lm_head.weight),
    ):
        n = min(dst.shape[0], src.shape[0], old_vocab)
        dst[:n] = src[:n]
        if pad_id is not None and pad_id >= old_vocab:
            dst[pad_id] = src[:old_vocab].mean(0)

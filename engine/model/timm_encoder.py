"""A timm CNN as the shared vision encoder (family "timm", e.g. EfficientNet-Lite0 in the lite preset).

timm builds the network with `features_only=True`, so the classifier head is never built and the outputs are
the feature maps at strides 4/8/16/32 (res2..res5, NCHW), the same contract as the Swin encoder. The fusion,
pixel decoder and mask decoder of MTRefSeg-R1 read only those maps and their channels.

Two choices that matter for pretrained weights:
- Input normalisation. Model inputs are ImageNet-normalised on the 0-255 scale for every preset
  (engine/model/preprocess.py); a backbone pretrained with another normalisation (EfficientNet-Lite from TF:
  mean 127, std 128) gets its input re-mapped by one fixed per-channel affine, so the pipeline stays the same.
- BatchNorm statistics. Change-detection batches are a few tile pairs; BatchNorm running statistics updated on
  such batches drift away from the ImageNet ones. With `encoder_frozen_bn` the BatchNorm layers stay in eval
  mode while the encoder trains (their affine parameters still learn), as detection backbones usually do.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.errors import ModelError
from engine.model.config import IMAGENET_MEAN_255, IMAGENET_STD_255, ModelConfig


class TimmEncoder(nn.Module):
    """timm `features_only` backbone → {"res2": B×C2×H/4×W/4, …, "res5": B×C5×H/32×W/32}."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        import timm

        try:
            self.backbone = timm.create_model(
                cfg.encoder_name,
                pretrained=False,
                features_only=True,
                out_indices=cfg.encoder_out_indices,
                drop_path_rate=cfg.encoder_drop_path,
            )
        except Exception as exc:  # timm raises RuntimeError / ValueError / KeyError for unknown names
            raise ModelError(f"timm cannot build encoder {cfg.encoder_name!r}: {exc}") from exc
        channels = tuple(self.backbone.feature_info.channels())
        reductions = tuple(self.backbone.feature_info.reduction())
        if channels != cfg.encoder_channels or reductions != (4, 8, 16, 32):
            raise ModelError(
                f"timm encoder {cfg.encoder_name!r} with out_indices {cfg.encoder_out_indices} gives "
                f"channels {channels} at strides {reductions}; the config says {cfg.encoder_channels} "
                "at (4, 8, 16, 32)"
            )
        self.channels = channels
        self.frozen_bn = cfg.encoder_frozen_bn
        self._mean_in = cfg.encoder_input_mean
        self._std_in = cfg.encoder_input_std
        self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        """x_encoder = x · scale + shift turns ImageNet-normalised input into the encoder's normalisation.
        Derived from the config, so not stored in checkpoints (rebuilt after meta-device loading)."""
        scale = [si / se for si, se in zip(IMAGENET_STD_255, self._std_in, strict=True)]
        shift = [
            (mi - me) / se for mi, me, se in zip(IMAGENET_MEAN_255, self._mean_in, self._std_in, strict=True)
        ]
        self.identity_input = all(abs(a - 1) < 1e-9 for a in scale) and all(abs(b) < 1e-9 for b in shift)
        device = next(self.backbone.parameters()).device
        device = torch.device("cpu") if device.type == "meta" else device
        for name, values in (("input_scale", scale), ("input_shift", shift)):
            self.register_buffer(name, torch.tensor(values, device=device).view(1, 3, 1, 1), persistent=False)

    def train(self, mode: bool = True) -> TimmEncoder:
        super().train(mode)
        if mode and self.frozen_bn:
            for m in self.backbone.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        if x.shape[-1] % 32 or x.shape[-2] % 32:
            raise ValueError(f"input sides must be multiples of 32, got {tuple(x.shape[-2:])}")
        if not self.identity_input:
            x = x * self.input_scale.to(x.dtype) + self.input_shift.to(x.dtype)
        return {f"res{i + 2}": f for i, f in enumerate(self.backbone(x))}


def load_timm_encoder_weights(encoder: TimmEncoder, state: dict[str, torch.Tensor], origin: str) -> None:
    """Copy a full-classifier state dict (timm names) into the features_only backbone. The backbone's every
    tensor must be there with its shape; the classifier and head tensors it does not have are ignored."""
    target = encoder.backbone.state_dict()
    needed = [k for k in target if not k.endswith("num_batches_tracked")]
    missing = [k for k in needed if k not in state]
    wrong = [k for k in needed if k in state and tuple(state[k].shape) != tuple(target[k].shape)]
    if missing or wrong:
        what = (
            f"missing {missing[0]!r}" if missing else f"{wrong[0]!r} has shape {tuple(state[wrong[0]].shape)}"
        )
        raise ModelError(f"{origin} does not fit the encoder ({what})")
    encoder.backbone.load_state_dict({k: state[k] for k in needed}, strict=False)

"""Letterbox / unletterbox (docs/REFERENCE.md R5.1, R5.3) and normalisation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.model.preprocess import (
    IMAGENET_MEAN_255,
    IMAGENET_STD_255,
    letterbox,
    letterbox_geometry,
    normalise,
    unletterbox,
)


def test_normalise_uses_imagenet_statistics_on_0_255():
    img = torch.zeros(2, 3, 4, 5, dtype=torch.uint8)
    img[:, 0] = 255
    out = normalise(img)
    assert out.dtype == torch.float32 and out.shape == img.shape
    assert torch.allclose(out[0, 0, 0, 0], torch.tensor((255 - IMAGENET_MEAN_255[0]) / IMAGENET_STD_255[0]))
    assert torch.allclose(out[0, 2, 0, 0], torch.tensor(-IMAGENET_MEAN_255[2] / IMAGENET_STD_255[2]))
    with pytest.raises(ValueError):
        normalise(torch.zeros(4, 4))


@pytest.mark.parametrize(("h", "w"), [(300, 700), (700, 300), (512, 512), (1, 50)])
def test_geometry_keeps_aspect_centres_and_truncates(h, w):
    info = letterbox_geometry(h, w, 256)
    assert max(info.new_h, info.new_w) == 256
    short = int(min(h, w) * 256 / max(h, w)) or 1
    assert min(info.new_h, info.new_w) == short
    assert info.top == (256 - info.new_h) // 2 and info.left == (256 - info.new_w) // 2


def test_padding_only_round_trip_is_exact_for_tensors_and_numpy():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(96, 256, 3), dtype=np.uint8)  # long side == size: pure padding
    boxed, info = letterbox(img, 256)
    assert boxed.shape == (256, 256, 3) and boxed.dtype == np.uint8
    assert (info.top, info.left) == (80, 0)
    assert not boxed[:80].any() and not boxed[176:].any()
    back = unletterbox(boxed, info)
    np.testing.assert_array_equal(back, img)

    t = torch.from_numpy(img).permute(2, 0, 1).float()
    tb, tinfo = letterbox(t, 256)
    assert torch.equal(unletterbox(tb, tinfo), t)


def test_mask_round_trip_is_exact_on_non_square_input_with_scaling():
    mask = torch.zeros(64, 128, dtype=torch.bool)  # scaled ×2 to 128×256 then padded to 256²
    mask[10:30, 17:90] = True
    mask[50:64, 0:5] = True
    boxed, info = letterbox(mask, 256, mode="nearest")
    assert boxed.shape == (256, 256) and boxed.dtype == torch.bool
    assert (info.new_h, info.new_w, info.top, info.left) == (128, 256, 64, 0)
    assert torch.equal(unletterbox(boxed, info, mode="nearest"), mask)


def test_unletterbox_of_low_resolution_logits_removes_padding_before_resizing():
    # A vertical image: the content is a left-half stripe; the model output is at 1/4 of the letterbox size.
    h, w = 200, 100
    info = letterbox_geometry(h, w, 256)
    logits = torch.full((1, 1, 64, 64), -10.0)
    # the content occupies columns [left, left+new_w) of the letterbox → at 1/4: [16, 48); mark its left half
    left4, width4 = info.left // 4, info.new_w // 4
    logits[..., :, left4 : left4 + width4 // 2] = 10.0
    back = unletterbox(logits, info)
    assert back.shape == (1, 1, h, w)
    positive = back[0, 0] > 0
    assert positive[:, : w // 2 - 2].all() and not positive[:, w // 2 + 2 :].any()

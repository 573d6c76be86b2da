"""Convert the shared real sample imagery into the MTRefSeg-21K layout for training/evaluating the demo model.

Sources (see datasets/real-samples/PROVENANCE.md): LEVIR-CD and DSIFN-CD 256² sample pairs with their binary
change masks and one hand-written sentence each, and the two Joplin tornado 1024² GeoTIFF chips with
xView2-model damage masks (band 1 == 4: destroyed). Output: datasets/real-samples/{train,heldout}/ with A/,
B/, masks/<sample_id>/<k>.png, referring_expression/<sample_id>.json.

Expressions: the hand-written sentence (with the dataset's full change mask), a generic one ("all new
buildings"), and expressions derived from the mask: connected components grouped by compass cell of a 3×3 grid
("the new building in the north-west", "the large new buildings in the south"), plus "no such change"
expressions for cells without any changed pixel (empty masks). Joplin chips are cut into 4×4 crops of 256²
with "buildings destroyed by the tornado" / "houses flattened by the tornado" (dmg == 4) and "buildings
damaged by the tornado" (dmg >= 2). Joplin crops are stored as JPEG (quality 92, 4:4:4) to keep the folder
under 8 MB; the LEVIR-CD / DSIFN pixels are kept losslessly (PNG).

Held out honestly (never used for training): Joplin chip 2 entirely, LEVIR-CD pairs test_2_* (two crops of
one tile) and test_55_0256_0000, DSIFN pairs 2_4 and 6_3.

    .venv/bin/python scripts/prepare_real_samples.py [--shared DATA] [--out datasets/real-samples]

DATA is the folder of raw sample datasets (`levir-cd-samples/`, `dsifn-samples/`, `joplin-tornado/`); it is
not part of the repository (default: `shared/data` beside the repository folder).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

HELDOUT = {
    "levir": {"test_2_0000_0000", "test_2_0000_0512", "test_55_0256_0000"},
    "dsifn": {"2_4", "6_3"},
    "joplin": {"2"},
}
CELLS = (
    ("north-west", "north", "north-east"),
    ("west", "centre", "east"),
    ("south-west", "south", "south-east"),
)
MIN_COMPONENT_FRACTION = 0.002  # components smaller than this (≈130 px of 256²) are noise for expressions
NOUNS = {
    "levir": ("new building", "new buildings", "all new buildings"),
    "dsifn": ("changed area", "changed areas", "all changed areas"),
    "joplin": ("destroyed building", "destroyed buildings", "buildings destroyed by the tornado"),
}


def cell_name(y: float, x: float, h: int, w: int) -> str:
    return CELLS[min(int(3 * y / h), 2)][min(int(3 * x / w), 2)]


def size_word(fraction: float) -> str:
    return "small " if fraction < 0.01 else "large " if fraction > 0.06 else ""


def derived_expressions(mask: np.ndarray, kind: str) -> list[tuple[str, np.ndarray]]:
    """Per compass cell: the component(s) whose centroid falls there, and negatives for untouched cells."""
    h, w = mask.shape
    singular, plural, _ = NOUNS[kind]
    labels, n = ndimage.label(mask)
    groups: dict[str, list[int]] = {}
    for idx in range(1, n + 1):
        comp = labels == idx
        if comp.sum() < MIN_COMPONENT_FRACTION * h * w:
            continue
        cy, cx = ndimage.center_of_mass(comp)
        groups.setdefault(cell_name(cy, cx, h, w), []).append(idx)
    out: list[tuple[str, np.ndarray]] = []
    for row in CELLS:
        for cell in row:
            ids = groups.get(cell)
            if ids:
                m = np.isin(labels, ids)
                if len(ids) == 1:
                    out.append((f"the {size_word(m.mean())}{singular} in the {cell}", m))
                else:
                    out.append((f"the {plural} in the {cell}", m))
    # Negatives: cells the mask does not touch at all (the expression then truly refers to nothing).
    for r, row in enumerate(CELLS):
        for c, cell in enumerate(row):
            block = mask[r * h // 3 : (r + 1) * h // 3, c * w // 3 : (c + 1) * w // 3]
            if not block.any() and cell not in groups and mask.any():
                out.append((f"the {singular} in the {cell}", np.zeros_like(mask)))
                break  # one negative per row at most keeps them near 10-20 % of expressions
    return out


def write_sample(
    split_dir: Path,
    sample_id: str,
    a: np.ndarray,
    b: np.ndarray,
    expressions: list[tuple[str, np.ndarray]],
    source: dict,
    ext: str = "png",
) -> int:
    for sub in ("A", "B", "referring_expression"):
        (split_dir / sub).mkdir(parents=True, exist_ok=True)
    (split_dir / "masks" / sample_id).mkdir(parents=True, exist_ok=True)
    for folder, img in (("A", a), ("B", b)):
        target = split_dir / folder / f"{sample_id}.{ext}"
        if ext == "jpg":  # high-quality JPEG, no chroma subsampling: a third of the PNG size
            Image.fromarray(img).save(target, quality=92, subsampling=0, optimize=True)
        else:
            Image.fromarray(img).save(target, optimize=True)
    for k, (_, m) in enumerate(expressions):
        Image.fromarray(m.astype(np.uint8) * 255).save(
            split_dir / "masks" / sample_id / f"{k}.png", optimize=True
        )
    record = {
        "img_A": f"{sample_id}.{ext}",
        "img_B": f"{sample_id}.{ext}",
        "sample_id": sample_id,
        "referring_expressions": [t for t, _ in expressions],
        "mask": [{"path": f"{sample_id}/{k}.png"} for k in range(len(expressions))],
        "source": source,
    }
    (split_dir / "referring_expression" / f"{sample_id}.json").write_text(json.dumps(record, indent=1))
    return len(expressions)


def read_png(path: Path, rgb: bool = True) -> np.ndarray:
    with Image.open(path) as im:
        return np.array(im.convert("RGB") if rgb else im.convert("L"))


def convert_pairs(root: Path, kind: str, out: Path, stats: dict) -> None:
    """LEVIR-CD / DSIFN samples: A/ B/ label/ + descriptions_handwritten.json."""
    descriptions = json.loads((root / "descriptions_handwritten.json").read_text())["descriptions"]
    for path_a in sorted((root / "A").glob("*.png")):
        stem = path_a.stem
        a, b = read_png(path_a), read_png(root / "B" / path_a.name)
        mask = read_png(root / "label" / path_a.name, rgb=False) > 127
        text = descriptions.get(path_a.name, "").split(" (")[0].strip()
        expressions = [(text, mask)] if text else []
        if mask.any():
            expressions.append((NOUNS[kind][2], mask))
        expressions += derived_expressions(mask, kind)
        split = "heldout" if stem in HELDOUT[kind] else "train"
        n = write_sample(out / split, f"{kind}_{stem}", a, b, expressions,
                         {"dataset": kind, "file": path_a.name})  # fmt: skip
        stats[split] = stats.get(split, 0) + n


def convert_joplin(root: Path, out: Path, stats: dict, crop: int = 256) -> None:
    """Joplin chips 0 and 2: 4×4 crops of 256², masks from the predicted damage classes."""
    import rasterio

    for chip in ("0", "2"):
        with rasterio.open(root / "output" / "chips" / "pre" / f"{chip}_pre.tif") as src:
            pre = np.transpose(src.read((1, 2, 3)), (1, 2, 0))
        with rasterio.open(root / "output" / "chips" / "post" / f"{chip}_post.tif") as src:
            post = np.transpose(src.read((1, 2, 3)), (1, 2, 0))
        with rasterio.open(root / "output" / "dmg" / f"{chip}_pre.tif") as src:
            dmg = src.read(1)
        split = "heldout" if chip in HELDOUT["joplin"] else "train"
        for r in range(pre.shape[0] // crop):
            for c in range(pre.shape[1] // crop):
                win = (slice(r * crop, (r + 1) * crop), slice(c * crop, (c + 1) * crop))
                destroyed, damaged = dmg[win] == 4, dmg[win] >= 2
                expressions = [
                    ("buildings destroyed by the tornado", destroyed),
                    ("houses flattened by the tornado", destroyed),
                    ("buildings damaged by the tornado", damaged),
                ]
                expressions += derived_expressions(destroyed, "joplin")[:3]
                n = write_sample(out / split, f"joplin{chip}_r{r}c{c}", np.ascontiguousarray(pre[win]),
                                 np.ascontiguousarray(post[win]), expressions,
                                 {"dataset": "joplin-tornado", "chip": chip, "row": r, "col": c,
                                  "crop_px": crop, "mask": "dmg band 1 == 4 (destroyed), >= 2 (damaged)"},
                                 ext="jpg")  # fmt: skip
                stats[split] = stats.get(split, 0) + n


def main() -> int:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=here.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=here / "datasets" / "real-samples")
    args = parser.parse_args()
    for split in ("train", "heldout"):
        shutil.rmtree(args.out / split, ignore_errors=True)
    stats: dict[str, int] = {}
    convert_pairs(args.shared / "levir-cd-samples", "levir", args.out, stats)
    convert_pairs(args.shared / "dsifn-samples", "dsifn", args.out, stats)
    convert_joplin(args.shared / "joplin-tornado", args.out, stats)
    print(f"expressions per split: {stats} -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

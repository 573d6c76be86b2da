"""Writing synthetic pairs in the MTRefSeg-21K layout (docs/REFERENCE.md R1.3), plus a stage-1 view.

```
OUT/A/<id>.png  OUT/B/<id>.png                earlier / later image
OUT/masks/<id>/<k>.png                        mask of expression k (0/255; all 0 for "no such change")
OUT/masks_all/<id>.png                        union of every change of the pair (stage-1 target, read by
                                              ChangeDetectionDataset)
OUT/referring_expression/<id>.json            img_A, img_B, sample_id, referring_expressions, mask,
                                              change_types, objects,
                                              generator {name, version, seed, index, size}
OUT/synth_meta.json                           generator version, seed, size, counts, vocabulary
```
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from engine.data.synth.generator import SyntheticPair, generate_pair
from engine.data.synth.vocabulary import GENERATOR_VERSION, WORDS
from engine.errors import OutputError

GENERATOR_NAME = "mtrs-synth"


def pair_id(seed: int, index: int) -> str:
    return f"s{seed}_{index:06d}"


def _save_png(array: np.ndarray, path: Path) -> None:
    img = Image.fromarray(array.astype(np.uint8) * 255 if array.dtype == bool else array)
    img.save(path, format="PNG", compress_level=1)


def write_pair(out: Path, seed: int, index: int, size: int) -> dict:
    """Generate and write pair `index`; returns its summary (for the counts in synth_meta.json)."""
    pair: SyntheticPair = generate_pair(seed, index, size)
    pid = pair_id(seed, index)
    _save_png(pair.earlier, out / "A" / f"{pid}.png")
    _save_png(pair.later, out / "B" / f"{pid}.png")
    (out / "masks" / pid).mkdir(parents=True, exist_ok=True)
    for k, mask in enumerate(pair.masks):
        _save_png(mask, out / "masks" / pid / f"{k}.png")
    _save_png(pair.all_changes, out / "masks_all" / f"{pid}.png")
    record = {
        "img_A": f"{pid}.png",
        "img_B": f"{pid}.png",
        "sample_id": pid,
        "referring_expressions": pair.expressions,
        "mask": [{"path": f"{pid}/{k}.png"} for k in range(len(pair.masks))],
        "change_types": pair.kinds,
        "targets": pair.targets,
        "objects": [o.to_json() for o in pair.objects],
        "later_shift_px": list(pair.shift),
        "generator": {"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "seed": seed, "index": index,
                      "size": size},
    }  # fmt: skip
    (out / "referring_expression" / f"{pid}.json").write_text(
        json.dumps(record, indent=1, sort_keys=True), encoding="utf-8"
    )
    return {"kinds": pair.kinds, "n_changes": sum(o.kind != "unchanged" for o in pair.objects)}


def _write_chunk(args: tuple[str, int, list[int], int]) -> list[dict]:
    out, seed, indices, size = args
    return [write_pair(Path(out), seed, i, size) for i in indices]


def write_dataset(
    out: str | Path,
    pairs: int,
    seed: int,
    size: int,
    workers: int = 1,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write `pairs` pairs into `out` and return the metadata also saved as synth_meta.json."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise OutputError(f"{out} exists and is not empty", hint="choose another --out or pass --overwrite")
    if size < 64 or size % 32:
        from engine.errors import InputError

        raise InputError(
            f"--size {size} is not supported", hint="use a multiple of 32, at least 64 (e.g. 128, 256)"
        )
    for sub in ("A", "B", "masks", "masks_all", "referring_expression"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    chunks = [list(range(i, min(i + 50, pairs))) for i in range(0, pairs, 50)]
    summaries: list[dict] = []
    if workers > 1 and len(chunks) > 1:
        from multiprocessing import get_context

        with get_context("spawn").Pool(workers) as pool:
            for result in pool.imap(_write_chunk, [(str(out), seed, c, size) for c in chunks]):
                summaries.extend(result)
                if progress:
                    progress(len(summaries), pairs)
    else:
        for chunk in chunks:
            summaries.extend(_write_chunk((str(out), seed, chunk, size)))
            if progress:
                progress(len(summaries), pairs)
    kinds = Counter(k for s in summaries for k in s["kinds"])
    meta = {
        "generator": GENERATOR_NAME,
        "version": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "pairs": pairs,
        "expressions": sum(kinds.values()),
        "expressions_by_change_type": dict(sorted(kinds.items())),
        "changes_per_pair": dict(sorted(Counter(s["n_changes"] for s in summaries).items())),
        "vocabulary": list(WORDS),
        "layout": "MTRefSeg-21K (A/, B/, masks/<id>/<k>.png, referring_expression/<id>.json)"
        " + masks_all/<id>.png",
    }
    tmp = out / f".synth_meta.json.{os.getpid()}"
    tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    tmp.replace(out / "synth_meta.json")
    return meta

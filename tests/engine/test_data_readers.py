"""MTRefSeg-21K and change-detection readers: JSON schema variants, mask fallback order, letterboxing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from engine.data import ChangeDetectionDataset, MTRefSegDataset, collate
from engine.data.transforms import letterbox_mask
from engine.errors import InputError
from engine.model.preprocess import IMAGENET_MEAN_255, IMAGENET_STD_255

REPO = Path(__file__).resolve().parents[2]
H, W = 24, 32


def _png(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def _mask(x0: int, x1: int) -> np.ndarray:
    m = np.zeros((H, W), np.uint8)
    m[4:10, x0:x1] = 255
    return m


def _pair(split: Path, name: str, value: int = 100) -> None:
    _png(split / "A" / f"{name}.png", np.full((H, W, 3), value, np.uint8))
    _png(split / "B" / f"{name}.png", np.full((H, W, 3), value + 50, np.uint8))


def _json(split: Path, stem: str, data: dict) -> None:
    path = split / "referring_expression" / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


@pytest.fixture
def split(tmp_path: Path) -> Path:
    s = tmp_path / "val"
    for name in ("p1", "p2", "p3", "p4"):
        _pair(s, name)
    # p1: string path, {path, polygons} dict, polygons-only (path missing), no entry -> folder fallback (2)
    _png(s / "masks" / "p1" / "0.png", _mask(0, 4))
    _png(s / "masks" / "custom" / "b.png", _mask(4, 8))
    _png(s / "masks" / "p1" / "3.png", _mask(12, 16))
    _json(s, "p1", {
        "img_A": "p1.jpg", "img_B": "p1.tif",  # wrong extensions: re-resolved to .png
        "referring_expressions": ["string path", "dict path", "polygons only", "folder fallback"],
        "mask": ["p1/0.png", {"path": "custom/b.png", "polygons": []},
                 {"path": "missing.png", "polygons": [[8, 4, 12, 4, 12, 10, 8, 10]]}],
    })  # fmt: skip
    # p2: `masks` key, sample_id differs from the JSON stem -> (2) by sample_id, (3) by stem, (4) shared
    _png(s / "masks" / "sid2" / "0.png", _mask(0, 2))
    _png(s / "masks" / "p2" / "1.png", _mask(2, 4))
    _png(s / "masks" / "sid2.png", _mask(20, 30))
    _json(s, "p2", {"img_A": "p2.png", "img_B": "p2.png", "sample_id": "sid2", "masks": [None],
                    "referring_expressions": ["by sample id", "by json stem", "shared mask"]})  # fmt: skip
    # p3: no mask anywhere -> skipped; p4: an empty mask is a legal sample
    _json(s, "p3", {"img_A": "p3.png", "img_B": "p3.png", "referring_expressions": ["nothing"]})
    _png(s / "masks" / "p4" / "0.png", np.zeros((H, W), np.uint8))
    _json(s, "p4", {"img_A": "p4.png", "img_B": "p4.png", "referring_expressions": ["no such change"]})
    return s


def _columns(ds: MTRefSegDataset, i: int) -> list[int]:
    m = ds.original_mask(i)
    return sorted(set(np.nonzero(m)[1].tolist()))


def test_schema_variants_and_fallback_order(split: Path) -> None:
    ds = MTRefSegDataset(split, 32)
    exprs = [r.expression for r in ds.records]
    assert exprs == ["string path", "dict path", "polygons only", "folder fallback",
                     "by sample id", "by json stem", "shared mask", "no such change"]  # fmt: skip
    assert any("p3.json[0]" in s for s in ds.report.skipped)
    assert _columns(ds, 0) == [0, 1, 2, 3]
    assert _columns(ds, 1) == [4, 5, 6, 7]
    assert ds.records[2].mask_path is None and _columns(ds, 2) == list(range(8, 13))  # rasterised polygon
    assert _columns(ds, 3) == [12, 13, 14, 15]
    assert _columns(ds, 4) == [0, 1] and ds.records[4].sample_id == "sid2"
    assert _columns(ds, 5) == [2, 3]
    assert _columns(ds, 6) == list(range(20, 30))
    assert ds.records[0].sample_id == "p1"  # default = JSON stem
    assert ds.records[0].image_a.name == "p1.png" and ds.records[0].image_b.name == "p1.png"
    assert not ds.original_mask(7).any()


def test_json_path_beats_folder_and_folder_beats_shared(split: Path) -> None:
    _png(split / "masks" / "p1" / "1.png", _mask(28, 32))  # (2) exists for k=1, but the JSON path (1) wins
    ds = MTRefSegDataset(split, 32)
    assert _columns(ds, 1) == [4, 5, 6, 7]
    _png(split / "masks" / "p2.png", _mask(30, 32))  # a shared mask never beats the per-expression folder
    assert _columns(MTRefSegDataset(split, 32), 5) == [2, 3]


def test_item_contract_letterbox_and_normalisation(split: Path) -> None:
    ds = MTRefSegDataset(split, 64)
    item = ds[0]
    assert item["image_a"].shape == (3, 64, 64) and item["image_a"].dtype == torch.float32
    assert item["mask"].shape == (1, 64, 64) and set(item["mask"].unique().tolist()) <= {0.0, 1.0}
    # 24×32 -> long side 64: content 48×64, centred: top = (64 - 48) // 2 = 8
    assert item["pad"] == (8, 0, 48, 64) and item["orig_size"] == (H, W)
    mean, std = torch.tensor(IMAGENET_MEAN_255), torch.tensor(IMAGENET_STD_255)
    assert torch.allclose(item["image_a"][:, 20, 20], (100 - mean) / std, atol=1e-5)
    assert torch.allclose(item["image_a"][:, 0, 0], (0 - mean) / std, atol=1e-5)  # padding is raw zero
    assert item["mask"][0, :8].sum() == 0
    # mask rows 4..9 scaled by 2 -> rows 8..19 of the content, i.e. 16..27 of the canvas; cols 0..3 -> 0..7
    assert item["mask"][0].nonzero()[:, 0].unique().tolist() == list(range(16, 28))
    batch = collate([ds[0], ds[1]])
    assert batch["image_a"].shape == (2, 3, 64, 64) and batch["pad"].shape == (2, 4)
    assert batch["expression"] == ["string path", "dict path"]


def test_mask_resize_is_floor_nearest_like_cv2() -> None:
    m = np.zeros((3, 3), bool)
    m[:, 2] = True
    out = letterbox_mask(m, 4)  # dst x -> src floor(x * 3/4): 0,0,1,2 -> only the last column is set
    assert out[0, 0].tolist() == [0.0, 0.0, 0.0, 1.0]


def test_augmentation_keeps_dates_and_mask_aligned(tmp_path: Path) -> None:
    s = tmp_path / "aug"
    a = np.zeros((32, 32, 3), np.uint8)
    a[2:8, 20:30] = 255
    _png(s / "A" / "x.png", a)
    _png(s / "B" / "x.png", a)
    _png(s / "label" / "x.png", (a[..., 0] > 0).astype(np.uint8) * 255)
    ds = ChangeDetectionDataset(s, 32, augment=True, seed=3)
    seen = set()
    for epoch in range(6):
        ds.set_epoch(epoch)
        item = ds[0]
        bright_a = item["image_a"][0] > 1.0
        bright_b = item["image_b"][0] > 1.0
        assert torch.equal(bright_a, item["mask"][0] > 0) and torch.equal(bright_b, bright_a)
        seen.add(tuple(item["mask"][0].nonzero()[0].tolist()))
    assert len(seen) > 1  # the geometry really changes between epochs
    ds.set_epoch(2)
    assert torch.equal(ds[0]["image_a"], ds[0]["image_a"])  # a function of (seed, epoch, index)


def test_change_detection_layouts(tmp_path: Path) -> None:
    s = tmp_path / "cd"
    for name, folder in (("a", "label"), ("b", "masks"), ("c", "masks_all")):
        _pair(s, name)
        _png(s / folder / f"{name}.png", _mask(0, 5) // 255 * 200)  # 200 > 127 -> change
    _pair(s, "d")  # no mask -> skipped
    ds = ChangeDetectionDataset(s, 32)
    assert [p[0] for p in ds.pairs] == ["a", "b", "c"] and ds.skipped == ["d: change mask not found"]
    item = ds[0]
    assert item["expression"] == "the changed area between the two images"
    assert item["mask"].sum() == 6 * 5


def test_missing_folders_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        MTRefSegDataset(tmp_path, 32)
    with pytest.raises(InputError):
        ChangeDetectionDataset(tmp_path, 32)


def test_bundled_real_samples_load() -> None:
    root = REPO / "datasets" / "real-samples"
    train = MTRefSegDataset(root, 256, split="train")
    held = MTRefSegDataset(root, 256, split="heldout")
    assert len(train) > 100 and len(held) > 100
    assert not {r.sample_id for r in train.records} & {r.sample_id for r in held.records}
    assert all(r.sample_id.startswith("joplin0") for r in train.records if r.sample_id.startswith("joplin"))
    assert any(r.sample_id.startswith("joplin2") for r in held.records)
    item = held[0]
    assert item["image_a"].shape == (3, 256, 256) and item["orig_size"] == (256, 256)
    empty = sum(not held.original_mask(i).any() for i in range(len(held)))
    assert 0 < empty < len(held)


def _counting_reads(monkeypatch, module=None) -> list[str]:
    """Every file a reader module decodes (default: the MTRefSeg reader), in order."""
    from engine.data import mtrefseg

    module = module or mtrefseg
    reads: list[str] = []
    for name in ("read_rgb", "read_mask"):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda p, real=real: reads.append(str(p)) or real(p))
    return reads


def test_files_are_decoded_once_across_epochs(tmp_path: Path, monkeypatch) -> None:
    from engine.data.synth import write_dataset

    write_dataset(tmp_path / "s", pairs=6, seed=5, size=64)
    reads = _counting_reads(monkeypatch)
    ds = MTRefSegDataset(tmp_path / "s", 64)
    pairs = ds.pair_keys()
    assert len(pairs) > len(set(pairs))  # several expressions per pair
    first_epoch = [ds[i] for i in range(len(ds))]
    assert len(reads) == 2 * len(set(pairs)) + len(ds)  # two images per pair, one mask per expression
    second_epoch = [ds[i] for i in reversed(range(len(ds)))][::-1]
    assert len(reads) == 2 * len(set(pairs)) + len(ds)  # nothing decoded again
    uncached = MTRefSegDataset(tmp_path / "s", 64, cache_mb=0)
    for cached, again, fresh in zip(
        first_epoch, second_epoch, [uncached[i] for i in range(len(ds))], strict=True
    ):
        for key in ("image_a", "image_b", "mask"):
            assert torch.equal(cached[key], fresh[key]) and torch.equal(again[key], fresh[key])


def test_without_a_budget_only_the_last_pairs_stay(tmp_path: Path, monkeypatch) -> None:
    from engine.data.decoded_cache import KEEP_RECENT
    from engine.data.synth import write_dataset

    write_dataset(tmp_path / "s", pairs=12, seed=5, size=64)
    reads = _counting_reads(monkeypatch)
    ds = MTRefSegDataset(tmp_path / "s", 64, cache_mb=0)
    n_pairs = len(set(ds.pair_keys()))
    for _ in range(2):
        for i in range(len(ds)):
            ds[i]
    image_reads = [r for r in reads if "/masks/" not in r]
    # file order: a pair's expressions follow each other, so each epoch decodes every pair once, no more
    assert len(image_reads) == 2 * 2 * n_pairs
    assert len(ds.cache) <= KEEP_RECENT


def test_change_detection_files_are_decoded_once_across_epochs(tmp_path: Path, monkeypatch) -> None:
    from engine.data import change_detection
    from engine.data.synth import write_dataset

    write_dataset(tmp_path / "s", pairs=5, seed=6, size=64)
    reads = _counting_reads(monkeypatch, change_detection)
    ds = ChangeDetectionDataset(tmp_path / "s", 64)
    first = [ds[i] for i in range(len(ds))]
    second = [ds[i] for i in range(len(ds))]
    assert len(reads) == 3 * len(ds)
    for a, b in zip(first, second, strict=True):
        assert torch.equal(a["image_b"], b["image_b"]) and torch.equal(a["mask"], b["mask"])

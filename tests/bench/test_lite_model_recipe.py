"""`scripts/train_lite_model.py`, the recipe of the bundled model: it must split by scene exactly as its
HELDOUT table says, clean the sample masks the exporter would refuse, merge exports and synthetic pairs
under ids that cannot collide, skip finished trainings and resume unfinished ones, and still rebuild the
bundled model's architecture from today's lite preset. The sample data are faked here in their real layouts
(small PNGs and GeoTIFFs); the 90-minute training itself runs outside the tests."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.model.config import ModelConfig
from tests.bench.conftest import ROOT, load_script
from tests.conftest import write_geotiff


@pytest.fixture(scope="module")
def recipe():
    return load_script("scripts/train_lite_model.py")


def png(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def fake_shared(root: Path) -> Path:
    """One or two pairs per source, in each source's own layout."""
    rng = np.random.default_rng(0)

    def pair(a: Path, b: Path, label: Path, size=(64, 64), label_value=255) -> None:
        png(a, rng.integers(0, 255, (*size, 3), dtype=np.uint8))
        png(b, rng.integers(0, 255, (*size, 3), dtype=np.uint8))
        mask = np.zeros(size, np.uint8)
        mask[10:30, 10:30] = label_value
        png(label, mask)

    for folder, names in (
        ("levir-cd-samples", ["test_2_0000_0000", "train_36"]),
        ("dsifn-samples", ["2_4", "0_2"]),
    ):
        for n in names:
            base = root / folder
            pair(base / "A" / f"{n}.png", base / "B" / f"{n}.png", base / "label" / f"{n}.png")
    for split, n in (("train", "train_1"), ("val", "val_1")):
        base = root / "egy-bcd" / split
        pair(base / "A" / f"{n}.png", base / "B" / f"{n}.png", base / "label" / f"{n}.png")
    for n in ("Szada_1", "Szada_2"):
        base = root / "sztaki-airchange" / n
        pair(base / "im1.png", base / "im2.png", base / "gt.png", label_value=213)  # anti-aliased value
    (root / "sztaki-airchange" / "README.md").parent.mkdir(parents=True, exist_ok=True)
    (root / "sztaki-airchange" / "README.md").write_text("not a pair")
    for n in ("pisa", "paris"):
        base = root / "oscd" / n
        pair(base / "img1.png", base / "img2.png", base / "cm.png")
    for n in ("0", "2"):
        out = root / "joplin-tornado" / "output"
        image = rng.integers(0, 255, (3, 64, 64), dtype=np.uint8)
        (out / "chips" / "pre").mkdir(parents=True, exist_ok=True)
        (out / "chips" / "post").mkdir(parents=True, exist_ok=True)
        (out / "dmg").mkdir(parents=True, exist_ok=True)
        write_geotiff(out / "chips" / "pre" / f"{n}_pre.tif", image)
        write_geotiff(out / "chips" / "post" / f"{n}_post.tif", image)
        write_geotiff(out / "dmg" / f"{n}_pre.tif", np.zeros((3, 64, 64), np.uint8))
    return root


def test_scenes_are_split_by_the_heldout_table(recipe, tmp_path):
    scenes = recipe.scenes(fake_shared(tmp_path / "shared"))
    by_key = {s.key: s for s in scenes}
    heldout = {k for k, s in by_key.items() if s.heldout}
    assert heldout == {"levir_test_2_0000_0000", "dsifn_2_4", "egy_val_1", "sztaki_Szada_1", "oscd_pisa",
                       "xbd_1", "joplin_2"}  # fmt: skip
    assert {
        "levir_train_36",
        "dsifn_0_2",
        "egy_train_1",
        "sztaki_Szada_2",
        "oscd_paris",
        "xbd_0",
        "joplin_0",
    } <= (set(by_key) - heldout)
    # every held-out name of the table is a scene that exists in the real data's naming
    for source, names in recipe.HELDOUT.items():
        assert names and all(isinstance(n, str) for n in names), source


def test_masks_are_cleaned_and_empty_ones_left_out(recipe, tmp_path):
    shared = fake_shared(tmp_path / "shared")
    scene = next(s for s in recipe.scenes(shared) if s.key == "sztaki_Szada_2")
    cleaned = recipe.binary_label(scene, tmp_path / "work")
    values = np.unique(np.array(Image.open(cleaned)))
    assert values.tolist() == [0, 255]  # 213 became change, nothing else survives
    png(scene.labels, np.zeros((64, 64), np.uint8))
    empty = dataclasses.replace(scene, name="empty")
    assert recipe.binary_label(empty, tmp_path / "work") is None


def test_merge_keeps_ids_apart_and_labels_for_both_stages(recipe, tmp_path):
    synth = tmp_path / "synth"
    for side in ("A", "B"):
        png(synth / side / "000001.png", np.zeros((8, 8, 3), np.uint8))
    png(synth / "masks" / "000001" / "0.png", np.zeros((8, 8), np.uint8))
    png(synth / "masks_all" / "000001.png", np.zeros((8, 8), np.uint8))
    (synth / "referring_expression").mkdir(parents=True)
    record = {"sample_id": "000001", "img_A": "000001.png", "img_B": "000001.png",
              "referring_expressions": ["nothing"], "mask": [{"path": "000001/0.png"}]}  # fmt: skip
    (synth / "referring_expression" / "000001.json").write_text(json.dumps(record))
    merged = tmp_path / "merged"
    assert recipe.add_synthetic(synth, merged, "syn_") == 1
    stored = json.loads((merged / "referring_expression" / "syn_000001.json").read_text())
    assert stored["sample_id"] == "syn_000001" and stored["mask"] == [{"path": "syn_000001/0.png"}]
    assert (merged / "label" / "syn_000001.png").is_file()  # stage 1 reads label/
    assert (merged / "masks" / "syn_000001" / "0.png").is_file()


def test_finished_stage_is_skipped_and_unfinished_resumes(recipe, tmp_path, monkeypatch):
    commands = []
    monkeypatch.setattr(recipe, "run", lambda cmd, log: commands.append(cmd))
    out = tmp_path / "stage2"
    (out / "last").mkdir(parents=True)
    (out / "train_summary.json").write_text(json.dumps({"finished": False}))
    recipe.train_stage(2, tmp_path / "data", out, 3, ["--seed", "0"], tmp_path / "log", tmp_path / "stage1")
    assert commands and commands[-1][-1] == "--resume" and "--init" in commands[-1]
    (out / "train_summary.json").write_text(json.dumps({"finished": True}))
    recipe.train_stage(2, tmp_path / "data", out, 3, ["--seed", "0"], tmp_path / "log", tmp_path / "stage1")
    assert len(commands) == 1


def test_bundled_model_is_todays_lite_preset():
    stored = json.loads((ROOT / "engine/bundled/mtrefseg-r1-lite/config.json").read_text())["config"]
    bundled = json.loads(json.dumps(dataclasses.asdict(ModelConfig.from_dict(stored))))
    rebuilt = json.loads(json.dumps(dataclasses.asdict(ModelConfig.from_preset("mtrefseg-r1-lite"))))
    assert rebuilt == bundled

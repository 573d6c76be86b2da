"""The adaptation workflow end to end on human-labelled real imagery (xBD Joplin scene 0 of
datasets/xbd-joplin): export → fine-tune a model for a bounded number of steps → predict → assess on the
chips that the export's spatial split held out. The fine-tuned model must beat its starting model there.

It starts from the small tiny demo model: the default (lite) model saw scene 0 in its own training, so it
could not show what adaptation to unseen imagery gains, and the tiny one keeps the test within minutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.assess import assess
from engine.cli import main as mtrs
from engine.model.loading import DEMO_MODEL_DIR

ROOT = Path(__file__).resolve().parents[2]
XBD = ROOT / "datasets" / "xbd-joplin"
PROMPT = "buildings destroyed by the tornado"
FINETUNE_STEPS = 30


def held_out_iou(probabilities: Path, manifest: dict) -> tuple[float, dict]:
    """Pixel IoU of the destroyed buildings over every validation chip (counts summed over chips)."""
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for chip in manifest["chips"]:
        if chip["split"] != "val":
            continue
        result = assess(
            probabilities,
            XBD / "0_buildings.gpkg",
            where="subtype = 'destroyed'",
            extent=chip["bounds"],
            extent_crs="EPSG:4326",
        )
        pixels = result.to_json()["pixel"]
        for key in totals:
            totals[key] += int(pixels[key])
    union = totals["tp"] + totals["fp"] + totals["fn"]
    return (totals["tp"] / union if union else 1.0), totals


@pytest.mark.slow
def test_finetuned_model_beats_the_starting_model_on_held_out_chips(tmp_path) -> None:
    data, model = tmp_path / "export", tmp_path / "model"
    assert (
        mtrs(
            [
                "export-training",
                str(XBD / "0_pre.tif"),
                str(XBD / "0_post.tif"),
                "--labels",
                str(XBD / "0_buildings.gpkg"),
                "--class-field",
                "subtype",
                "--where",
                "subtype = 'destroyed'",
                "--kinds",
                "class,negative,description",
                "--negatives",
                "1",
                "--chip",
                "128",
                "--licence",
                "xBD, CC BY-NC-SA 4.0",
                "-o",
                str(data),
            ]
        )
        == 0
    )
    manifest = json.loads((data / "manifest.json").read_text())
    assert manifest["summary"]["chips"]["val"] >= 8
    assert manifest["summary"]["class_counts"]["val"]["destroyed"] > 0
    steps = ["--max-steps", str(FINETUNE_STEPS)]
    assert mtrs(["finetune", str(data), "--from", str(DEMO_MODEL_DIR), "-o", str(model), *steps]) == 0
    assert (model / "model.safetensors").is_file() and (model / "README.md").is_file()
    assert "CC BY-NC-SA" in (model / "README.md").read_text()

    scores = {}
    for name, source in (("start", str(DEMO_MODEL_DIR)), ("tuned", str(model))):
        prob = tmp_path / f"{name}.tif"
        argv = ["predict", str(XBD / "0_pre.tif"), str(XBD / "0_post.tif"), "--prompt", PROMPT]
        argv += ["-o", str(tmp_path / f"{name}.gpkg"), "--probabilities", str(prob), "--quiet"]
        if source:
            argv += ["--model", source]
        assert mtrs(argv) == 0
        scores[name] = held_out_iou(prob, manifest)
    (start, start_counts), (tuned, tuned_counts) = scores["start"], scores["tuned"]
    print(f"held-out pixel IoU: start {start:.3f} {start_counts}, fine-tuned {tuned:.3f} {tuned_counts}")
    assert tuned > start + 0.05

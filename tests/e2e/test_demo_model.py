"""The tiny demo model (kept beside the default lite model as a small, fast model): it must load from its
half-precision file and find the tornado damage on the held-out Joplin chip better than chance."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch

from engine.model import DEMO_MODEL_DIR, load_model

ROOT = Path(__file__).resolve().parents[2]


def test_demo_model_loads_as_float32() -> None:
    model = load_model(DEMO_MODEL_DIR)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert (DEMO_MODEL_DIR / "README.md").is_file(), "the model card must travel with the model"


def test_demo_scene_scores_match_the_model_card(tmp_path: Path) -> None:
    out = tmp_path / "scene.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "evaluate_demo_scene.py"),
            "--model",
            str(DEMO_MODEL_DIR),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    measured = json.loads(out.read_text())
    card = json.loads((DEMO_MODEL_DIR / "scene_scores.json").read_text())
    for prompt, scores in card.items():
        # same inputs, same weights, CPU: the card's figures are reproducible (tiny float jitter allowed)
        assert abs(measured[prompt]["iou"] - scores["iou"]) < 0.01, prompt
    # a model that marked everything or nothing would score below 0.1 here (8 % of the chip is destroyed)
    assert measured["buildings destroyed by the tornado"]["iou"] > 0.3

"""`scripts/train_demo_model.py` must keep reproducing the bundled model's architecture when the tiny preset
changes: its pinned `--model-set` settings applied to today's preset give the bundled config.json exactly."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

from engine.commands.train import _model_setting
from engine.model.config import ModelConfig

ROOT = Path(__file__).resolve().parents[2]


def test_pinned_settings_rebuild_the_bundled_configuration():
    script = ROOT / "scripts" / "train_demo_model.py"
    spec = importlib.util.spec_from_file_location("train_demo_model", script)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=128)
    for setting in recipe.BUNDLED_MODEL_SETTINGS:
        field, value = _model_setting(setting.removeprefix("--model-set="))
        setattr(cfg, field, value)
    rebuilt = json.loads(json.dumps(dataclasses.asdict(cfg)))  # tuples → lists, as config.json stores them
    bundled = json.loads((ROOT / "engine/bundled/mtrefseg-r1-tiny-demo/config.json").read_text())["config"]
    assert rebuilt == bundled

"""`scripts/train_demo_model.py` must keep reproducing the bundled model's architecture when the tiny preset
changes: its pinned `--model-set` settings applied to today's preset give the bundled config.json exactly."""

from __future__ import annotations

import dataclasses
import json

from engine.commands.train import _model_setting
from engine.model.config import ModelConfig
from tests.bench.conftest import ROOT, load_script


def test_pinned_settings_rebuild_the_bundled_configuration():
    recipe = load_script("scripts/train_demo_model.py")
    # the way `mtrs train --model-set` builds a fresh model (engine/train/build.py)
    overrides = dict(_model_setting(s.removeprefix("--model-set=")) for s in recipe.BUNDLED_MODEL_SETTINGS)
    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=128, **overrides)
    rebuilt = json.loads(json.dumps(dataclasses.asdict(cfg)))  # tuples → lists, as config.json stores them
    stored = json.loads((ROOT / "engine/bundled/mtrefseg-r1-tiny-demo/config.json").read_text())["config"]
    # fields added to the configuration since the bundled model was saved take their defaults on loading
    bundled = json.loads(json.dumps(dataclasses.asdict(ModelConfig.from_dict(stored))))
    assert rebuilt == bundled
    assert {k: rebuilt[k] for k in stored} == stored

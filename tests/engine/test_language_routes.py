"""The encoder-seg language route (the reference's visual tokens + expression + [SEG] conditioning on the lite
preset's sentence encoder): sequence layout, the query depends on the tile, gradients reach the encoder,
nothing is cached, and the checkpoint round trip keeps the route."""

from __future__ import annotations

import pytest
import torch

from engine.model import ModelConfig, build_model, load_model
from engine.model.config import LANGUAGE_ENCODER_SEG, LANGUAGE_SENTENCE

LITE = "mtrefseg-r1-lite"


pytestmark = pytest.mark.usefixtures("base_weights_cache")


@pytest.fixture(scope="module")
def seg_model():
    torch.manual_seed(0)
    return build_model(ModelConfig.from_preset(LITE, language=LANGUAGE_ENCODER_SEG)).eval()


def pair(seed: int, size: int = 256):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, 3, size, size, generator=g), torch.randn(1, 3, size, size, generator=g)


def test_sequence_layout_is_bert_sentence_pair(seg_model):
    prompts = seg_model.prompts
    tok = seg_model.tokenizer
    visual = torch.randn(2, 2 * seg_model.config.tokens_per_image, seg_model.config.lm_hidden_size)
    batch = prompts.build(seg_model.language_model.get_input_embeddings(), visual, ["new buildings", "roads"])
    n_vis = visual.shape[1]
    words = tok("new buildings", add_special_tokens=False)["input_ids"]
    head = 1 + n_vis + 1
    # row 0: [CLS] V [SEP] new buildings [MASK] [SEP]; row 1 is shorter and padded
    assert batch.attention_mask[0].sum() == head + len(words) + 2
    assert batch.refer_mask[0].sum() == len(words) + 1
    assert batch.refer_mask[0, head : head + len(words) + 1].all()
    types = batch.token_type_ids[0]
    assert types[:head].eq(0).all() and types[head : head + len(words) + 2].eq(1).all()
    assert torch.equal(batch.embeds[0, 1 : 1 + n_vis], visual[0])
    words_emb = seg_model.language_model.get_input_embeddings()(torch.tensor(words))
    assert torch.equal(batch.embeds[0, head : head + len(words)], words_emb)
    assert batch.attention_mask[1].sum() < batch.attention_mask[0].sum()


def test_query_depends_on_the_tile_and_the_words(seg_model):
    with torch.no_grad():
        fa, fb = seg_model.encode_pair(*pair(0)), seg_model.encode_pair(*pair(1))
        qa, _ = seg_model.language_query(fa, ["new buildings"], with_answer=False)
        qb, _ = seg_model.language_query(fb, ["new buildings"], with_answer=False)
        qc, _ = seg_model.language_query(fa, ["flooded fields"], with_answer=False)
    assert qa.shape == (1, 1, seg_model.config.hidden_dim)
    assert not torch.allclose(qa, qb)  # visual tokens reach the text representation
    assert not torch.allclose(qa, qc)
    assert len(seg_model.prompt_cache) == 0  # a tile-dependent embedding is never cached


def test_stage2_gradients_reach_encoder_projector_and_seg_slot(seg_model):
    model = build_model(seg_model.config)  # a training copy
    model.train()
    out = model.forward_stage2(*pair(2), ["buildings destroyed by the tornado"])
    assert out["pred_masks"].shape[:2] == (1, 1)
    assert out["presence_logits"].shape == (1,)
    (out["pred_masks"].mean() + out["presence_logits"].sum()).backward()
    assert model.projector.conv1.weight.grad.abs().sum() > 0
    assert model.language_model.encoder.layer[0].attention.self.query.weight.grad.abs().sum() > 0
    mask_id = model.tokenizer.mask_token_id
    assert model.language_model.get_input_embeddings().weight.grad[mask_id].abs().sum() > 0


def test_checkpoint_round_trip_keeps_the_route(seg_model, tmp_path):
    seg_model.save_pretrained(tmp_path / "m")
    back = load_model(tmp_path / "m")
    assert back.config.language == LANGUAGE_ENCODER_SEG and back.config.uses_visual_tokens
    with torch.no_grad():
        feats = seg_model.encode_pair(*pair(3))
        a = seg_model.segment_with_presence(feats, ["new buildings"])
        b = back.segment_with_presence(back.encode_pair(*pair(3)), ["new buildings"])
    assert torch.allclose(a[0], b[0], atol=1e-5) and torch.allclose(a[1], b[1], atol=1e-5)


def test_sentence_route_reads_no_visual_tokens():
    cfg = ModelConfig.from_preset(LITE)
    assert cfg.language == LANGUAGE_SENTENCE and not cfg.uses_visual_tokens and cfg.uses_sentence_encoder
    seg = cfg.replace(language=LANGUAGE_ENCODER_SEG)
    assert seg.uses_visual_tokens and seg.uses_sentence_encoder and seg.tokens_per_image == 4

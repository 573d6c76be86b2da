"""The pipeline's model interface (engine.pipeline.model_protocol): both models the pipeline runs fit it."""

from __future__ import annotations

from engine.pipeline.model_protocol import BatchHintModel, ChangeModel, PresenceModel
from engine.pipeline.null_model import NullModel


def test_null_model_is_a_change_model_without_presence_head() -> None:
    model = NullModel()
    assert isinstance(model, ChangeModel)
    assert isinstance(model, BatchHintModel)
    assert not isinstance(model, PresenceModel)


def test_mtrefseg_is_a_change_model_with_presence() -> None:
    from engine.model import ModelConfig, build_model

    cfg = ModelConfig.from_preset("mtrefseg-r1-tiny", image_size=64)
    model = build_model(cfg).eval()
    assert isinstance(model, ChangeModel) and isinstance(model, PresenceModel)
    assert isinstance(model.config.image_size, int)


def test_an_object_missing_a_member_is_not_a_change_model() -> None:
    class NoSegment:
        model_id, revision = "x", None
        config = NullModel().config

        def encode_pair(self, earlier, later): ...

        def segment_all_changes(self, feats): ...

        def tokenize_check(self, prompt): ...

    assert not isinstance(NoSegment(), ChangeModel)
    NoSegment.segment = lambda self, feats, prompts: None
    assert isinstance(NoSegment(), ChangeModel)

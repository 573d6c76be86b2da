"""The analysis pipeline: two rasters + a prompt → change polygons (INTERFACES §2)."""

from engine.pipeline.analyse import analyse
from engine.pipeline.cache import FeatureCache
from engine.pipeline.request import AnalysisRequest, AnalysisResult

__all__ = ["AnalysisRequest", "AnalysisResult", "FeatureCache", "analyse"]

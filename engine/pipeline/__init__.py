"""The analysis pipeline: two rasters + a prompt → change polygons (INTERFACES §2).

Importing it is cheap (no torch, rasterio or GDAL): `analyse` imports them only once the request passed its
cheap checks, and `FeatureCache` (torch) is imported when first asked for."""

from typing import Any

from engine.pipeline.analyse import analyse
from engine.pipeline.request import AnalysisRequest, AnalysisResult

__all__ = ["AnalysisRequest", "AnalysisResult", "FeatureCache", "analyse"]


def __getattr__(name: str) -> Any:
    if name == "FeatureCache":
        from engine.pipeline.cache import FeatureCache

        return FeatureCache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

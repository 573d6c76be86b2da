"""The raster outputs of a run: the probability raster (float GeoTIFF, or an 8-bit PNG for plain images)
and the mask PNG of plain images, each built in a staging folder beside its destination, written strip by
strip, checked when closed, and handed to the final commit as (staged, destination) moves.

Why a check after closing: rasterio does not raise when the last blocks fail to reach a full disk while the
dataset is closed; the file's block table is read back instead (engine.geo.write_checks.verify_raster)."""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rasterio.errors import NotGeoreferencedWarning

from engine.geo.align import AlignedPair
from engine.geo.blend import ProbabilityWriter, create_probability_raster
from engine.geo.outputs import Staging, run_record_path
from engine.geo.write_checks import raster_write_errors, verify_raster
from engine.pipeline.request import AnalysisRequest
from engine.pipeline.run_checks import PNG


class ImageOutput:
    """A raster output: its destination, where it is built, and its 8-bit kind (None = float GeoTIFF)."""

    def __init__(self, target: str, staged: str, byte: str | None, png: str | None = None):
        self.target, self.staged, self.byte, self.png = target, staged, byte, png


def image_outputs(request: AnalysisRequest, mask_png: bool, staging: Staging) -> list[ImageOutput]:
    """The probability raster (float GeoTIFF; 8-bit for a .png) and the mask PNG, each built in staging."""
    images = []
    if request.probabilities:
        target = os.path.abspath(request.probabilities)
        if Path(target).suffix.lower() == PNG:
            staged_png = staging.path_for(target)
            images.append(ImageOutput(target, staged_png + ".tif", "probability", staged_png))
        else:
            images.append(ImageOutput(target, staging.path_for(target), None))
    if mask_png:
        target = os.path.abspath(request.output)
        staged_png = staging.path_for(target)
        images.append(ImageOutput(target, staged_png + ".tif", "mask", staged_png))
    return images


@contextlib.contextmanager
def open_image(image: ImageOutput, pair: AlignedPair, bands: int, labels: list[str]):
    """The staged raster of one image output, open for writing; closed (and checked) on exit."""
    with raster_write_errors(image.target):
        dst = create_probability_raster(
            image.staged,
            pair.width,
            pair.height,
            bands,
            pair.crs,
            pair.transform,
            dtype="float32" if image.byte is None else "uint8",
        )
        for b, label in enumerate(labels, start=1):
            dst.set_band_description(b, label[:200])
    try:
        yield dst
    finally:
        with raster_write_errors(image.target):
            dst.close()
    verify_raster(image.staged, image.target, (bands, pair.height, pair.width))


def checked_sink(writer: ProbabilityWriter, target: str) -> Callable[[int, np.ndarray], None]:
    def sink(top: int, strip: np.ndarray) -> None:
        with raster_write_errors(target):
            writer(top, strip)

    return sink


def finish_images(images: list[ImageOutput]) -> list[tuple[str, str]]:
    """8-bit images are copied to PNG (GDAL writes PNG only by copy); returns the (staged, target) moves."""
    import rasterio.shutil

    moves = []
    for image in images:
        if image.png is not None:
            with raster_write_errors(image.target), warnings.catch_warnings():
                warnings.simplefilter("ignore", NotGeoreferencedWarning)  # plain images: by design
                rasterio.shutil.copy(image.staged, image.png, driver="PNG")
                with rasterio.open(image.staged) as ds:
                    shape = (ds.count, ds.height, ds.width)
            verify_raster(image.png, image.target, shape, read_all=True)
            os.remove(image.staged)
            aux = image.png + ".aux.xml"
            if os.path.exists(aux):
                os.remove(aux)
            moves.append((image.png, image.target))
        else:
            moves.append((image.staged, image.target))
    return moves


def stage_record(staging: Staging, output: str, record: dict) -> tuple[str, str]:
    """`OUT.run.json` of an output without a vector file (a mask PNG), built in staging."""
    target = os.path.abspath(run_record_path(output))
    staged = staging.path_for(target)
    with raster_write_errors(target), open(staged, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2, default=str)
    return staged, target

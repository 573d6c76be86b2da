"""Where the blended probabilities go: the output chain of one run.

Each strip the blender releases (`sink(top, strip)`, one band per prompt) is
- polygonised per prompt in ONE background thread (NumPy, SciPy and GDAL release the GIL, so it overlaps
  with the prediction of the next row of tiles), each polygon measured and written to the vector file as
  soon as it is final (memory flat in the number of polygons; no full-scene array, no temporary raster read
  back);
- written to the image outputs (probability raster, mask PNG of plain images) when the run has them.

`finish()` closes the polygons still waiting on the last seam; leaving the `with` block closes and checks the
image outputs. Nothing reaches its destination here: the vector file and the images are built in temporary
files that the run's commit moves into place together (or `abort()` removes).
"""

from __future__ import annotations

import contextlib
import functools
import time
from typing import TYPE_CHECKING, Any

from engine.errors import Cancelled
from engine.geo.blend import ProbabilityWriter
from engine.geo.measure import Measurer
from engine.geo.vectorise import StripPolygoniser, location_name
from engine.geo.writer import PIXEL_FIELD_NAMES, Feature, FeatureWriter
from engine.pipeline.background import OrderedWorker
from engine.pipeline.image_outputs import checked_sink, image_outputs, open_image

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from rasterio.crs import CRS

    from engine.geo.align import AlignedPair
    from engine.geo.outputs import Staging
    from engine.pipeline.model_protocol import ChangeModel
    from engine.pipeline.request import AnalysisRequest


class OutputChain:
    """FeatureWriter + one StripPolygoniser per prompt + image writers, fed strip by strip.

    Use as a context manager around the inference; `features` (None for a mask PNG) and `images` stay for the
    commit after the block; `n_polygons`/`total_area` are the totals written; `vectorise_s` the polygonising
    time (it overlaps with the inference)."""

    def __init__(
        self,
        request: AnalysisRequest,
        pair: AlignedPair,
        model: ChangeModel,
        labels: list[str],
        layer: str,
        run_utc: str,
        out_crs: Any,
        mask_png: bool,
        staging: Staging,
    ):
        self.pair, self.model, self.run_utc, self.labels = pair, model, run_utc, labels
        self.n_polygons, self.total_area, self.vectorise_s = 0, 0.0, 0.0
        self._threshold = request.threshold
        self._image_writers: list[Callable[[int, np.ndarray], None]] = []
        self._stack = contextlib.ExitStack()
        self._background: OrderedWorker | None = None
        # the polygons' temporary file first (as before the split into stages: nothing of the run is on disk
        # before it); `abort` removes it if anything after it fails
        self.features: FeatureWriter | None = None
        if not mask_png:
            self.features = FeatureWriter(
                request.output,
                layer,
                out_crs.to_wkt() if out_crs is not None else None,
                request.overwrite,
                field_names=PIXEL_FIELD_NAMES if pair.pixel_mode else None,
            )
        try:
            self.transformer = _transformer(pair.crs, out_crs)
            measurer = Measurer(pair.crs)
            self.polygonisers = [
                StripPolygoniser(
                    pair.width,
                    pair.height,
                    pair.transform,
                    measurer,
                    threshold=request.threshold,
                    min_area=request.min_area,
                    fill_holes=request.fill_holes,
                    simplify=request.simplify,
                    emit=functools.partial(self._write_polygons, label),
                )
                for label in labels
            ]
            self.images = image_outputs(request, mask_png, staging)
        except BaseException:
            self.abort()
            raise

    def __enter__(self) -> OutputChain:
        with self._stack as stack:  # on a failure while opening, what was opened is closed again
            for image in self.images:
                dst = stack.enter_context(open_image(image, self.pair, len(self.labels), self.labels))
                writer = ProbabilityWriter(dst, image.byte, self._threshold)
                self._image_writers.append(checked_sink(writer, image.target))
            self._background = stack.enter_context(OrderedWorker(name="mtrs-vectorise"))
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: Any) -> None:
        """Stops the background thread, then closes (and on success checks) the image outputs."""
        self._stack.__exit__(*exc)

    def sink(self, top: int, strip: np.ndarray) -> None:
        """A finished strip (bands × rows × width, region row `top`): polygonised in the background, written
        to the image outputs here."""
        self._background.submit(self._polygonise, top, strip)
        for writer in self._image_writers:
            writer(top, strip)

    def finish(
        self,
        progress: Callable[[int, int, str], None] | None,
        cancel: Callable[[], bool] | None,
        n_tiles: int,
    ) -> None:
        """Emit the parts still waiting on the last seam (in the same background thread as the others: the
        polygonisers are not thread-safe) and wait for them. Call `drain()` first."""
        t = time.perf_counter()
        for label, polygoniser in zip(self.labels, self.polygonisers, strict=True):
            if progress is not None:
                progress(n_tiles, n_tiles, f"polygonising '{label}'")
            if cancel is not None and cancel():
                raise Cancelled("cancelled while polygonising")
            self._background.submit(polygoniser.finish)
        self._background.drain()
        self.vectorise_s += time.perf_counter() - t

    def drain(self) -> None:
        """Wait for the strips in flight (and re-raise a polygonising failure here)."""
        self._background.drain()

    def abort(self) -> None:
        """Remove the temporary vector file unless it was committed (then a no-op)."""
        if self.features is not None:
            self.features.abort()

    def _polygonise(self, top: int, strip: np.ndarray) -> None:
        t = time.perf_counter()
        for polygoniser, band in zip(self.polygonisers, strip, strict=True):
            polygoniser.add_strip(top, band)
        self.vectorise_s += time.perf_counter() - t

    def _write_polygons(self, label: str, polygons: list) -> None:
        """A polygoniser's final polygons as features (runs in the background thread, and for the last seam
        after it was drained): reprojected when the output CRS differs, numbered across prompts."""
        pair, model = self.pair, self.model
        features = []
        for poly in polygons:
            geom = poly.geom if self.transformer is None else _reproject(poly.geom, self.transformer)
            c = geom.centroid
            self.n_polygons += 1
            area = round(poly.area_m2, 3)
            self.total_area += area
            features.append(
                Feature(
                    geom,
                    {
                        "id": self.n_polygons,
                        "area_m2": area,
                        "perimeter_m": round(poly.perimeter_m, 3),
                        "prob_mean": round(poly.prob_mean, 4),
                        "prob_max": round(poly.prob_max, 4),
                        "centroid_x": c.x,
                        "centroid_y": c.y,
                        "location": location_name(*poly.pixel_centroid, pair.width, pair.height),
                        "prompt": label,
                        "model": str(model.model_id),
                        "model_revision": model.revision,
                        "earlier": pair.earlier_info.path,
                        "later": pair.later_info.path,
                        "run_utc": self.run_utc,
                    },
                )
            )
        if self.features is not None:
            self.features.write(features)


def _transformer(src: CRS | None, dst: CRS | None):
    if src is None or dst is None or src == dst:
        return None
    from pyproj import Transformer

    return Transformer.from_crs(src.to_wkt(), dst.to_wkt(), always_xy=True)


def _reproject(geom, transformer):
    import numpy as np
    import shapely

    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))

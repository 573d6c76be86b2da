"""`export_training`: two rasters + change labels → a training folder (stage 1 and stage 2 layouts).

Why the chips go through the prediction pipeline's own code: `engine.geo.align` puts the later raster on the
earlier one's grid exactly as `mtrs predict` does, and `engine.geo.normalise` stretches both dates jointly
with the same percentiles, so a model fine-tuned on these chips sees at inference what it saw in training. Two
passes: the first only looks at labels and validity (cheap) to decide which chips to keep and how to split
them; the second reads the pixels and writes. Everything is written into a hidden staging folder that replaces
the output only when complete.

Two plain images of the same size (PNG, JPEG: no georeference) are exported as `mtrs predict` analyses them,
pixel for pixel in pixel coordinates (x = column, y = row from the top-left corner): the manifest's `crs` is
then null and every bounds is in pixels."""

from __future__ import annotations

import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from rasterio.transform import Affine
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds

from engine import __version__
from engine.errors import Cancelled, InputError
from engine.export.expressions import KINDS, ExpressionGenerator, Instance, load_templates
from engine.export.labels import open_labels
from engine.export.layout import StagingFolder, check_output_folder, write_chip
from engine.export.split import ChipSlot, assign_splits
from engine.geo.align import align
from engine.geo.normalise import compute_stretch

ProgressFn = Callable[[int, int, str], None]
MANIFEST_FORMAT = "mtrs-training-export"
MANIFEST_VERSION = 1


@dataclass
class ExportOptions:
    """Everything one export is; written into the manifest as given."""

    earlier: str
    later: str
    labels: str
    output: str
    label_layer: str | None = None
    class_field: str | None = None
    description_field: str | None = None
    where: str | None = None
    class_table: dict[int, str] | None = None
    change_name: str = "changed area"
    chip: int = 256
    stride: int | None = None
    min_labelled: float = 0.0
    max_nodata: float = 0.1
    bands_earlier: list[int] | None = None
    bands_later: list[int] | None = None
    resampling: str = "bilinear"
    extent: list[float] | None = None
    extent_crs: str | None = None
    val_fraction: float = 0.2
    block_chips: int = 2
    negatives_per_chip: int = 2
    extra_negatives: bool = False
    kinds: tuple[str, ...] = KINDS
    templates: str | None = None
    prefix: str | None = None
    seed: int = 0
    licence: str | None = None  # of the imagery and labels: travels into the manifest and model cards
    overwrite: bool = False
    command: str = ""

    def validate(self) -> None:
        if self.chip < 32:
            raise InputError(f"--chip must be at least 32 px, got {self.chip}")
        if self.stride is not None and not self.stride >= 1:
            raise InputError(f"--stride must be a positive number of pixels, got {self.stride}")
        for name, value, hi_open in (
            ("--min-labelled", self.min_labelled, False),
            ("--max-nodata", self.max_nodata, False),
            ("--val-fraction", self.val_fraction, True),
        ):
            if not (0.0 <= value < 1.0 if hi_open else 0.0 <= value <= 1.0) or math.isnan(value):
                raise InputError(f"{name} must be a fraction between 0 and 1, got {value}")
        if self.block_chips < 1:
            raise InputError(f"--block-chips must be at least 1, got {self.block_chips}")
        if self.negatives_per_chip < 0:
            raise InputError(f"--negatives must be 0 or more, got {self.negatives_per_chip}")
        if not self.change_name.strip():
            raise InputError("--change-name must not be empty")


@dataclass
class ExportSummary:
    output: str
    chips: dict[str, int]
    expressions: dict[str, int]
    negatives: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)
    class_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def export_training(
    options: ExportOptions, progress: ProgressFn | None = None, cancel: Callable[[], bool] | None = None
) -> ExportSummary:
    """Run one export (see the module docstring); raises InputError/OutputError before writing anything."""
    t0 = time.perf_counter()
    options.validate()
    out = Path(options.output)
    check_output_folder(
        out, options.overwrite, [options.earlier, options.later, options.labels, options.templates]
    )
    templates = load_templates(options.templates)
    pair = align(
        options.earlier,
        options.later,
        options.bands_earlier,
        options.bands_later,
        options.extent,
        options.extent_crs,
        None,
        options.resampling,
        allow_pixel_coordinates=True,
    )
    staging = None
    labels = None
    try:
        labels = open_labels(
            options.labels,
            pair.crs,
            layer=options.label_layer,
            class_field=options.class_field,
            description_field=options.description_field,
            where=options.where,
            class_table=options.class_table,
            change_name=options.change_name,
            grid=(pair.earlier.transform, pair.earlier.width, pair.earlier.height),
        )
        _check_labels_overlap(
            labels.bounds, _bounds(Window(0, 0, pair.width, pair.height), pair.transform), pair.pixel_mode
        )
        positions = _chip_positions(pair.width, pair.height, options.chip, options.stride or options.chip)
        stride = options.stride or options.chip
        prefix = options.prefix if options.prefix is not None else _default_prefix(options.earlier)
        slots, skipped, instances_of = _scan(pair, labels, positions, options, stride, progress, cancel)
        if not slots:
            raise InputError(
                "no chip passes the filters",
                hint=f"skipped: {dict(skipped)}; lower --min-labelled or raise --max-nodata",
            )
        splits, dropped = assign_splits(slots, options.val_fraction, options.block_chips, options.seed)
        if dropped:
            skipped["overlaps_validation"] = dropped
        stretch = compute_stretch(pair)
        generator = ExpressionGenerator(
            templates,
            labels.vocabulary,
            seed=options.seed,
            negatives_per_chip=options.negatives_per_chip,
            extra_negatives=options.extra_negatives,
            kinds=tuple(options.kinds),
        )
        staging = StagingFolder(out)
        kept = [s for s in slots if splits[s.index] in ("train", "val")]
        chips_meta = []
        counts: dict[str, Counter] = {"train": Counter(), "val": Counter()}
        n_expr = Counter()
        n_neg = Counter()
        for done, slot in enumerate(kept):
            if cancel is not None and cancel():
                raise Cancelled("export cancelled; nothing was written")
            split = splits[slot.index]
            window = Window(slot.x, slot.y, options.chip, options.chip)
            earlier, later, valid = pair.read(window)
            earlier_u8 = _to_uint8(stretch.apply(earlier), valid)
            later_u8 = _to_uint8(stretch.apply(later), valid)
            instances = [Instance(i.class_name, i.mask & valid, i.description) for i in instances_of(slot)]
            expressions = generator.generate(slot.index, (options.chip, options.chip), instances)
            chip_id = f"{prefix}c{slot.x:06d}_r{slot.y:06d}"
            write_chip(staging.path / split, chip_id, earlier_u8, later_u8, expressions)
            classes = Counter(i.class_name for i in instances if i.mask.any())
            counts[split].update(classes)
            n_expr[split] += len(expressions)
            n_neg[split] += sum(e.empty for e in expressions)
            chips_meta.append(
                {
                    "id": chip_id,
                    "split": split,
                    "window": [
                        slot.x + int(pair.region.col_off),
                        slot.y + int(pair.region.row_off),
                        options.chip,
                        options.chip,
                    ],
                    "bounds": list(_bounds(window, pair.transform)),
                    "classes": dict(sorted(classes.items())),
                    "expressions": len(expressions),
                }
            )
            if progress is not None:
                progress(done + 1, len(kept), f"chip {done + 1}/{len(kept)}")
        n_chips = Counter(splits[s.index] for s in kept)
        summary = ExportSummary(
            output=str(out),
            chips={k: n_chips.get(k, 0) for k in ("train", "val")},
            expressions={k: n_expr.get(k, 0) for k in ("train", "val")},
            negatives={k: n_neg.get(k, 0) for k in ("train", "val")},
            skipped=dict(skipped),
            class_counts={k: dict(sorted(v.items())) for k, v in counts.items()},
        )
        manifest = _manifest(
            options, pair, stretch.to_json(), labels.vocabulary, templates, summary, chips_meta
        )
        summary.seconds = round(time.perf_counter() - t0, 2)
        manifest["seconds"] = summary.seconds
        (staging.path / "manifest.json").write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8"
        )
        staging.publish(options.overwrite)
        staging = None
        return summary
    finally:
        if staging is not None:
            staging.discard()
        if labels is not None and hasattr(labels, "close"):
            labels.close()
        pair.close()


def _scan(pair, labels, positions, options, stride, progress, cancel):
    """First pass: which chip positions pass the nodata and labelled-fraction filters, and their labels."""
    slots: list[ChipSlot] = []
    skipped: Counter = Counter()
    cached: dict[int, list[Instance]] = {}
    area = options.chip * options.chip
    offset_col, offset_row = int(pair.region.col_off), int(pair.region.row_off)
    for n, (x, y) in enumerate(positions):
        if cancel is not None and cancel():
            raise Cancelled("export cancelled; nothing was written")
        window = Window(x, y, options.chip, options.chip)
        decimated = max(8, options.chip // 4)
        _, _, valid = pair.read(window, out_shape=(decimated, decimated))
        if 1.0 - valid.mean() > options.max_nodata:
            skipped["nodata"] += 1
            continue
        absolute = Window(x + offset_col, y + offset_row, options.chip, options.chip)
        instances = labels.instances(absolute, pair.transform @ Affine.translation(x, y))
        labelled = float(np.logical_or.reduce([i.mask for i in instances]).sum()) / area if instances else 0.0
        if labelled < options.min_labelled or (options.min_labelled > 0 and labelled == 0):
            skipped["below_min_labelled"] += 1
            continue
        index = len(slots)
        cached[index] = instances
        slots.append(ChipSlot(index, y // stride, x // stride, x, y, options.chip, labelled > 0))
        if progress is not None and n % 16 == 0:
            progress(0, len(positions), f"scanning labels {n + 1}/{len(positions)}")
    return slots, skipped, lambda slot: cached[slot.index]


def _chip_positions(width: int, height: int, chip: int, stride: int) -> list[tuple[int, int]]:
    """Top-left corners covering the region; the last row/column is moved in so every chip is whole."""
    if width < chip or height < chip:
        raise InputError(
            f"the area covered by both rasters ({width}×{height} px) is smaller than one chip ({chip} px)",
            hint="lower --chip or widen --extent",
        )

    def axis(n: int) -> list[int]:
        starts = list(range(0, n - chip + 1, stride))
        if starts[-1] != n - chip:
            starts.append(n - chip)
        return starts

    return [(x, y) for y in axis(height) for x in axis(width)]


def _bounds(window: Window, transform: Affine) -> tuple[float, float, float, float]:
    """xmin, ymin, xmax, ymax of a window; in pixel coordinates (y grows downwards) ymin is the top row."""
    x0, y0, x1, y1 = window_bounds(window, transform)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _check_labels_overlap(label_bounds, region_bounds, pixel_mode: bool = False) -> None:
    lx0, ly0, lx1, ly1 = label_bounds
    lx0, lx1, ly0, ly1 = min(lx0, lx1), max(lx0, lx1), min(ly0, ly1), max(ly0, ly1)
    rx0, ry0, rx1, ry1 = region_bounds
    if lx1 <= rx0 or rx1 <= lx0 or ly1 <= ry0 or ry1 <= ly0:
        where = "pixels, y = row from the top" if pixel_mode else "the earlier raster's CRS"
        raise InputError(
            "the labels lie outside the area covered by both rasters",
            hint=f"labels cover {tuple(round(v, 3) for v in (lx0, ly0, lx1, ly1))}, the rasters' overlap "
            f"{tuple(round(v, 3) for v in region_bounds)} (both in {where})",
        )


def _to_uint8(image: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """3×h×w float 0–255 → h×w×3 uint8, nodata black (as the model sees nodata: nothing to find there)."""
    out = np.rint(np.nan_to_num(image, nan=0.0)).clip(0, 255).astype(np.uint8)
    out[:, ~valid] = 0
    return np.ascontiguousarray(np.transpose(out, (1, 2, 0)))


def _default_prefix(path: str) -> str:
    """Chip ids start with the earlier raster's name: exports of several scenes merge by copying."""
    stem = os.path.splitext(os.path.basename(path))[0]
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)
    return f"{safe}_" if safe else ""


def _manifest(options, pair, stretch, vocabulary, templates, summary, chips) -> dict:
    opts = asdict(options)
    opts.pop("command")
    return {
        "format": MANIFEST_FORMAT,
        "format_version": MANIFEST_VERSION,
        "mtrs_version": __version__,
        "command": options.command,
        "seed": options.seed,
        "sources": {
            "earlier": os.path.abspath(options.earlier),
            "later": os.path.abspath(options.later),
            "labels": os.path.abspath(options.labels),
        },
        "licence": options.licence or "not stated: the licences of the imagery and the labels apply",
        "crs": pair.crs.to_wkt() if pair.crs is not None else None,  # None: plain images, pixel coordinates
        "crs_name": pair.crs.to_string() if pair.crs is not None else None,
        "pixel_coordinates": pair.pixel_mode,
        "alignment": {"same_grid": pair.same_grid, "warnings": pair.warnings},
        "normalisation": stretch,
        "chip_size": options.chip,
        "stride": options.stride or options.chip,
        "options": opts,
        "classes": vocabulary,
        "templates": templates,
        "layouts": {
            "stage1": "A/ B/ label/ (mtrs train --stage 1 --data-format cd)",
            "stage2": "A/ B/ masks/<chip>/<k>.png referring_expression/<chip>.json",
        },
        "summary": summary.to_json(),
        "chips": chips,
    }

"""Turning the MTRefSeg-21K on-disk layout into a flat list of samples (docs/REFERENCE.md R1.3–R1.4).

One JSON per image pair lists its expressions; every expression is one sample. The mask of expression k is
found in this order (the reference val loader's order, then the polygon fallback of the GSVA/LISA loaders):

1. the JSON's `mask`/`masks`[k] path (a string, or the `path` of a dict), relative to `masks/`, to the split
   folder, or absolute;
2. `masks/<sample_id>/<k>.<ext>` (or, like the train loader, the k-th file of that folder sorted numerically);
3. `masks/<json_stem>/<k>.<ext>` (same);
4. `masks/<sample_id>.<ext>` (one mask shared by all expressions of the pair);
5. the entry's `polygons` (flat pixel coordinates), rasterised;
otherwise the expression is skipped (and counted in `skipped`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.data.image_io import IMAGE_EXTENSIONS, resolve_image
from engine.errors import InputError


@dataclass(frozen=True)
class SampleRecord:
    """One (pair, expression) sample, paths resolved; `mask_path` None means rasterise `polygons`."""

    sample_id: str
    expression_index: int
    expression: str
    image_a: Path
    image_b: Path
    mask_path: Path | None
    polygons: tuple[tuple[float, ...], ...] | None = None
    json_path: Path | None = None


@dataclass
class LoadReport:
    """What was skipped and why, so a user can see a broken dataset instead of a silently smaller one."""

    pairs: int = 0
    samples: int = 0
    skipped: list[str] = field(default_factory=list)


def _numeric_key(path: Path) -> tuple[int, str]:
    digits = re.findall(r"\d+", path.stem)
    return (int(digits[-1]) if digits else 1 << 30, path.name)


def _mask_in_folder(folder: Path, k: int) -> Path | None:
    if not folder.is_dir():
        return None
    for ext in IMAGE_EXTENSIONS:
        candidate = folder / f"{k}{ext}"
        if candidate.is_file():
            return candidate
    files = sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS and p.is_file()),
        key=_numeric_key,
    )
    return files[k] if k < len(files) else None


def _file_with_any_ext(base: Path) -> Path | None:
    for ext in IMAGE_EXTENSIONS:
        candidate = base.with_name(base.name + ext)
        if candidate.is_file():
            return candidate
    return None


def _entry_path_and_polygons(entry: object) -> tuple[str | None, list | None]:
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, dict):
        path = entry.get("path") or entry.get("file") or None
        polygons = entry.get("polygons")
        return (str(path) if path else None), (polygons if polygons else None)
    return None, None


def _resolve_entry_path(split_dir: Path, raw: str) -> Path | None:
    path = Path(raw)
    candidates = [path] if path.is_absolute() else [split_dir / "masks" / path, split_dir / path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
        if candidate.suffix.lower() in IMAGE_EXTENSIONS:
            other = _file_with_any_ext(candidate.with_suffix(""))
            if other is not None:
                return other
    return None


def resolve_mask(
    split_dir: Path, entry: object, sample_id: str, json_stem: str, k: int
) -> tuple[Path | None, list | None]:
    """(mask file or None, polygons or None) for expression k, following the order in the module docstring."""
    masks_dir = split_dir / "masks"
    raw_path, polygons = _entry_path_and_polygons(entry)
    if raw_path:
        found = _resolve_entry_path(split_dir, raw_path)
        if found is not None:
            return found, None
    for folder in (masks_dir / sample_id, masks_dir / json_stem):
        found = _mask_in_folder(folder, k)
        if found is not None:
            return found, None
    shared = _file_with_any_ext(masks_dir / sample_id)
    if shared is not None:
        return shared, None
    if polygons:
        return None, polygons
    return None, None


def _mask_entries(data: dict, n_expressions: int) -> list[object]:
    entries = data.get("mask", data.get("masks"))
    if entries is None:
        return [None] * n_expressions
    if not isinstance(entries, list):
        return [entries] * n_expressions  # one mask for every expression of the pair
    return list(entries) + [None] * max(0, n_expressions - len(entries))


def load_split(split_dir: Path) -> tuple[list[SampleRecord], LoadReport]:
    """All samples of one split folder (`A/ B/ masks/ referring_expression/`), sorted by JSON name."""
    ann_dir = split_dir / "referring_expression"
    if not ann_dir.is_dir():
        raise InputError(
            f"{split_dir} has no referring_expression/ folder",
            hint="point at a split folder with A/, B/, masks/ and referring_expression/ "
            "(docs/REFERENCE.md R1.3)",
        )
    records: list[SampleRecord] = []
    report = LoadReport()
    for json_path in sorted(ann_dir.glob("*.json")):
        try:
            data = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            report.skipped.append(f"{json_path.name}: unreadable JSON ({exc})")
            continue
        stem = json_path.stem
        sample_id = str(data.get("sample_id") or stem)
        img_a = resolve_image(split_dir / "A", str(data.get("img_A", stem)))
        img_b = resolve_image(split_dir / "B", str(data.get("img_B", data.get("img_A", stem))))
        if img_a is None or img_b is None:
            report.skipped.append(f"{json_path.name}: image A or B not found")
            continue
        expressions = data.get("referring_expressions") or []
        if isinstance(expressions, str):
            expressions = [expressions]
        report.pairs += 1
        for k, (expression, entry) in enumerate(
            zip(expressions, _mask_entries(data, len(expressions)), strict=False)
        ):
            mask_path, polygons = resolve_mask(split_dir, entry, sample_id, stem, k)
            if mask_path is None and polygons is None:
                report.skipped.append(f"{json_path.name}[{k}]: no mask found")
                continue
            records.append(
                SampleRecord(
                    sample_id=sample_id,
                    expression_index=k,
                    expression=str(expression),
                    image_a=img_a,
                    image_b=img_b,
                    mask_path=mask_path,
                    polygons=None if polygons is None else tuple(tuple(map(float, p)) for p in polygons),
                    json_path=json_path,
                )
            )
    report.samples = len(records)
    return records, report

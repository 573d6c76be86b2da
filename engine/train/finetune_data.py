"""What `mtrs finetune` is given as DATA: an export folder (`manifest.json`, `train/`, `val/`) or one split
folder, checked for the layout the chosen stage reads before anything is written.

Stage 2 reads the MTRS layout (`A/ B/ masks/<id>/<k>.png referring_expression/<id>.json`), stage 1 the
change-detection layout (`A/ B/ label/`) of the same folders, as `mtrs export-training` writes both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError

MANIFEST = "manifest.json"
# what each stage needs besides A/ and B/ (stage 1 also accepts the folders ChangeDetectionDataset reads)
STAGE_LAYOUT = {2: ("referring_expression",), 1: ("label", "masks_all", "masks")}
LAYOUT_NAME = {
    2: "MTRS layout (A/ B/ masks/ referring_expression/)",
    1: "change-detection layout (A/ B/ label/)",
}


@dataclass
class FinetuneData:
    root: Path
    train: Path
    val: Path | None
    data_format: str  # "mtrefseg" (stage 2) or "cd" (stage 1)
    manifest: dict[str, Any] | None = None
    manifest_path: Path | None = None
    notes: list[str] = field(default_factory=list)  # said to the user (e.g. why there is no validation)


def _has_images(folder: Path) -> bool:
    return (folder / "A").is_dir() and any(p.is_file() for p in (folder / "A").iterdir())


def _check_split(folder: Path, stage: int, role: str) -> None:
    missing = [d for d in ("A", "B") if not (folder / d).is_dir()]
    if not missing and not any((folder / d).is_dir() for d in STAGE_LAYOUT[stage]):
        missing = [STAGE_LAYOUT[stage][0]]
    if missing:
        other = 1 if stage == 2 else 2
        hint = f"stage {stage} reads the {LAYOUT_NAME[stage]}"
        if all((folder / d).is_dir() for d in ("A", "B")) and any(
            (folder / d).is_dir() for d in STAGE_LAYOUT[other]
        ):
            hint += f"; this folder has the {LAYOUT_NAME[other]}: use --stage {other}"
        raise InputError(
            f"the {role} folder {folder} has no {', '.join(d + '/' for d in missing)}", hint=hint
        )
    if not _has_images(folder):
        raise InputError(
            f"the {role} folder {folder} holds no images in A/", hint="export training data first"
        )


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", hint="re-export the training data") from exc
    if not isinstance(manifest, dict):
        raise InputError(f"{path} is not a JSON object", hint="re-export the training data")
    return manifest


def inspect_data(path: str | Path, stage: int) -> FinetuneData:
    """The training and validation folders of DATA for `stage`; InputError if DATA is neither an export
    folder nor a split folder of the stage's layout."""
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(
            f"training data {root} does not exist", hint="give the folder written by export-training"
        )
    if not root.is_dir():
        raise InputError(
            f"training data {root} is not a folder", hint="give the folder written by export-training"
        )
    data_format = "mtrefseg" if stage == 2 else "cd"
    if (root / "train").is_dir():
        train, notes = root / "train", []
        _check_split(train, stage, "training")
        val: Path | None = root / "val"
        if not val.is_dir() or not _has_images(val):
            notes.append(f"{root} has no validation chips in val/: no validation, the last model is kept")
            val = None
        else:
            _check_split(val, stage, "validation")
        manifest_path = root / MANIFEST
    elif (root / "A").is_dir():
        _check_split(root, stage, "training")
        train, val = root, None
        notes = [f"{root} is a single split folder: no validation, the last model is kept"]
        manifest_path = root / MANIFEST if (root / MANIFEST).is_file() else root.parent / MANIFEST
    else:
        raise InputError(
            f"{root} is neither an export folder (train/ and val/) nor a split folder (A/ B/ ...)",
            hint="give the output folder of mtrs export-training, or one of its train/ val/ folders",
        )
    manifest = _read_manifest(manifest_path) if manifest_path.is_file() else None
    return FinetuneData(
        root=root,
        train=train,
        val=val,
        data_format=data_format,
        manifest=manifest,
        manifest_path=manifest_path if manifest is not None else None,
        notes=notes,
    )


def count_chips(folder: Path | None) -> int:
    """Image pairs of a split folder (files in A/)."""
    if folder is None or not (folder / "A").is_dir():
        return 0
    return sum(1 for p in (folder / "A").iterdir() if p.is_file())

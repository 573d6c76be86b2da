"""The resume key of a work item: equal keys mean "this output is what the item would produce again".

Why a key rather than timestamps: an output newer than its inputs can still be stale (another prompt, another
threshold, another model), and an output older than its inputs can still be current (inputs copied with
their dates kept). The key covers everything the result depends on:
- the request as JSON, minus `overwrite` (which decides how, not what, is written);
- both inputs' size and modification time in ns (a touched or replaced raster redoes its pair; reading the
  files to hash them would cost as much as a cheap analysis on a big scene);
- the model's identity, resolved without loading weights: the bundled model's or a local folder's weights
  file (size, mtime), a hub id with its revision, a null model by name.

The key is stored in the output's run record (`"batch_key"`, written atomically with the output by
`analyse(..., record_extra=...)`), so an output and its key can never get out of step.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from engine.pipeline.request import AnalysisRequest

# The default model's folder (engine.model.loading.BUNDLED_MODEL_DIR; spelt out here because importing that
# module imports torch, and a dry run or a resume check must not wait for torch; a test keeps them equal).
BUNDLED_MODEL_DIR = Path(__file__).resolve().parent.parent / "bundled" / "mtrefseg-r1-lite"
_MODEL_FILES = ("config.json", "model.safetensors")


def file_fingerprint(path: str | os.PathLike | None) -> list[int] | None:
    """[size, mtime_ns] of a local file, None when it is missing (the item will fail on its own)."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def resolve_model_identity(source: str | None, revision: str | None) -> dict[str, Any]:
    """What the model of a request is, resolved cheaply (no weights loaded, no network)."""
    if source is None:
        return {"id": f"bundled:{BUNDLED_MODEL_DIR.name}", "files": _folder_files(BUNDLED_MODEL_DIR)}
    if source.startswith("null:"):
        return {"id": source}
    path = Path(source).expanduser()
    if path.is_dir():
        return {"id": os.path.realpath(path), "revision": revision, "files": _folder_files(path)}
    return {"id": source, "revision": revision}  # a hub id: its revision names the weights


def _folder_files(folder: Path) -> dict[str, list[int] | None]:
    return {name: file_fingerprint(folder / name) for name in _MODEL_FILES}


def work_key(request: AnalysisRequest, model_identity: dict[str, Any] | None = None) -> str:
    """sha256 hex of the canonical JSON of (request minus overwrite, input fingerprints, model identity).
    `model_identity` defaults to the request's own model (`resolve_model_identity(request.model,
    request.revision)`); pass it to compute it once for many items."""
    if model_identity is None:
        model_identity = resolve_model_identity(request.model, request.revision)
    data = request.to_json()
    data.pop("overwrite", None)
    payload = {
        "request": data,
        "inputs": {
            "earlier": file_fingerprint(request.earlier),
            "later": file_fingerprint(request.later),
        },
        "model": model_identity,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

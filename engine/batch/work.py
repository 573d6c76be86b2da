"""One unit of batch work (`WorkItem` = one `analyse` call), what came of it (`ItemOutcome`), running it, and
whether its output is already up to date (resume).

Why `run_item` never raises for a bad pair: one unreadable raster among a thousand must not stop the other
999; its error is kept in the outcome and reported in the summary (the batch exits 1). A cancel (Ctrl-C,
`Cancelled`) is not a bad pair: it propagates and stops the batch, leaving no partial file behind.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import Cancelled, MtrsError
from engine.geo.outputs import run_record_path
from engine.pipeline.request import AnalysisRequest

if TYPE_CHECKING:
    from engine.pipeline.cache import FeatureCache

#: The run record's top-level entry holding the item's key (engine.batch.keys.work_key).
KEY_FIELD = "batch_key"

DONE, SKIPPED, FAILED = "done", "skipped", "failed"


@dataclass(frozen=True)
class WorkItem:
    """One analyse() call: `request` has absolute paths; `key` is its resume key (engine.batch.keys)."""

    pair_id: str  # unique in the batch, safe as a file stem
    request: AnalysisRequest
    key: str


@dataclass
class ItemOutcome:
    """What one item gave. `area` is in `area_unit` (m², or px for images without georeference)."""

    pair_id: str
    status: str  # DONE | SKIPPED (up to date) | FAILED
    output: str | None
    seconds: float
    polygons: int
    area: float
    area_unit: str
    presence: dict | None
    prompts: list[str]
    error: str | None  # "InputError: message (hint)" when failed
    worker: str  # "local-0", "ray:<node>:<pid>", ...
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def describe_error(exc: BaseException) -> str:
    """`ClassName: message (hint)`, one line, for the summary."""
    if isinstance(exc, MtrsError):
        text = f"{type(exc).__name__}: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def prompts_of(request: AnalysisRequest) -> list[str]:
    """The labels the outputs use for the request's prompts (the all-changes head has one of its own)."""
    from engine.pipeline.stages import ALL_CHANGES_LABEL  # rasterio: imported only when needed

    return [ALL_CHANGES_LABEL] if request.all_changes else list(request.prompts)


def failed(item: WorkItem, exc: BaseException, seconds: float = 0.0, worker: str = "") -> ItemOutcome:
    """The outcome of an item that could not run (also used by the backends for errors outside run_item)."""
    return ItemOutcome(
        pair_id=item.pair_id,
        status=FAILED,
        output=None,
        seconds=seconds,
        polygons=0,
        area=0.0,
        area_unit="",
        presence=None,
        prompts=prompts_of(item.request),
        error=describe_error(exc),
        worker=worker,
    )


def run_item(
    item: WorkItem,
    model: Any,
    cache: FeatureCache | None,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    worker: str = "local",
) -> ItemOutcome:
    """Analyse one item (replacing its output: a stale one is what resume redoes) with the key stored in the
    run record. Errors of the pair become a FAILED outcome; a cancel propagates."""
    from engine.pipeline.analyse import analyse

    t0 = time.perf_counter()
    request = dataclasses.replace(item.request, overwrite=True)
    try:
        result = analyse(
            request, progress, cancel, model=model, cache=cache, record_extra={KEY_FIELD: item.key}
        )
    except (Cancelled, KeyboardInterrupt):
        raise
    except Exception as exc:  # one bad pair must not stop the batch; its error is reported
        return failed(item, exc, time.perf_counter() - t0, worker)
    return ItemOutcome(
        pair_id=item.pair_id,
        status=DONE,
        output=result.output,
        seconds=time.perf_counter() - t0,
        polygons=result.n_polygons,
        area=result.total_area_m2,
        area_unit=str(result.run_record.get("area_unit", "m2")),
        presence=result.presence,
        prompts=list(result.prompts),
        error=None,
        worker=worker,
        warnings=list(result.warnings),
    )


def read_record(item: WorkItem) -> dict | None:
    """The run record beside the item's output, None when missing or unreadable."""
    path = run_record_path(item.request.output)
    try:
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def is_up_to_date(item: WorkItem) -> bool:
    """The output and its run record exist and the record's key is the item's key."""
    if not os.path.isfile(item.request.output):
        return False
    record = read_record(item)
    return record is not None and record.get(KEY_FIELD) == item.key


def foreign_output(item: WorkItem) -> bool:
    """An output file is already there that no batch run wrote (no run record with a batch key): the user's
    own result, which a batch must not replace unless told to (`--force`)."""
    if not os.path.exists(item.request.output):
        return False
    record = read_record(item)
    return record is None or KEY_FIELD not in record


def skipped(item: WorkItem, worker: str = "") -> ItemOutcome:
    """The outcome of an up-to-date item, its figures taken from the stored run record."""
    record = read_record(item) or {}
    return ItemOutcome(
        pair_id=item.pair_id,
        status=SKIPPED,
        output=os.path.abspath(item.request.output),
        seconds=0.0,
        polygons=int(record.get("n_polygons") or 0),
        area=float(record.get("total_area_m2") or 0.0),
        area_unit=str(record.get("area_unit") or "m2"),
        presence=record.get("presence"),
        prompts=prompts_of(item.request),  # the same as the stored run's: the keys are equal
        error=None,
        worker=worker,
        warnings=list(record.get("warnings") or []),
    )

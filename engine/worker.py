"""`python -m engine.worker`: the long-lived engine process the QGIS plugin talks to (docs/INTERFACES.md §3).

Why a separate process: torch never enters QGIS's Python (docs/DEVELOPMENT.md "Why two Python
environments"), a crash here never takes QGIS down, and the model plus the feature cache stay warm between
prompts. Protocol: JSON lines on stdin/stdout.
A reader thread owns stdin so that `cancel` is seen while `analyse` runs on the main thread; stdout carries
ONLY protocol lines (file descriptor 1 is re-pointed at stderr, so stray prints of libraries cannot corrupt
the stream).

Robustness: the reader never dies on a bad line (invalid UTF-8, not JSON, wrong types: each is answered
with an `input_error` and the next line is read); every request's fields are type-checked once, before it
runs; cancel ids are kept only for requests that are queued or running. SIGTERM (the plugin's stop after
`shutdown` went unanswered) takes the path of a cancel: the running analysis unwinds, its temporary files
are removed, and the process exits with 143.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import sys
import threading
import traceback
from typing import Any, BinaryIO, TextIO

from engine import __version__
from engine.contract import (
    ALIGNMENT_PARAMS,
    DEFAULTS,
    MAX_TILE,
    MIN_TILE,
    PROTOCOL_VERSION,
    Command,
    json_types,
)
from engine.errors import Cancelled, InputError, MtrsError

PROTOCOL = PROTOCOL_VERSION
log = logging.getLogger("mtrs.worker")


class Worker:
    def __init__(self, out: TextIO):
        self.out = out
        self.lock = threading.Lock()
        self.requests: queue.Queue[dict | None] = queue.Queue()
        self.cancelled: set[str | int] = set()
        self.pending: set[str | int] = set()  # ids queued, not yet started (cancel targets besides `running`)
        # Set when stdin closes: the client (QGIS) is gone, so a running analysis is cancelled rather than
        # finished for nobody (after a QGIS crash the worker must not linger for minutes).
        self.client_gone = threading.Event()
        self.running: str | None = None
        self.model = None
        self.model_source: Any = "__none__"
        self.device = None
        self.cache = None

    # -- output ---------------------------------------------------------------------------------------------
    def send(self, obj: dict) -> None:
        line = json.dumps(obj, default=_json_default, ensure_ascii=False)
        with self.lock:
            try:
                self.out.write(line + "\n")
                self.out.flush()
            except (BrokenPipeError, ValueError):
                if not self.client_gone.is_set():
                    raise

    def error(self, rid: Any, exc: BaseException) -> None:
        if isinstance(exc, MtrsError):
            err = {"code": exc.code, "message": exc.message, "hint": exc.hint}
        else:
            err = {
                "code": "internal",
                "message": f"{type(exc).__name__}: {exc}",
                "hint": None,
                "detail": traceback.format_exc(),
            }
            log.error("internal error in request %s\n%s", rid, err["detail"])
        self.send({"id": rid, "event": "error", "error": err})

    # -- input ----------------------------------------------------------------------------------------------
    def bad_request(self, rid: Any, message: str) -> None:
        self.send(
            {"id": rid, "event": "error", "error": {"code": "input_error", "message": message, "hint": None}}
        )

    def reader(self, stream: BinaryIO | TextIO) -> None:
        """Parse lines; handle `cancel` at once (the main thread may be busy), queue everything else. One bad
        line (invalid UTF-8, not JSON, wrong types) is answered with an error; the loop goes on."""
        try:
            for raw in stream:
                try:
                    self.handle_line(raw)
                except Exception as exc:  # never let one line kill the reader (the worker would hang)
                    log.error("bad request line: %s", exc)
                    with contextlib.suppress(Exception):
                        self.bad_request(None, f"bad request: {type(exc).__name__}: {exc}"[:500])
        finally:
            self.client_gone.set()  # EOF: the client went away; a running request sees it as a cancel
            self.requests.put(None)

    def handle_line(self, raw: bytes | str) -> None:
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                self.bad_request(None, "bad request: the line is not valid UTF-8")
                return
        else:
            line = raw.strip()
        if not line:
            return
        try:
            msg = json.loads(line)
        except ValueError as exc:
            self.bad_request(None, f"bad request: not JSON ({exc})")
            return
        if not isinstance(msg, dict) or "cmd" not in msg:
            self.bad_request(None, "bad request: expected an object with 'id', 'cmd' and 'params'")
            return
        rid = msg.get("id")
        if rid is not None and (not isinstance(rid, str | int) or isinstance(rid, bool)):
            self.bad_request(None, f"bad request: 'id' must be a string or an integer, got {rid!r}"[:300])
            return
        cmd, params = msg.get("cmd"), msg.get("params")
        if not isinstance(cmd, str):
            self.bad_request(rid, f"bad request: 'cmd' must be a string, got {cmd!r}"[:300])
            return
        if params is not None and not isinstance(params, dict):
            self.bad_request(rid, f"bad request: 'params' must be an object, got {type(params).__name__}")
            return
        if cmd == Command.CANCEL:
            self.cancel((params or {}).get("target"), rid)
            return
        if rid is not None:
            self.pending.add(rid)
        self.requests.put(msg)

    def cancel(self, target: Any, rid: Any) -> None:
        """Mark a queued or running request cancelled; ids of unknown requests are not kept."""
        if target is None or not isinstance(target, str | int) or isinstance(target, bool):
            self.bad_request(rid, f"cancel needs 'target': the id of a request, got {target!r}"[:300])
            return
        running = target == self.running
        known = running or target in self.pending
        if known:
            self.cancelled.add(target)
        self.send(
            {"id": rid, "event": "result", "result": {"target": target, "running": running, "known": known}}
        )

    # -- main loop ------------------------------------------------------------------------------------------
    def serve(self, stream: BinaryIO | TextIO) -> int:
        threading.Thread(target=self.reader, args=(stream,), daemon=True, name="stdin-reader").start()
        self.send({"event": "ready", "version": __version__, "pid": os.getpid(), "protocol": PROTOCOL})
        while True:
            msg = self.requests.get()
            if msg is None:
                return 0
            rid, cmd, params = msg.get("id"), msg.get("cmd"), msg.get("params") or {}
            self.running = rid  # before leaving `pending`: a cancel arriving in between is never lost
            self.pending.discard(rid)
            if cmd == Command.SHUTDOWN:
                self.send({"id": rid, "event": "result", "result": {}})
                return 0
            handler = getattr(self, f"cmd_{cmd}", None)
            try:
                if rid in self.cancelled:
                    raise Cancelled("cancelled before it started")
                if handler is None:
                    raise InputError(f"unknown command '{cmd}'"[:300])
                result = handler(rid, params)
                self.send({"id": rid, "event": "result", "result": result})
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    self.error(rid, Cancelled("the engine was stopped (terminated) while this request ran"))
                    raise
                self.error(rid, exc)
            finally:
                self.running = None
                self.cancelled.discard(rid)

    # -- commands -------------------------------------------------------------------------------------------
    def _ensure_cache(self):
        if self.cache is None:
            from engine.pipeline.cache import DEFAULT_BUDGET, DEFAULT_DISK_BUDGET, FeatureCache

            # RAM tier, then a disk tier for what does not fit (0 turns it off); folder: MTRS_CACHE_DIR
            budget = int(os.environ.get("MTRS_CACHE_BYTES", str(DEFAULT_BUDGET)))
            disk = int(os.environ.get("MTRS_CACHE_DISK_BYTES", str(DEFAULT_DISK_BUDGET)))
            self.cache = FeatureCache(budget, disk_bytes=disk)
        return self.cache

    def _load(self, source, revision, device_name: str, rid) -> None:
        from engine.pipeline.device import resolve_device

        device = resolve_device(device_name)
        self.send({"id": rid, "event": "progress", "done": 0, "total": 1, "message": "loading model"})
        from engine.pipeline.loading import load

        self.model = load(source, revision=revision, device=str(device))
        self.model_source = (source, revision)
        self.device = device
        self._ensure_cache().clear()
        self.send({"id": rid, "event": "progress", "done": 1, "total": 1, "message": "model loaded"})

    def _model_info(self) -> dict | None:
        if self.model is None:
            return None
        n_params = None
        if hasattr(self.model, "parameters"):
            n_params = sum(p.numel() for p in self.model.parameters())
        return {
            "id": str(self.model.model_id),
            "revision": self.model.revision,
            "image_size": int(self.model.config.image_size),
            "max_prompt_tokens": int(getattr(self.model, "max_prompt_tokens", 0) or 0),
            "parameters": n_params,
            "device": str(self.device) if self.device is not None else None,
            "source": self.model_source[0] if isinstance(self.model_source, tuple) else None,
        }

    def cmd_status(self, rid, params) -> dict:
        import psutil
        import torch

        from engine.pipeline.device import device_name, resolve_device

        dev = self.device or resolve_device("auto")
        gpu = None
        if dev.type == "cuda":
            gpu = {
                "allocated": torch.cuda.memory_allocated(dev),
                "reserved": torch.cuda.memory_reserved(dev),
                "total": torch.cuda.get_device_properties(dev).total_memory,
            }
        return {
            "device": str(dev),
            "device_name": device_name(dev),
            "torch": torch.__version__,
            "model": self._model_info(),
            "cache": self._ensure_cache().stats(),
            "rss_bytes": psutil.Process().memory_info().rss,
            "gpu_memory": gpu,
        }

    def cmd_load_model(self, rid, params) -> dict:
        from engine.json_fields import check_field_types

        check_field_types(params, _LOAD_TYPES)
        self._load(params.get("model"), params.get("revision"), params.get("device") or "auto", rid)
        return self._model_info()

    def cmd_check_alignment(self, rid, params) -> dict:
        return check_alignment(params, self.model)

    def cmd_analyse(self, rid, params) -> dict:
        from engine.pipeline import AnalysisRequest, analyse

        request = AnalysisRequest.from_json(params)
        request.validate()
        wanted = (request.model, request.revision)
        if self.model is None or (request.model is not None and wanted != self.model_source):
            self._load(request.model, request.revision, request.device, rid)

        def progress(done: int, total: int, message: str) -> None:
            self.send({"id": rid, "event": "progress", "done": done, "total": total, "message": message})

        result = analyse(
            request,
            progress=progress,
            cancel=lambda: rid in self.cancelled or self.client_gone.is_set(),
            model=self.model,
            cache=self._ensure_cache(),
        )
        return result.to_json()


_LOAD_TYPES = json_types(("model", "revision", "device"), null_means_default=True)
_ALIGN_TYPES = json_types(ALIGNMENT_PARAMS, null_means_default=True)


def check_alignment(params: dict, model=None) -> dict:
    """Metadata-only look at a pair: grid, warping, overlap area, resolution ratio, tile count estimate.

    For the dock, which shows layers on a map: plain images without georeference are refused here with a
    hint (the pipeline itself can compare them in pixel coordinates)."""
    from shapely.geometry import box

    from engine.geo.align import align
    from engine.geo.measure import Measurer
    from engine.geo.raster import parse_bands
    from engine.geo.tiling import TileGrid
    from engine.json_fields import check_field_types

    for required in ("earlier", "later"):
        if not params.get(required):
            raise InputError(f"request field '{required}' is required")
    check_field_types(params, _ALIGN_TYPES)
    extent = params.get("extent")
    if extent is not None and (
        not isinstance(extent, list)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in extent)
    ):
        raise InputError(f"request field 'extent' must be a list of four numbers, got {extent!r}"[:300])
    pair = align(
        params["earlier"],
        params["later"],
        parse_bands(params.get("bands_earlier")),
        parse_bands(params.get("bands_later")),
        params.get("extent"),
        params.get("extent_crs"),
        params.get("extent_wkt"),
        params.get("resampling") or DEFAULTS["resampling"],
    )
    try:
        m = Measurer(pair.crs)
        x0, y0 = pair.transform * (0, 0)
        x1, y1 = pair.transform * (pair.width, pair.height)
        overlap = m.area(box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        ratio = pair.resolution_ratio
        tile = int(params.get("tile") or (model.config.image_size if model is not None else 256))
        tile = min(max(MIN_TILE, tile), MAX_TILE)
        asked = params.get("overlap")
        overlap_px = max(0, int(asked if asked is not None else DEFAULTS["overlap"]))
        warnings = list(pair.warnings)
        return {
            "same_grid": pair.same_grid,
            "will_warp": not pair.same_grid,
            "overlap_area_m2": overlap,
            "resolution_ratio": ratio,
            "warnings": warnings,
            "tiles_estimate": len(TileGrid(pair.width, pair.height, tile, min(overlap_px, tile - 1))),
        }
    finally:
        pair.close()


def _json_default(obj):
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, set | tuple):
        return list(obj)
    return str(obj)


def main() -> int:
    """Keep fd 1 for the protocol only; everything else printed goes to stderr. Exit codes: 0 after
    `shutdown` or end of input, 143 after SIGTERM (130 after Ctrl-C)."""
    logging.basicConfig(
        level=os.environ.get("MTRS_LOG", "INFO"),
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115  (bytes: see reader)
    worker = Worker(proto)
    terminated = threading.Event()

    def on_sigterm(signum, frame) -> None:
        # the path of a cancel: the running analysis unwinds now (every `finally` removes its temporary
        # files), and a later check of `cancel()` sees the client as gone
        terminated.set()
        worker.client_gone.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    from engine.tempdirs import remove_stale_temp_dirs

    remove_stale_temp_dirs()  # scratch folders of killed runs of this host (staging: where outputs go)
    try:
        return worker.serve(stdin)
    except KeyboardInterrupt:
        log.info("stopped by %s", "SIGTERM" if terminated.is_set() else "an interrupt")
        return 143 if terminated.is_set() else 130


if __name__ == "__main__":
    sys.exit(main())

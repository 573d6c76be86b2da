"""Machine-readable progress of long commands (`--progress-json`), for callers that run `mtrs` as a process.

Why: the QGIS Processing algorithms for export, fine-tuning and assessment run `mtrs <command>` out of QGIS's
process (torch never enters QGIS) and need progress, messages and the final result without parsing prose.
With `--progress-json` a command writes one JSON object per line to stderr:

    {"event": "progress", "done": 3, "total": 10, "message": "chip 3/10"}
    {"event": "log", "message": "12 chips have no labelled change"}
    {"event": "result", ...command-specific summary...}

Human output on stdout is unchanged; anything on stderr that is not a JSON object is an error text.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO


class ProgressEvents:
    """Callable `(done, total, message)` progress sink that writes events when enabled, else nothing."""

    def __init__(self, enabled: bool, stream: TextIO | None = None):
        self.enabled = bool(enabled)
        self.stream = stream if stream is not None else sys.stderr

    def _send(self, obj: dict[str, Any]) -> None:
        if self.enabled:
            self.stream.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")
            self.stream.flush()

    def __call__(self, done: int, total: int, message: str = "") -> None:
        self._send({"event": "progress", "done": int(done), "total": int(total), "message": message})

    def log(self, message: str) -> None:
        self._send({"event": "log", "message": message})

    def result(self, summary: dict[str, Any]) -> None:
        self._send({"event": "result", **summary})


def add_progress_json_flag(parser) -> None:
    """The same flag, spelled the same way, on every long command."""
    parser.add_argument(
        "--progress-json",
        action="store_true",
        help="write progress, log and result events as JSON lines to stderr (for QGIS Processing)",
    )

"""Temporary folders that name their owner, so that the leftovers of a killed run can be removed later.

Why: a run removes its temporary folders in `finally` (errors, Ctrl-C, SIGTERM), but nothing runs after
SIGKILL, an out-of-memory kill or a power cut. Every temporary folder MTRS creates is therefore named
`<prefix><host>-<pid>-<random>`; at the start of the next run, folders of the same host whose process no
longer exists are removed. Folders of other hosts (a shared network folder) and of live processes are never
touched, nor is anything that does not match the pattern exactly.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

SCRATCH_PREFIX = "mtrs-"  # in the system temporary folder
STAGING_PREFIX = ".mtrs-tmp-"  # hidden, beside an output, renamed into place at the end


def _host() -> str:
    """The host part of a folder name: letters and digits only (so that '-' separates the fields)."""
    name = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:24]
    return name or "host"


def make_temp_dir(prefix: str = SCRATCH_PREFIX, folder: str | os.PathLike | None = None) -> str:
    """A new private folder `<prefix><host>-<pid>-<random>` in `folder` (default: the system temp folder)."""
    return tempfile.mkdtemp(prefix=f"{prefix}{_host()}-{os.getpid()}-", dir=folder)


def _pid_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.pid_exists(pid)
    except Exception:  # cannot tell: keep the folder
        return True


def remove_stale_temp_dirs(prefix: str = SCRATCH_PREFIX, folder: str | os.PathLike | None = None) -> int:
    """Remove folders `<prefix><this host>-<pid>-*` in `folder` whose process no longer exists; returns how
    many were removed. Never raises (a folder that cannot be listed or removed is left alone)."""
    base = Path(folder if folder is not None else tempfile.gettempdir())
    pattern = re.compile(rf"^{re.escape(prefix)}{re.escape(_host())}-(\d+)-[A-Za-z0-9_]+$")
    removed = 0
    try:
        entries = list(base.iterdir())
    except OSError:
        return 0
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or int(m.group(1)) == os.getpid() or _pid_alive(int(m.group(1))):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
                removed += 1
        except OSError:
            pass
    return removed

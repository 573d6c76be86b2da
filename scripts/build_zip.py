#!/usr/bin/env python3
"""Build the plugin archive for QGIS's plugin installer (`make zip`) with the standard library only.

pb_tool needs the engine environment (gigabytes) only to be installed, deploys into a QGIS profile first and
asks a question; this script reads the same lists from pb_tool.cfg and zips the working tree directly, so a
fresh clone with any Python 3.9+ can build the release. The compiled Qt assets (resources_rc.py, *.qm) are
committed; scripts/build_assets.sh refreshes them first when the Qt tools are installed.

Usage: python3 scripts/build_zip.py [--out dist/mtrs.zip]
"""

from __future__ import annotations

import argparse
import configparser
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".aux.xml")


def read_config(path: Path) -> tuple[str, list[str], list[str], list[str]]:
    """(plugin folder name, top-level files, folders, locales) from pb_tool.cfg."""
    cfg = configparser.ConfigParser()
    cfg.read(path, encoding="utf-8")
    files = [*cfg.get("files", "python_files", fallback="").split(), *cfg.get("files", "extras").split()]
    dirs = cfg.get("files", "extra_dirs", fallback="").split()
    locales = cfg.get("files", "locales", fallback="").split()
    return cfg.get("plugin", "name"), files, dirs, locales


def folder_files(root: Path, folder: str) -> list[str]:
    """Files under `folder` (relative to root): tracked or untracked-but-not-ignored when this is a git
    checkout (build outputs, caches and local data stay out), else every file but caches."""
    if (root / ".git").exists():
        try:
            out = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", folder],
                cwd=root,
                capture_output=True,
                check=True,
            ).stdout
            return [p for p in out.decode("utf-8").split("\0") if p and (root / p).is_file()]
        except (OSError, subprocess.CalledProcessError):
            pass  # no git program: walk the folder instead
    found = []
    for dirpath, dirnames, filenames in os.walk(root / folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        found += [str((Path(dirpath) / f).relative_to(root)) for f in filenames]
    return found


def plugin_files(root: Path) -> tuple[str, list[str]]:
    """The plugin name and the sorted relative paths that go into the archive; raises SystemExit when a
    file the plugin needs at run time is missing."""
    name, files, dirs, locales = read_config(root / "pb_tool.cfg")
    paths = set(files)
    for folder in dirs:
        paths.update(folder_files(root, folder))
    paths = {
        p.replace(os.sep, "/")
        for p in paths
        if not p.endswith(SKIP_SUFFIXES) and not SKIP_DIRS.intersection(Path(p).parts)
    }
    needed = [*files, "resources/resources_rc.py", *(f"i18n/mtrs_{loc}.qm" for loc in locales)]
    missing = [p for p in needed if not (root / p).is_file() or p not in paths]
    if missing:
        raise SystemExit(f"build_zip: missing {', '.join(missing)} (run scripts/build_assets.sh)")
    return name, sorted(paths)


def build(root: Path, out: Path) -> tuple[int, int]:
    """Write the archive `out` (one top-level folder named like the plugin); returns (files, bytes).
    Written under a temporary name and renamed at the end, so a failure leaves no partial archive."""
    name, paths = plugin_files(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".mtrs-zip-", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9, strict_timestamps=False) as zf:
            for rel in paths:
                zf.write(root / rel, f"{name}/{rel}")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; an archive to share is as readable as any file
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(paths), out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist" / "mtrs.zip"), help="archive to write")
    parser.add_argument("--root", default=str(ROOT), help="plugin repository (default: this checkout)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    n, size = build(Path(args.root).resolve(), Path(args.out).resolve())
    print(f"[zip] {args.out}: {n} files, {size / 1e6:.1f} MB in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The files a run writes: which they are, that none of them is an input, and putting them in place together.

Why: an output path equal to an input (`--probabilities` = the later raster, `-o` = a GeoPackage raster given
as input) with `--overwrite` used to replace the input; a second output format next to the first silently
replaced its run record; an output path that is a folder moved half of the files in, then crashed. Here:
- `planned_files` names every file a run will create for an output (sidecars and the run record included);
- `check_collisions` compares them, by real path and by inode, with every input file of the run (the
  rasters' sidecars as GDAL lists them, the model folder, the prompts file) and with each other;
- `check_targets` refuses existing files (without overwrite) and folders at any of those paths;
- `Staging` keeps the files under construction in a hidden folder beside each destination, and `commit`
  moves all of them into place as one step: without overwrite by hard link (fails if the target appeared
  meanwhile: two runs writing the same output cannot both win), with overwrite by rename after moving the
  old file aside; any failure puts back what was there before.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from engine.errors import OutputError
from engine.tempdirs import STAGING_PREFIX, make_temp_dir, remove_stale_temp_dirs

# Files an OGR driver writes beside the main file (the main file's stem + these suffixes).
_SIDECARS = {
    "ESRI Shapefile": (".shx", ".dbf", ".prj", ".cpg"),
    "MapInfo File": (".dat", ".id", ".map"),
    "GML": (".xsd", ".gfs"),
}


def run_record_path(output: str) -> str:
    p = Path(output)
    return str(p.with_name(p.stem + ".run.json"))


def planned_files(output: str, driver: str | None) -> list[str]:
    """The output, the files its driver writes beside it, and its run record (`OUT.run.json`)."""
    p = Path(output)
    files = [str(p)]
    files += [str(p.with_suffix(s)) for s in _SIDECARS.get(driver or "", ())]
    files.append(run_record_path(output))
    return files


def input_files(paths: Iterable[str | os.PathLike | None]) -> list[str]:
    """Existing local files among `paths`, folders expanded to the files inside them (a model folder)."""
    out: list[str] = []
    for p in paths:
        if not p:
            continue
        path = Path(p)
        if path.is_dir():
            with contextlib.suppress(OSError):
                out += [str(c) for c in path.iterdir() if c.is_file()]
        elif path.exists():
            out.append(str(path))
    return out


def _identity(path: str) -> tuple:
    """Real path, plus (device, inode) when the file exists (hard links, bind mounts)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        return real, (st.st_dev, st.st_ino)
    except OSError:
        return real, None


def check_collisions(outputs: Iterable[str], inputs: Iterable[str]) -> None:
    """OutputError when an output is one of the inputs, or two outputs are the same file."""
    seen_in: dict = {}
    for p in inputs:
        real, ino = _identity(p)
        seen_in[real] = p
        if ino is not None:
            seen_in[ino] = p
    seen_out: dict = {}
    for p in outputs:
        real, ino = _identity(p)
        hit = seen_in.get(real) or (seen_in.get(ino) if ino is not None else None)
        if hit is not None:
            raise OutputError(
                f"the output {p} is an input of this run ({hit}); it would be overwritten",
                hint="choose another output name",
            )
        other = seen_out.get(real) or (seen_out.get(ino) if ino is not None else None)
        if other is not None:
            raise OutputError(
                f"two outputs of this run are the same file: {other} and {p}", hint="give them other names"
            )
        seen_out[real] = p
        if ino is not None:
            seen_out[ino] = p


def check_folder(path: str) -> str:
    """The folder of `path`, which must exist, be a folder and be writable."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(folder):
        # name the first missing parent, or a parent that is a file
        probe = folder
        while probe and not os.path.exists(probe):
            probe = os.path.dirname(probe)
        if probe and not os.path.isdir(probe):
            raise OutputError(f"{probe} is a file, not a folder (output {path})")
        raise OutputError(f"output folder does not exist: {folder}")
    if not os.path.isdir(folder):
        raise OutputError(f"{folder} is a file, not a folder (output {path})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"output folder is not writable: {folder}")
    return folder


def check_targets(files: Iterable[str], overwrite: bool) -> None:
    """Folders are never replaced; existing files only with overwrite."""
    for f in files:
        if os.path.isdir(f):
            raise OutputError(f"{f} is a folder", hint="give a file name for the output")
        if os.path.lexists(f) and not overwrite:
            raise OutputError(f"output already exists: {f}", hint="choose another name or pass --overwrite")


class Staging:
    """Hidden folders (`.mtrs-tmp-<host>-<pid>-*`) beside the destinations, where outputs are built.

    Folders of dead processes found there (a run killed with SIGKILL) are removed when the first staging
    folder is made in a destination folder."""

    def __init__(self) -> None:
        self.dirs: dict[str, str] = {}

    def path_for(self, destination: str, name: str | None = None) -> str:
        folder = os.path.dirname(os.path.abspath(destination))
        if folder not in self.dirs:
            remove_stale_temp_dirs(STAGING_PREFIX, folder)
            try:
                self.dirs[folder] = make_temp_dir(STAGING_PREFIX, folder)
            except OSError as exc:
                raise OutputError(f"cannot create a temporary folder in {folder}: {exc}") from None
        return os.path.join(self.dirs[folder], name or os.path.basename(destination))

    def abort(self) -> None:
        """Remove every staging folder (and whatever is still in them); safe to call more than once."""
        for d in self.dirs.values():
            shutil.rmtree(d, ignore_errors=True)
        self.dirs.clear()


def commit(moves: list[tuple[str, str]], overwrite: bool) -> None:
    """Move every (staged, destination) pair into place, in order, as one step: all or nothing.

    Without overwrite each file is hard-linked to its destination (atomic and refusing an existing file,
    so two concurrent runs cannot both write it), then unlinked from staging; where links are unsupported,
    an existence check then a rename. With overwrite an existing destination is first moved aside into the
    staging folder; if any step fails, the files already placed are removed and the old ones restored.
    """
    placed: list[tuple[str, str | None]] = []
    try:
        for src, dst in moves:
            if os.path.isdir(dst) and not os.path.islink(dst):
                raise OutputError(f"{dst} is a folder", hint="give a file name for the output")
            if overwrite:
                backup = None
                if os.path.lexists(dst):
                    backup = os.path.join(os.path.dirname(src), ".old-" + os.path.basename(src))
                    os.replace(dst, backup)
                try:
                    os.replace(src, dst)
                except BaseException:
                    if backup is not None:
                        os.replace(backup, dst)
                    raise
                placed.append((dst, backup))
            else:
                _link_new(src, dst)
                placed.append((dst, None))
    except BaseException as exc:
        for dst, backup in reversed(placed):
            with contextlib.suppress(OSError):
                os.remove(dst)
                if backup is not None:
                    os.replace(backup, dst)
        if isinstance(exc, OSError):
            from engine.geo.write_checks import write_failure

            raise write_failure(exc.filename or moves[-1][1], str(exc)) from None
        raise


def _link_new(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except FileExistsError:
        raise OutputError(
            f"output already exists: {dst} (written by another run meanwhile)",
            hint="choose another name or pass --overwrite",
        ) from None
    except OSError:  # no hard links here (FAT, some network shares): check, then rename
        if os.path.lexists(dst):
            raise OutputError(f"output already exists: {dst}", hint="pass --overwrite") from None
        os.replace(src, dst)
        return
    os.remove(src)

"""Checks of input files and band lists that need no GDAL: they run before rasterio, GDAL or torch are
imported, so a typo in a path or a band list is reported in a fraction of a second."""

from __future__ import annotations

import os

from engine.errors import InputError


def is_local(path: str) -> bool:
    """A file on disk (not a URL, a /vsi… path or a driver-prefixed name such as `HDF5:"f.h5"://x`)."""
    return "://" not in path and not path.startswith("/vsi")


def check_input_file(path: str) -> None:
    """InputError for a local input that is missing, a folder or unreadable (other names: GDAL judges)."""
    path = os.fspath(path)
    if not is_local(path):
        return
    if not os.path.exists(path):
        raise InputError(f"input raster not found: {path}")
    if os.path.isdir(path):
        raise InputError(f"{path} is a folder, not a raster file", hint="give the raster file inside it")
    if not os.access(path, os.R_OK):
        raise InputError(
            f"input raster not readable: {path} (permission denied)", hint="check its permissions"
        )


def parse_bands(text: str | list[int] | tuple[int, ...] | None) -> list[int] | None:
    """'1,2,3' or [1, 2, 3] -> [1, 2, 3]; None stays None (= default selection)."""
    if text is None or text == "" or text == []:
        return None
    if isinstance(text, str):
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError:
            raise InputError(f"bands must be comma-separated integers, got '{text}'") from None
    return [int(b) for b in text]

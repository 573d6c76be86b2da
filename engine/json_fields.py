"""Type checks of JSON request fields (worker protocol), in a module that imports nothing heavy: the worker
answers a malformed request before importing torch or GDAL."""

from __future__ import annotations

from typing import Any

from engine.errors import InputError


def check_field_types(data: dict[str, Any], types: dict[str, tuple[tuple[type, ...], str]]) -> None:
    """InputError naming the first field whose JSON value has the wrong type (requests come as JSON from
    the worker protocol: a string where a number belongs must be a clear message, not a TypeError)."""
    for name, (accepted, words) in types.items():
        if name not in data:
            continue
        value = data[name]
        ok = isinstance(value, accepted) and not (isinstance(value, bool) and bool not in accepted)
        if not ok:
            raise InputError(f"request field '{name}' must be {words}, got {value!r}"[:300])

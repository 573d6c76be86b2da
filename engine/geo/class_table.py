"""`CODE=NAME` class tables of change rasters, one parser for every command that reads class codes.

Why shared: a user writes the same `--class-table 1=minor,2=destroyed` for `mtrs export-training` and
`mtrs assess`; the two must accept and refuse exactly the same text.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.errors import InputError


def parse_class_table(value: str | Mapping[int, str] | None) -> dict[int, str] | None:
    """'1=damaged,2=destroyed' (or a mapping) -> {1: 'damaged', 2: 'destroyed'}; None or '' -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return {int(k): str(v) for k, v in value.items()}
    table: dict[int, str] = {}
    for part in str(value).split(","):
        code, sep, name = part.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            table[int(code.strip())] = name.strip()
        except ValueError:
            raise InputError(
                f"class table entries are CODE=NAME, got '{part.strip()}'", hint="e.g. 1=damaged,2=destroyed"
            ) from None
    return table

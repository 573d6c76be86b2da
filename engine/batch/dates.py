"""When a raster was taken, from its metadata or its file name: decides which image of a matched pair is the
earlier one.

Why here and not shared with the plugin: the plugin's pre-filling of the dock reads the same kinds of dates
(mtrs_qgis_plugin/pairing.py), but the engine never imports the plugin and the plugin never imports the
engine's rasterio code, so the rules are kept in step by tests rather than by one module.

Order of trust, per raster: an acquisition key in the metadata (IMAGERY:ACQUISITIONDATETIME, SENSING_TIME,
STAC-like `datetime`, …), then a full date in the file name (2020-06-01, 2020_06_01, 20200601, also inside
Sentinel-style names such as S2A_MSIL2A_20200601T103031_…), then TIFFTAG_DATETIME: many writers put the
processing time into that tag, so a date the analyst wrote into the name is more likely the acquisition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

#: Metadata keys holding the acquisition time, most specific first; compared without case, after any
#: "DOMAIN:" or "prefix." part ("IMAGERY:ACQUISITIONDATETIME", "properties.datetime").
ACQUISITION_KEYS = (
    "ACQUISITIONDATETIME",
    "ACQUISITION_DATETIME",
    "ACQUISITION_DATE",
    "ACQUISITIONDATE",
    "DATE_ACQUIRED",
    "SENSING_TIME",
    "SENSING_DATE",
    "SENSING_START",
    "PRODUCT_START_TIME",
    "DATATAKE_SENSING_START",
    "DATETIME",
    "START_DATETIME",
)
#: The TIFF baseline tag: often the processing time, hence trusted less than a date in the file name.
TIFF_DATETIME = "TIFFTAG_DATETIME"

_META_DATE = re.compile(
    r"^\s*(\d{4})[-:/]?(\d{2})[-:/]?(\d{2})"  # 2020-06-01, 2020:06:01 (TIFF), 20200601
    r"(?:[T ]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"  # optional time, fractions ignored
    r"\s*(Z|[+-]\d{2}:?\d{2})?",  # optional zone
    re.IGNORECASE,
)
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")


def parse_date(text: Any) -> datetime | None:
    """A metadata date/time as a naive UTC datetime; None for empty, placeholder or unparsable text."""
    match = _META_DATE.match(str(text or ""))
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if value.year < 1900:  # "0000:00:00 00:00:00", "0001-01-01": placeholders, not acquisitions
        return None
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def name_date(name: str) -> datetime | None:
    """The first full date in a file name (YYYY-MM-DD, YYYY_MM_DD, YYYY.MM.DD or YYYYMMDD), or None."""
    for match in _NAME_DATE.finditer(name):
        year, _sep, month, day = match.groups()
        try:
            return datetime(int(year), int(month), int(day))
        except ValueError:  # 2021-02-30: not a date, look further
            continue
    return None


def _by_key(items: Mapping[str, Any], keys: tuple[str, ...]) -> datetime | None:
    found: dict[str, datetime] = {}
    for key, value in items.items():
        name = re.split(r"[:.]", str(key))[-1].upper()
        if name in keys and name not in found:
            parsed = parse_date(value)
            if parsed is not None:
                found[name] = parsed
    return next((found[k] for k in keys if k in found), None)


def acquisition_date(metadata: Mapping[str, Any], name: str = "") -> tuple[datetime | None, str]:
    """(date, where it came from: "metadata", "file name", "TIFF tag" or "") by the order of trust above."""
    value = _by_key(metadata, ACQUISITION_KEYS)
    if value is not None:
        return value, "metadata"
    value = name_date(name)
    if value is not None:
        return value, "file name"
    value = _by_key(metadata, (TIFF_DATETIME,))
    if value is not None:
        return value, "TIFF tag"
    return None, ""

"""Guess which raster layer is the earlier image and which the later one, from their metadata and names.

Satellite and aerial products usually record when they were taken (GDAL's TIFFTAG_DATETIME, IMAGERY
ACQUISITIONDATETIME, STAC `datetime`, a QGIS temporal extent); analysts name their pairs "…_pre"/"…_post",
"before"/"after" or put dates in the file names. Pre-filling the dock from that saves two clicks and, more
importantly, never leaves both boxes on the same layer. The rules are pure Python so they can be tested
without layers; only `layer_date` touches QGIS/GDAL, and imports them when called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

EARLIER_WORDS = ("pre", "before", "earlier", "old", "older", "vorher", "t0", "t1")
LATER_WORDS = ("post", "after", "later", "new", "newer", "nachher", "t2")
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])?[-_.]?(0[1-9]|[12]\d|3[01])?(?!\d)")
_WORD = re.compile(r"[a-z0-9]+")


def date_key(name: str) -> tuple[int, int, int] | None:
    """The first date in `name` (year, month, day; missing parts 0), or None."""
    match = _DATE.search(name)
    if match is None:
        return None
    year, month, day = match.groups()
    return int(year), int(month or 0), int(day or 0)


def role(name: str) -> str:
    """ "earlier", "later" or "" from words such as pre/post, before/after in `name`."""
    words = set(_WORD.findall(name.lower()))
    is_earlier = bool(words & set(EARLIER_WORDS))
    is_later = bool(words & set(LATER_WORDS))
    if is_earlier == is_later:
        return ""
    return "earlier" if is_earlier else "later"


# Metadata keys that hold the acquisition time, most specific first (compared without case, and also after a
# "DOMAIN:" or "prefix." such as "IMAGERY:ACQUISITIONDATETIME" or "properties.datetime"). TIFFTAG_DATETIME is
# last: some writers put the processing time there, so a real acquisition key wins when both are present.
DATE_KEYS = (
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
    "TIFFTAG_DATETIME",
)
_META_DATE = re.compile(
    r"^\s*(\d{4})[-:/]?(\d{2})[-:/]?(\d{2})"  # date: 2020-06-01, 2020:06:01 (TIFF), 20200601
    r"(?:[T ]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"  # optional time, fractions ignored
    r"\s*(Z|[+-]\d{2}:?\d{2})?",  # optional zone
    re.IGNORECASE,
)


def parse_date(text: str) -> datetime | None:
    """A metadata date/time string as a naive UTC datetime, or None (empty, "0000:00:00 …", unparsable).

    Accepts ISO 8601 / STAC ("2020-06-01T10:20:30.5Z"), TIFF ("2020:06:01 10:20:30"), "2020-06-01" and
    "20200601"."""
    match = _META_DATE.match(str(text or ""))
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if value.year < 1900:  # placeholders such as "0001-01-01" say nothing about the acquisition
        return None
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def metadata_date(items: Mapping[str, Any]) -> datetime | None:
    """The acquisition time recorded in a metadata dictionary (GDAL metadata of any domain, STAC-like
    properties), by the first of DATE_KEYS present with a parsable value; None when there is none."""
    found: dict[str, datetime] = {}
    for key, value in items.items():
        name = re.split(r"[:.]", str(key))[-1].upper()
        if name in DATE_KEYS and name not in found:
            parsed = parse_date(str(value))
            if parsed is not None:
                found[name] = parsed
    for key in DATE_KEYS:
        if key in found:
            return found[key]
    return None


@dataclass(frozen=True)
class PairChoice:
    """The guessed pair and why: "metadata" (acquisition dates), "name dates", "name words" or "order"."""

    earlier: int
    later: int
    reason: str


def choose_pair(names: Sequence[str], dates: Sequence[datetime | None] | None = None) -> PairChoice | None:
    """Indices of the earlier and later layer in `names`, never the same, and the rule that decided;
    None with fewer than two names.

    Metadata dates (`dates`, one per name, None where a layer has none) decide when at least two differ:
    the oldest is earlier, the newest later. Then dates in the names, then pre/post words, then list order."""
    if len(names) < 2:
        return None
    known = sorted((d, i) for i, d in enumerate(dates or ()) if d is not None and i < len(names))
    if len(known) >= 2 and known[0][0] != known[-1][0]:
        return PairChoice(known[0][1], known[-1][1], "metadata")
    dated = [(date_key(n), i) for i, n in enumerate(names) if date_key(n) is not None]
    if len(dated) >= 2:
        dated.sort()
        if dated[0][0] != dated[-1][0]:
            return PairChoice(dated[0][1], dated[-1][1], "name dates")
    return _pair_by_words(names)


def guess_pair(names: Sequence[str]) -> tuple[int, int] | None:
    """Indices (earlier, later) into `names`, never the same; None with fewer than two names.

    Dates win (the oldest is earlier, the newest later), then pre/post words, then list order."""
    choice = choose_pair(names)
    return None if choice is None else (choice.earlier, choice.later)


def _pair_by_words(names: Sequence[str]) -> PairChoice:
    roles = [role(n) for n in names]
    earlier = next((i for i, r in enumerate(roles) if r == "earlier"), None)
    later = next((i for i, r in enumerate(roles) if r == "later"), None)
    if earlier is None and later is None:
        return PairChoice(0, 1, "order")
    if earlier is None:
        earlier = next(i for i in range(len(names)) if i != later)
    if later is None:
        later = next(i for i in range(len(names)) if i != earlier)
    return PairChoice(earlier, later, "name words")


def layer_date(layer: Any) -> datetime | None:
    """When a QgsRasterLayer's image was taken, from its metadata; None when nothing says so.

    Looks at what the analyst may have set in QGIS first (the layer metadata's temporal extent or date, a
    fixed temporal range in the layer properties), then at the file's GDAL metadata (default and IMAGERY
    domains: TIFFTAG_DATETIME, ACQUISITIONDATETIME, …). GDAL is QGIS's own; no engine (torch) is involved."""
    from_qgis = _qgis_date(layer)
    if from_qgis is not None:
        return from_qgis
    try:
        if layer.providerType() != "gdal":
            return None
        from osgeo import gdal

        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            ds = gdal.Open(layer.source().split("|")[0], gdal.GA_ReadOnly)
        finally:
            gdal.PopErrorHandler()
        if ds is None:
            return None
        items: dict[str, Any] = {}
        for domain in ("", "IMAGERY"):
            items.update({f"{domain}:{k}": v for k, v in (ds.GetMetadata(domain) or {}).items()})
    except Exception:  # metadata only helps; a layer GDAL cannot reopen simply has no date
        return None
    return metadata_date(items)


def _qgis_date(layer: Any) -> datetime | None:
    """The date from QGIS-side metadata: temporal extent, dated metadata, fixed temporal range."""
    values = []
    try:
        meta = layer.metadata()
        values.extend(r.begin() for r in meta.extent().temporalExtents())
        if hasattr(meta, "dateTime"):  # QGIS 3.30+
            from qgis.core import Qgis

            values.append(meta.dateTime(Qgis.MetadataDateType.Created))
        props = layer.temporalProperties()
        if props is not None and props.isActive() and hasattr(props, "fixedTemporalRange"):
            values.append(props.fixedTemporalRange().begin())
    except (AttributeError, RuntimeError, TypeError):
        pass
    for value in values:
        if value is not None and value.isValid():
            return parse_date(value.toUTC().toString("yyyy-MM-ddTHH:mm:ss"))
    return None

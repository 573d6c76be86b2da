"""Guess which raster layer is the earlier image and which the later one, from their names.

Analysts name their pairs "…_pre"/"…_post", "before"/"after" or put dates in the file names; pre-filling
the dock from that saves two clicks and, more importantly, never leaves both boxes on the same layer.
Pure Python so it can be tested without layers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def guess_pair(names: Sequence[str]) -> tuple[int, int] | None:
    """Indices (earlier, later) into `names`, never the same; None with fewer than two names.

    Dates win (the oldest is earlier, the newest later), then pre/post words, then list order."""
    if len(names) < 2:
        return None
    dated = [(date_key(n), i) for i, n in enumerate(names) if date_key(n) is not None]
    if len(dated) >= 2:
        dated.sort()
        if dated[0][0] != dated[-1][0]:
            return dated[0][1], dated[-1][1]
    roles = [role(n) for n in names]
    earlier = next((i for i, r in enumerate(roles) if r == "earlier"), None)
    later = next((i for i, r in enumerate(roles) if r == "later"), None)
    if earlier is None and later is None:
        return 0, 1
    if earlier is None:
        earlier = next(i for i in range(len(names)) if i != later)
    if later is None:
        later = next(i for i in range(len(names)) if i != earlier)
    return earlier, later

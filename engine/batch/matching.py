"""Pairs of rasters from two folders or two local STAC ItemCollections, matched by footprint and date.

Why: a campaign rarely comes as a hand-written list of pairs; it comes as "the tiles before" and "the tiles
after", named by whoever produced them. Matching by where the rasters are (footprints in EPSG:4326, whatever
their own CRS) and when they were taken (metadata, then the file name) turns two folders into the work list
of `mtrs batch`, and says what it could not pair instead of dropping it.

The rules, deterministic so that two runs over the same folders give the same pairs (and resume keys):
- each later raster is paired with the earlier raster that overlaps it most, as a share of the smaller of
  the two footprints, if that share reaches `min_overlap` (default 50 %); an earlier raster may serve several
  later ones (one mosaic before, tiles after);
- equally good earlier rasters (same share) are told apart by date (one taken before the later raster, then
  the nearest in time), then by file name; the choice is noted;
- when both rasters of a pair carry a date and the "earlier" one is the newer, they are swapped (noted);
  equal or missing dates keep the folders' roles;
- rasters of either side left without a pair are noted, with the reason.
Overlap shares are computed on lon/lat degrees: both footprints of a candidate pair lie at the same place, so
the latitude's stretch cancels out of the share.

The result is a list of (pair_id, earlier, later) with `.notes`, the sentences the CLI prints.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.batch.dates import acquisition_date
from engine.errors import InputError

#: Share of the smaller footprint two rasters must have in common to be a pair.
MIN_OVERLAP = 0.5
#: File name endings taken as rasters in a folder (sidecars such as .aux.xml, .ovr, .msk are not rasters).
RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".jp2")
#: Stems the batch's own files use in the output folder (merged.gpkg, summary.csv): never a pair id.
RESERVED_IDS = ("merged", "summary")
#: Longest pair id (the manifest's rule for an `id` column).
MAX_ID = 100
_GEOTIFF_TYPES = ("image/tiff", "image/geotiff", "image/vnd.stac.geotiff")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EDGE_POINTS = 21  # points per footprint edge when it is reprojected (a UTM square is curved in lon/lat)


class Matches(list):
    """The pairs [(pair_id, earlier, later), ...] plus `notes`: unmatched rasters, ties resolved, swaps."""

    def __init__(self, pairs: Iterable[tuple[str, str, str]] = (), notes: Iterable[str] = ()):
        super().__init__(pairs)
        self.notes: list[str] = list(notes)


@dataclass(frozen=True)
class Footprint:
    """One raster (or STAC item) of one side: where it is in EPSG:4326 and when it was taken."""

    name: str  # the file name or the item id, for notes
    path: str  # what the pipeline opens: the raster path or the asset href
    stem: str  # base of the pair id
    shape: Any  # shapely geometry in EPSG:4326
    date: datetime | None
    date_from: str  # "metadata", "file name", "TIFF tag", "" (see engine.batch.dates)


# -- folders -------------------------------------------------------------------------------------------------


def match_folders(earlier_dir: str, later_dir: str, min_overlap: float = MIN_OVERLAP) -> Matches:
    """Pairs of the rasters in two folders (not their subfolders), matched by footprint and date."""
    earlier_dir, later_dir = _folder(earlier_dir, "earlier"), _folder(later_dir, "later")
    if os.path.realpath(earlier_dir) == os.path.realpath(later_dir):
        raise InputError(
            f"the earlier and later folders are the same: {earlier_dir}",
            hint="give the folder of images before the change and the folder of images after it",
        )
    notes: list[str] = []
    earlier = folder_footprints(earlier_dir, "earlier", notes)
    later = folder_footprints(later_dir, "later", notes)
    return match_footprints(earlier, later, min_overlap, notes, (earlier_dir, later_dir))


def _folder(path: str, side: str) -> str:
    path = os.path.abspath(os.path.expanduser(os.fspath(path)))
    if not os.path.exists(path):
        raise InputError(f"{side} folder not found: {path}")
    if not os.path.isdir(path):
        raise InputError(
            f"{side} folder is a file, not a folder: {path}",
            hint="give the folder holding the rasters, or list pairs of files in a manifest",
        )
    return path


def raster_files(folder: str) -> list[str]:
    """The raster files directly in `folder` (by name ending), sorted by name; hidden files are left out."""
    names = sorted(
        n
        for n in os.listdir(folder)
        if not n.startswith(".")
        and n.lower().endswith(RASTER_SUFFIXES)
        and os.path.isfile(os.path.join(folder, n))
    )
    return [os.path.join(folder, n) for n in names]


def folder_footprints(folder: str, side: str, notes: list[str]) -> list[Footprint]:
    """Footprints of the folder's rasters; an unreadable or not georeferenced one is noted and left out.
    InputError when the folder has no usable raster at all."""
    files = raster_files(folder)
    if not files:
        entries = [n for n in os.listdir(folder) if not n.startswith(".")]
        seen = ", ".join(sorted(entries)[:5]) + (", …" if len(entries) > 5 else "")
        raise InputError(
            f"no raster in the {side} folder: {folder}",
            hint=(f"it holds {seen}; " if entries else "it is empty; ")
            + "rasters are files ending in "
            + ", ".join(RASTER_SUFFIXES),
        )
    footprints = []
    for path in files:
        try:
            footprints.append(raster_footprint(path))
        except InputError as exc:
            notes.append(f"{side} raster {os.path.basename(path)} left out: {exc.message}")
    if not footprints:
        raise InputError(
            f"no georeferenced raster GDAL can read in the {side} folder: {folder}",
            hint="rasters must have a coordinate reference system and a geotransform to be matched "
            "by footprint; list pairs of plain images in a manifest instead",
        )
    return footprints


def raster_footprint(path: str) -> Footprint:
    """The raster's footprint in EPSG:4326 and its acquisition date; InputError when it cannot be matched."""
    import rasterio
    from rasterio.errors import RasterioIOError

    name = os.path.basename(path)
    try:
        with rasterio.open(path) as ds:
            if ds.crs is None or ds.transform.is_identity:
                raise InputError(f"{name} is not georeferenced")
            shape = footprint_wgs84(ds.crs, ds.bounds)
            metadata = dict(ds.tags())
            metadata.update({f"IMAGERY:{k}": v for k, v in ds.tags(ns="IMAGERY").items()})
    except RasterioIOError as exc:
        raise InputError(f"not a raster GDAL can read ({' '.join(str(exc).split())})") from None
    if shape is None:
        raise InputError(f"{name} has no footprint in longitude/latitude")
    date, date_from = acquisition_date(metadata, name)
    return Footprint(name, path, os.path.splitext(name)[0], shape, date, date_from)


def footprint_wgs84(crs, bounds) -> Any:
    """The bounds' outline in EPSG:4326 (edges densified, so a projected square stays faithful), or None when
    it has no area there (degenerate bounds, outside the projection)."""
    from rasterio.crs import CRS
    from rasterio.warp import transform, transform_bounds
    from shapely.geometry import Polygon, box

    left, bottom, right, top = bounds
    wgs84 = CRS.from_epsg(4326)
    if CRS.from_user_input(crs) == wgs84:
        shape = box(left, bottom, right, top)
        return shape if shape.area > 0 else None
    n = _EDGE_POINTS
    xs = [left + (right - left) * i / (n - 1) for i in range(n)]
    ys = [bottom + (top - bottom) * i / (n - 1) for i in range(n)]
    ring_x = xs + [right] * n + xs[::-1] + [left] * n
    ring_y = [bottom] * n + ys + [top] * n + ys[::-1]
    try:
        lon, lat = transform(crs, wgs84, ring_x, ring_y)
        finite = all(math.isfinite(v) for v in (*lon, *lat))
        shape = Polygon(zip(lon, lat, strict=True)) if finite else None
        if shape is None or not shape.is_valid or shape.area <= 0 or max(lon) - min(lon) > 180:
            # a ring that crosses the antimeridian or a pole: its bounding box is the fair outline
            shape = box(*transform_bounds(crs, wgs84, left, bottom, right, top, densify_pts=n))
    except Exception:  # a CRS PROJ cannot transform: the raster simply has no footprint
        return None
    return shape if shape.area > 0 else None


# -- STAC ----------------------------------------------------------------------------------------------------


def match_stac(earlier_collection: str, later_collection: str, min_overlap: float = MIN_OVERLAP) -> Matches:
    """Pairs of the items of two local STAC ItemCollections (JSON files), by item geometry and datetime;
    each item's raster is its "data" asset or its first GeoTIFF asset, relative hrefs taken from the file's
    folder."""
    notes: list[str] = []
    paths = []
    for path, side in ((earlier_collection, "earlier"), (later_collection, "later")):
        path = os.path.abspath(os.path.expanduser(os.fspath(path)))
        if not os.path.isfile(path):
            raise InputError(
                f"{side} STAC file not found: {path}",
                hint="give a local ItemCollection (a GeoJSON FeatureCollection of STAC Items)",
            )
        paths.append(path)
    if os.path.realpath(paths[0]) == os.path.realpath(paths[1]):
        raise InputError(
            f"the earlier and later STAC files are the same: {paths[0]}",
            hint="give the items before the change and the items after it",
        )
    earlier = stac_footprints(paths[0], "earlier", notes)
    later = stac_footprints(paths[1], "later", notes)
    return match_footprints(earlier, later, min_overlap, notes, tuple(paths))


def _read_item_collection(path: str, side: str) -> Any:
    try:
        import pystac
    except ImportError:
        raise InputError(
            "--earlier-stac/--later-stac need the pystac package",
            hint="bash scripts/setup.sh installs it (or: pip install pystac)",
        ) from None
    try:
        return pystac.ItemCollection.from_file(path)
    except Exception as exc:  # JSON, schema and key errors alike mean "not an ItemCollection"
        detail = " ".join(str(exc).split())[:200]
        raise InputError(
            f"the {side} STAC file is not a valid ItemCollection: {path} ({type(exc).__name__}: {detail})",
            hint="give a GeoJSON FeatureCollection of STAC Items, e.g. a saved STAC API search "
            "or pystac's ItemCollection.save_object()",
        ) from None


def stac_footprints(path: str, side: str, notes: list[str]) -> list[Footprint]:
    """Footprints of the collection's items (sorted by id); items without a raster asset or a geometry are
    noted and left out. InputError when nothing usable is left."""
    collection = _read_item_collection(path, side)
    items = sorted(collection, key=lambda item: str(item.id))
    if not items:
        raise InputError(f"the {side} STAC file has no items: {path}")
    folder = os.path.dirname(path)
    footprints = []
    for item in items:
        asset = data_asset(item)
        if asset is None:
            notes.append(f"{side} item {item.id} left out: no 'data' asset and no GeoTIFF asset")
            continue
        shape = item_shape(item)
        if shape is None:
            notes.append(f"{side} item {item.id} left out: no geometry or bbox with an area")
            continue
        date, date_from = acquisition_date(item.properties or {}, str(item.id))
        footprints.append(
            Footprint(str(item.id), resolve_href(asset.href, folder), str(item.id), shape, date, date_from)
        )
    if not footprints:
        raise InputError(
            f"no item of the {side} STAC file has a raster asset and a footprint: {path}",
            hint="each item needs a geometry (or bbox) and an asset with role 'data' or a GeoTIFF href",
        )
    return footprints


def data_asset(item: Any) -> Any:
    """The item's raster: an asset with role "data" (a GeoTIFF one first), else its first GeoTIFF asset."""
    assets = list(item.assets.values())
    data = [a for a in assets if "data" in (a.roles or [])]
    for candidates in ([a for a in data if _is_geotiff(a)], data, [a for a in assets if _is_geotiff(a)]):
        if candidates:
            return candidates[0]
    return None


def _is_geotiff(asset: Any) -> bool:
    media = (asset.media_type or "").split(";")[0].strip().lower()
    return media in _GEOTIFF_TYPES or asset.href.lower().split("?")[0].endswith((".tif", ".tiff"))


def item_shape(item: Any) -> Any:
    """The item's geometry (or bbox) as a shapely geometry in EPSG:4326; None when it has no area."""
    from shapely.geometry import box, shape

    geom = None
    if item.geometry:
        try:
            geom = shape(item.geometry)
        except (ValueError, TypeError, KeyError, AttributeError):
            geom = None
        if geom is not None and not geom.is_valid:
            geom = geom.buffer(0)
    if (geom is None or geom.area <= 0) and item.bbox and len(item.bbox) in (4, 6):
        b = item.bbox
        geom = box(b[0], b[1], b[2], b[3]) if len(b) == 4 else box(b[0], b[1], b[3], b[4])
    return geom if geom is not None and geom.area > 0 else None


def resolve_href(href: str, folder: str) -> str:
    """A local path for file hrefs (relative ones from the collection's folder); URLs stay as they are (GDAL
    reads http(s) through /vsicurl/)."""
    if href.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return os.path.normpath(unquote(urlparse(href).path))
    if "://" in href or href.startswith("/vsi") or os.path.isabs(href):
        return href
    return os.path.normpath(os.path.join(folder, href))


# -- the matching --------------------------------------------------------------------------------------------


def overlap_share(a: Any, b: Any) -> float:
    """Area in common as a share of the smaller footprint (1.0: one lies within the other)."""
    smaller = min(a.area, b.area)
    if smaller <= 0 or not a.intersects(b):
        return 0.0
    return a.intersection(b).area / smaller


def match_footprints(
    earlier: Sequence[Footprint],
    later: Sequence[Footprint],
    min_overlap: float = MIN_OVERLAP,
    notes: list[str] | None = None,
    sources: tuple[str, str] = ("earlier", "later"),
) -> Matches:
    """The pairing rules of this module's docstring on footprints already read. InputError when no pair
    results (no overlap at all, or none large enough), saying where each side lies."""
    if not 0.0 < min_overlap <= 1.0:
        raise InputError(f"the minimum overlap must be in (0, 1], got {min_overlap}")
    notes = list(notes or [])
    pairs: list[tuple[str, str, str]] = []
    used: set[str] = set()
    ids: set[str] = set()
    best_seen: tuple[float, str, str] = (0.0, "", "")
    for lat in sorted(later, key=lambda f: f.name):
        scored = [(overlap_share(e.shape, lat.shape), e) for e in earlier if e.path != lat.path]
        scored = [(s, e) for s, e in scored if s > 0]
        if not scored:
            notes.append(f"later {lat.name} not paired: no earlier raster overlaps it")
            continue
        top = max(s for s, _e in scored)
        if top > best_seen[0]:
            best_seen = (top, next(e.name for s, e in scored if s == top), lat.name)
        if top < min_overlap - 1e-9:
            notes.append(
                f"later {lat.name} not paired: it overlaps at most {top:.0%} with an earlier raster "
                f"(below {min_overlap:.0%})"
            )
            continue
        tied = sorted((e for s, e in scored if round(s, 6) == round(top, 6)), key=lambda e: e.name)
        chosen, why = _break_tie(tied, lat)
        if len(tied) > 1:
            others = ", ".join(e.name for e in tied if e is not chosen)
            notes.append(
                f"later {lat.name}: {chosen.name} and {others} overlap it equally ({top:.0%}); "
                f"chose {chosen.name} ({why})"
            )
        used.add(chosen.path)
        pair_id = unique_id(lat.stem, ids)
        first, second = chosen, lat
        if chosen.date is not None and lat.date is not None and chosen.date > lat.date:
            first, second = lat, chosen
            notes.append(
                f"pair {pair_id}: swapped, the later side's {lat.name} ({_day(lat)}, from the "
                f"{lat.date_from}) is older than {chosen.name} ({_day(chosen)}, from the {chosen.date_from})"
            )
        pairs.append((pair_id, first.path, second.path))
    for e in sorted(earlier, key=lambda f: f.name):
        if e.path not in used:
            notes.append(f"earlier {e.name} not paired: {_why_unused(e, later, min_overlap)}")
    if not pairs:
        raise _no_pairs(earlier, later, min_overlap, best_seen, sources)
    return Matches(pairs, notes)


def _break_tie(tied: list[Footprint], later: Footprint) -> tuple[Footprint, str]:
    """The earlier raster among equally overlapping ones: taken before the later one, then nearest in time,
    then first by name."""
    if len(tied) == 1:
        return tied[0], ""
    if later.date is not None and any(e.date is not None for e in tied):

        def key(e: Footprint) -> tuple[int, float, str]:
            if e.date is None:
                return (2, math.inf, e.name)
            return (0 if e.date <= later.date else 1, abs((later.date - e.date).total_seconds()), e.name)

        ranked = sorted(tied, key=key)
        if key(ranked[0])[:2] != key(ranked[1])[:2]:
            return ranked[0], "nearest date before the later raster"
    return tied[0], "first by name"


def _why_unused(e: Footprint, later: Sequence[Footprint], min_overlap: float) -> str:
    shares = [overlap_share(e.shape, lat.shape) for lat in later]
    top = max(shares, default=0.0)
    if top <= 0:
        return "no later raster overlaps it"
    if top < min_overlap - 1e-9:
        return f"it overlaps at most {top:.0%} with a later raster (below {min_overlap:.0%})"
    return "the later rasters it overlaps were paired with other earlier rasters"


def _day(f: Footprint) -> str:
    return f.date.strftime("%Y-%m-%d") if f.date is not None else "no date"


def _bounds_text(footprints: Sequence[Footprint]) -> str:
    from shapely.ops import unary_union

    x0, y0, x1, y1 = unary_union([f.shape for f in footprints]).bounds
    return f"lon {x0:.4f}..{x1:.4f}, lat {y0:.4f}..{y1:.4f}"


def _no_pairs(earlier, later, min_overlap, best_seen, sources) -> InputError:
    where = f"the earlier rasters cover {_bounds_text(earlier)}; the later ones {_bounds_text(later)}"
    if best_seen[0] <= 0:
        return InputError(
            f"no raster of {sources[1]} overlaps a raster of {sources[0]}",
            hint=f"{where}; check that both sides show the same area and that their CRSs are right",
        )
    share, e_name, l_name = best_seen
    return InputError(
        f"no pair overlaps by at least {min_overlap:.0%} of the smaller raster",
        hint=f"the best is {l_name} with {e_name} ({share:.0%}); {where}",
    )


def safe_id(text: str) -> str:
    """A file stem safe on every system: letters, digits, '.', '_' and '-' only, starting with a letter or
    digit, at most MAX_ID characters; never a name the batch's own files use."""
    stem = _UNSAFE.sub("_", text).strip("._-")[:MAX_ID].rstrip("._-") or "pair"
    if stem.lower() in RESERVED_IDS:
        stem += "_pair"
    return stem


def unique_id(text: str, taken: set[str]) -> str:
    """`safe_id(text)`, with -2, -3, … appended when already taken (compared without case, as on Windows and
    macOS file systems; the manifest's derived ids do the same); adds it to `taken`."""
    base = safe_id(text)
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"-{n}"
        candidate, n = base[: MAX_ID - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate

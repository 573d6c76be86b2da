"""Manifests (CSV, JSON lines, JSON, YAML) and matched pairs → `WorkItem`s, every row checked before any work.

A row names one pair: `earlier`, `later`, and optionally `id`, `prompts` (a list, or "a|b" in CSV; `prompt`
for one), `all_changes`, `output`, and any `mtrs predict` option by its request field name (`tile`,
`threshold`, `bands_earlier`, ...). Options not set in a row come from the command line's defaults.

Why every row is checked first: a typo in row 812 must not surface after 811 pairs ran for an hour; a
manifest with a syntax error, an unknown column, a bad value, a duplicate id or output, or an output that is
another row's input stops before any work, naming the file, the line and the column. What is checked here is
only what needs no raster: a pair whose raster is missing or unreadable fails alone when it runs, and the
others still run (the summary says why it failed).

Relative paths in a manifest (earlier, later, output, probabilities, a model folder) are relative to the
manifest's folder, so a manifest and its rasters can move together.
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.batch.keys import resolve_model_identity, work_key
from engine.batch.work import WorkItem
from engine.contract import REQUEST, REQUEST_NAMES
from engine.errors import InputError, MtrsError
from engine.geo.input_files import is_local
from engine.pipeline.request import AnalysisRequest

#: Manifest columns besides the request fields.
EXTRA_COLUMNS = ("id", "prompt")
#: Request fields a row may not set (the batch decides them).
NOT_IN_ROWS = ("overwrite",)
#: Path fields, resolved against the manifest's folder.
PATH_FIELDS = ("earlier", "later", "output", "probabilities")
COLUMNS = tuple(n for n in (*EXTRA_COLUMNS, *REQUEST_NAMES) if n not in NOT_IN_ROWS)
DEFAULT_SUFFIX = ".gpkg"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_LIST_SPLIT = re.compile(r"[|,;\s]+")
_TRUE, _FALSE = ("true", "yes", "1", "y", "on"), ("false", "no", "0", "n", "off", "")
MANIFEST_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".yaml", ".yml")


@dataclass
class Row:
    """One manifest row: where it is (for messages), its values, and whether they are text (CSV)."""

    where: str  # "jobs.csv, line 4"
    values: dict[str, Any]
    text: bool = False


def _error(where: str, column: str | None, message: str, hint: str | None = None) -> InputError:
    place = f"{where}, column '{column}'" if column else where
    return InputError(f"{place}: {message}", hint=hint)


# -- reading ------------------------------------------------------------------------------------------------


def read_rows(path: str | os.PathLike) -> tuple[list[Row], dict[str, Any]]:
    """The rows of a manifest and the defaults it declares itself (YAML/JSON `defaults:`; else {})."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MANIFEST_SUFFIXES:
        raise InputError(
            f"unknown manifest format: {path.name}",
            hint="a manifest is a .csv, .jsonl (JSON lines), .json or .yaml/.yml file",
        )
    if path.is_dir():
        raise InputError(f"the manifest {path} is a folder", hint="give the manifest file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"manifest not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the manifest {path} is not UTF-8 text (byte {exc.start})", hint="save it as UTF-8"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the manifest {path}: {exc}") from None
    name = path.name
    if suffix == ".csv":
        rows, defaults = _csv_rows(text, name), {}
    elif suffix in (".jsonl", ".ndjson"):
        rows, defaults = _jsonl_rows(text, name), {}
    elif suffix == ".json":
        rows, defaults = _json_rows(text, name)
    else:
        rows, defaults = _yaml_rows(text, name)
    if not rows:
        raise InputError(f"the manifest {path} has no rows", hint="one row per pair: earlier, later, prompts")
    return rows, defaults


def _csv_rows(text: str, name: str) -> list[Row]:
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines)
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                dup = sorted({c for c in header if header.count(c) > 1})
                if dup:
                    raise _error(f"{name}, line {line}", dup[0], "the column appears twice in the header")
                if "" in header:
                    raise _error(f"{name}, line {line}", None, "the header has an empty column name")
                continue
            if len(cells) > len(header):
                raise _error(
                    f"{name}, line {line}",
                    None,
                    f"{len(cells)} cells, but the header has {len(header)} columns",
                    hint='quote cells that contain commas ("1,2,3"), or use | between list items',
                )
            values = {h: c.strip() for h, c in zip(header, cells, strict=False) if c.strip() != ""}
            rows.append(Row(f"{name}, line {line}", values, text=True))
    except csv.Error as exc:
        raise _error(f"{name}, line {reader.line_num}", None, f"not valid CSV ({exc})") from None
    return rows


def _jsonl_rows(text: str, name: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise _error(f"{name}, line {number}", None, f"not valid JSON ({exc})") from None
        if not isinstance(value, dict):
            raise _error(f"{name}, line {number}", None, "each line must be a JSON object {...}")
        rows.append(Row(f"{name}, line {number}", value))
    return rows


def _json_rows(text: str, name: str) -> tuple[list[Row], dict[str, Any]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _error(name, None, f"not valid JSON ({exc})") from None
    items, defaults = _split_document(data, name)
    return [
        Row(f"{name}, row {i}", _mapping(v, f"{name}, row {i}")) for i, v in enumerate(items, 1)
    ], defaults


def _yaml_rows(text: str, name: str) -> tuple[list[Row], dict[str, Any]]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}, line {mark.line + 1}" if mark is not None else name
        raise _error(where, None, f"not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    finally:
        loader.dispose()
    items, defaults = _split_document(data, name)
    nodes = node.value if isinstance(node, yaml.SequenceNode) else _pairs_node(node)
    rows = []
    for i, value in enumerate(items):
        line = nodes[i].start_mark.line + 1 if i < len(nodes) else i + 1
        rows.append(Row(f"{name}, line {line}", _mapping(value, f"{name}, line {line}")))
    return rows, defaults


def _pairs_node(node: Any) -> list:
    for key, value in getattr(node, "value", []) or []:
        if getattr(key, "value", None) == "pairs":
            return list(value.value)
    return []


def _split_document(data: Any, name: str) -> tuple[list, dict[str, Any]]:
    """A list of rows, or {"pairs": [...], "defaults": {...}}."""
    if isinstance(data, list):
        return data, {}
    if isinstance(data, dict) and isinstance(data.get("pairs"), list):
        unknown = sorted(set(data) - {"pairs", "defaults"})
        if unknown:
            raise _error(
                name,
                None,
                f"unknown top-level key(s): {', '.join(map(str, unknown))}",
                hint="the top level holds 'pairs' (a list) and optionally 'defaults'",
            )
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise _error(name, "defaults", "must be a mapping of option: value")
        return data["pairs"], defaults
    raise _error(
        name,
        None,
        "expected a list of pairs, or 'pairs:' with a list",
        hint="each pair: earlier, later, prompts (see docs/BATCH.md)",
    )


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _error(where, None, "each pair must be a mapping (earlier: ..., later: ..., prompts: ...)")
    return {str(k): v for k, v in value.items() if v is not None}


# -- values -------------------------------------------------------------------------------------------------


def convert(name: str, value: Any, where: str) -> Any:
    """A row's value for request field `name` in the field's type; text (CSV cells, or strings in JSON/YAML
    where a number or list is expected) is parsed. InputError names the place and the column."""
    f = REQUEST[name]
    try:
        if f.kind == "list[str]":
            items = value.split("|") if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise ValueError("a list of texts (in CSV: a|b)")
            return [v.strip() for v in items if v.strip()]
        if f.kind in ("list[int]", "list[number]"):
            items = [p for p in _LIST_SPLIT.split(value.strip()) if p] if isinstance(value, str) else value
            if not isinstance(items, list):
                raise ValueError("a list of numbers")
            cast = int if f.kind == "list[int]" else float
            return [_number(v, cast) for v in items]
        if f.kind == "int":
            return _number(value, int)
        if f.kind == "number":
            return _number(value, float)
        if f.kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in (*_TRUE, *_FALSE):
                return value.strip().lower() in _TRUE
            raise ValueError("true or false")
        if not isinstance(value, str):
            raise ValueError("a text")
        return value
    except ValueError as exc:
        raise _error(where, name, f"expected {exc}, got {value!r}"[:300], hint=f"{name}: {f.help}") from None


def _number(value: Any, cast: type) -> int | float:
    if isinstance(value, bool):
        raise ValueError("a number, not true/false")
    words = "a whole number" if cast is int else "a number"
    if isinstance(value, str):
        try:
            out = int(value.strip()) if cast is int else float(value.strip())
        except ValueError:
            raise ValueError(words) from None
    elif isinstance(value, int | float):
        if cast is int and (isinstance(value, float) and not value.is_integer()):
            raise ValueError("a whole number")
        out = cast(value)
    else:
        raise ValueError(words)
    if isinstance(out, float) and not math.isfinite(out):
        raise ValueError("a finite number")
    return out


def _resolve_path(value: str, base: Path) -> str:
    value = os.path.expanduser(value)
    if not is_local(value) or os.path.isabs(value):
        return value
    return str((base / value).resolve())


def resolve_model(value: str | None, base: Path) -> str | None:
    """A model folder relative to `base` is made absolute; hub ids (owner/name) and null models stay."""
    if not value or value.startswith("null:"):
        return value
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return expanded
    candidate = base / expanded
    if candidate.is_dir() or value.startswith((".", "~")):
        return str(candidate.resolve())
    return value


def safe_stem(text: str) -> str:
    """A file stem made of letters, digits, '.', '_' and '-' (other characters become '_')."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")
    return stem[:100] or "pair"


# -- rows → items -------------------------------------------------------------------------------------------


def row_values(row: Row, defaults: dict[str, Any], base: Path) -> tuple[str | None, dict[str, Any]]:
    """(explicit id or None, request values) of one row: columns checked, values typed, paths resolved,
    defaults applied where the row sets nothing."""
    unknown = [k for k in row.values if k not in COLUMNS]
    if unknown:
        hint = "columns: id, earlier, later, prompts, all_changes, output, or an option's name (tile, ...)"
        close = difflib.get_close_matches(unknown[0], COLUMNS, n=1)
        if close:
            hint = f"did you mean '{close[0]}'? " + hint
        if unknown[0] in NOT_IN_ROWS:
            hint = "the batch replaces stale outputs itself; use --force to redo up-to-date ones"
        raise _error(row.where, unknown[0], "unknown column", hint=hint)
    values = dict(row.values)
    pair_id = values.pop("id", None)
    if pair_id is not None:
        pair_id = str(pair_id).strip()
        if not _SAFE_ID.match(pair_id):
            raise _error(
                row.where,
                "id",
                f"'{pair_id}' cannot name a file",
                hint="letters, digits, '.', '_' and '-' only (at most 100), starting with a letter or digit",
            )
    if "prompt" in values:
        if "prompts" in values:
            raise _error(row.where, "prompt", "give 'prompt' or 'prompts', not both")
        one = values.pop("prompt")
        values["prompts"] = [one] if isinstance(one, str) and not row.text else one
    typed = {name: convert(name, v, row.where) for name, v in values.items()}
    for name in ("earlier", "later"):
        if not typed.get(name):
            raise _error(row.where, name, "missing", hint="every pair needs an earlier and a later raster")
    for name in PATH_FIELDS:
        if typed.get(name):
            typed[name] = _resolve_path(typed[name], base)
    if "model" in typed:
        typed["model"] = resolve_model(typed["model"], base)
    own_what = "prompts" in typed or "all_changes" in typed  # prompts and all_changes are one choice
    for name, value in defaults.items():
        if name in ("prompts", "all_changes") and own_what:
            continue
        typed.setdefault(name, value)
    return pair_id, typed


def build_items(
    rows: Iterable[Row],
    defaults: dict[str, Any],
    output_dir: str | os.PathLike,
    base: str | os.PathLike,
    reserved: Iterable[str] = (),
) -> list[WorkItem]:
    """WorkItems of `rows` (defaults applied, every request validated, ids and outputs unique, no output an
    input of any pair). `reserved` are files the batch writes itself (merged layer, summary)."""
    base = Path(base)
    output_dir = Path(output_dir).resolve()
    parsed = [(row, *row_values(row, defaults, base)) for row in rows]
    taken = {pid.lower() for _, pid, _ in parsed if pid}
    reserved = [os.path.abspath(p) for p in reserved]
    reserved_stems = {Path(p).stem.lower() for p in reserved if Path(p).parent == output_dir}
    seen_ids: dict[str, str] = {}
    identities: dict[tuple, dict] = {}
    items: list[WorkItem] = []
    for row, explicit, values in parsed:
        pair_id = explicit or _derive_id(values["later"], taken | reserved_stems)
        taken.add(pair_id.lower())
        if pair_id.lower() in seen_ids:
            raise _error(
                row.where,
                "id",
                f"'{pair_id}' is also the id of {seen_ids[pair_id.lower()]}",
                hint="ids must be unique (case does not count)",
            )
        seen_ids[pair_id.lower()] = row.where
        values.setdefault("output", str(output_dir / f"{pair_id}{DEFAULT_SUFFIX}"))
        request = _request(values, row.where, output_dir)
        model_key = (request.model, request.revision)
        if model_key not in identities:
            identities[model_key] = resolve_model_identity(request.model, request.revision)
        items.append(WorkItem(pair_id, request, work_key(request, identities[model_key])))
    check_outputs_distinct(items, [r.where for r, _, _ in parsed], reserved)
    return items


def _derive_id(later: str, taken: set[str]) -> str:
    stem = safe_stem(Path(later.rstrip("/")).stem)
    candidate, n = stem, 2
    while candidate.lower() in taken:
        candidate, n = f"{stem}-{n}", n + 1
    return candidate


def _request(values: dict[str, Any], where: str, output_dir: Path) -> AnalysisRequest:
    """The row's request, validated, with its output's folder and format checked (the output folder of the
    batch itself may not exist yet: the batch creates it, a dry run does not)."""
    from engine.geo.writer import driver_for
    from engine.pipeline.run_checks import PNG, check_outputs

    values = {**values, "overwrite": True}  # stale outputs are replaced (resume decides which)
    try:
        request = AnalysisRequest(**values)
        request.validate()
        mask_png = Path(request.output).suffix.lower() == PNG
        if output_dir.is_dir() or Path(request.output).parent != output_dir:
            check_outputs(request, mask_png)  # folder, format, no folder in the way
        elif not mask_png:
            driver_for(request.output)
    except MtrsError as exc:
        raise type(exc)(f"{where}: {exc.message}", hint=exc.hint) from None
    return request


def check_outputs_distinct(items: list[WorkItem], wheres: list[str], reserved: Iterable[str] = ()) -> None:
    """InputError when two pairs write the same file, or a pair writes a file that is an input of any pair
    (or one of `reserved`, the batch's own outputs)."""
    from engine.geo.outputs import run_record_path

    def real(p: str) -> str:
        return os.path.normcase(os.path.realpath(p))

    inputs = {
        real(p): (where, name)
        for it, where in zip(items, wheres, strict=True)
        for name, p in (("earlier", it.request.earlier), ("later", it.request.later))
        if is_local(p)
    }
    owners: dict[str, str] = {real(p): "the batch's own outputs (merged layer / summary)" for p in reserved}
    for item, where in zip(items, wheres, strict=True):
        files = [item.request.output, run_record_path(item.request.output)]
        if item.request.probabilities:
            files.append(item.request.probabilities)
        for f in files:
            key = real(f)
            if key in inputs:
                other, name = inputs[key]
                raise _error(
                    where,
                    "output",
                    f"{f} is the {name} raster of {other}; it would be overwritten",
                    hint="choose another output name",
                )
            if key in owners:
                raise _error(
                    where,
                    "output",
                    f"{f} is also written by {owners[key]}",
                    hint="give each pair its own output (or another id)",
                )
            owners[key] = where


def read_manifest(
    path: str | os.PathLike,
    defaults: dict[str, Any],
    output_dir: str | os.PathLike,
    reserved: Iterable[str] = (),
) -> list[WorkItem]:
    """The WorkItems of a manifest file. `defaults` (command-line options) apply where neither the row nor
    the manifest's own `defaults:` set an option."""
    rows, own = read_rows(path)
    base = Path(path).resolve().parent
    own_row = Row(f"{Path(path).name}, defaults", own, text=False)
    own_typed = _defaults_values(own_row, base)
    return build_items(rows, {**defaults, **own_typed}, output_dir, base, reserved)


def _defaults_values(row: Row, base: Path) -> dict[str, Any]:
    bad = [k for k in row.values if k not in COLUMNS or k in ("id", "earlier", "later", "output")]
    if bad:
        raise _error(
            row.where,
            bad[0],
            "not an option that can have a default",
            hint="defaults: prompts, all_changes, model, tile, threshold, ... (not id/earlier/later/output)",
        )
    values = dict(row.values)
    if "prompt" in values:
        values["prompts"] = (
            [values.pop("prompt")] if isinstance(row.values["prompt"], str) else values.pop("prompt")
        )
    typed = {name: convert(name, v, row.where) for name, v in values.items()}
    if typed.get("probabilities"):
        typed["probabilities"] = _resolve_path(typed["probabilities"], base)
    if "model" in typed:
        typed["model"] = resolve_model(typed["model"], base)
    return typed


def items_from_pairs(
    pairs: Iterable[tuple[str, str, str]],
    defaults: dict[str, Any],
    output_dir: str | os.PathLike,
    reserved: Iterable[str] = (),
    source: str = "pair",
) -> list[WorkItem]:
    """WorkItems of matched (pair_id, earlier, later) triples (folders, STAC), with the command line's
    options."""
    rows = [
        Row(f"{source} '{pid}'", {"id": safe_stem(pid), "earlier": e, "later": l_}) for pid, e, l_ in pairs
    ]
    if not rows:
        raise InputError("no pairs were matched", hint="check the folders / collections and their dates")
    return build_items(rows, defaults, output_dir, os.getcwd(), reserved)

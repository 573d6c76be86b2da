"""Referring expressions from labelled change instances, deterministic for a seed.

Why generated and not written by hand: an analyst labels polygons (and maybe a damage class), never sentences,
yet stage 2 learns from (expression, mask) pairs. The kinds follow what users type: a whole class ("all
destroyed buildings"), one instance by size rank or by position on a 3×3 grid of the chip ("the largest
destroyed building", "the destroyed building in the north-east"), the polygon's own description verbatim, and
negatives: a class absent from the chip gets its class-level expression with an EMPTY mask, the only way a
model learns to answer "no such change". Synonyms come from an editable template file
(engine/export/templates.json), so the same labels teach several wordings of one request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import InputError

DEFAULT_TEMPLATES = Path(__file__).with_name("templates.json")
REQUIRED_KEYS = ("class_level", "largest", "smallest", "position", "positions", "classes")
KINDS = ("class", "largest", "smallest", "position", "description", "negative")
SIZE_MARGIN = 1.25  # "the largest" only when it is at least this much larger than the runner-up (unambiguous)


@dataclass(frozen=True, eq=False)
class Instance:
    """One labelled change visible in a chip: its class, optional free text, and its pixels in the chip."""

    class_name: str
    mask: np.ndarray  # chip-sized bool
    description: str | None = None

    @property
    def pixels(self) -> int:
        return int(self.mask.sum())

    def cell(self, grid: int = 3) -> tuple[int, int]:
        """(row, col) of the 3×3 cell holding the instance's centroid."""
        rows, cols = np.nonzero(self.mask)
        h, w = self.mask.shape
        return min(grid - 1, int(rows.mean() * grid / h)), min(grid - 1, int(cols.mean() * grid / w))


@dataclass(frozen=True, eq=False)
class Expression:
    """One training sample of a chip: text, target mask (may be empty) and how it was made."""

    text: str
    mask: np.ndarray
    kind: str  # class | largest | smallest | position | description | negative

    @property
    def empty(self) -> bool:
        return not bool(self.mask.any())


def load_templates(path: str | Path | None = None) -> dict:
    """The template file as a dict; InputError naming what is wrong with a user's file."""
    path = Path(path) if path else DEFAULT_TEMPLATES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"templates file not found: {path}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"templates file {path} is not valid UTF-8 JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"templates file {path} must hold a JSON object")
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise InputError(
            f"templates file {path} lacks {', '.join(missing)}",
            hint=f"start from a copy of {DEFAULT_TEMPLATES}",
        )
    positions = data["positions"]
    if len(positions) != 3 or any(len(row) != 3 for row in positions):
        raise InputError(f"templates file {path}: 'positions' must be 3 rows of 3 names")
    data.setdefault("extra_negatives", [])
    return data


def humanise(label: str) -> str:
    """'major-damage' → 'major damage': a readable default name for a class the templates do not know."""
    return " ".join(str(label).replace("_", " ").replace("-", " ").split())


class ExpressionGenerator:
    """Expressions of one chip from its instances. `vocabulary` is every class of the export (negatives are
    drawn from the classes absent from a chip); `extra_negatives` adds the templates' unlabelled phrases."""

    def __init__(
        self,
        templates: dict,
        vocabulary: list[str],
        seed: int = 0,
        negatives_per_chip: int = 2,
        positional_per_class: int = 2,
        min_instance_pixels: int = 25,
        extra_negatives: bool = False,
        kinds: tuple[str, ...] = KINDS,
    ):
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise InputError(
                f"unknown expression kind(s) {', '.join(unknown)}", hint=f"kinds: {', '.join(KINDS)}"
            )
        self.kinds = set(kinds)
        self.t = templates
        self.vocabulary = sorted(set(vocabulary))
        self.seed = seed
        self.negatives_per_chip = negatives_per_chip
        self.positional_per_class = positional_per_class
        self.min_instance_pixels = min_instance_pixels
        self.extra = list(templates.get("extra_negatives", [])) if extra_negatives else []

    def names(self, class_name: str) -> tuple[list[str], list[str]]:
        """(singular synonyms, plural synonyms) of a class."""
        entry = self.t["classes"].get(class_name)
        if entry and entry.get("singular") and entry.get("plural"):
            return list(entry["singular"]), list(entry["plural"])
        name = humanise(class_name)
        return [name], [name]

    def _fill(self, rng: np.random.Generator, key: str, class_name: str, **extra: str) -> str:
        singular, plural = self.names(class_name)
        template = str(rng.choice(self.t[key]))
        return template.format(singular=rng.choice(singular), plural=rng.choice(plural), **extra)

    def generate(
        self, chip_index: int, shape: tuple[int, int], instances: list[Instance]
    ) -> list[Expression]:
        """All expressions of one chip, in a fixed order; the same (seed, chip_index, instances) give the same
        texts."""
        rng = np.random.default_rng([self.seed, chip_index])
        empty = np.zeros(shape, dtype=bool)
        by_class: dict[str, list[Instance]] = {}
        for inst in instances:
            if inst.pixels:
                by_class.setdefault(inst.class_name, []).append(inst)
        out: list[Expression] = []
        for class_name in sorted(by_class):
            members = by_class[class_name]
            union = np.logical_or.reduce([m.mask for m in members])
            out.append(Expression(self._fill(rng, "class_level", class_name), union, "class"))
            out.extend(self._instance_expressions(rng, class_name, members))
        out.extend(self._descriptions(instances))
        absent = [c for c in self.vocabulary if c not in by_class]
        negatives = [("class", c) for c in absent] + [("extra", p) for p in self.extra]
        if negatives and self.negatives_per_chip > 0:
            picks = rng.choice(
                len(negatives), size=min(self.negatives_per_chip, len(negatives)), replace=False
            )
            for i in sorted(int(p) for p in picks):
                kind, value = negatives[i]
                text = self._fill(rng, "class_level", value) if kind == "class" else value
                out.append(Expression(text, empty, "negative"))
        return _dedupe([e for e in out if e.kind in self.kinds])

    def _instance_expressions(
        self, rng: np.random.Generator, class_name: str, members: list[Instance]
    ) -> list[Expression]:
        big = [m for m in members if m.pixels >= self.min_instance_pixels]
        if len(big) < 2:
            return []
        out: list[Expression] = []
        ranked = sorted(big, key=lambda m: m.pixels, reverse=True)
        if ranked[0].pixels >= SIZE_MARGIN * ranked[1].pixels:
            out.append(Expression(self._fill(rng, "largest", class_name), ranked[0].mask, "largest"))
        if ranked[-2].pixels >= SIZE_MARGIN * ranked[-1].pixels:
            out.append(Expression(self._fill(rng, "smallest", class_name), ranked[-1].mask, "smallest"))
        cells: dict[tuple[int, int], list[Instance]] = {}
        for m in members:  # every member counts for ambiguity, also the small ones
            cells.setdefault(m.cell(), []).append(m)
        alone = [(cell, ms[0]) for cell, ms in sorted(cells.items()) if len(ms) == 1 and ms[0] in big]
        if alone:
            picks = rng.choice(len(alone), size=min(self.positional_per_class, len(alone)), replace=False)
            for i in sorted(int(p) for p in picks):
                (row, col), inst = alone[i]
                position = self.t["positions"][row][col]
                text = self._fill(rng, "position", class_name, position=position)
                out.append(Expression(text, inst.mask, "position"))
        return out

    @staticmethod
    def _descriptions(instances: list[Instance]) -> list[Expression]:
        masks: dict[str, np.ndarray] = {}
        for inst in instances:
            text = (inst.description or "").strip()
            if text and inst.pixels:
                masks[text] = inst.mask | masks[text] if text in masks else inst.mask.copy()
        return [Expression(text, mask, "description") for text, mask in sorted(masks.items())]


def _dedupe(expressions: list[Expression]) -> list[Expression]:
    """Keep the first of expressions sharing a text (two would teach one text two different masks)."""
    seen: set[str] = set()
    out = []
    for e in expressions:
        key = e.text.lower()
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out

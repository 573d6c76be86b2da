"""The assessment report, as Markdown or HTML (chosen by the file's suffix), with the figure beside it.

Why one document model: both formats must say the same thing; the content is built once as a list of blocks
(heading, paragraph, table, image) and rendered twice.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from engine.assess.grid import unit_name
from engine.assess.objects import NO_CLASS, NO_PROMPT
from engine.assess.result import AssessmentResult, pct
from engine.errors import OutputError

SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}

Block = tuple  # ("h1"|"h2", text) | ("p", text) | ("table", header, rows) | ("img", src, alt)


def report_format(path: str) -> str:
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise OutputError(
            f"the report must be a .md or .html file, got {os.path.basename(path)}",
            hint="e.g. -o assessment.md or -o assessment.html",
        )
    return fmt


def figure_path(report: str) -> str:
    """The PNG beside the report, same stem."""
    return str(Path(report).with_suffix(".png"))


def write_report(path: str, fmt: str, result: AssessmentResult, figure_name: str | None) -> None:
    blocks = build_blocks(result, figure_name)
    text = render_markdown(blocks) if fmt == "md" else render_html(blocks)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _num(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def build_blocks(r: AssessmentResult, figure_name: str | None) -> list[Block]:
    p, o, g, opt = r.pixel, r.objects, r.grid, r.options
    sx, sy = g.pixel_size
    blocks: list[Block] = [("h1", "Change accuracy assessment")]
    inputs = [
        ["predicted", r.predicted],
        ["reference", r.reference],
        ["grid", f"{g.width} × {g.height} px of {sx:g} × {sy:g} {unit_name(g.crs)} ({g.crs.to_string()})"],
        ["extent", ", ".join(f"{v:.3f}" for v in g.bounds)],
    ]
    for key, label in (
        ("predicted_layer", "predicted layer"),
        ("reference_layer", "reference layer"),
        ("class_field", "class field"),
        ("where", "reference filter"),
        ("reference_codes", "reference codes counted as change"),
        ("class_table", "class names"),
        ("predicted_where", "predicted filter"),
        ("threshold", "probability threshold"),
        ("background", "background"),
    ):
        value = opt.get(key)
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value not in (None, ""):
            inputs.append([label, str(value)])
    blocks.append(("table", ["input", "value"], inputs))
    if figure_name:
        blocks.append(("img", figure_name, "outcome map and object counts"))
        blocks.append(
            (
                "p",
                "Left: each pixel by outcome — green TP (change in both), orange FP (predicted only), blue "
                "FN (reference change that was missed), grey no data; FP and FN objects are outlined. Right: "
                "objects per reference class (matched / missed) and per prompt (matched / false).",
            )
        )
    blocks.append(("h2", "Pixels"))
    blocks.append(
        (
            "table",
            ["metric", "value"],
            [
                ["IoU", pct(p.iou)],
                ["precision", pct(p.precision)],
                ["recall", pct(p.recall)],
                ["F1", pct(p.f1)],
                ["overall accuracy", pct(p.oa)],
                ["TP / FP / FN / TN pixels", f"{p.tp:,} / {p.fp:,} / {p.fn:,} / {p.tn:,}"],
                [
                    "TP / FP / FN area (m²)",
                    " / ".join(f"{n * p.pixel_area_m2:,.1f}" for n in (p.tp, p.fp, p.fn)),
                ],
            ],
        )
    )
    blocks.append(("h2", f"Objects (one-to-one, IoU ≥ {o.min_iou:g})"))
    blocks.append(
        (
            "table",
            ["metric", "value"],
            [
                ["TP (matched pairs)", str(o.tp)],
                ["FP (predicted, unmatched)", str(o.fp)],
                ["FN (reference, unmatched)", str(o.fn)],
                ["precision", pct(o.precision)],
                ["recall", pct(o.recall)],
                ["F1", pct(o.f1)],
                ["mean IoU of the matches", _num(o.mean_matched_iou, 3)],
                ["predicted / reference objects", f"{o.predicted} / {o.reference}"],
            ],
        )
    )
    if o.per_class and (len(o.per_class) > 1 or NO_CLASS not in o.per_class):
        rows = [
            [c, str(v["reference"]), str(v["tp"]), str(v["fn"]), pct(v["recall"])]
            for c, v in o.per_class.items()
        ]
        blocks.append(("h2", "Per reference class"))
        blocks.append(("table", ["class", "reference", "TP", "FN", "recall"], rows))
    if o.per_prompt and (len(o.per_prompt) > 1 or NO_PROMPT not in o.per_prompt):
        rows = [
            [q, str(v["predicted"]), str(v["tp"]), str(v["fp"]), pct(v["precision"])]
            for q, v in o.per_prompt.items()
        ]
        blocks.append(("h2", "Per prompt"))
        blocks.append(("table", ["prompt", "predicted", "TP", "FP", "precision"], rows))
    if o.pairs and (len(o.per_class) > 1 or len(o.per_prompt) > 1):
        classes = list(o.per_class)
        rows = [[q, *[str(o.pairs.get(q, {}).get(c, 0)) for c in classes]] for q in o.per_prompt]
        blocks.append(("h2", "Matched pairs: prompt × class"))
        blocks.append(("table", ["prompt \\ class", *classes], rows))
    blocks.append(("h2", "How to read this"))
    blocks.append(
        (
            "p",
            "Pixels: both inputs are rasterised onto the grid above (a pixel is change when its centre lies "
            "in a polygon, or when the probability reaches the threshold); only pixels where both inputs "
            "have data count. IoU = TP/(TP+FP+FN), precision = TP/(TP+FP), recall = TP/(TP+FN), "
            "F1 = 2TP/(2TP+FP+FN), overall accuracy = (TP+TN)/all.",
        )
    )
    blocks.append(
        (
            "p",
            f"Objects: a predicted and a reference object match when the IoU of their polygons is at least "
            f"{o.min_iou:g}; each object matches at most once (the matching with the most pairs, then the "
            "highest total IoU), so a prediction covering two reference objects counts once and the other "
            "object is a miss. Objects are the features of a vector input, or the connected areas of a "
            "raster.",
        )
    )
    if r.warnings:
        blocks.append(("h2", "Notes"))
        blocks += [("p", w) for w in r.warnings]
    return blocks


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "h1":
            out.append(f"# {block[1]}")
        elif kind == "h2":
            out.append(f"## {block[1]}")
        elif kind == "p":
            out.append(block[1])
        elif kind == "img":
            out.append(f"![{block[2]}]({block[1]})")
        elif kind == "table":
            header, rows = block[1], block[2]
            lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;padding:.25em .6em;"
    "text-align:left}th{background:#f2f2f2}img{max-width:100%}"
)


def render_html(blocks: list[Block]) -> str:
    esc = html.escape
    title = next((b[1] for b in blocks if b[0] == "h1"), "Assessment")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            out.append(f"<{kind}>{esc(block[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{esc(block[1])}</p>")
        elif kind == "img":
            out.append(f'<p><img src="{esc(block[1])}" alt="{esc(block[2])}"></p>')
        elif kind == "table":
            header, rows = block[1], block[2]
            out.append("<table><tr>" + "".join(f"<th>{esc(str(h))}</th>" for h in header) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"

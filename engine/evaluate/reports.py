"""Human-readable evaluation outputs: a Markdown table like the paper's and a PNG sheet of samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.evaluate.metrics import PR_THRESHOLDS
from engine.evaluate.outcomes import describe_counts


def markdown_table(result: dict, title: str = "") -> str:
    """Paper-style table (values in %) for each evaluated frame, then the empty-mask counts."""
    lines = [f"### {title}", ""] if title else []
    if result["stage"] == 2:
        head = ["frame", "mIoU", "oIoU", *[f"Pr@{t:.1f}" for t in PR_THRESHOLDS], "samples"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for frame in ("letterboxed", "original"):
            if frame in result:
                m = result[frame]
                vals = [m["mIoU"], m["oIoU"], *[m[f"Pr@{t:.1f}"] for t in PR_THRESHOLDS]]
                lines.append(
                    f"| {frame} | " + " | ".join(f"{100 * v:.2f}" for v in vals) + f" | {m['samples']} |"
                )
        m = result["letterboxed"]
        lines += [
            "",
            f"non-empty GT {m['nonempty_gt']}, empty GT {m['empty_gt']}, "
            f"empty predictions {m['empty_pred']}, "
            f"empty both {m['empty_both']}, false positives on empty GT {m['fp_on_empty_gt']}, "
            f"false negatives on non-empty GT {m['fn_on_nonempty_gt']}"
            + (" (expressions shuffled across samples)" if result.get("shuffled_expressions") else ""),
        ]
        if "outcomes" in m:
            lines += ["", f"Outcomes (engine/evaluate/outcomes.py): {describe_counts(m['outcomes'])}"]
        if "presence" in result:
            lines += ["", presence_line(result["presence"])]
    else:
        head = ["frame", "precision", "recall", "F1", "IoU", "OA", "mIoU (per sample)", "samples"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for frame in ("letterboxed", "original"):
            if frame in result:
                c, m = result[frame]["change"], result[frame]
                vals = [c["precision"], c["recall"], c["F1"], c["IoU"], c["OA"], m["mIoU"]]
                lines.append(
                    f"| {frame} | " + " | ".join(f"{100 * v:.2f}" for v in vals) + f" | {m['samples']} |"
                )
    return "\n".join(lines) + "\n"


def presence_line(p: dict) -> str:
    """One sentence of presence metrics in %; N-acc / T-acc read "n/a" without empty / non-empty targets."""

    def pct(v) -> str:
        return "n/a" if v is None else f"{100 * v:.2f}"

    return (
        f"Presence (from the {p['source']}): accuracy {pct(p['accuracy'])}, precision {pct(p['precision'])}, "
        f"recall {pct(p['recall'])}, F1 {pct(p['F1'])}, N-acc {pct(p['N-acc'])} (empty targets said absent), "
        f"T-acc {pct(p['T-acc'])} (non-empty targets said present)"
    )


def save_sample_sheet(examples: list[dict], path: str | Path, columns_title: bool = True) -> Path | None:
    """One row per example: earlier | later | ground truth | prediction, the expression and IoU as a title."""
    if not examples:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = len(examples)
    fig, axes = plt.subplots(rows, 4, figsize=(10, 2.7 * rows), squeeze=False)
    for r, ex in enumerate(examples):
        panels = [ex["earlier"], ex["later"], ex["gt"], _overlay(ex["later"], ex["pred"])]
        names = ["earlier", "later", "ground truth", "prediction"]
        for c, (img, name) in enumerate(zip(panels, names, strict=True)):
            ax = axes[r, c]
            ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1 if img.ndim == 2 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 and columns_title:
                ax.set_title(name, fontsize=9)
        axes[r, 0].set_ylabel(f"IoU {ex['iou']:.2f}", fontsize=8)
        axes[r, 1].text(0, -0.08, ex["expression"][:110], transform=axes[r, 1].transAxes, fontsize=8,
                        va="top")  # fmt: skip
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _overlay(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = rgb.astype(np.float32).copy()
    out[mask] = out[mask] * 0.45 + np.array([255, 40, 40], dtype=np.float32) * 0.55
    return out.astype(np.uint8)

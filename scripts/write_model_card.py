"""Write the bundled model's card from measured results only (training summary + whole-scene scores), so the
numbers in the card are exactly what the commands printed.

    .venv/bin/python scripts/write_model_card.py SUMMARY.json SCENE.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARD = ROOT / "engine" / "bundled" / "mtrefseg-r1-tiny-demo" / "README.md"
TEMPLATE = ROOT / "scripts" / "model_card_template.md"


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _flags(args: dict) -> list[str]:
    """The command-line flags that reproduce the run; the bundled copy is what `--install` writes."""
    out = []
    for key, value in args.items():
        if key in ("work", "install") or value in ("False", False):
            continue
        flag = "--" + key.replace("_", "-")
        out.append(flag if value in ("True", True) else f"{flag} {value}")
    return [*out, "--install"]


def main() -> int:
    summary = json.loads(Path(sys.argv[1]).read_text())
    scene = json.loads(Path(sys.argv[2]).read_text())
    rows = []
    names = {
        "real_heldout": "real held-out (21 pairs, 130 expressions)",
        "real_heldout_shuffled": "real held-out, expressions shuffled",
        "synth_heldout": "synthetic held-out (100 pairs, seed 202)",
        "synth_heldout_shuffled": "synthetic held-out, expressions shuffled",
    }
    for key, label in names.items():
        m = summary["metrics"][key]["letterboxed"]
        rows.append(
            f"| {label} | {m['samples']} | {pct(m['mIoU'])} | {pct(m['oIoU'])} | {pct(m['Pr@0.5'])} |"
        )
    s1 = summary["metrics"]["stage1_real_heldout"]["letterboxed"]
    scene_rows = [
        f"| {p} | {pct(v['iou'])} | {pct(v['precision'])} | {pct(v['recall'])} | {pct(v['f1'])} |"
        for p, v in scene.items()
    ]
    text = TEMPLATE.read_text().format(
        referring_rows="\n".join(rows),
        stage1_miou=pct(s1["mIoU"]),
        scene_rows="\n".join(scene_rows),
        wall_minutes=f"{summary['wall_seconds'] / 60:.1f}",
        args=" ".join(_flags(summary["args"])),
    )
    CARD.write_text(text)
    print(f"wrote {CARD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

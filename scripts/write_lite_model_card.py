"""Write the lite model's card and the targets page from measured results only.

Why generated: every figure in the card must be exactly what scripts/evaluate_lite_model.py measured on the
held-out scenes, next to the same measurement of the previous bundled model, so nobody copies numbers by hand.

    .venv/bin/python scripts/write_lite_model_card.py --work build/lite-model \\
        [--card engine/bundled/mtrefseg-r1-lite/README.md] [--page docs/benchmarks/lite-model.md]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def num(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def targets_table(new: dict, old: dict | None) -> list[str]:
    def both(get, fmt) -> tuple[str, str]:
        return fmt(get(new)), (fmt(get(old)) if old else "—")

    def absent(r: dict) -> str:
        a = r["absent_prompts"]
        return f"{pct(a['said_absent_fraction'])} absent, {pct(a['mean_flagged_fraction'])} px (max {pct(a['max_flagged_fraction'])})"

    rows = [
        (
            "xBD Joplin held-out scene 1, “buildings destroyed by the tornado”, pixel IoU",
            "≥ 0.50",
            both(lambda r: r["xbd_destroyed_iou"], num),
        ),
        (
            f"{new['absent_prompts']['n_unseen']} runs of prompts naming absent changes (12 on xBD 1, 6 on each other "
            "held-out scene): said absent / pixels flagged",
            "≥ 90 %, ≤ 1 %",
            both(absent, str),
        ),
        (
            "two prompts for different targets (xBD 1: destroyed vs undamaged buildings): IoU between the masks",
            "≤ 0.3",
            both(lambda r: r["two_targets_xbd"]["mask_iou"], num),
        ),
        (
            "5 paraphrases, xBD 1 destroyed buildings: largest IoU difference from the canonical wording",
            "≤ 0.05",
            both(lambda r: r["paraphrases_xbd"]["spread"], num),
        ),
        (
            "5 paraphrases, “new buildings” on LEVIR + EGY held-out: largest IoU difference",
            "≤ 0.05",
            both(lambda r: r["paraphrases_new_buildings"]["spread"], num),
        ),
        (
            "all-changes F1, LEVIR-CD held-out (3 scenes, pooled pixels)",
            "≥ 0.75",
            both(lambda r: r["all_changes_f1"].get("levir"), num),
        ),
        (
            "all-changes F1, DSIFN + EGY + SZTAKI + OSCD held-out (10 scenes, pooled pixels)",
            "≥ 0.60",
            both(lambda r: r["all_changes_f1"].get("other"), num),
        ),
    ]
    out = [
        "| measure | target | lite (this model) | tiny demo (previous bundled) |",
        "| --- | --- | --- | --- |",
    ]
    out += [f"| {name} | {target} | {a} | {b} |" for name, target, (a, b) in rows]
    return out


def chip_table(new: dict) -> list[str]:
    chips = new.get("chips") or {}
    if not chips:
        return []
    out = [
        "| held-out chips (`mtrs eval`) | mIoU | oIoU | N-acc (empty targets said absent) | T-acc | presence F1 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, m in chips.items():
        p = m.get("presence") or {}
        out.append(
            f"| {label.replace('_', ' ')} ({m.get('samples', '?')} expressions) | {num(m.get('mIoU'), 1)} | "
            f"{num(m.get('oIoU'), 1)} | {pct(p.get('n_acc'))} | {pct(p.get('t_acc'))} | {num(p.get('f1'))} |"
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument(
        "--card", type=Path, default=ROOT / "engine" / "bundled" / "mtrefseg-r1-lite" / "README.md"
    )
    ap.add_argument("--page", type=Path, default=ROOT / "docs" / "benchmarks" / "lite-model.md")
    args = ap.parse_args()
    new = json.loads((args.work / "evaluation.json").read_text())
    old_path = args.work / "baseline-tiny.json"
    old = json.loads(old_path.read_text()) if old_path.exists() else None
    summary = json.loads((args.work / "summary.json").read_text())
    table = targets_table(new, old)
    print("\n".join(table + [""] + chip_table(new)))
    args.page.parent.mkdir(parents=True, exist_ok=True)
    args.card.parent.mkdir(parents=True, exist_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Measure the lite preset's two ways of conditioning the mask decoder on the prompt, on the same data.

    .venv/bin/python scripts/compare_language_routes.py --shared DATA --work build/route-compare

Routes (engine/model/config.py LANGUAGE_ROUTES):
- sentence-embedding: the prompt alone → one all-MiniLM-L6-v2 embedding (cached per prompt) → query;
- encoder-seg: the reference's route on the same encoder: both dates' visual tokens + the expression + [SEG]
  through all-MiniLM-L6-v2, the refer span's hidden states → query (one encoder pass per prompt and tile).

Why this set-up: a route comparison is only worth something when nothing else differs. Both runs start from
the SAME visual weights (encoder, fusion, pixel decoder and mask decoder of the bundled lite model), get a
fresh description projector and presence head (and, for encoder-seg, a fresh visual-token projector) from
the same seed, train stage 2 on the SAME folder (scripts/train_lite_model.py's exports + synthetic scenes,
held-out scenes excluded) for the same number of epochs with the same recipe, and are measured on the held-out
scenes by scripts/evaluate_lite_model.py. The sentence encoder is frozen in both (its pretrained similarity is
what carries paraphrases); `--train-language` also trains it in the encoder-seg run (the reference trains its
language model).

Bias to keep in mind when reading the table: the shared mask decoder was trained with the sentence route's
queries when the bundled model was made, so the encoder-seg run starts one step further from a decoder that
knows its queries; both start from freshly initialised projectors, which removes most of that advantage.

Writes WORK/routes.json and docs/benchmarks/language-routes.md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_lite_model import count_samples, prepare_training_folder, run  # noqa: E402

MTRS = [sys.executable, "-m", "engine.cli"]
BUNDLED = ROOT / "engine" / "bundled" / "mtrefseg-r1-lite"
SHARED_GROUPS = ("vision_encoder", "fusion", "pixel_decoder", "mask_decoder")
ROUTES = ("sentence-embedding", "encoder-seg")
REPORT = ROOT / "docs" / "benchmarks" / "language-routes.md"


def make_init(route: str, dest: Path, seed: int) -> None:
    """A checkpoint of the given route: the bundled model's visual weights, fresh language-side heads."""
    if (dest / "config.json").exists():
        return
    import torch

    from engine.model import build_model, load_model

    base = load_model(BUNDLED)
    torch.manual_seed(seed)
    model = build_model(base.config.replace(language=route))
    for group in SHARED_GROUPS:
        getattr(model, group).load_state_dict(getattr(base, group).state_dict())
    model.save_pretrained(dest)


def train(route: str, init: Path, data: Path, out: Path, epochs: int, args, log: Path) -> float:
    """Stage 2 for a fixed number of epochs; returns the training seconds (resumes when interrupted)."""
    summary = out / "train_summary.json"
    if not (summary.exists() and json.loads(summary.read_text()).get("finished")):
        freeze = (
            "vision_encoder"
            if route == "encoder-seg" and args.train_language
            else "vision_encoder,language_model"
        )
        cmd = [*MTRS, "train", "--stage", "2", "--init", str(init), "--data", str(data), "--out", str(out)]
        cmd += [
            "--epochs",
            str(epochs),
            "--freeze",
            freeze,
            "--seed",
            str(args.seed),
        ]
        cmd += ["--device", "cpu", "--no-progress", "--augment", "--save-every", "50"]
        if (out / "last").exists():
            cmd.append("--resume")
        run(cmd, log)
    return float(json.loads(summary.read_text())["train_seconds"])


def headline(evaluation: dict) -> dict:
    """The figures of the model issue's targets, from one evaluation.json."""
    absent = evaluation["absent_prompts"]
    out = {
        "xbd_destroyed_iou": evaluation["xbd_destroyed_iou"],
        "paraphrase_spread_xbd": evaluation["paraphrases_xbd"]["spread"],
        "paraphrase_spread_new_buildings": evaluation["paraphrases_new_buildings"]["spread"],
        "two_target_iou": evaluation["two_targets_xbd"]["mask_iou"],
        "absent_said_absent": absent["said_absent_fraction"],
        "absent_max_pixels": absent["max_flagged_fraction"],
        "chips_miou": 100 * evaluation["chips"]["as_written"]["letterboxed"]["mIoU"],
        "chips_shuffled_miou": 100 * evaluation["chips"]["shuffled"]["letterboxed"]["mIoU"],
        "presence_n_acc": evaluation["chips"]["as_written"]["presence"]["N-acc"],
        "presence_t_acc": evaluation["chips"]["as_written"]["presence"]["T-acc"],
    }
    speed = evaluation.get("speed") or {}
    if "model" in speed:
        out["tiles_per_s"] = speed["model"]["tiles_per_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument(
        "--data-work", type=Path, default=ROOT / "build" / "lite-model", help="the recipe's exports"
    )
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "route-compare")
    ap.add_argument("--samples", type=int, default=4800, help="training expressions per route (about)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train-language", action="store_true", help="encoder-seg also trains the encoder")
    ap.add_argument(
        "--no-report", action="store_true", help="do not write docs/benchmarks/language-routes.md"
    )
    args = ap.parse_args(argv)

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    log = work / "compare.log"
    data_work = args.data_work.resolve()
    data_work.mkdir(parents=True, exist_ok=True)
    data, _, _ = prepare_training_folder(args.shared.resolve(), data_work, 400, data_work / "train.log")
    per_epoch = count_samples(data, 2)
    epochs = max(1, math.ceil(args.samples / per_epoch))
    results = {}
    for route in ROUTES:
        init, out = work / f"init-{route}", work / route
        make_init(route, init, args.seed)
        seconds = train(route, init, data, out, epochs, args, log)
        name = f"evaluation-{route}"
        if not (work / f"{name}.json").exists():
            evaluate = [sys.executable, str(ROOT / "scripts" / "evaluate_lite_model.py")]
            run([*evaluate, "--model", str(out / "last"), "--work", str(data_work), "--name", name], log)
            (data_work / f"{name}.json").replace(work / f"{name}.json")
        evaluation = json.loads((work / f"{name}.json").read_text())
        results[route] = {"train_seconds": seconds, **headline(evaluation)}
    record = {
        "samples": args.samples,
        "epochs": epochs,
        "expressions": epochs * per_epoch,
        "seed": args.seed,
        "train_language": args.train_language,
        "routes": results,
        "measured_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }
    (work / "routes.json").write_text(json.dumps(record, indent=1))
    if not args.no_report:
        REPORT.write_text(report(record))
    print(json.dumps(record, indent=1))
    return 0


ROWS = (
    ("xbd_destroyed_iou", "xBD held-out scene, 'buildings destroyed by the tornado', pixel IoU", "{:.3f}"),
    (
        "paraphrase_spread_xbd",
        "paraphrase spread (max IoU difference to the canonical wording), xBD",
        "{:.3f}",
    ),
    ("paraphrase_spread_new_buildings", "paraphrase spread, 'new buildings'", "{:.3f}"),
    ("two_target_iou", "two prompts for different targets: IoU between the masks", "{:.3f}"),
    ("absent_said_absent", "absent-change prompts said absent", "{:.1%}"),
    ("absent_max_pixels", "absent-change prompts: most pixels flagged", "{:.2%}"),
    ("chips_miou", "held-out chips mIoU", "{:.1f}"),
    ("chips_shuffled_miou", "held-out chips mIoU with shuffled prompts (lower = listens more)", "{:.1f}"),
    ("presence_n_acc", "held-out chips: presence accuracy on empty targets (N-acc)", "{:.1%}"),
    ("presence_t_acc", "held-out chips: presence accuracy on real targets (T-acc)", "{:.1%}"),
    ("tiles_per_s", "pipeline speed, tiles/s", "{:.2f}"),
    ("train_seconds", "training seconds", "{:.0f}"),
)


def report(record: dict) -> str:
    routes = record["routes"]
    lines = [
        "# Language routes of the lite preset, measured",
        "",
        "Written by `scripts/compare_language_routes.py` "
        f"({record['epochs']} epochs, seed {record['seed']}, measured {record['measured_utc']} UTC):",
        "",
        "    .venv/bin/python scripts/compare_language_routes.py --shared DATA --work build/route-compare"
        + (" --train-language" if record["train_language"] else ""),
        "",
        "Both routes start from the bundled lite model's visual weights with fresh language-side heads and "
        f"train stage 2 for {record['epochs']} epochs ({record['expressions']} expressions) on the same "
        "folder; every figure is from the held-out scenes (scripts/evaluate_lite_model.py). The sentence "
        "encoder is "
        + ("trained in the encoder-seg run." if record["train_language"] else "frozen in both runs."),
        "",
        "| measure | " + " | ".join(routes) + " |",
        "| --- | " + " | ".join("---" for _ in routes) + " |",
    ]
    for key, label, fmt in ROWS:
        cells = [fmt.format(r[key]) if r.get(key) is not None else "–" for r in routes.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Reading the table: the paraphrase spread is the largest IoU difference between the canonical "
        "wording and one of five paraphrases (per-paraphrase figures: WORK/evaluation-ROUTE.json). The "
        "speed is scripts/evaluate_lite_model.py's (one prompt, 256² tiles, median of 3 whole runs; "
        "re-measure it with `--speed-only` on a quiet machine; the training seconds depend on the machine's "
        "load during each run). The held-out chips' presence decisions are easy for both routes (their "
        "negatives are phrases of another kind of scene), so the scene-level absent prompts are the test "
        "that separates them.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

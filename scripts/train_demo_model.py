"""Train the bundled demo model (`engine/bundled/mtrefseg-r1-tiny-demo`) from scratch, reproducibly.

Why a script: the model card's numbers must be reproducible with one command. It builds the training folders
(synthetic scenes from `mtrs synth` plus the real samples in `datasets/real-samples/train`, repeated so that
the few real pairs are not drowned), trains stage 1 (all changes, no language) then stage 2 (referring),
evaluates on the held-out real samples and a held-out synthetic set (with expressions shuffled as the
language control), and installs the result with its metrics.

    .venv/bin/python scripts/train_demo_model.py --work build/demo-model [--install]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from engine.model.config import DEFAULT_ANSWER_TEMPLATE, DEFAULT_PROMPT_TEMPLATE

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "datasets" / "real-samples"
BUNDLED = ROOT / "engine" / "bundled" / "mtrefseg-r1-tiny-demo"
MTRS = [sys.executable, "-m", "engine.cli"]
# The bundled model's configuration where the tiny preset has changed since (reference prompt, drop-path 0.1,
# 2 deformable and 3 decoder layers).
BUNDLED_MODEL_SETTINGS = [
    "--model-set=prompt_template=" + DEFAULT_PROMPT_TEMPLATE,
    "--model-set=answer_template=" + DEFAULT_ANSWER_TEMPLATE,
    "--model-set=swin_drop_path=0.1",
    "--model-set=pixel_decoder_layers=2",
    "--model-set=decoder_layers=3",
]


def run(cmd: list[str], log: Path) -> None:
    print("$", " ".join(map(str, cmd)), flush=True)
    with log.open("a") as fh:
        fh.write("$ " + " ".join(map(str, cmd)) + "\n")
        fh.flush()
        subprocess.run(cmd, check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)


POSITION_WORDS = ("north", "south", "east", "west", "centre", "center")


def native_subcrops(record: dict, src: Path, size: int) -> list[tuple[dict, list, list]]:
    """Cut a Joplin crop into native-resolution sub-crops of the model size.

    Why: the pipeline feeds the model tiles of `image_size` native pixels, so the model must learn the
    tornado damage at the imagery's own 0.6 m scale, not letterboxed down. Position words of the parent crop
    no longer hold for a sub-crop, so those expressions are dropped."""
    a = np.array(Image.open(next((src / "A").glob(Path(record["img_A"]).stem + ".*"))).convert("RGB"))
    b = np.array(Image.open(next((src / "B").glob(Path(record["img_B"]).stem + ".*"))).convert("RGB"))
    entries = record.get("mask") or record.get("masks")
    keep = [
        k for k, e in enumerate(record["referring_expressions"]) if not any(w in e for w in POSITION_WORDS)
    ]
    masks = []
    for k in keep:
        path = entries[k]["path"] if isinstance(entries[k], dict) else entries[k]
        masks.append(np.array(Image.open(src / "masks" / path).convert("L")) > 127)
    out = []
    for y in range(0, a.shape[0] - size + 1, size):
        for x in range(0, a.shape[1] - size + 1, size):
            win = (slice(y, y + size), slice(x, x + size))
            sub = {**record, "referring_expressions": [record["referring_expressions"][k] for k in keep]}
            out.append((sub, [a[win], b[win]], [m[win] for m in masks], f"y{y}x{x}"))
    return out


def add_split(src: Path, dst: Path, prefix: str, repeats: int = 1, native_size: int = 0) -> int:
    """Copy an MTRefSeg split into `dst` under new ids (so repeats are distinct samples); returns #pairs."""
    n = 0
    for js in sorted((src / "referring_expression").glob("*.json")):
        original = json.loads(js.read_text())
        sid = original.get("sample_id", js.stem)
        if native_size and "joplin" in str(original.get("source", {}).get("dataset", "")):
            for r in range(repeats):
                for sub, (a, b), masks, tag in native_subcrops(original, src, native_size):
                    new = f"{prefix}{r}_{sid}_{tag}"
                    Image.fromarray(a).save(dst / "A" / f"{new}.png")
                    Image.fromarray(b).save(dst / "B" / f"{new}.png")
                    (dst / "masks" / new).mkdir(parents=True, exist_ok=True)
                    union = np.zeros(a.shape[:2], bool)
                    for k, m in enumerate(masks):
                        Image.fromarray((m * 255).astype(np.uint8)).save(dst / "masks" / new / f"{k}.png")
                        union |= m
                    Image.fromarray((union * 255).astype(np.uint8)).save(dst / "masks_all" / f"{new}.png")
                    sub.update(
                        img_A=f"{new}.png",
                        img_B=f"{new}.png",
                        sample_id=new,
                        mask=[{"path": f"{new}/{k}.png"} for k in range(len(masks))],
                    )
                    (dst / "referring_expression" / f"{new}.json").write_text(json.dumps(sub))
                    n += 1
            continue
        for r in range(repeats):
            record = json.loads(json.dumps(original))
            new = f"{prefix}{r}_{sid}"
            for side, key in (("A", "img_A"), ("B", "img_B")):
                img = next((src / side).glob(Path(record[key]).stem + ".*"))
                shutil.copy(img, dst / side / f"{new}{img.suffix}")
                record[key] = f"{new}{img.suffix}"
            masks = []
            (dst / "masks" / new).mkdir(parents=True, exist_ok=True)
            union = None
            for k, entry in enumerate(original.get("mask") or original.get("masks")):
                path = entry["path"] if isinstance(entry, dict) else entry
                arr = np.array(Image.open(src / "masks" / path).convert("L")) > 127
                union = arr if union is None else union | arr
                Image.fromarray((arr * 255).astype(np.uint8)).save(dst / "masks" / new / f"{k}.png")
                masks.append({"path": f"{new}/{k}.png"})
            Image.fromarray((union * 255).astype(np.uint8)).save(dst / "masks_all" / f"{new}.png")
            record.update(sample_id=new, mask=masks)
            record.pop("masks", None)
            (dst / "referring_expression" / f"{new}.json").write_text(json.dumps(record))
            n += 1
    return n


def install_half_precision(model: Path, target: Path) -> None:
    """Copy the model folder with its float weights stored as float16.

    Why: the bundled model lives in git and in the plugin zip; half precision halves its size, and loading
    casts back to float32 (load_state_dict copies into the model's own dtype). The optimiser state of
    training (trainer_state.pt) is not part of a model and is left out."""
    from safetensors.torch import load_file, save_file

    for f in model.iterdir():
        if f.is_file() and f.name not in ("model.safetensors", "trainer_state.pt"):
            shutil.copy(f, target / f.name)
    state = load_file(str(model / "model.safetensors"))
    half = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    save_file(half, str(target / "model.safetensors"), metadata={"format": "pt", "stored_dtype": "float16"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "demo-model")
    ap.add_argument("--synth-pairs", type=int, default=600)
    ap.add_argument("--real-repeats", type=int, default=6)
    ap.add_argument("--stage1-epochs", type=int, default=3)
    ap.add_argument("--stage2-epochs", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=8)
    # The bundled model was trained before pair batches and the 1e-3 stage-2 default: these two reproduce it.
    ap.add_argument("--stage2-lr", type=float, default=5e-4)
    ap.add_argument("--pair-batches", action="store_true", help="stage 2 pair batches (bundled model: off)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--image-size", type=int, default=128, help="model input; Joplin is cut to it natively")
    ap.add_argument("--install", action="store_true", help="copy the result into engine/bundled/")
    args = ap.parse_args(argv)

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    log = work / "train.log"
    started = time.time()
    synth, synth_heldout, train = work / "synth", work / "synth-heldout", work / "train"
    if not synth.exists():
        run(
            [
                *MTRS,
                "synth",
                "--out",
                str(synth),
                "--pairs",
                str(args.synth_pairs),
                "--seed",
                "101",
                "--size",
                "256",
            ],
            log,
        )
    if not synth_heldout.exists():
        run(
            [*MTRS, "synth", "--out", str(synth_heldout), "--pairs", "100", "--seed", "202", "--size", "256"],
            log,
        )
    if not train.exists():
        tmp = work / "train.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        for sub in ("A", "B", "masks", "masks_all", "referring_expression"):
            (tmp / sub).mkdir(parents=True)
        n_synth = add_split(synth, tmp, "s")
        n_real = add_split(REAL / "train", tmp, "r", repeats=args.real_repeats, native_size=args.image_size)
        tmp.rename(train)
        print(f"training folder: {n_synth} synthetic + {n_real} real pairs ({args.real_repeats}× repeats)")

    common = [
        "--device",
        "cpu",
        "--batch-size",
        str(args.batch_size),
        "--global-batch",
        "16",  # the bundled model's recipe (the tiny stage-2 default is now 32)
        "--seed",
        str(args.seed),
        "--no-bf16",  # the bundled model was trained in fp32 (tiny stage 1 now defaults to bf16 where fast)
        "--no-progress",
    ]
    stage1, stage2 = work / "stage1", work / "stage2"
    if not (stage1 / "last").exists():
        run(
            [
                *MTRS,
                "train",
                "--stage",
                "1",
                "--preset",
                "mtrefseg-r1-tiny",
                *BUNDLED_MODEL_SETTINGS,
                "--image-size",
                str(args.image_size),
                "--data",
                str(train),
                "--data-format",
                "cd",
                "--out",
                str(stage1),
                "--epochs",
                str(args.stage1_epochs),
                *common,
            ],
            log,
        )
    if not (stage2 / "last").exists():
        run(
            [
                *MTRS,
                "train",
                "--stage",
                "2",
                "--init",
                str(stage1 / "last"),
                "--data",
                str(train),
                "--out",
                str(stage2),
                "--epochs",
                str(args.stage2_epochs),
                "--lr",
                str(args.stage2_lr),
                "--pair-batches" if args.pair_batches else "--no-pair-batches",
                "--freeze",
                "none",  # the bundled model trained every group in stage 2 (tiny now keeps Swin frozen)
                *common,
            ],
            log,
        )
    model = stage2 / "last"

    metrics = {}
    evals = {
        "real_heldout": (REAL / "heldout", []),
        "real_heldout_shuffled": (REAL / "heldout", ["--shuffle-expressions"]),
        "synth_heldout": (synth_heldout, []),
        "synth_heldout_shuffled": (synth_heldout, ["--shuffle-expressions"]),
    }
    for name, (data, extra) in evals.items():
        out = work / "eval" / name
        run(
            [
                *MTRS,
                "eval",
                "--model",
                str(model),
                "--data",
                str(data),
                "--out",
                str(out),
                "--device",
                "cpu",
                *extra,
            ],
            log,
        )
        metrics[name] = json.loads((out / "metrics.json").read_text())
    out = work / "eval" / "stage1_real_heldout"
    run(
        [
            *MTRS,
            "eval",
            "--model",
            str(model),
            "--data",
            str(REAL / "heldout"),
            "--stage",
            "1",
            "--out",
            str(out),
            "--device",
            "cpu",
        ],
        log,
    )
    metrics["stage1_real_heldout"] = json.loads((out / "metrics.json").read_text())
    summary = {
        "wall_seconds": round(time.time() - started, 1),
        "args": {k: str(v) for k, v in vars(args).items()},
        "metrics": metrics,
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=1))
    print(f"done in {summary['wall_seconds']} s; summary: {work / 'summary.json'}")
    if args.install:
        BUNDLED.mkdir(parents=True, exist_ok=True)
        install_half_precision(model, BUNDLED)
        (BUNDLED / "training_summary.json").write_text(json.dumps(summary, indent=1))
        print(f"installed into {BUNDLED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

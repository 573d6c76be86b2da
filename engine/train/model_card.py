"""The record a fine-tuned model carries: `finetune.json` (machine-readable) and `README.md` (the model card).

Why both: the card is what a person reads before trusting the model (where it started, on what data, how it
scores on held-out chips against the model it started from); the JSON is what programs read (the QGIS dock
lists fine-tuned models by name, a Processing algorithm reports the figures) without parsing Markdown.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

SUMMARY_FORMAT = "mtrs-finetune"
# figures reported per stage: name in the card -> key of the selection metrics (engine.train.selection)
FIGURES = {
    2: {"mIoU": "mIoU", "oIoU": "change_IoU"},
    1: {"F1": "F1", "IoU": "change_IoU", "precision": "precision", "recall": "recall"},
}
STOP_WORDS = {
    "finished": "finished its epochs",
    "max_steps": "reached --max-steps",
    "time_budget": "reached the time budget (--minutes)",
    "patience": "stopped early: no better validation score for --patience validations",
    "interrupted": "interrupted (Ctrl-C / SIGTERM); the best model so far was kept",
}


def figures(metrics: dict | None, stage: int) -> dict[str, float] | None:
    if not metrics:
        return None
    return {name: float(metrics[key]) for name, key in FIGURES[stage].items() if key in metrics}


def manifest_summary(manifest: dict | None) -> dict[str, Any] | None:
    """The parts of an export manifest (mtrs export-training) a model card reports."""
    if not manifest:
        return None
    summary = manifest.get("summary") if isinstance(manifest.get("summary"), dict) else {}
    out: dict[str, Any] = {
        "sources": manifest.get("sources"),
        "crs": manifest.get("crs_name") or _crs_name(manifest.get("crs")),
        "chip_size": manifest.get("chip_size") or manifest.get("chip"),
        "stride": manifest.get("stride"),
        "classes": manifest.get("classes"),
        "chips": summary.get("chips"),
        "expressions": summary.get("expressions"),
        "negatives": summary.get("negatives"),
        "class_counts": summary.get("class_counts") or manifest.get("class_counts"),
        "command": manifest.get("command"),
        "seed": manifest.get("seed"),
    }
    licences = {k: v for k, v in manifest.items() if "licen" in k.lower()}
    if licences:
        out["licences"] = licences
    return {k: v for k, v in out.items() if v not in (None, {}, [])}


def _crs_name(crs: Any) -> str | None:
    if not crs:
        return None
    try:
        from rasterio.crs import CRS

        parsed = CRS.from_user_input(crs)
        return parsed.to_string() if parsed.to_epsg() else parsed.to_string()[:80]
    except Exception:  # a CRS the manifest wrote but PROJ cannot read: show the start of it
        return str(crs)[:80]


def summarise(result, cfg, run_info: dict, data, start, published: str, samples: int) -> dict:
    """Everything the card says, as data (written as finetune.json)."""
    import torch

    from engine.train.finetune_data import count_chips

    stage = cfg.stage
    best = result.best if data.val is not None else None
    steps_per_epoch = max(1, samples // cfg.batch_size)
    validation: dict[str, Any] = {"split": str(data.val) if data.val is not None else None}
    if best:
        validation.update(
            chips=count_chips(data.val),
            samples=int(best["metrics"].get("samples", 0)) if best.get("metrics") else None,
            metric=best["metric"],
            starting_model=figures(result.baseline, stage),
            finetuned=figures(best.get("metrics"), stage),
            best_step=int(best["step"]),
            improved=int(best["step"]) > 0,
        )
    return {
        "format": SUMMARY_FORMAT,
        "format_version": 1,
        "name": run_info.get("name"),
        "folder": Path(cfg.out).parent.name,
        "stage": stage,
        "start": run_info.get("start"),
        "model": {"preset": start.preset, "image_size": start.image_size},
        "published_from": published,
        "commands": [run_info.get("command"), *run_info.get("resumed_with", [])],
        "started": run_info.get("started"),
        "written": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "training": {
            "steps": result.global_step,
            "epochs": round(result.global_step / steps_per_epoch, 2),
            "minutes": round(result.train_seconds / 60.0, 2),
            "device": result.device,
            "cpu_threads": torch.get_num_threads(),
            "cpu_count": os.cpu_count(),
            "stop_reason": result.stop_reason,
            "lr": cfg.lr,
            "lr_schedule": cfg.lr_schedule,
            "warmup_steps": round(cfg.warmup_ratio * result.total_steps),
            "batch": cfg.batch_size,
            "frozen": list(cfg.freeze or []),
            "augment": cfg.augment,
            "validate_every": cfg.select_every,
            "patience": cfg.patience,
            "seed": cfg.seed,
            "samples": samples,
            "chips": count_chips(data.train),
        },
        "validation": validation,
        "data": {
            "folder": str(data.root),
            "train": str(data.train),
            "manifest": manifest_summary(data.manifest),
            "notes": list(data.notes),
        },
    }


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100.0 * value:.1f}"


def _validation_table(summary: dict) -> list[str]:
    val = summary["validation"]
    if not val.get("metric"):
        return [
            "No validation split was given (DATA had no `val/` chips), so nothing was measured and the",
            "last model was kept. Measure it on labelled chips it never saw (`mtrs eval`, `mtrs assess`)",
            "before relying on it.",
        ]
    names = list(FIGURES[summary["stage"]])
    start, tuned = val.get("starting_model") or {}, val.get("finetuned") or {}
    lines = [
        f"On the validation split (`{val['split']}`: {val['chips']} chips, {val['samples']} samples),",
        "never used for training; reference protocol of `mtrs eval` (letterboxed frame), in %:",
        "",
        "| model | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---" for _ in names) + " |",
        f"| starting model ({summary['start']['label']}) | "
        + " | ".join(_pct(start.get(n)) for n in names)
        + " |",
        f"| this model (step {val['best_step']}) | " + " | ".join(_pct(tuned.get(n)) for n in names) + " |",
        "",
    ]
    if not val.get("improved"):
        lines.append(
            "**No fine-tuned step beat the starting model on the validation split: this folder holds the "
            "starting weights.** Try more data, more time, or another learning rate."
        )
    else:
        lines.append(
            f"The validation split chose this step ({val['metric']}), so these figures flatter it a little; "
            "held-out scenes never used at all give the honest measure."
        )
    return lines


def _data_lines(summary: dict) -> list[str]:
    data, tr = summary["data"], summary["training"]
    lines = [f"- folder: `{data['folder']}`; training: {tr['chips']} chips, {tr['samples']} samples"]
    m = data.get("manifest")
    if not m:
        lines.append("- no `manifest.json`: sources, CRS and classes unknown")
    else:
        sources = m.get("sources")
        if isinstance(sources, dict):
            lines += [f"- {k}: `{v}`" for k, v in sources.items() if v]
        elif sources:
            lines.append(f"- sources: {sources}")
        if m.get("crs"):
            lines.append(f"- CRS: {m['crs']}")
        if m.get("chip_size"):
            stride = f", stride {m['stride']}" if m.get("stride") else ""
            lines.append(f"- chips of {m['chip_size']} px{stride}")
        for key in ("chips", "expressions", "negatives"):
            if isinstance(m.get(key), dict):
                lines.append(f"- {key} per split: " + ", ".join(f"{s} {n}" for s, n in m[key].items()))
        counts = m.get("class_counts")
        if isinstance(counts, dict) and counts and all(isinstance(v, dict) for v in counts.values()):
            classes = sorted({c for per in counts.values() for c in per})
            lines += [
                "",
                "Labelled objects per class and split:",
                "",
                "| class | " + " | ".join(counts) + " |",
                "| --- | " + " | ".join("---" for _ in counts) + " |",
            ]
            lines += [
                f"| {c} | " + " | ".join(str(counts[s].get(c, 0)) for s in counts) + " |" for c in classes
            ]
            lines.append("")
        elif counts:
            lines.append(f"- class counts: {counts}")
        if m.get("licences"):
            lines += [f"- {k}: {v}" for k, v in m["licences"].items()]
        else:
            lines.append("- licences: not recorded in the manifest; the imagery's and labels' licences apply")
        if m.get("command"):
            lines.append(
                f"- exported with: `{m['command']}`"
                + (f" (seed {m['seed']})" if m.get("seed") is not None else "")
            )
    lines += [f"- note: {n}" for n in data.get("notes", [])]
    return lines


def render_card(summary: dict) -> str:
    tr, start, model = summary["training"], summary["start"], summary["model"]
    stopped = STOP_WORDS.get(tr["stop_reason"], tr["stop_reason"])
    stage_words = (
        "referring change segmentation (stage 2)" if summary["stage"] == 2 else "change detection (stage 1)"
    )
    frozen = ", ".join(tr["frozen"]) or "nothing"
    commands = [c for c in summary["commands"] if c]
    lines = [
        f"# {summary['name']}",
        "",
        f"An MTRefSeg-R1 model (`{model['preset']}`, {model['image_size']}² input) fine-tuned for "
        f"{stage_words} with `mtrs finetune`, starting from **{start['label']}**.",
        "",
        "```bash",
        f'mtrs predict EARLIER LATER --model {summary["folder"]} --prompt "..." -o changes.gpkg',
        "```",
        "(give this folder to `--model`; in QGIS, choose it in the dock's model list).",
        "",
        "## Validation",
        *_validation_table(summary),
        "",
        "## Training",
        f"- {tr['minutes']:.1f} minutes on {tr['device']} ({tr['cpu_threads']} threads), "
        f"{tr['steps']} optimiser steps ({tr['epochs']} epochs) of {tr['batch']} samples; {stopped}",
        f"- learning rate {tr['lr']:g} ({tr['warmup_steps']} warm-up steps, then {tr['lr_schedule']}); "
        f"frozen: {frozen}; augmentation {'on' if tr['augment'] else 'off'}; seed {tr['seed']}",
    ]
    if tr.get("validate_every"):
        lines.append(
            f"- validated every {tr['validate_every']} steps, early stopping after {tr['patience']} "
            f"validations without a better score; this folder holds the {summary['published_from']} "
            "checkpoint"
        )
    lines += [f"- command: `{c}`" for c in commands]
    lines += [
        "- logs, curve and checkpoints: `training/` (`train_log.csv`, `validation_log.csv`, "
        "`training_curve.png`, `last/`, `best/`); the same command with `--resume` continues the run",
        "",
        "## Data",
        *_data_lines(summary),
        "",
        "## Limits",
        "- Trained on the chips above only: expect it to work on the same sensor, season, resolution and "
        "kind of change, and measure it before relying on it elsewhere.",
        "- Few labelled chips give noisy validation figures; a handful of chips more or less can move them "
        "by several points.",
        "",
    ]
    return "\n".join(lines)


def write_text_atomic(path: Path, text: str) -> None:
    """Readers (the QGIS dock scanning model folders) see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

"""Running a model over a dataset and scoring it with the reference protocol (docs/REFERENCE.md R4).

Stage 2 (referring): `model.encode_pair` + `model.segment(feats, expressions)`, scored in the letterboxed
frame against the letterboxed GT (the reference protocol) and, separately, at original resolution (logits
cropped to the content box and resized back, scored against the native-resolution mask).
Stage 1 (all changes): `model.segment_all_changes(feats)` against the dataset's masks, scored with the
change-detection metrics (and the referring metrics, for comparison).

`shuffle_expressions=True` gives each sample the expression of another sample (fixed permutation): the
language-following control. A model that ignores the text scores the same with and without it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch
from torch.utils.data import DataLoader, Subset

from engine.data.items import collate
from engine.data.transforms import Letterbox, unletterbox_logits
from engine.evaluate.metrics import ChangeMeter, PresenceMeter, ReferringMeter, binarise
from engine.evaluate.outcomes import OutcomeCounter
from engine.model.features import shared_pairs


def _dataset_expressions(dataset) -> list[str]:
    records = getattr(dataset, "records", None)
    if records is not None:
        return [r.expression for r in records]
    return [dataset[i]["expression"] for i in range(len(dataset))]


def shuffled_expressions(expressions: list[str], seed: int) -> list[str]:
    """Expressions permuted across samples with a fixed seed (the same control every run)."""
    perm = np.random.default_rng(seed).permutation(len(expressions))
    return [expressions[int(j)] for j in perm]


def _model_device(model) -> torch.device:
    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration):
        return torch.device("cpu")


def evaluate(
    model,
    dataset,
    *,
    stage: int = 2,
    batch_size: int = 8,
    limit: int | None = None,
    shuffle_expressions: bool = False,
    shuffle_seed: int = 0,
    original_resolution: bool = True,
    keep_examples: int = 0,
    num_workers: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Score `model` on `dataset` (items as docs/INTERFACES.md §4). Returns a JSON-friendly dict:

    `letterboxed` (reference protocol), `original` (native resolution, if the dataset has original masks),
    each with the referring metrics and a `change` block of change-detection metrics; for stage 2 also
    `letterboxed.outcomes` (engine.evaluate.outcomes: correct, partial, another change, ...); `per_sample`
    (sample_id, expression_index, expression used, IoU[, outcome]); `examples` (up to `keep_examples` dicts
    with numpy arrays for the sample sheet — drop them before json.dump). The model's train/eval mode is
    restored afterwards.
    """
    if stage not in (1, 2):
        raise ValueError("stage must be 1 or 2")
    n = len(dataset) if limit is None else min(limit, len(dataset))
    indices = list(range(n))
    expressions = _dataset_expressions(dataset)[:n] if stage == 2 else None
    if expressions is not None and shuffle_expressions:
        expressions = shuffled_expressions(expressions, shuffle_seed)
    can_original = original_resolution and hasattr(dataset, "original_mask")
    keep = (
        set(np.linspace(0, n - 1, keep_examples).round().astype(int).tolist())
        if keep_examples and n
        else set()
    )

    meters = {"letterboxed": (ReferringMeter(), ChangeMeter())}
    if can_original:
        meters["original"] = (ReferringMeter(), ChangeMeter())
    per_sample: list[dict] = []
    examples: list[dict] = []
    outcomes = OutcomeCounter() if stage == 2 else None
    presence_meters = {"head": PresenceMeter(), "masks": PresenceMeter()}
    has_presence_head = False
    device = _model_device(model)
    was_training = bool(getattr(model, "training", False))
    if hasattr(model, "eval"):
        model.eval()
    loader = DataLoader(Subset(dataset, indices), batch_size=batch_size, shuffle=False, collate_fn=collate,
                        num_workers=num_workers)  # fmt: skip
    start = time.perf_counter()
    done = 0
    try:
        with torch.inference_mode():
            for batch in loader:
                b = batch["image_a"].shape[0]
                batch_idx = indices[done : done + b]
                # the expressions of a pair sit next to each other: encode each pair once
                unique, index = shared_pairs(batch["image_a"], batch["image_b"], list(batch["sample_id"]))
                feats = model.encode_pair(
                    batch["image_a"][unique].to(device), batch["image_b"][unique].to(device)
                ).select(index)
                presence = None
                if stage == 2:
                    prompts = [expressions[i] for i in batch_idx]
                    if hasattr(model, "segment_with_presence"):
                        logits, presence = model.segment_with_presence(feats, prompts)
                    else:
                        logits = model.segment(feats, prompts)
                else:
                    prompts = list(batch["expression"])
                    logits = model.segment_all_changes(feats)
                logits = logits.float().cpu()
                if logits.shape[-2:] != batch["mask"].shape[-2:]:
                    logits = torch.nn.functional.interpolate(
                        logits, size=batch["mask"].shape[-2:], mode="bilinear", align_corners=False
                    )
                pred = binarise(logits)
                gt = batch["mask"] > 0.5
                ref, cd = meters["letterboxed"]
                ious = ref.update(pred, gt)
                cd.update(pred, gt)
                presence_meters["masks"].update(pred.reshape(b, -1).any(dim=1), gt)
                if presence is not None:
                    has_presence_head = True
                    presence = presence.float().cpu()
                    presence_meters["head"].update(presence > 0, gt)
                ious_orig: list[float | None] = [None] * b
                if can_original:
                    ref_o, cd_o = meters["original"]
                    for j, i in enumerate(batch_idx):
                        box = Letterbox(*(int(v) for v in batch["pad"][j]))
                        size = tuple(int(v) for v in batch["orig_size"][j])
                        p_o = binarise(unletterbox_logits(logits[j, 0], box, size))[None]
                        g_o = torch.from_numpy(np.asarray(dataset.original_mask(i), dtype=bool))[None]
                        if g_o.shape[-2:] != p_o.shape[-2:]:
                            g_o = torch.nn.functional.interpolate(
                                g_o[None].float(), size=p_o.shape[-2:], mode="nearest"
                            )[0].bool()
                        ious_orig[j] = ref_o.update(p_o, g_o)[0]
                        cd_o.update(p_o, g_o)
                for j, i in enumerate(batch_idx):
                    per_sample.append({
                        "index": i,
                        "sample_id": batch["sample_id"][j],
                        "expression_index": int(batch["expression_index"][j]),
                        "expression": prompts[j],
                        "iou": ious[j],
                        "iou_original": ious_orig[j],
                        "presence_logit": None if presence is None else float(presence[j]),
                    })  # fmt: skip
                    if outcomes is not None:
                        outcomes.add(per_sample[-1]["sample_id"], per_sample[-1], pred[j, 0].numpy(),
                                     gt[j, 0].numpy())  # fmt: skip
                    if i in keep:
                        examples.append(_example(batch, j, pred[j, 0], prompts[j], ious[j]))
                done += b
                if progress:
                    progress(done, n)
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    seconds = time.perf_counter() - start
    result = {
        "stage": stage,
        "samples": n,
        "shuffled_expressions": bool(shuffle_expressions and stage == 2),
        "shuffle_seed": shuffle_seed if shuffle_expressions else None,
        "seconds": round(seconds, 3),
        "samples_per_second": round(n / seconds, 3) if seconds > 0 else None,
        "image_size": int(getattr(dataset, "image_size", 0)) or None,
    }
    for frame, (ref, cd) in meters.items():
        result[frame] = {**ref.compute(), "change": cd.compute()}
    if outcomes is not None:
        result["letterboxed"]["outcomes"] = outcomes.finish()
    if stage == 2:
        # "presence": the model's presence head (logit > 0) when it has one, else whether the mask is empty;
        # "presence_from_masks": always the latter (how often an absent change still gets pixels)
        source = "head" if has_presence_head else "masks"
        result["presence"] = {"source": "presence head" if has_presence_head else "masks",
                              **presence_meters[source].compute()}  # fmt: skip
        result["presence_from_masks"] = presence_meters["masks"].compute()
    result["per_sample"] = per_sample
    result["examples"] = examples
    return result


def _example(batch: dict, j: int, pred: torch.Tensor, expression: str, iou: float) -> dict:
    from engine.model.preprocess import IMAGENET_MEAN_255, IMAGENET_STD_255

    mean = torch.tensor(IMAGENET_MEAN_255).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD_255).view(3, 1, 1)

    def to_rgb(t: torch.Tensor) -> np.ndarray:
        return (t * std + mean).clamp(0, 255).round().byte().permute(1, 2, 0).numpy()

    return {
        "sample_id": batch["sample_id"][j],
        "expression": expression,
        "iou": iou,
        "earlier": to_rgb(batch["image_a"][j]),
        "later": to_rgb(batch["image_b"][j]),
        "gt": (batch["mask"][j, 0] > 0.5).numpy(),
        "pred": pred.numpy(),
    }

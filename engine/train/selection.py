"""Best-checkpoint selection on a split the user names (`--select-on`), never implicitly on val (the reference
picked its reported epoch on the evaluation split, docs/REFERENCE.md R3.5 (a)).

Under DDP each rank scores a strided shard without padding and the per-sample results are gathered, so every
sample counts exactly once (a padded DistributedSampler would duplicate some, docs/REFERENCE.md R3.5 (c)).
Under FSDP every rank scores the whole split (see `evaluate_for_selection`).
"""

from __future__ import annotations

from torch import nn
from torch.utils.data import Subset

from engine.train.config import TrainConfig
from engine.train.distributed import DistContext, gather_objects
from engine.train.sampler import eval_shard


def evaluate_for_selection(model: nn.Module, dataset, cfg: TrainConfig, ctx: DistContext) -> dict:
    """Stage 2: mIoU (reference protocol, letterboxed). Stage 1: IoU of the change class against the change
    masks (ΣTP / Σ(TP+FP+FN)), the stage-1 head's own task. Both in [0, 1]; higher is better. Pixel
    precision, recall and F1 of the change class come along for reports."""
    from engine.evaluate.runner import evaluate

    part = dataset
    # FSDP gathers each layer's weights from all ranks in every forward call, so every rank must make the
    # same calls: each scores the whole split (the wall time of one process scoring it) and rank 0's counts.
    sharded = ctx.distributed and not cfg.fsdp
    if sharded:
        part = Subset(dataset, eval_shard(len(dataset), ctx.rank, ctx.world_size))
    result = evaluate(model, part, stage=cfg.stage, batch_size=cfg.batch_size, original_resolution=False)
    change = result["letterboxed"]["change"]
    mine = {"ious": [s["iou"] for s in result["per_sample"]], **{k: change[k] for k in ("tp", "fp", "fn")}}
    parts = gather_objects(mine, ctx) if sharded else [mine]
    ious = [v for p in parts for v in p["ious"]]
    tp, fp, fn = (sum(p[k] for p in parts) for k in ("tp", "fp", "fn"))
    metrics = {
        "samples": len(ious),
        "mIoU": sum(ious) / len(ious) if ious else 0.0,
        # ΣTP / Σ(TP+FP+FN) over every sample: the oIoU (ΣI / ΣU) of stage 2, the change IoU of stage 1
        "change_IoU": tp / (tp + fp + fn) if tp + fp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "F1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
    }
    metrics["selection_metric"] = "mIoU" if cfg.stage == 2 else "change_IoU"
    return metrics

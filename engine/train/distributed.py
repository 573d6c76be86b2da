"""Process-group set-up for `torchrun`. Training code asks this module who it is (rank, world size, device)
instead of reading environment variables itself, so the single-process run is just the world-size-1 case of
the same code path (no fork between "DDP" and "not DDP")."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist

from engine.errors import InputError


@dataclass(frozen=True)
class DistContext:
    """Who this process is inside the job. `world_size == 1` means no process group was created."""

    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def resolve_device(preference: str, local_rank: int = 0) -> torch.device:
    """`auto` picks CUDA when present. Asking for CUDA without one is the user's error, not a crash."""
    if preference == "auto":
        preference = "cuda" if torch.cuda.is_available() else "cpu"
    if preference == "cuda":
        if not torch.cuda.is_available():
            raise InputError(
                "--device cuda was requested but no CUDA device is visible", hint="use --device cpu"
            )
        return torch.device("cuda", local_rank)
    if preference == "cpu":
        return torch.device("cpu")
    raise InputError(f"unknown device '{preference}'", hint="use auto, cpu or cuda")


def init_distributed(device_preference: str = "auto", timeout_s: float | None = None) -> DistContext:
    """Join the `torchrun` job if there is one (gloo on CPU, nccl on CUDA); otherwise a world of one.

    `timeout_s` bounds how long a collective waits for a missing process (a node that died without closing
    its connections: power loss, a network partition); None keeps torch's default (gloo 30, nccl 10 min).
    A process that dies cleanly, even by SIGKILL, closes its sockets and the others fail at once."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = resolve_device(device_preference, local_rank)
    if world_size > 1 and not dist.is_initialized():
        if device.type == "cuda":
            torch.cuda.set_device(device)
        timeout = {"timeout": timedelta(seconds=timeout_s)} if timeout_s else {}
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo", **timeout)
    return DistContext(rank=rank, world_size=world_size, local_rank=local_rank, device=device)


def shutdown(ctx: DistContext) -> None:
    if ctx.distributed and dist.is_initialized():
        dist.destroy_process_group()


def barrier(ctx: DistContext) -> None:
    if ctx.distributed:
        dist.barrier()


def mean_across_ranks(values: dict[str, float], ctx: DistContext) -> dict[str, float]:
    """Average scalar logs over ranks so the logged loss is the loss of the global batch."""
    if not ctx.distributed or not values:
        return values
    keys = sorted(values)
    t = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64, device=_comm_device(ctx))
    dist.all_reduce(t, op=dist.ReduceOp.SUM)
    t /= ctx.world_size
    return {k: float(v) for k, v in zip(keys, t.tolist(), strict=True)}


def gather_objects(obj, ctx: DistContext) -> list:
    """All ranks' `obj` on every rank (RNG states, evaluation shards). Objects travel between the processes of
    one job only; nothing is read from disk this way."""
    if not ctx.distributed:
        return [obj]
    out: list = [None] * ctx.world_size
    dist.all_gather_object(out, obj)
    return out


def _comm_device(ctx: DistContext) -> torch.device:
    return ctx.device if ctx.device.type == "cuda" else torch.device("cpu")

"""Choosing the compute device and the precision: the best available unless the user forces one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

from engine.errors import InputError


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' → CUDA, then Apple MPS, then CPU. A forced device that is missing is an InputError."""
    if name in (None, "", "auto"):
        if torch.cuda.is_available():
            return torch.device("cuda", torch.cuda.current_device())
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise InputError("CUDA was requested but no CUDA GPU is available", hint="use --device auto or cpu")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise InputError("MPS was requested but is not available", hint="use --device auto or cpu")
    dev = torch.device(name)
    if dev.type == "cuda" and dev.index is None:
        dev = torch.device("cuda", torch.cuda.current_device())
    return dev


def autocast(device: torch.device):
    """bf16 autocast on GPUs (about 2× faster, half the activation memory); full fp32 on CPU, where bf16
    matmuls are slower on most CPUs."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def default_batch_size(device: torch.device) -> int:
    return 8 if device.type in ("cuda", "mps") else 2


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type


def is_oom(exc: BaseException) -> bool:
    """CUDA OOM has its own class; MPS and some CPU allocators raise RuntimeError with this text."""
    oom_cls = getattr(torch, "OutOfMemoryError", None) or getattr(torch.cuda, "OutOfMemoryError", ())
    text = str(exc).lower()
    return isinstance(exc, oom_cls) or (
        isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)
    )


@contextlib.contextmanager
def cpu_threads(device: torch.device) -> Iterator[int]:
    """On the CPU, run torch with one intra-op thread fewer than the cores this process may use (at least 1;
    `MTRS_TORCH_THREADS` overrides; never more than torch already had), restored afterwards.

    Why: the pipeline keeps two helper threads busy (row reads, polygonising). With as many OpenMP threads as
    cores, every parallel region waits for a thread that has no core (spin-then-sleep hand-offs): measured on
    a busy 2-core machine, the tiny model ran 10-15× SLOWER with 2 threads than with 1
    (docs/benchmarks/pipeline.md).
    """
    if device.type != "cpu":
        yield torch.get_num_threads()
        return
    old = torch.get_num_threads()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    want = min(old, int(os.environ.get("MTRS_TORCH_THREADS", "0") or 0) or max(1, cores - 1))
    if want == old:
        yield old
        return
    torch.set_num_threads(want)
    try:
        yield want
    finally:
        torch.set_num_threads(old)

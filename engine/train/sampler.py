"""Which samples each optimiser step sees, as a pure function of (seed, epoch, step).

Exact resume and DDP equivalence both come from the same idea: the epoch's permutation is derived from the
seed and the epoch alone, and optimiser step `s` uses the contiguous slice `perm[s*G:(s+1)*G]` of the
global batch `G`. Rank `r` takes the r-th contiguous chunk of that slice and cuts it into micro-batches
for gradient accumulation. So a world of 2 with accumulation 1 and a world of 1 with accumulation 2 see
exactly the same samples per step, and restarting at step `s` needs only the permutation and `s`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch.utils.data import Sampler

from engine.errors import InputError


@dataclass(frozen=True)
class BatchPlan:
    """How one global batch is split: `global_batch = micro_batch * grad_accum * world_size`."""

    micro_batch: int
    grad_accum: int
    world_size: int = 1

    @property
    def global_batch(self) -> int:
        return self.micro_batch * self.grad_accum * self.world_size

    @property
    def per_rank(self) -> int:
        return self.micro_batch * self.grad_accum

    def steps_per_epoch(self, n_samples: int) -> int:
        """Incomplete last global batches are dropped (the reference's `dataloader_drop_last True`)."""
        return n_samples // self.global_batch

    @classmethod
    def resolve(
        cls, *, micro_batch: int, grad_accum: int | None, global_batch: int | None, world_size: int
    ) -> BatchPlan:
        """Derive accumulation from a requested global batch, or the global batch from accumulation."""
        if micro_batch < 1:
            raise InputError("--batch-size must be at least 1")
        if global_batch is not None:
            denom = micro_batch * world_size
            if global_batch % denom:
                raise InputError(
                    f"--global-batch {global_batch} is not a multiple of batch size {micro_batch} × "
                    f"{world_size} process(es)",
                    hint="choose a global batch divisible by batch-size × number of processes",
                )
            accum = global_batch // denom
            if grad_accum is not None and grad_accum != accum:
                raise InputError(
                    f"--grad-accum {grad_accum} contradicts --global-batch {global_batch}",
                    hint="give only one of them",
                )
            return cls(micro_batch, accum, world_size)
        return cls(micro_batch, grad_accum or 1, world_size)


def epoch_permutation(n_samples: int, seed: int, epoch: int) -> torch.Tensor:
    """The sample order of one epoch; identical on every rank and after a restart."""
    g = torch.Generator().manual_seed(int(seed) * 1_000_003 + int(epoch))
    return torch.randperm(n_samples, generator=g)


def grouped_permutation(groups: list[str], seed: int, epoch: int) -> torch.Tensor:
    """Like `epoch_permutation`, but the samples of one group (the expressions of one image pair) stay
    next to each other: the groups are shuffled, each group's samples keep their file order.

    Contiguous step slices then put the expressions of a pair into the same micro-batch, where the model
    encodes the pair once (engine.train.steps) and the language query is the only thing that tells the
    samples apart. Depends only on (groups, seed, epoch), so exact resume and DDP equivalence still hold.
    """
    members: dict[str, list[int]] = {}
    for index, key in enumerate(groups):
        members.setdefault(key, []).append(index)
    keys = list(members)
    order = epoch_permutation(len(keys), seed, epoch).tolist()
    return torch.tensor([i for k in order for i in members[keys[k]]], dtype=torch.long)


class StepBatchSampler(Sampler[list[int]]):
    """Yields this rank's micro-batches (index lists) for optimiser steps `start_step` .. end of epoch."""

    def __init__(self, permutation: torch.Tensor, plan: BatchPlan, rank: int, start_step: int = 0):
        self.perm = permutation.tolist()
        self.plan = plan
        self.rank = rank
        self.start_step = start_step
        self.n_steps = plan.steps_per_epoch(len(self.perm))

    def micro_batches(self, step: int) -> list[list[int]]:
        g, p, m = self.plan.global_batch, self.plan.per_rank, self.plan.micro_batch
        chunk = self.perm[step * g + self.rank * p : step * g + (self.rank + 1) * p]
        return [chunk[i : i + m] for i in range(0, p, m)]

    def __iter__(self) -> Iterator[list[int]]:
        for step in range(self.start_step, self.n_steps):
            yield from self.micro_batches(step)

    def __len__(self) -> int:
        return max(0, self.n_steps - self.start_step) * self.plan.grad_accum


def eval_shard(n_samples: int, rank: int, world_size: int) -> list[int]:
    """Strided shard WITHOUT padding: every sample is evaluated exactly once across ranks (a padded
    DistributedSampler duplicates samples and biases the metrics, docs/REFERENCE.md R3.5 (c))."""
    return list(range(rank, n_samples, world_size))

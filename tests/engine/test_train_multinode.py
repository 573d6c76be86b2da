"""`mtrs train` over two "nodes": two separate `torchrun --nnodes 2 --nproc-per-node 1` launches on 127.0.0.1
(gloo), as two machines would start it. The losses equal one process with the same global batch; when one
node dies mid-run (SIGKILL of its launcher and worker) the other stops by itself, and relaunching both with
`--resume` continues bit-exactly; a node that cannot see the checkpoint stops the whole job with a message."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import torch
from safetensors.torch import load_file

from engine.train.checkpoint import load_trainer_state, resolve_checkpoint
from engine.train.train_log import read_log

# 16 pairs, global batch 4 -> 4 optimiser steps per epoch, 8 in all, a checkpoint every 2. fp32 throughout.
STEPS = 8
STAGE1 = ["train", "--stage", "1", "--preset", "mtrefseg-r1-tiny", "--image-size", "64", "--batch-size",
          "2", "--global-batch", "4", "--no-bf16", "--epochs", "2", "--save-every", "2",
          "--no-progress"]  # fmt: skip
# a node that vanished without closing its sockets would be noticed after this long (here they close at once)
TIMEOUT = ["--device", "cpu", "--dist-timeout", "60"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
LAUNCHED: list[Nodes] = []  # killed after each test, whatever its outcome


@pytest.fixture(autouse=True)
def _no_leftover_nodes():
    yield
    while LAUNCHED:
        LAUNCHED.pop().kill_all()


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    from engine.data.synth import write_dataset

    out = tmp_path_factory.mktemp("synth") / "train"
    write_dataset(out, pairs=16, seed=1, size=64)
    return out


@pytest.fixture(scope="module")
def one_process(synth, tmp_path_factory) -> Path:
    """The reference: one process, micro-batch 2 × accumulation 2, single-threaded like the workers."""
    out = tmp_path_factory.mktemp("one") / "run"
    cmd = [sys.executable, "-m", "engine.cli", *STAGE1, "--data", str(synth), "--out", str(out)]
    cmd += ["--device", "cpu"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _static(node: int, port: int) -> list[str]:
    """Static rendezvous: node ranks fixed by the launcher (what a SLURM script passes)."""
    return ["--node-rank", str(node), "--master-addr", "127.0.0.1", "--master-port", str(port)]


def _c10d(node: int, port: int) -> list[str]:
    """c10d rendezvous: the nodes meet at an endpoint and get their ranks in order of arrival."""
    return ["--rdzv-backend", "c10d", "--rdzv-endpoint", f"127.0.0.1:{port}", "--rdzv-id", "mtrs-test"]


class Nodes:
    """Two torchrun launchers, one per "node", each in its own session with its output in a file."""

    def __init__(self, rendezvous, args: list[str], logs: Path, outs: list[Path] | None = None):
        port = _free_port()
        LAUNCHED.append(self)
        self.logs = [logs / f"node{n}.log" for n in (0, 1)]
        self.procs = []
        for node in (0, 1):
            out = ["--out", str(outs[node])] if outs else []
            cmd = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "2", "--nproc-per-node", "1",
                   *rendezvous(node, port), "-m", "engine.cli", *args, *out]  # fmt: skip
            with open(self.logs[node], "w") as log:
                self.procs.append(
                    subprocess.Popen(
                        cmd, stdout=log, stderr=subprocess.STDOUT, env=ENV, start_new_session=True
                    )
                )

    def wait(self, timeout: float = 240) -> list[int]:
        deadline = time.monotonic() + timeout
        try:
            return [p.wait(timeout=max(1.0, deadline - time.monotonic())) for p in self.procs]
        except subprocess.TimeoutExpired:
            self.kill_all()
            pytest.fail("a node did not exit in time:\n" + self.output(0)[-2000:] + self.output(1)[-2000:])

    def kill_node(self, node: int) -> None:
        """SIGKILL the node's launcher and its workers (torchrun starts each worker in a session of its own,
        so killing the launcher alone would leave an orphaned worker training on)."""
        launcher = psutil.Process(self.procs[node].pid)
        for proc in [*launcher.children(recursive=True), launcher]:
            proc.send_signal(signal.SIGKILL)

    def kill_all(self) -> None:
        for node, proc in enumerate(self.procs):
            if proc.poll() is None:
                self.kill_node(node)

    def output(self, node: int) -> str:
        return self.logs[node].read_text()


def _losses(out: Path, key: str = "loss") -> list[float]:
    return [float(r[key]) for r in read_log(out / "train_log.csv")]


@pytest.fixture(scope="module")
def two_nodes(synth, tmp_path_factory) -> tuple[Path, Nodes]:
    """The uninterrupted two-node run (static rendezvous: node 0 holds rank 0)."""
    work = tmp_path_factory.mktemp("two")
    nodes = Nodes(_static, [*STAGE1, *TIMEOUT, "--data", str(synth), "--out", str(work / "run")], work)
    assert nodes.wait() == [0, 0], nodes.output(0)[-3000:] + nodes.output(1)[-3000:]
    return work / "run", nodes


def test_two_nodes_give_the_losses_of_one_process(one_process, two_nodes):
    out, nodes = two_nodes
    report = nodes.output(0)
    assert "2 × 1 accum × 2 proc" in report  # two processes, no accumulation, one global batch of 4
    assert "mtrs train:" not in nodes.output(1)  # only rank 0 reports and writes
    assert [int(r["step"]) for r in read_log(out / "train_log.csv")] == list(range(1, STEPS + 1))
    # float tolerance: two processes sum the gradient in another order than one process accumulating, and
    # Adam makes the last bits of tiny gradients count, so the runs drift apart slowly
    assert _losses(out) == pytest.approx(_losses(one_process), rel=1e-4, abs=1e-6)
    first_epoch = slice(0, 4)  # the gradient norm is the sharper check (a sum instead of a mean doubles it)
    norms, expected = _losses(out, "grad_norm")[first_epoch], _losses(one_process, "grad_norm")[first_epoch]
    assert norms == pytest.approx(expected, rel=1e-4)
    assert _losses(out, "lr") == _losses(one_process, "lr")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") or p.name.endswith(".old")]


def test_killed_node_stops_the_other_and_both_resume_exactly(synth, two_nodes, tmp_path):
    reference, _ = two_nodes
    out = tmp_path / "run"
    args = [*STAGE1, *TIMEOUT, "--data", str(synth), "--out", str(out)]
    nodes = Nodes(_c10d, args, tmp_path)
    state_file = out / "last" / "trainer_state.pt"
    deadline = time.monotonic() + 240
    while not state_file.is_file():
        assert time.monotonic() < deadline, "no checkpoint appeared"
        assert all(p.poll() is None for p in nodes.procs), nodes.output(0)[-2000:] + nodes.output(1)[-2000:]
        time.sleep(0.02)
    nodes.kill_node(1)
    t_kill = time.monotonic()
    assert nodes.procs[0].wait(timeout=120) != 0  # the survivor fails on its own...
    assert time.monotonic() - t_kill < 30  # ...at its next collective, long before --dist-timeout
    assert nodes.procs[1].wait(timeout=10) == -signal.SIGKILL
    # (a kill during rank 0's two renames leaves the checkpoint as last.old, which --resume takes)
    killed_at = load_trainer_state(resolve_checkpoint(out / "last"))["global_step"]
    assert 2 <= killed_at < STEPS  # really mid-run

    resumed = Nodes(_c10d, [*args, "--resume"], tmp_path)
    assert resumed.wait() == [0, 0], resumed.output(0)[-3000:] + resumed.output(1)[-3000:]
    assert f"resuming at step {killed_at}" in resumed.output(0) + resumed.output(1)
    assert _losses(out) == _losses(reference)  # identical floats, not approximately
    assert _losses(out, "lr") == _losses(reference, "lr")
    final, expected = (
        load_file(str(out / "last/model.safetensors")),
        load_file(str(reference / "last/model.safetensors")),
    )
    assert final.keys() == expected.keys() and all(torch.equal(final[k], expected[k]) for k in expected)


def test_a_node_that_cannot_see_the_checkpoint_stops_the_job(synth, two_nodes, tmp_path):
    """Node 1 looks for OUT/last in a folder of its own (an output folder on a disk local to each node)."""
    shared, elsewhere = tmp_path / "shared", tmp_path / "node1-local"
    shutil.copytree(two_nodes[0], shared)
    args = [*STAGE1, *TIMEOUT, "--data", str(synth), "--resume"]
    nodes = Nodes(_static, args, tmp_path, outs=[shared, elsewhere])
    assert nodes.wait() == [1, 1]  # torchrun's code for a failed worker
    for node in (0, 1):
        assert "exitcode  : 2" in nodes.output(node)  # the worker's: an InputError, not a crash or a hang
        assert "do not all see the same checkpoint" in nodes.output(node)
        assert "shared folder at the same path on every node" in nodes.output(node)

"""Start-up time of `mtrs`: the wall time of whole processes (median of N runs, hyperfine-style), for the
commands that must answer at once: `--help`, `--version`, and `predict` with a missing input (an input error
must be reported before torch is imported). The figures behind docs/BENCHMARKS.md, "Start-up".

    .venv/bin/python bench/startup_time.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "mtrs --help": ["--help"],
    "mtrs --version": ["--version"],
    "mtrs predict (missing input)": ["predict", "missing.tif", "other.tif", "--prompt", "x", "-o", "o.gpkg"],
}


def wall_times(argv: list[str], runs: int, cwd: str) -> list[float]:
    mtrs = str(Path(sys.executable).with_name("mtrs"))
    subprocess.run([mtrs, *argv], capture_output=True, cwd=cwd)  # warm-up: file system cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([mtrs, *argv], capture_output=True, cwd=cwd)
        times.append(time.perf_counter() - t)
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    report = {"load_average_start": os.getloadavg(), "cpu_count": os.cpu_count()}
    with tempfile.TemporaryDirectory() as cwd:
        for name, command in COMMANDS.items():
            times = wall_times(command, args.runs, cwd)
            report[name] = {
                "median_s": round(statistics.median(times), 3),
                "all_s": [round(t, 3) for t in times],
            }
    report["load_average_end"] = os.getloadavg()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

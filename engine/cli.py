"""The `mtrs` command. Each sub-command lives in its own module under `engine.commands` and is imported
only when chosen, so `mtrs --help` and `mtrs --version` stay fast (no torch import)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys

from engine import __version__
from engine.errors import MtrsError
from engine.tempdirs import remove_stale_temp_dirs

# name -> (module under engine.commands, one-line help). Modules expose `configure(parser)` and `run(args)`.
COMMANDS: dict[str, tuple[str, str]] = {
    "predict": ("predict", "segment the described change between two rasters into polygons"),
    "info": ("info", "describe a model preset or checkpoint (parameters per component)"),
    "synth": ("synth", "generate a synthetic multi-temporal referring segmentation dataset"),
    "train": ("train", "train MTRefSeg-R1 (stage 1: change pretraining, stage 2: referring)"),
    "eval": ("evaluate", "evaluate a model on a dataset with the reference protocol"),
    "export-training": (
        "export_training",
        "cut training chips and expressions from two rasters and change labels (vector or raster)",
    ),
    "finetune": ("finetune", "adapt a model to an exported training set (small data, CPU-friendly defaults)"),
    "assess": ("assess", "accuracy of predicted changes against reference polygons or a raster"),
    "batch": ("batch", "analyse many pairs (manifest, folders, STAC) locally or on Ray; resumable"),
    "bench": ("bench", "run speed and memory benchmarks"),
    "serve": ("serve", "run the JSON-lines worker on stdin/stdout (used by the QGIS plugin)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mtrs",
        description="MTRS: language-guided change analysis with MTRefSeg-R1.",
    )
    parser.add_argument("--version", action="version", version=f"mtrs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        cmd_parser = sub.add_parser(name, help=help_text, description=help_text)
        cmd_parser.set_defaults(_module=module_name)
        module = _command_module(module_name)
        if module is not None:
            module.configure(cmd_parser)
    return parser


def _command_module(module_name: str):
    try:
        return importlib.import_module(f"engine.commands.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"engine.commands.{module_name}":
            return None
        raise


def _sigterm_as_interrupt(signum, frame) -> None:
    """SIGTERM (a stop from QGIS, a scheduler, `kill`) takes the same path as Ctrl-C, so every `finally` and
    cleanup runs: temporary folders are removed, fine-tuning keeps its best model so far."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    with contextlib.suppress(ValueError):  # not the main thread (embedded use): leave the handler as it is
        signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    module = _command_module(args._module)
    if module is None:
        parser.error(f"command '{args.command}' is not available in this build")
    remove_stale_temp_dirs()  # scratch folders of runs of this host that were killed (SIGKILL, power cut)
    try:
        return int(module.run(args) or 0)
    except MtrsError as exc:
        print(f"mtrs {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"mtrs {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

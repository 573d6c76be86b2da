"""The `mtrs` command. Each sub-command lives in its own module under `engine.commands` and is imported
only when chosen, so `mtrs --help` and `mtrs --version` stay fast (no torch import)."""

from __future__ import annotations

import argparse
import importlib
import sys

from engine import __version__
from engine.errors import MtrsError

# name -> (module under engine.commands, one-line help). Modules expose `configure(parser)` and `run(args)`.
COMMANDS: dict[str, tuple[str, str]] = {
    "predict": ("predict", "segment the described change between two rasters into polygons"),
    "info": ("info", "describe a model preset or checkpoint (parameters per component)"),
    "synth": ("synth", "generate a synthetic multi-temporal referring segmentation dataset"),
    "train": ("train", "train MTRefSeg-R1 (stage 1: change pretraining, stage 2: referring)"),
    "eval": ("evaluate", "evaluate a model on a dataset with the reference protocol"),
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    module = _command_module(args._module)
    if module is None:
        parser.error(f"command '{args.command}' is not available in this build")
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

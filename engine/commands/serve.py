"""`mtrs serve`: the JSON-lines worker on stdin/stdout (same as `python -m engine.worker`)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Protocol: docs/INTERFACES.md §3. stdout carries only protocol lines; logs go to stderr."


def run(args: argparse.Namespace) -> int:
    from engine.worker import main

    return main()

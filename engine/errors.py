"""Expected failures. Anything raised as an MtrsError is a user-facing message: the CLI prints it without a
traceback and exits non-zero, the worker sends it as a structured error, the plugin shows it verbatim.
Unexpected exceptions keep their traceback."""

from __future__ import annotations


class MtrsError(Exception):
    """A failure the user can act on. `code` is a stable machine-readable name (worker protocol)."""

    code = "error"
    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message if not hint else f"{message}\n  hint: {hint}")
        self.message = message
        self.hint = hint


class InputError(MtrsError):
    """Bad input raster, band, extent, prompt or option."""

    code = "input_error"


class OutputError(MtrsError):
    """The output cannot be written (exists, folder not writable, unsupported format)."""

    code = "output_error"


class ModelError(MtrsError):
    """The model is missing, corrupt, or of the wrong format."""

    code = "model_error"


class Cancelled(MtrsError):
    """The run was cancelled by the user; nothing partial was left on disk."""

    code = "cancelled"
    exit_code = 130


class OutOfMemory(MtrsError):
    """Even the smallest batch does not fit in the device's memory."""

    code = "out_of_memory"
    exit_code = 3

"""Ctrl-C and SIGTERM as a request to stop at the next optimiser step, for runs that must keep what they have.

Why: an interrupt that lands inside an optimiser step (between `backward` and `optimizer.step`, or halfway
through the update) leaves weights and optimiser state that belong to no step, so nothing taken from that
moment can be checkpointed. While a `StopRequest` is active the first signal only sets `requested`; the loop
finishes the step, checkpoints and returns. A second signal raises KeyboardInterrupt at once, for a user who
does not want to wait; the loop then keeps the checkpoints it already has.
"""

from __future__ import annotations

import signal
import sys
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Context manager; `requested` turns true on the first SIGINT/SIGTERM. Outside the main thread (where
    Python cannot install handlers) or when `enabled` is false it changes nothing; a signal the process
    ignores (SIGINT of a background job) stays ignored, as Python itself leaves it."""

    def __init__(self, enabled: bool = True, message: str = "stopping after this step"):
        self.enabled = enabled
        self.message = message
        self.requested = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopRequest:
        if self.enabled and threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                if signal.getsignal(sig) is not signal.SIG_IGN:
                    self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print(f"\n{self.message} (interrupt again to stop at once)", file=sys.stderr, flush=True)

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

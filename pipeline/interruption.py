"""A stop asked for during a run or an ingest, by Ctrl-C (SIGINT) or by the service manager
(SIGTERM, as systemd sends it when a timer's job is stopped): the files in hand (a batch of
at most 16) are finished, the others wait in the inbox for the next run, and the command
says what it did and exits with 128 + the signal's number (130, 143), as shells and service
managers expect.

A second signal stops at once; the order of work of ingest still loses nothing then."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.failures import NapError

SIGNALS = (signal.SIGINT, signal.SIGTERM)
SAID = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "a request to stop (SIGTERM)"}


@dataclass
class StopRequest:
    """Set by the first signal; the work looks at it between two batches of files."""

    signum: int = 0

    @property
    def requested(self) -> bool:
        return bool(self.signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def said(self) -> str:
        return SAID.get(self.signum, f"signal {self.signum}")


class Stopped(NapError):
    """The command stopped on request before it had anything in hand."""

    def __init__(self, message: str, request: StopRequest) -> None:
        super().__init__(message)
        self.exit_code = request.exit_code


@contextmanager
def stop_requests(request: StopRequest | None = None) -> Iterator[StopRequest]:
    """While the block runs, SIGINT and SIGTERM ask it to stop at the next safe point
    instead of killing it. Given the request of an enclosing block, it keeps that one. Signals
    reach only the main thread: elsewhere nothing changes."""
    if request is not None:
        yield request
        return
    request = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield request
        return

    def ask(signum: int, _frame: object) -> None:
        if request.requested:
            raise KeyboardInterrupt  # asked twice: stop now
        request.signum = signum

    previous = {s: signal.signal(s, ask) for s in SIGNALS}
    try:
        yield request
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def ignore_stop_requests() -> None:
    """For worker processes: the parent decides when to stop, and ends them itself."""
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)

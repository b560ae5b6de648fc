"""One writer at a time per workspace: an exclusive lock file, waited for with a limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.failures import NapError
from pipeline.interruption import Stopped, StopRequest
from pipeline.workspace import Workspace

DEFAULT_WAIT = 300.0
POLL = 0.5  # seconds between looks at a stop request while waiting


@contextmanager
def workspace_lock(
    ws: Workspace, wait: float = DEFAULT_WAIT, stop: StopRequest | None = None
) -> Iterator[None]:
    """Held while the inbox, archive and ledger change; re-entrant within one process, so a
    nightly run can hold it across its steps. A stop requested while waiting ends the wait."""
    from filelock import FileLock

    lock = FileLock(ws.lock_path, timeout=wait, is_singleton=True)
    _acquire(lock, ws, wait, stop)
    try:
        yield
    finally:
        lock.release()


def _acquire(lock, ws: Workspace, wait: float, stop: StopRequest | None) -> None:
    from filelock import Timeout

    deadline = time.monotonic() + wait
    while True:
        try:
            lock.acquire(timeout=max(0.0, min(POLL, deadline - time.monotonic())))
            return
        except Timeout:
            if stop is not None and stop.requested:
                raise Stopped(
                    f"stopped by {stop.said} while waiting for another nap command in "
                    f"{ws.root}: nothing was done",
                    stop,
                ) from None
            if time.monotonic() >= deadline:
                raise NapError(
                    f"another nap command is working in {ws.root} (lock file "
                    f"{ws.lock_path.name}) and did not finish within {wait:g} s; try again "
                    "later, or give --wait SECONDS"
                ) from None

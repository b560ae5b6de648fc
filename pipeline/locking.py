"""One writer at a time per workspace: an exclusive lock file, waited for with a limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.failures import NapError
from pipeline.workspace import Workspace

DEFAULT_WAIT = 300.0


@contextmanager
def workspace_lock(ws: Workspace, wait: float = DEFAULT_WAIT) -> Iterator[None]:
    """Held while the inbox, archive and ledger change; re-entrant within one process, so a
    nightly run can hold it across its steps."""
    from filelock import FileLock, Timeout

    lock = FileLock(ws.lock_path, timeout=wait, is_singleton=True)
    try:
        lock.acquire()
    except Timeout:
        raise NapError(
            f"another nap command is working in {ws.root} (lock file {ws.lock_path.name}) and did "
            f"not finish within {wait:g} s; try again later, or give --wait SECONDS"
        ) from None
    try:
        yield
    finally:
        lock.release()

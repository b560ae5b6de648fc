"""Files written whole or not at all: a reader never sees half a file, and a failed or killed
write leaves the previous version in place. They get the permissions the user's umask gives,
as any file the user saves: colleagues can open what a nightly job wrote."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.failures import NapError


@contextmanager
def atomic_path(dest: Path, *, held_by: str = "another program") -> Iterator[Path]:
    """A temporary path next to `dest` to write to; it replaces `dest` in one step when the
    block ends without error, and is removed otherwise. `held_by` names the program that may
    hold `dest` open (Windows refuses to replace an open file)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=dest.suffix, dir=dest.parent)
    except OSError as exc:
        raise NapError(f"cannot write in {dest.parent}: {exc}") from exc
    os.close(fd)
    try:
        yield Path(tmp)
        try:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600
            os.replace(tmp, dest)
        except OSError as exc:
            raise NapError(f"cannot write {dest}: {exc}; is it open in {held_by}?") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    """The process's umask; reading it means setting it, so it is put back at once."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask

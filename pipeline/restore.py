"""Restore a workspace from a backup that `nap backup` wrote.

The workspace becomes the backup: its ledger, nap.toml, workbook_templates/, archive/,
outbox/ and inbox/. What the workspace held in their place is moved, whole, into a folder
before-restore-<date>-<time>/ inside it: nothing is deleted. The ledger's -wal and -shm files
go with it: left beside the restored ledger, SQLite would replay them onto it, and the
workspace would silently stay as it was. The backup is first copied into the workspace under
a temporary name, so that what follows is a few renames on one disk; the signing key stays
where it is."""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.backup import FOLDERS, NOTE_FILE
from pipeline.failures import NapError, UsageError
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.settings import Settings
from pipeline.workspace import (
    LEDGER_FILE,
    RESTORE_ASIDE,
    RESTORE_STAGING,
    SETTINGS_FILE,
    Workspace,
)

# The parts a backup holds, in the order they are put in place (the ledger first).
PARTS = (LEDGER_FILE, SETTINGS_FILE, *FOLDERS)
# What SQLite keeps beside a ledger: set aside with it.
LEDGER_SIDES = (f"{LEDGER_FILE}-wal", f"{LEDGER_FILE}-shm", f"{LEDGER_FILE}-journal")


@dataclass(frozen=True)
class Restored:
    backup: Path
    ledger_files: int  # the files the restored ledger records
    aside: Path | None  # where the workspace's own parts went; None when it had none
    received_since: tuple[Path, ...]  # archived files the restored ledger does not record
    waiting: tuple[Path, ...]  # files that were waiting in the inbox


def restore_workspace(
    root: Path, backup: Path, *, wait: float = DEFAULT_WAIT, now: dt.datetime | None = None
) -> Restored:
    """Make the workspace at `root` (a new folder after a lost disk) the backup in the folder
    `backup`, while no other nap command works in it. A run stopped half-way leaves the
    workspace's own parts in before-restore-<date>-<time>/ and the rest of the backup in
    .restore-<date>-<time>.partial/: run it again."""
    backup = Path(backup).expanduser().resolve()
    if not _is_backup(backup):
        inside = sorted(p for p in backup.glob("nap-backup-*") if _is_backup(p))
        hint = f"; the newest in it is {inside[-1]}" if inside else ""
        raise UsageError(
            f"{backup} is not a backup: expected {LEDGER_FILE} and {NOTE_FILE} in it; give "
            f"one of the nap-backup-<date>-<time> folders that nap backup wrote{hint}"
        )
    root = Path(root).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is a file, not a folder; give --root the workspace folder")
    root.mkdir(parents=True, exist_ok=True)  # a new folder, after a lost disk
    if backup == root or root in backup.parents:
        raise UsageError(f"{backup} is inside the workspace; copy it elsewhere first")
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    staging = root / f"{RESTORE_STAGING[0]}{stamp}{RESTORE_STAGING[1]}"
    aside = root / f"{RESTORE_ASIDE}{stamp}"
    # The lock needs the folder only: the workspace's nap.toml may be what is being restored.
    with workspace_lock(Workspace(root, Settings()), wait):
        if staging.exists() or aside.exists():
            raise NapError(f"{aside} exists already; run the restore again in a moment")
        files = _staged(backup, staging)
        aside = _set_aside(root, aside)
        for name in PARTS:
            if (staging / name).exists():
                (staging / name).rename(root / name)
        staging.rmdir()
        for folder in ("inbox", "outbox"):  # a workspace has them, even if the backup had not
            (root / folder).mkdir(exist_ok=True)
    since, waiting = _left_out(aside, root)
    return Restored(backup, files, aside, since, waiting)


def _is_backup(folder: Path) -> bool:
    return (folder / LEDGER_FILE).is_file() and (folder / NOTE_FILE).is_file()


def _staged(backup: Path, staging: Path) -> int:
    """The backup copied into `staging`, the files its ledger records; on any failure the
    copy is removed and the workspace is as it was."""
    from pipeline.ledger import copy_backup_ledger

    staging.mkdir()
    try:
        files = copy_backup_ledger(backup / LEDGER_FILE, staging / LEDGER_FILE)
        _copy_parts(backup, staging)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise NapError(
            f"cannot copy the backup {backup} into {staging.parent}: {exc}; nothing was changed"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def _copy_parts(backup: Path, dest: Path) -> None:
    for name in PARTS[1:]:
        source = backup / name
        if source.is_dir():
            shutil.copytree(source, dest / name, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, dest / name)


def _set_aside(root: Path, aside: Path) -> Path | None:
    """Move the workspace's own parts into `aside`; None when there was nothing to move."""
    present = [name for name in (*PARTS, *LEDGER_SIDES) if (root / name).exists()]
    if not present:
        return None
    aside.mkdir()
    for name in present:
        (root / name).rename(aside / name)
    return aside


def _left_out(aside: Path | None, root: Path) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The set-aside files to read again: those archived after the backup was made (the
    restored ledger does not record them; a rejected file's reasons beside it are not counted
    apart), and those that were waiting in the inbox and are not in the backup's."""
    from pipeline.intake.ingest import REASONS
    from pipeline.ledger import archived_paths

    if aside is None:
        return (), ()
    recorded = archived_paths(root / LEDGER_FILE)
    archived = sorted(p for p in (aside / "archive").rglob("*") if p.is_file())
    since = tuple(
        p
        for p in archived
        if p.relative_to(aside).as_posix() not in recorded
        and not (p.name.endswith(REASONS) and p.with_name(p.name[: -len(REASONS)]).exists())
    )
    waiting = tuple(
        p
        for p in sorted((aside / "inbox").glob("*"))
        if p.is_file() and not _same_file(p, root / "inbox" / p.name)
    )
    return since, waiting


def _same_file(one: Path, other: Path) -> bool:
    return other.is_file() and filecmp.cmp(one, other, shallow=False)

"""A backup of a workspace: everything needed to carry on after a lost disk, in one dated
folder, with the ledger copied consistently.

The copy holds the ledger (through SQLite's backup API), nap.toml, the workspace's own
workbook_templates/ (plan registers, contacts, wording), archive/ (every file received),
outbox/ (what was issued and sent) and inbox/ (what waits to be read). It never holds the
signing key: a backup that leaks must not let anyone sign templates as the office, so the key
is kept elsewhere and the backup names it. The folder is written under a temporary name and
renamed once complete, so a folder with the final name is always a whole backup."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.failures import NapError, UsageError
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.signing import find_key
from pipeline.workspace import DATA_DIR, LEDGER_FILE, SETTINGS_FILE, Workspace

FOLDERS = (DATA_DIR, "archive", "outbox", "inbox")
NOTE_FILE = "BACKUP.txt"


@dataclass(frozen=True)
class Backup:
    folder: Path
    ledger_files: int  # the files the ledger records
    copied: tuple[str, ...]  # the parts copied besides the ledger, as named in the workspace
    key: str  # where the key is that the backup leaves out, "" when there is none yet
    fingerprint: str


def backup_workspace(
    ws: Workspace, into: Path, *, wait: float = DEFAULT_WAIT, now: dt.datetime | None = None
) -> Backup:
    """Write `into`/nap-backup-<date>-<time>/ while no other nap command works in the
    workspace, so that the ledger and the archive agree."""
    from pipeline.ledger import copy_ledger

    into = Path(into).expanduser().resolve()
    if into == ws.root or ws.root in into.parents:
        raise UsageError(
            f"{into} is inside the workspace; a backup belongs on another disk or share, e.g. "
            "nap backup /mnt/backup"
        )
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    folder = into / f"nap-backup-{stamp}"
    partial = into / f".{folder.name}.partial"
    if folder.exists():
        raise NapError(f"{folder} exists already; run the backup again in a moment")
    try:
        partial.mkdir(parents=True)
    except OSError as exc:
        raise NapError(f"cannot write the backup in {into}: {exc}") from exc
    with workspace_lock(ws, wait):
        files = copy_ledger(ws.ledger_path, partial / LEDGER_FILE, wait=wait)
        copied = _copy_parts(ws, partial)
    key = find_key(ws)
    done = Backup(folder, files, copied, key.source if key else "", key.fingerprint if key else "")
    (partial / NOTE_FILE).write_text(_note(ws, done, stamp), encoding="utf-8")
    partial.rename(folder)
    return done


def _copy_parts(ws: Workspace, dest: Path) -> tuple[str, ...]:
    copied = []
    settings = ws.root / SETTINGS_FILE
    if settings.is_file():
        shutil.copy2(settings, dest / SETTINGS_FILE)
        copied.append(SETTINGS_FILE)
    for name in FOLDERS:
        source = ws.root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, symlinks=True)
            copied.append(f"{name}/")
    return tuple(copied)


def _note(ws: Workspace, done: Backup, stamp: str) -> str:
    key = (
        f"It does not hold the signing key ({done.key}, fingerprint {done.fingerprint}): keep "
        "that file elsewhere, and put it back beside the ledger when restoring."
        if done.key
        else "The workspace had no signing key yet."
    )
    return (
        f"Backup of the nap workspace {ws.root}, made {stamp} by nap {__version__}.\n"
        f"The ledger records {done.ledger_files} file(s).\n{key}\n\n"
        "To restore (see the coordinator's guide, 'Backups'): nap --root WORKSPACE restore\n"
        "THIS-FOLDER, put the signing key back if it is not there, then run nap check.\n"
    )

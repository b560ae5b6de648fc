"""Backups: a whole, consistent copy of a workspace that restores to the same ledger, taken
while another program writes to the ledger, and never holding the signing key."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.backup import backup_workspace
from pipeline.cli import cli
from pipeline.failures import UsageError
from pipeline.intake.ingest import ingest
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers
from tests.mailserver import hold_ledger, write_contacts


def nap(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def ledger_rows(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute("SELECT id, sha256, outcome FROM files ORDER BY id").fetchall()


@pytest.fixture
def answered(workspace, plan, monkeypatch):
    """Three ministries answered, one of them rejected; the key in the workspace's file."""
    monkeypatch.delenv("NAP_SIGNING_KEY")
    write_contacts(workspace, plan)
    issue_templates(workspace, 2019, today=dt.date(2020, 1, 15))
    for code in ("MJ", "MEGA", "MSI"):
        answers = sample_answers(plan, code, 2019)
        if code == "MSI":
            answers[next(iter(answers))]["status"] = "Finished"
        fill_template(
            workspace.template_path(2019, code), workspace.inbox / f"{code}.xlsx", answers
        )
    ingest(workspace, settle=0)
    return workspace


def test_a_backup_holds_everything_but_the_key(answered, tmp_path):
    result = nap(answered.root, "backup", str(tmp_path / "backups"))

    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "backups").iterdir()
    assert result.output.splitlines() == [
        f"wrote {folder}",
        "  ledger.sqlite (3 files recorded), nap.toml, workbook_templates/, archive/, outbox/, "
        "inbox/",
        f"Not in it: the signing key {answered.key_path} (fingerprint "
        f"{_fingerprint(answered)}); keep a copy of it elsewhere than the backups",
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        "BACKUP.txt",
        "archive",
        "inbox",
        "ledger.sqlite",
        "nap.toml",
        "outbox",
        "workbook_templates",
    ]
    assert not list(folder.glob("ledger.sqlite-*")), "one file: no -wal beside it"
    assert ledger_rows(folder / "ledger.sqlite") == ledger_rows(answered.ledger_path)
    assert not [p for p in folder.rglob("*") if p.name == ".nap-signing-key"]
    assert "put the signing key back" in (folder / "BACKUP.txt").read_text()


def test_a_restored_backup_is_the_same_workspace(answered, tmp_path):
    """After a lost disk: nap restore into a new folder, the key put back beside it."""
    before = nap(answered.root, "status", "--period", "2019").output
    backup = backup_workspace(answered, tmp_path / "backups")
    restored = tmp_path / "new disk" / "wps"

    result = nap(restored, "restore", str(backup.folder))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"restored {restored} from {backup.folder}",
        "  ledger.sqlite (3 files recorded)",
    ]
    assert not list(restored.glob("before-restore-*")), "a new folder has nothing to keep"
    shutil.copy2(answered.key_path, restored / ".nap-signing-key")  # the key, kept apart
    assert (
        nap(restored, "check").exit_code == 0 or "example address" in nap(restored, "check").output
    )
    assert nap(restored, "status", "--period", "2019").output == before
    consolidated = nap(restored, "consolidate", "--period", "2019")
    assert consolidated.exit_code == 0, consolidated.output
    fill_template(
        restored / "outbox/2019/templates/MISA.xlsx",
        restored / "inbox/MISA.xlsx",
        sample_answers(answered.plan, "MISA", 2019),
    )
    after = nap(restored, "ingest")
    assert after.exit_code == 0 and "accepted  MISA.xlsx: MISA 2019" in after.output


def _killed_writer(ledger: Path) -> None:
    """A run killed while it wrote: the ledger keeps a -wal file holding its last commit."""
    code = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "conn.execute(\"UPDATE files SET reason = 'written after the backup'\")\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(ledger)], check=False)
    assert ledger.with_name("ledger.sqlite-wal").stat().st_size > 0


def test_a_restore_replaces_the_ledger_and_its_wal_and_keeps_what_it_replaced(answered, tmp_path):
    backup = backup_workspace(answered, tmp_path / "backups")
    before = nap(answered.root, "status", "--period", "2019").output
    misa = answered.inbox / "MISA.xlsx"
    fill_template(
        answered.template_path(2019, "MISA"), misa, sample_answers(answered.plan, "MISA", 2019)
    )
    ingest(answered, settle=0)  # received after the backup
    (archived_misa,) = answered.archive.rglob("MISA_2019_*.xlsx")
    _killed_writer(answered.ledger_path)
    (answered.inbox / "waiting.xlsx").write_bytes(b"PK not read yet")

    result = nap(answered.root, "restore", str(backup.folder))

    assert result.exit_code == 0, result.output
    (aside,) = answered.root.glob("before-restore-*")
    assert result.output.splitlines() == [
        f"restored {answered.root} from {backup.folder}",
        "  ledger.sqlite (3 files recorded)",
        f"What the workspace held is in {aside}",
        "1 file received after the backup was made, not in the backup:",
        f"  {aside / archived_misa.relative_to(answered.root)}",
        "  to read them again, copy them into inbox/ (they count as received then)",
        "1 file waiting in the inbox, not in the backup:",
        f"  {aside / 'inbox' / 'waiting.xlsx'}",
        "  to read them again, copy them into inbox/ (they count as received then)",
        "Next: nap check (it says whether the signing key is in place)",
    ]
    # The stale -wal went aside with its ledger: SQLite did not replay it onto the backup's.
    assert sorted(p.name for p in aside.glob("ledger.sqlite*")) == [
        "ledger.sqlite",
        "ledger.sqlite-shm",
        "ledger.sqlite-wal",
    ]
    assert not list(answered.root.glob("ledger.sqlite-*"))
    assert not list(answered.root.glob(".restore-*"))
    assert ledger_rows(answered.ledger_path) == ledger_rows(backup.folder / "ledger.sqlite")
    assert nap(answered.root, "status", "--period", "2019").output == before
    assert (aside / "archive").is_dir() and (aside / "nap.toml").is_file()
    assert answered.key_path.is_file(), "the key stays where it is"

    shutil.copy2(aside / archived_misa.relative_to(answered.root), answered.inbox / "MISA.xlsx")
    again = nap(answered.root, "ingest")
    assert again.exit_code == 0 and "accepted  MISA.xlsx: MISA 2019" in again.output


@pytest.mark.parametrize("damage", ["not a backup", "damaged ledger", "another program's db"])
def test_a_backup_that_cannot_be_restored_leaves_the_workspace_as_it_was(
    answered, tmp_path, damage
):
    folder = backup_workspace(answered, tmp_path / "backups").folder
    ledger = folder / "ledger.sqlite"
    if damage == "not a backup":
        (folder / "BACKUP.txt").unlink()
    elif damage == "damaged ledger":
        data = bytearray(ledger.read_bytes())
        data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)
        ledger.write_bytes(bytes(data))
    else:
        ledger.unlink()
        with closing(sqlite3.connect(ledger)) as other, other:
            other.execute("CREATE TABLE notes (text)")
    rows = ledger_rows(answered.ledger_path)
    listing = sorted(p.relative_to(answered.root) for p in answered.root.rglob("*"))

    result = nap(answered.root, "restore", str(folder))

    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1

    assert ledger_rows(answered.ledger_path) == rows
    assert sorted(p.relative_to(answered.root) for p in answered.root.rglob("*")) == listing


def test_a_backup_is_consistent_while_another_program_writes(answered, tmp_path):
    hold_ledger(answered.ledger_path, seconds=30)  # a write transaction left open
    started = time.monotonic()

    backup = backup_workspace(answered, tmp_path / "backups", wait=60)

    assert time.monotonic() - started < 10, "the backup does not wait for the writer"
    assert backup.ledger_files == 3
    with closing(sqlite3.connect(backup.folder / "ledger.sqlite")) as copy, copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_backup_inside_the_workspace_is_refused(answered):
    with pytest.raises(UsageError, match="inside the workspace"):
        backup_workspace(answered, answered.root / "backups")


def _fingerprint(ws) -> str:
    from pipeline.signing import fingerprint

    return fingerprint(ws.key_path.read_text().strip().encode())


def test_a_second_restore_in_the_same_second_is_refused_before_it_moves_anything(
    answered, tmp_path
):
    from pipeline.failures import NapError
    from pipeline.restore import restore_workspace

    folder = backup_workspace(answered, tmp_path / "backups").folder
    when = dt.datetime(2020, 4, 6, 2, 15, 3)
    first = restore_workspace(answered.root, folder, now=when)
    assert first.aside == answered.root / "before-restore-2020-04-06-021503"
    listing = sorted(p.relative_to(answered.root) for p in answered.root.rglob("*"))

    with pytest.raises(NapError, match="exists already"):
        restore_workspace(answered.root, folder, now=when)
    assert sorted(p.relative_to(answered.root) for p in answered.root.rglob("*")) == listing


def test_the_folder_above_the_backups_names_the_newest_one(answered, tmp_path):
    backups = tmp_path / "backups"
    backup_workspace(answered, backups, now=dt.datetime(2020, 4, 5, 2, 15))
    newest = backup_workspace(answered, backups, now=dt.datetime(2020, 4, 6, 2, 15)).folder

    result = nap(answered.root, "restore", str(backups))

    assert result.exit_code == 2
    assert result.output.rstrip().endswith(f"; the newest in it is {newest}"), result.output
    assert not list(answered.root.glob("before-restore-*"))


def _restore_stopped_before(part: str, ws, backups: Path, monkeypatch) -> Path:
    """A restore stopped (Ctrl-C, the machine going down) as it was to put `part` of the
    backup in place, at 2020-04-06 09:00:00; the backup's folder."""
    from pipeline.restore import restore_workspace

    folder = backup_workspace(ws, backups).folder
    rename = Path.rename

    def stopped(self: Path, target):
        if self.parent.name.startswith(".restore-") and self.name == part:
            raise KeyboardInterrupt
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", stopped)
    with pytest.raises(KeyboardInterrupt):
        restore_workspace(ws.root, folder, now=dt.datetime(2020, 4, 6, 9, 0, 0))
    monkeypatch.setattr(Path, "rename", rename)
    return folder


def test_nap_check_names_what_a_stopped_restore_left_until_it_is_run_again(
    answered, tmp_path, monkeypatch
):
    folder = _restore_stopped_before("nap.toml", answered, tmp_path / "backups", monkeypatch)

    stopped = nap(answered.root, "check")  # inbox/ and outbox/ are still in the copy
    assert stopped.exit_code == 2
    assert stopped.output.rstrip().endswith(
        "is part way through a restore: nap restore stopped before it finished "
        "(.restore-2020-04-06-090000.partial/ is there); run the same nap restore again"
    ), stopped.output

    rerun = nap(answered.root, "restore", str(folder))
    assert rerun.exit_code == 0, rerun.output
    again = nap(answered.root, "check")

    assert again.exit_code == 0, again.output
    (_, latest) = sorted(p.name for p in answered.root.glob("before-restore-*"))
    said = [line.strip() for line in again.output.splitlines() if "restore-20" in line]
    assert [line.split(": ")[:2] for line in said] == [
        [".restore-2020-04-06-090000.partial/", "warning"],
        ["before-restore-2020-04-06-090000/", "warning"],
        [f"{latest}/", "warning"],
    ], again.output
    assert said[0].endswith("delete it") and "copy of its ledger" in said[2]
    assert ledger_rows(answered.ledger_path) == ledger_rows(folder / "ledger.sqlite")


def test_folders_made_by_hand_after_a_stopped_restore_do_not_hide_it(
    answered, tmp_path, monkeypatch
):
    _restore_stopped_before("archive", answered, tmp_path / "backups", monkeypatch)
    for name in ("inbox", "outbox"):  # what "expected the folders inbox/ and outbox/" invites
        (answered.root / name).mkdir()

    result = nap(answered.root, "check")

    assert result.exit_code == 1, result.output
    assert (
        "  .restore-2020-04-06-090000.partial/: error: nap restore stopped before it finished: "
        "the "
        "workspace is part backup, part as it was; run the same nap restore again (what the "
        "workspace held is in before-restore-2020-04-06-090000/)"
    ) in result.output.splitlines(), result.output

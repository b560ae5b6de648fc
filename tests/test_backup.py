"""Backups: a whole, consistent copy of a workspace that restores to the same ledger, taken
while another program writes to the ledger, and never holding the signing key."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import time
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
    with sqlite3.connect(path) as conn:
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
    before = nap(answered.root, "status", "--period", "2019").output
    backup = backup_workspace(answered, tmp_path / "backups")
    restored = tmp_path / "restored"

    shutil.copytree(backup.folder, restored)  # the guide: copy the folder's contents back
    shutil.copy2(answered.key_path, restored / ".nap-signing-key")  # and the key, kept apart

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


def test_a_backup_is_consistent_while_another_program_writes(answered, tmp_path):
    hold_ledger(answered.ledger_path, seconds=30)  # a write transaction left open
    started = time.monotonic()

    backup = backup_workspace(answered, tmp_path / "backups", wait=60)

    assert time.monotonic() - started < 10, "the backup does not wait for the writer"
    assert backup.ledger_files == 3
    with sqlite3.connect(backup.folder / "ledger.sqlite") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_backup_inside_the_workspace_is_refused(answered):
    with pytest.raises(UsageError, match="inside the workspace"):
        backup_workspace(answered, answered.root / "backups")


def _fingerprint(ws) -> str:
    from pipeline.signing import fingerprint

    return fingerprint(ws.key_path.read_text().strip().encode())

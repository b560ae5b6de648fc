"""A ledger held by another program is waited for, with a line that says so; only a file that
fails SQLite's integrity check is called damaged, with the advice to restore a backup."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import pytest

from pipeline import ledger
from pipeline.failures import NapError
from pipeline.ledger import connect, transaction
from tests.mailserver import hold_ledger

V1_LEDGER = Path(__file__).parent / "fixtures" / "v1" / "ledger.sqlite"


@pytest.fixture
def old_ledger(tmp_path: Path) -> Path:
    """A ledger of version 0.1.0: opening it migrates it, which needs it for writing."""
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(V1_LEDGER, path)
    return path


def test_a_ledger_held_at_opening_is_waited_for_with_a_line_saying_so(old_ledger, caplog):
    holder = hold_ledger(old_ledger, 1.5)

    with caplog.at_level(logging.WARNING, logger="nap.ledger"), connect(old_ledger) as conn:
        assert ledger.schema_version(conn) == ledger.LATEST
    holder.join()

    (line,) = caplog.messages
    assert line.startswith(f"waiting for the ledger {old_ledger}: another program is writing")
    assert line.endswith("waiting up to 5 minutes")


def test_a_ledger_held_beyond_the_wait_is_busy_not_damaged(old_ledger):
    holder = hold_ledger(old_ledger, 2.5)

    with pytest.raises(NapError) as caught:
        connect(old_ledger, wait=0.5).__enter__()
    holder.join()

    assert str(caught.value).startswith(f"the ledger {old_ledger} stayed busy for 0.5 s: ")
    assert "restore" not in str(caught.value)
    with connect(old_ledger) as conn:
        assert ledger.schema_version(conn) == ledger.LATEST, "the file is sound"


def test_a_write_waits_for_a_viewer_with_unsaved_changes(tmp_path: Path, caplog):
    path = tmp_path / "ledger.sqlite"
    with connect(path) as conn:
        holder = hold_ledger(path, 1.5)
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="nap.ledger"), transaction(conn):
            waited = time.monotonic() - started
        holder.join()

    assert waited >= 1.4, "the transaction began once the viewer let go"
    assert len(caplog.messages) == 1


def test_a_file_that_fails_the_integrity_check_is_one_to_restore(tmp_path: Path):
    path = tmp_path / "ledger.sqlite"
    with connect(path):
        pass
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page overwritten
    path.write_bytes(bytes(data))

    with pytest.raises(NapError, match=r"is damaged \(.*\); restore it from the last backup"):
        connect(path).__enter__()

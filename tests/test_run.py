"""The nightly job as cron runs it: whole processes, two at once, and one killed mid-way."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers

REPO = Path(__file__).resolve().parent.parent
SAVED = dt.datetime(2020, 3, 1, 9, 0, tzinfo=dt.UTC)


def nap_process(root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--root", str(root), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fill_inbox(ws, plan, count: int) -> dict[str, str]:
    """`count` returned files (resubmissions after the first eight); name -> sha256."""
    issue_templates(ws, 2019)
    codes = plan.ministry_codes
    dropped = {}
    for i in range(count):
        code = codes[i % len(codes)]
        path = fill_template(
            ws.templates_dir(2019) / f"{code}.xlsx",
            ws.inbox / f"{i:03d}_{code}.xlsx",
            sample_answers(plan, code, 2019, seed=i),
            saved=SAVED + dt.timedelta(seconds=i),  # each version saved after the one before
        )
        os.utime(path, (1_000_000 + i,) * 2)
        dropped[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dropped


def assert_each_file_once(ws, dropped: dict[str, str]) -> None:
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        recorded = conn.execute("SELECT sha256 FROM files").fetchall()
        current = conn.execute("SELECT COUNT(*) FROM submissions WHERE current = 1").fetchone()[0]
    assert sorted(r[0] for r in recorded) == sorted(dropped.values())
    assert current == min(len(dropped), 8)
    archived = [
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in ws.archive.rglob("*.xlsx")
        if p.is_file()
    ]
    assert sorted(archived) == sorted(dropped.values())
    assert not [p for p in ws.inbox.iterdir()]


def test_two_runs_at_once_both_end_cleanly(workspace, plan):
    dropped = fill_inbox(workspace, plan, 10)
    first = nap_process(workspace.root, "run", "--period", "2019")
    second = nap_process(workspace.root, "run", "--period", "2019")
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert_each_file_once(workspace, dropped)
    assert (workspace.period_dir(2019) / "consolidated_2019.xlsx").exists()
    assert (workspace.period_dir(2019) / "committee_report_2019.docx").exists()
    logs = list(workspace.logs.glob("nap-*.log"))
    assert logs and "wrote" in logs[0].read_text()


def test_a_second_run_that_cannot_wait_says_so(workspace, plan):
    fill_inbox(workspace, plan, 30)
    first = nap_process(workspace.root, "run", "--period", "2019")
    _wait_for_ledger_rows(workspace, 1)
    second = nap_process(workspace.root, "run", "--period", "2019", "--wait", "0")
    _, err = second.communicate(timeout=60)
    first.communicate(timeout=120)
    if second.returncode == 0:
        pytest.skip("the first run ended before the second started; nothing to observe")
    assert second.returncode == 1
    assert err.strip().startswith("Error: another nap command is working in")


def _children(pid: int) -> list[int]:
    """Process ids of the children of `pid` (Linux /proc; empty elsewhere)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_ledger_rows(ws, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ws.ledger_path.exists():
            try:
                with closing(sqlite3.connect(ws.ledger_path, timeout=1)) as conn, conn:
                    if conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] >= count:
                        return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.01)
    raise AssertionError("the run recorded nothing in time")


def test_a_run_killed_mid_way_is_completed_by_the_next(workspace, plan):
    dropped = fill_inbox(workspace, plan, 80)
    victim = nap_process(workspace.root, "run", "--period", "2019")
    _wait_for_ledger_rows(workspace, 3)
    workers = _children(victim.pid)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)  # returns once the workers, which share its pipes, end
    assert victim.returncode == -signal.SIGKILL
    give_up = time.monotonic() + 10  # a worker notices within a second, then exits
    while [pid for pid in workers if _running(pid)] and time.monotonic() < give_up:
        time.sleep(0.05)
    assert not [pid for pid in workers if _running(pid)], "workers outlived their killed run"
    with closing(sqlite3.connect(workspace.ledger_path)) as conn, conn:
        done_before = conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    assert done_before < len(dropped)
    rerun = nap_process(workspace.root, "run", "--period", "2019")
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert_each_file_once(workspace, dropped)


def test_two_runs_in_one_process_log_each_line_once(workspace):
    from pipeline.run import log, setup_log_file

    first = setup_log_file(workspace)
    second = setup_log_file(workspace)
    log.info("one line")
    for handler in log.handlers[:]:
        log.removeHandler(handler)
        handler.close()
    assert first == second
    assert first.read_text(encoding="utf-8").count("one line") == 1

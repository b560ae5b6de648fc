"""Ctrl-C and SIGTERM during ingest or the nightly run: the files in hand are finished, what was
done is listed, the log says "interrupted", the exit code is 130 or 143, and the next run
takes the rest with nothing lost or counted twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from contextlib import closing

import pytest
from filelock import FileLock

from pipeline.intake.ingest import BATCH, ingest
from tests.test_run import (
    _wait_for_ledger_rows,
    assert_each_file_once,
    fill_inbox,
    nap_process,
)


def recorded(ws) -> int:
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        return conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]


def stop_after(count: int, signum: int):
    """A step hook that asks this very process to stop once `count` files are recorded, as
    the coordinator's Ctrl-C or systemd's SIGTERM would."""
    done = []

    def step(name: str, what: str) -> None:
        if what == "recorded":
            done.append(name)
            if len(done) == count:
                os.kill(os.getpid(), signum)

    return step


@pytest.mark.parametrize(("signum", "workers"), [(signal.SIGINT, 1), (signal.SIGTERM, 2)])
def test_a_stop_finishes_the_batch_in_hand_and_the_next_run_takes_the_rest(
    workspace, plan, signum, workers
):
    dropped = fill_inbox(workspace, plan, 30)
    handler = signal.getsignal(signum)

    report = ingest(workspace, settle=0, workers=workers, step=stop_after(3, signum))

    assert report.stop is not None and report.stop.exit_code == 128 + signum
    assert len(report.outcomes) == BATCH  # the batch in hand, every file of it settled
    assert {o.outcome for o in report.outcomes} <= {"accepted", "held"}
    assert recorded(workspace) == BATCH
    assert sorted(report.left) == sorted(p.name for p in workspace.inbox.iterdir())
    assert len(report.left) == 30 - BATCH
    assert signal.getsignal(signum) is handler, "the handler is put back"

    again = ingest(workspace, settle=0)

    assert again.stop is None and len(again.outcomes) == 30 - BATCH
    assert_each_file_once(workspace, dropped)


def test_ctrl_c_during_a_nightly_run_lists_what_was_done_and_exits_130(workspace, plan):
    dropped = fill_inbox(workspace, plan, 80)
    run = nap_process(workspace.root, "run", "--period", "2019")
    _wait_for_ledger_rows(workspace, 2)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    if run.returncode == 0:
        pytest.skip("the run ended before the signal; nothing to observe")

    assert run.returncode == 130, err
    done = recorded(workspace)
    listed = [line for line in out.splitlines() if line.split(" ")[0] in ("accepted", "held")]
    assert len(listed) == done < len(dropped)
    (said,) = err.strip().splitlines()
    assert said.startswith("Interrupted by Ctrl-C (SIGINT): the files above are done; ")
    assert f"{len(dropped) - done} file(s) left in inbox/ for the next run" in said
    (log,) = workspace.logs.glob("nap-*.log")
    assert " WARNING interrupted by Ctrl-C (SIGINT)" in log.read_text()
    assert not (workspace.period_dir(2019) / "consolidated_2019.xlsx").exists()

    rerun = nap_process(workspace.root, "run", "--period", "2019")
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert_each_file_once(workspace, dropped)


def test_sigterm_while_waiting_for_another_command_ends_the_wait_with_143(workspace, plan):
    fill_inbox(workspace, plan, 1)
    with FileLock(workspace.lock_path):  # another nap command holds the workspace
        run = nap_process(workspace.root, "run", "--period", "2019")
        time.sleep(1.5)
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=30)

    assert run.returncode == 143
    assert err.strip() == (
        "Error: stopped by a request to stop (SIGTERM) while waiting for another nap command "
        f"in {workspace.root}: nothing was done"
    )
    (log,) = workspace.logs.glob("nap-*.log")
    assert "WARNING interrupted: stopped by a request to stop (SIGTERM)" in log.read_text()
    assert len(list(workspace.inbox.iterdir())) == 1

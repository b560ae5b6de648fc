"""Files rejected for the office's own reasons are taken again from the archive: those the
previous version rejected while the wrong key was in use, and those refused because the wrong
plan was given; dropping the same file again only says it is a duplicate."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.intake.status import period_status
from pipeline.ledger import NewFile, Outcome, connect, record_files, transaction
from pipeline.problems import problem
from pipeline.template.issue import issue_templates
from pipeline.workspace import shipped_data_file
from tests.filling import fill_template, sample_answers


def nap(ws, *args: str):
    return CliRunner().invoke(cli, ["--root", str(ws.root), *args])


@pytest.fixture
def ws(workspace):
    issue_templates(workspace, 2019)
    return workspace


def filled(ws, plan, name: str = "MJ report.xlsx") -> Path:
    return fill_template(
        ws.template_path(2019, "MJ"), ws.inbox / name, sample_answers(plan, "MJ", 2019)
    )


def rejected_by_the_earlier_version(ws, path: Path) -> Path:
    """What version 0.1.0's night job left when it ran with a key of its own making: the file
    archived as rejected, its signature refused, and the ledger saying so."""
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    stored = ws.archive / "rejected" / f"{sha[:12]}_{path.name}"
    stored.parent.mkdir(parents=True)
    shutil.copyfile(path, stored)
    refused = problem("meta-bad-signature", file=path.name, sheet="_meta")
    with connect(ws.ledger_path) as conn, transaction(conn):
        new = NewFile(
            sha,
            path.name,
            path.stat().st_size,
            dt.datetime(2020, 3, 2, 9, tzinfo=dt.UTC).isoformat(),
            Outcome.REJECTED,
            str(stored.relative_to(ws.root)),
            [refused],
        )
        record_files(conn, [new])
    return stored


def test_files_rejected_while_the_key_was_wrong_are_taken_by_reprocess(ws, plan):
    dropped = filled(ws, plan)
    stored = rejected_by_the_earlier_version(ws, dropped)

    again = nap(ws, "ingest")  # the coordinator drops the same file again
    assert again.exit_code == 0
    assert again.output.splitlines()[1:] == [
        "          it was rejected; if wrongly: nap reprocess 1",
    ]

    result = nap(ws, "reprocess", "--rejected")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "accepted  MJ report.xlsx: MJ 2019"
    mj = next(m for m in period_status(ws, 2019).ministries if m.code == "MJ")
    assert (mj.accepted_file, mj.last_outcome, mj.accepted_on[:10]) == (
        "MJ report.xlsx",
        "accepted",
        "2020-03-02",
    )
    assert not stored.exists()
    (archived,) = (ws.archive / "2019" / "MJ").iterdir()
    assert hashlib.sha256(archived.read_bytes()).hexdigest().startswith(archived.name[8:20])
    assert "read again MJ file 1 (MJ report.xlsx)" in nap(ws, "review", "--period", "2019").output
    assert nap(ws, "reprocess", "--rejected").output.strip() == "no rejected file to read again"


def test_a_file_refused_under_the_wrong_plan_is_taken_once_read_under_the_right_one(
    ws, plan, tmp_path
):
    other = tmp_path / "other-plan"
    shutil.copytree(shipped_data_file("plans/lu-wps-2018-2023"), other)
    toml = other / "plan.toml"
    toml.write_text(toml.read_text().replace('id = "lu-wps-2018-2023"', 'id = "lu-wps-next"'))
    filled(ws, plan)
    wrong = nap(ws, "ingest", "--plan", str(toml))
    assert "rejected  MJ report.xlsx: _meta: error: the template belongs to plan" in wrong.output

    result = nap(ws, "reprocess", "1")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "accepted  MJ report.xlsx: MJ 2019"


def test_a_file_still_wrong_stays_rejected_and_nothing_else_is_read_again(ws, plan):
    bad = sample_answers(plan, "MJ", 2019)
    bad["II.01"]["status"] = "Finished"
    fill_template(ws.template_path(2019, "MJ"), ws.inbox / "bad.xlsx", bad)
    filled(ws, plan, "good.xlsx")
    nap(ws, "ingest")

    still = nap(ws, "reprocess", "1")
    accepted = nap(ws, "reprocess", "2")

    assert still.exit_code == 0 and still.output.startswith("rejected  bad.xlsx: Report!I")
    assert "read again" not in nap(ws, "review", "--period", "2019").output
    assert accepted.exit_code == 2
    assert "file 2 (good.xlsx) is already accepted" in accepted.output
    assert nap(ws, "reprocess").exit_code == 2

"""An idle night writes nothing; anything the outputs are made of makes the next run write
them again; built side by side, they are the bytes one after the other gives."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.outputs.freshness import RECORD
from pipeline.outputs.report.writer import write_report
from pipeline.template.issue import issue_templates
from pipeline.workspace import Workspace
from tests.filling import fill_template, sample_answers

REPO = Path(__file__).resolve().parent.parent
SAVED = dt.datetime(2020, 3, 1, 9, 0, tzinfo=dt.UTC)


def drop_returns(ws: Workspace, codes: list[str], seed: int = 0) -> None:
    for i, code in enumerate(codes):
        path = fill_template(
            ws.template_path(2019, code),
            ws.inbox / f"{code}_{seed}.xlsx",
            sample_answers(ws.plan, code, 2019, seed=seed),
            saved=SAVED + dt.timedelta(days=seed, seconds=i),
        )
        os.utime(path, (1_000_000 + i,) * 2)


def run(ws: Workspace) -> str:
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "run", "--period", "2019"])
    assert result.exit_code == 0, result.output
    return result.output


def outputs(ws: Workspace) -> dict[str, tuple[int, bytes]]:
    """Each output's modification time and bytes: an idle run must touch neither."""
    folder = ws.period_dir(2019)
    names = ("consolidated_2019.xlsx", "committee_report_2019.docx")
    return {n: ((folder / n).stat().st_mtime_ns, (folder / n).read_bytes()) for n in names}


@pytest.fixture
def done_once(workspace: Workspace) -> Workspace:
    issue_templates(workspace, 2019)
    drop_returns(workspace, ["MAEE", "MSI"])
    assert "wrote outbox/2019/committee_report_2019.docx" in run(workspace)
    return workspace


def test_a_night_with_nothing_new_writes_nothing(done_once):
    before = outputs(done_once)
    printed = run(done_once)
    assert "nothing changed since the run of" in printed and "wrote outbox" not in printed
    assert outputs(done_once) == before


def test_side_by_side_gives_the_bytes_of_one_after_the_other(done_once):
    side_by_side = outputs(done_once)
    consolidate(done_once, 2019)
    write_report(done_once, 2019)
    assert {k: v[1] for k, v in outputs(done_once).items()} == {
        k: v[1] for k, v in side_by_side.items()
    }


def edit_settings(ws: Workspace) -> None:
    settings = ws.root / "nap.toml"
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    # At the top: the office's nap.toml ends inside a [table].
    settings.write_text("late_after_days = 3\n" + text, encoding="utf-8")


def edit_wording(ws: Workspace) -> None:
    from pipeline.workspace import shipped_data_file

    own = ws.root / "workbook_templates" / "report" / "wording.toml"
    own.parent.mkdir(parents=True)
    own.write_bytes(shipped_data_file("report/wording.toml").read_bytes() + b"\n# edited\n")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda ws: drop_returns(ws, ["MENJE"], seed=1), id="a new return"),
        pytest.param(edit_settings, id="nap.toml edited"),
        pytest.param(edit_wording, id="the wording edited"),
        pytest.param(
            lambda ws: (ws.period_dir(2019) / "committee_report_2019.docx").unlink(),
            id="the report deleted",
        ),
        pytest.param(
            lambda ws: (ws.period_dir(2019) / "consolidated_2019.xlsx").write_bytes(b"PK"),
            id="the workbook saved over",
        ),
        pytest.param(lambda ws: (ws.period_dir(2019) / RECORD).unlink(), id="no record"),
    ],
)
def test_what_the_outputs_are_made_of_makes_the_next_run_write_them(done_once, change):
    change(done_once)
    printed = run(done_once)
    assert "nothing changed" not in printed
    assert "wrote outbox/2019/consolidated_2019.xlsx" in printed
    assert "wrote outbox/2019/committee_report_2019.docx" in printed
    assert "nothing changed since the run of" in run(done_once)


def test_a_decision_makes_the_next_run_write_again(done_once):
    """Closing the period is a decision: the next run says the period is closed, and the
    outputs written before stay as they were."""
    before = outputs(done_once)
    result = CliRunner().invoke(
        cli, ["--root", str(done_once.root), "close", "--period", "2019", "--reason", "done"]
    )
    assert result.exit_code == 0, result.output
    printed = run(done_once)
    assert "nothing changed" not in printed and "closed" in printed
    assert outputs(done_once) == before


def test_the_nightly_run_imports_neither_matplotlib_nor_openpyxl(workspace):
    """No feedback workbook to write, no plan review: the night does without the two slowest
    imports."""
    issue_templates(workspace, 2019)
    drop_returns(workspace, ["MAEE"])
    probe = (
        "import sys; from pipeline.cli import main; sys.argv = ['nap', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "from pipeline.outputs.report.writer import write_report\n"
        "from pipeline.workspace import Workspace\n"
        "write_report(Workspace.open(sys.argv[2]), 2019)\n"  # here, not in a forked process
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'openpyxl'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--root", str(workspace.root), "run", "--period", "2019"],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    assert "wrote outbox/2019/committee_report_2019.docx" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"

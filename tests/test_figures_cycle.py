"""Figures through the whole cycle, as a new user typed them: issued, filled (with openpyxl and
with LibreOffice), ingested, refused with the cell and what was typed, corrected, and summed in
the consolidated workbook at the magnitude the ministry meant."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.intake.feedback import ERRORS_SHEET
from pipeline.intake.ingest import ingest
from pipeline.intake.status import period_status
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from tests.filling import fill_template
from tests.mailserver import write_contacts

PERIOD = 2019
LIBREOFFICE_PYTHON = "/usr/bin/python3"  # the Python that has LibreOffice's uno module
FIRST = {  # MAEE's first return, typed as the issue describes
    "I.01": {"status": "Completed"},  # and nothing else: a warning, not an error
    "I.02": {"status": "Ongoing", "women": "1.000", "men": 3},
    "I.03": {"status": "Ongoing", "count": 46024},  # 1/2 in a cell formatted as a date
    "I.04": {"status": "Ongoing", "count": 2, "women": 46024, "men": 1},  # 1/2 in a number cell
    "I.05": {"status": "Completed", "women": 10**12, "men": 2},
    "I.06": {"women": 4, "men": 5},  # figures, no status
    "I.09": {"status": "Not applicable", "count": 3},
    "II.02": {"status": "Completed", "amount": "€ 5.000", "activities": "Grants"},
    "II.12": {"status": "Completed", "amount": "1.200"},
}
CORRECTED = {
    "I.02": {"women": "1 000"},
    "I.03": {"count": 2},
    "I.04": {"women": 12},
    "I.05": {"women": 1000},
    "I.06": {"status": "Ongoing"},
    "I.09": {"count": None},
    "II.02": {"amount": "5 000,00 €"},
    "II.12": {"amount": "1200"},
}


@pytest.fixture
def issued(workspace):
    issue_templates(workspace, PERIOD, today=dt.date(2020, 1, 15))
    return workspace


def rows_of(plan, code: str = "MAEE") -> dict[str, int]:
    return {a.id: c.FIRST_DATA_ROW + i for i, a in enumerate(plan.actions_for(code))}


def at(plan, action_id: str, name: str) -> str:
    return c.cell_ref(name, rows_of(plan)[action_id])


def formatted(path: Path, formats: dict[str, str]) -> Path:
    """Give cells the number format another application saved them with; keep the file old."""
    wb = openpyxl.load_workbook(path)
    for ref, number_format in formats.items():
        wb[c.REPORT][ref].number_format = number_format
    wb.save(path)
    os.utime(path, (time.time() - 3600,) * 2)
    return path


def first_return(ws, plan) -> Path:
    path = fill_template(ws.template_path(PERIOD, "MAEE"), ws.inbox / "MAEE 2019.xlsx", FIRST)
    return formatted(path, {at(plan, "I.03", "count"): "DD/MM/YY"})


def test_each_figure_typed_at_another_magnitude_is_refused_with_its_cell_and_text(issued, plan):
    first_return(issued, plan)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "rejected"
    refused = sorted((p.cell, p.code, p.typed) for p in outcome.problems if p.severity == "error")
    assert refused == sorted(
        [
            (at(plan, "I.02", "women"), "number-ambiguous", "1.000"),
            (at(plan, "I.03", "count"), "number-date-format", "2 January 2026"),
            (at(plan, "I.04", "women"), "number-like-date", "46024"),
            (at(plan, "I.05", "women"), "number-too-large", "1000000000000"),
            (at(plan, "I.06", "status"), "status-missing", ""),
            (at(plan, "I.09", "status"), "not-applicable-with-figures", ""),
            (at(plan, "II.02", "amount"), "number-ambiguous", "€ 5.000"),
            (at(plan, "II.12", "amount"), "number-ambiguous", "1.200"),
        ]
    )
    warned = [(p.cell, p.code) for p in outcome.problems if p.severity == "warning"]
    assert (at(plan, "I.01", "status"), "no-figures") in warned
    message = {p.cell: p.message for p in outcome.problems if p.severity == "error"}
    assert message[at(plan, "II.12", "amount")] == (
        "II.12: '1.200' in Amount (EUR) could be 1200 or 1.2; type 1200 or 1.2 without a "
        "thousands separator"
    )
    assert message[at(plan, "I.03", "count")].startswith(
        "I.03: Count shows 2 January 2026, a date, not a number; format the cell as Number and "
        "type the number of sessions organised"
    )
    assert message[at(plan, "I.05", "women")] == (
        "I.05: '1000000000000' in Women is above the plausible ceiling of 1 000 000 (set in the "
        "plan register: plan.toml [plausibility] women_men); check the figure, and if it is "
        "right, ask the coordination to raise the ceiling"
    )

    feedback = openpyxl.load_workbook(issued.root / outcome.feedback_path)[ERRORS_SHEET]
    listed = {row[2]: row for row in feedback.iter_rows(min_row=4, values_only=True)}
    amount = listed[at(plan, "II.12", "amount")]
    assert amount[4:] == ("1.200", message[at(plan, "II.12", "amount")])
    assert listed[at(plan, "II.02", "amount")][4] == "€ 5.000"


def test_the_corrected_return_is_summed_at_the_magnitude_the_ministry_meant(issued, plan):
    first_return(issued, plan)
    ingest(issued)
    answers = {a: {**FIRST.get(a, {}), **CORRECTED.get(a, {})} for a in FIRST}
    fill_template(issued.template_path(PERIOD, "MAEE"), issued.inbox / "MAEE v2.xlsx", answers)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "accepted", [str(p) for p in outcome.problems]

    (path,) = consolidate(issued, PERIOD)
    sheet = openpyxl.load_workbook(path)["Actions"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    header = rows[0]
    got = {
        (r[0], name): r[header.index(c.HEADER_OF[name])]
        for r in rows[1:]
        if r[0] and r[header.index("Ministry")] == "MAEE"
        for name in ("women", "count", "amount")
    }
    assert got[("I.02", "women")] == 1000
    assert got[("I.05", "women")] == 1000
    assert got[("I.04", "women")] == 12
    assert got[("II.02", "amount")] == 5000
    assert got[("II.12", "amount")] == 1200
    assert got[("I.09", "count")] == "not applicable"  # a word, never a 0


def test_a_template_sent_back_untouched_is_refused_and_the_ministry_is_still_reminded(issued, plan):
    write_contacts(issued, plan)
    shutil.copy(issued.template_path(PERIOD, "MEGA"), issued.inbox / "MEGA.xlsx")
    os.utime(issued.inbox / "MEGA.xlsx", (time.time() - 3600,) * 2)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "rejected"
    assert [(p.code, p.place) for p in outcome.problems] == [("nothing-filled", c.REPORT)]
    mega = next(m for m in period_status(issued, PERIOD).ministries if m.code == "MEGA")
    assert mega.missing and mega.first_reason.startswith("nothing was filled in")
    reminded = CliRunner().invoke(
        cli,
        ["--root", str(issued.root), "mail", "reminders", "--period", "2019", "--ministry", "MEGA"],
    )
    assert reminded.exit_code == 0, reminded.output
    assert reminded.output.split()[:2] == ["written", "MEGA"]


def test_the_instructions_tell_ministries_how_to_type_figures(issued):
    sheet = openpyxl.load_workbook(issued.template_path(PERIOD, "MJ"))[c.INSTRUCTIONS]
    text = "\n".join(str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0])
    assert "How to type figures" in text
    assert "1200, not 1.200 or 1,200" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is missing")
@pytest.mark.skipif(
    subprocess.run([LIBREOFFICE_PYTHON, "-c", "import uno"], capture_output=True).returncode,
    reason="LibreOffice's Python bridge (python3-uno) is missing",
)
def test_one_half_typed_in_libreoffice_is_refused_not_counted_as_46024_women(issued, plan):
    source = issued.root / "typing" / "MAEE.xlsx"
    source.parent.mkdir()
    shutil.copy(issued.template_path(PERIOD, "MAEE"), source)
    typed = issued.inbox / "MAEE typed.xlsx"
    women, status = at(plan, "I.02", "women"), at(plan, "I.02", "status")
    subprocess.run(
        [LIBREOFFICE_PYTHON, str(Path(__file__).with_name("libreoffice_typing.py")),
         str(source), str(typed), str(issued.root / "typing" / "profile"),
         f"{status}=Ongoing", f"{women}=1/2"],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    os.utime(typed, (time.time() - 3600,) * 2)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "rejected"
    (refused,) = [p for p in outcome.problems if p.severity == "error"]
    assert (refused.cell, refused.code) == (women, "number-like-date")
    year = dt.date.today().year
    assert f"the date 2 January {year}" in refused.message or f"1 February {year}" in (
        refused.message
    )

"""What every figure means, checked end to end over two reporting years: each figure of the
workbook, the reports, the tidy export and the next year's templates is computed again here
from the values the ministries typed, with its label and its base.

2018: MSI's file is rejected and ME sends nothing. 2019: MIFA and ME send nothing; MISA
sends two versions saved at the same moment, both held for the coordinator's decision;
MEGA marks its pillar II actions Not applicable and sends a second file that revises two
values; MJ leaves the row of III.12 without a status; MAEE leaves the count of II.19 empty
and puts I.08, Completed in 2018, back to Not started."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from pipeline.cli import cli
from pipeline.intake.ingest import ingest
from pipeline.intake.status import MinistryStatus, PeriodStatus
from pipeline.outputs import figures as f
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.outputs.period_data import Answer, PeriodData
from pipeline.outputs.report.accessibility import check_document
from pipeline.outputs.report.writer import write_interim, write_report
from pipeline.outputs.wording import WORDING, Wording
from pipeline.plan.register import Plan
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from pipeline.workspace import Workspace, shipped_data_file
from tests.conftest import signed_workspace
from tests.filling import fill_template, sample_answers
from tests.reading import block

TODAY = dt.date(2020, 5, 4)
MISSING = {2018: ("MSI", "ME"), 2019: ("MIFA", "MISA", "ME")}
STATE = {(2018, "MSI"): "rejected", (2019, "MISA"): "held"}  # the others: no return
SAVED = dt.datetime(2020, 2, 1, 9, tzinfo=dt.UTC)  # two versions saved at once: held
FIGURES = ("women", "men", "count", "amount")
COUNTED = ("Not started", "In progress", "Ongoing", "Completed")
Typed = dict[tuple[int, str], dict[str, dict[str, object]]]  # (year, ministry) -> answers


def _answers(plan: Plan, code: str, year: int) -> dict[str, dict[str, object]]:
    """What a ministry types: sample answers, with the year's particular rows."""
    answers = sample_answers(plan, code, year, seed=year % 3)
    if code == "MAEE":
        answers["I.08"]["status"] = "Completed" if year == 2018 else "Not started"
        if year == 2019:
            answers["II.19"].pop("count")  # left empty
    if (code, year) == ("MEGA", 2019):
        for action in plan.actions_for("MEGA"):
            if action.pillar == "II":
                row = answers[action.id]
                row["status"] = "Not applicable"
                for name in FIGURES:
                    row.pop(name, None)
    if (code, year) == ("MJ", 2019):
        answers["III.12"] = {}  # a row left without a status, or anything else
    return answers


def _first_version(answers: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """MEGA's first 2019 file: two values differ from the file that replaces it."""
    first = copy.deepcopy(answers)
    first["I.04"]["women"] = int(answers["I.04"]["women"]) + 3
    first["III.01"]["status"] = "Not started"
    return first


def _return(ws: Workspace, code: str, year: int, answers, name: str) -> None:
    fill_template(ws.template_path(year, code), ws.inbox / name, answers)


def _build(ws: Workspace, plan: Plan) -> Typed:
    """Two years of returns, ingested; the templates of the third year issued."""
    typed: Typed = {}
    for year in (2018, 2019):
        issue_templates(ws, year, today=dt.date(year + 1, 1, 10))
        for code in plan.ministry_codes:
            answers = _answers(plan, code, year)
            if STATE.get((year, code)) == "rejected":
                answers[next(iter(answers))]["status"] = "Finished"
                _return(ws, code, year, answers, f"{code} {year}.xlsx")
                continue
            if STATE.get((year, code)) == "held":
                for version in ("a", "b"):
                    answers[next(iter(answers))]["activities"] = f"Version {version}."
                    template = ws.template_path(year, code)
                    name = ws.inbox / f"{code} {year} {version}.xlsx"
                    fill_template(template, name, answers, saved=SAVED)
                continue
            if code in MISSING[year]:
                continue
            if (year, code) == (2019, "MEGA"):
                _return(ws, code, year, _first_version(answers), f"{code} {year} v1.xlsx")
                assert {o.outcome for o in ingest(ws, settle=0).outcomes} == {"accepted"}
            _return(ws, code, year, answers, f"{code} {year}.xlsx")
            typed[(year, code)] = answers
        outcomes = [o.outcome for o in ingest(ws, settle=0).outcomes]
        assert outcomes.count("rejected") == (year == 2018)
        assert outcomes.count("held") == 2 * (year == 2019)
    issue_templates(ws, 2020, today=dt.date(2021, 1, 10))
    return typed


@dataclass
class Cycle:
    ws: Workspace
    plan: Plan
    typed: Typed
    book: openpyxl.Workbook
    tidy: Path
    report: Path
    interim: Path


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory, plan: Plan) -> Iterator[Cycle]:
    with signed_workspace(tmp_path_factory, "figures") as ws:
        typed = _build(ws, plan)
        workbook, tidy = consolidate(ws, 2019, formats=("csv",))
        report = write_report(ws, 2019, today=TODAY)
        interim = write_interim(ws, 2018, 2019, today=TODAY)
        yield Cycle(ws, plan, typed, openpyxl.load_workbook(workbook), tidy, report, interim)


# What the ministries typed, read again without the tool's code -------------------------


def status(cycle: Cycle, year: int, action_id: str, code: str) -> str:
    if (year, code) not in cycle.typed:
        return "No return"
    return str(cycle.typed[(year, code)].get(action_id, {}).get("status") or "No status")


def typed_figure(cycle: Cycle, year: int, action_id: str, code: str, name: str) -> float | None:
    """The figure a total may take: typed, in a row with a status other than Not applicable."""
    if status(cycle, year, action_id, code) not in COUNTED:
        return None
    value = cycle.typed[(year, code)][action_id].get(name)
    return None if value is None else float(value)


def reports(plan: Plan, actions=None) -> list[tuple[str, str]]:
    return [(a.id, m) for a in (actions or plan.actions) for m in a.ministries]


def typed_sum(cycle: Cycle, year: int, pairs, name: str) -> tuple[float | None, int]:
    """The sum of what was typed and counts, and how many action reports it covers."""
    found = [typed_figure(cycle, year, a, m, name) for a, m in pairs]
    given = [v for v in found if v is not None]
    return (sum(given) if given else None), len(given)


# Reading the outputs ---------------------------------------------------------------------


def key_figures(sheet) -> dict[str, tuple[object, object]]:
    """Label -> (value, what it is counted over) of the Overview's key figures."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Key figures") + 1
    found = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        found[str(row[0]).strip()] = (row[3], row[4])
    return found


def docx_tables(path: Path) -> dict[str, list[list[str]]]:
    """Each table of a report by the title it gives screen readers, as rows of cell texts."""
    doc = docx.Document(str(path))
    found = {}
    for table in doc.element.body.iter(qn("w:tbl")):
        title = table.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}").get(qn("w:val"))
        found[title] = [
            ["".join(Paragraph(p, doc).text for p in tc.iter(qn("w:p")))
             for tc in tr.iter(qn("w:tc"))]
            for tr in table.iter(qn("w:tr"))
        ]  # fmt: skip
    return found


def table_after(path: Path, title: str) -> list[list[str]]:
    """The table whose title starts with `title`."""
    tables = docx_tables(path)
    return next(rows for name, rows in tables.items() if name.startswith(title))


def share(part: float, whole: float) -> str:
    return f"{part / whole:.1%} ({part:,.0f} of {whole:,.0f})"


# The headline and its bases ----------------------------------------------------------------


def progress_expected(cycle: Cycle, year: int) -> dict[str, int]:
    categories = [status(cycle, year, a, m) for a, m in reports(cycle.plan)]
    return {
        "done": sum(c in ("Completed", "Ongoing") for c in categories),
        "expected": len(categories) - categories.count("Not applicable"),
        "with_status": sum(c in COUNTED for c in categories),
        "no_return": categories.count("No return"),
        "no_status": categories.count("No status"),
        "not_applicable": categories.count("Not applicable"),
    }


HEADLINE = "Share of the expected action reports completed or ongoing"
REPORTED = "Share completed or ongoing, of the action reports with a status"


def test_the_headline_is_over_every_expected_action_report(cycle: Cycle) -> None:
    n = progress_expected(cycle, 2019)
    assert n["no_return"] > 0 and n["no_status"] == 1 and n["not_applicable"] > 5
    figures = key_figures(cycle.book["Overview"])
    value, base = figures[HEADLINE]
    assert value == pytest.approx(n["done"] / n["expected"])
    assert base == (
        f"{n['done']} of {n['expected']} action reports expected, Not applicable left out; "
        f"the {n['no_return']} with no return and the {n['no_status']} with no status count "
        "as not done"
    )
    value, base = figures[REPORTED]
    assert value == pytest.approx(n["done"] / n["with_status"])
    assert base.startswith(f"{n['done']} of {n['with_status']} action reports with a status")
    summary = {row[0]: row[1:] for row in table_after(cycle.report, "Key figures, 2019")}
    assert summary[HEADLINE][0] == share(n["done"], n["expected"])
    assert summary[REPORTED][0] == share(n["done"], n["with_status"])
    assert summary["Returns accepted"] == [
        "5 of 8 ministries",
        "MIFA, ME: no return; MISA: held for review",
    ]


def test_the_years_compare_on_the_same_base(cycle: Cycle) -> None:
    """The mid-term summary gives each year's headline over all its expected reports, and
    names the ministries missing each year."""
    rows = {r[0]: r[1:] for r in table_after(cycle.interim, "Key figures per reporting year")}
    for column, year in enumerate((2018, 2019)):
        n = progress_expected(cycle, year)
        assert rows[HEADLINE][column] == share(n["done"], n["expected"])
    assert rows["Ministries with no accepted return"] == [
        "MSI: rejected; ME: no return",
        "MIFA, ME: no return; MISA: held for review",
    ]
    text = "\n".join(p.text for p in docx.Document(str(cycle.interim)).paragraphs)
    assert "The figures of 2018 stand on the returns of 6 of the 8 ministries" in text
    assert "counted, as 0 or otherwise: MIFA, ME: no return; MISA: held for review." in text


# Totals of one unit and kind ---------------------------------------------------------------


def test_counts_are_added_up_only_within_one_unit(cycle: Cycle) -> None:
    plan, sheet = cycle.plan, cycle.book["Counts"]
    per_indicator = block(sheet, "Counts by indicator")
    assert [r["Action ID"] for r in per_indicator] == [
        a.id for a in plan.actions if "count" in a.measures
    ]
    units = block(sheet, "Added up across indicators of the same unit")
    assert {r["Unit"] for r in units} >= {"Interventions", "Trainings provided"}
    for row in units:
        ids = row["Indicators added up"].split(", ")
        assert {plan.action(i).count_label for i in ids} == {row["Unit"]}
        pairs = reports(plan, [plan.action(i) for i in ids])
        total, covered = typed_sum(cycle, 2019, pairs, "count")
        assert row["Count"] == total
        assert row["Counted over"].startswith(f"{covered} of {len(pairs)} action reports")
    assert "Totals" not in cycle.book.sheetnames  # no grand total of unlike counts


def test_women_and_men_are_added_up_only_within_one_kind(cycle: Cycle) -> None:
    plan = cycle.plan
    rows = block(cycle.book["Women and men"], "Added up by kind of head count")
    assert [r["Kind"] for r in rows] == ["flow", "stock"]
    figures = key_figures(cycle.book["Overview"])
    for row in rows:
        actions = [a for a in plan.actions if a.head_count == row["Kind"]]
        assert row["Indicators added up"] == ", ".join(a.id for a in actions)
        women, _ = typed_sum(cycle, 2019, reports(plan, actions), "women")
        men, _ = typed_sum(cycle, 2019, reports(plan, actions), "men")
        assert (row["Women"], row["Men"]) == (women, men)
        assert row["Share of women: women of women and men"] == share(women, women + men)
        label = {"flow": "reached during the year (flow", "stock": "in post (stock"}[row["Kind"]]
        named = f"Women and men {label} indicators {row['Indicators added up']})"
        assert figures[named][0] == f"{women:,.0f} women, {men:,.0f} men"


def test_every_sex_disaggregated_indicator_keeps_its_row(cycle: Cycle) -> None:
    plan = cycle.plan
    wanted = [a for a in plan.actions if "women_men" in a.measures]
    rows = block(cycle.book["Women and men"], "Women and men by indicator")
    assert [r["Action ID"] for r in rows] == [a.id for a in wanted]
    for row in rows:
        women, _ = typed_sum(cycle, 2019, reports(plan, [plan.action(row["Action ID"])]), "women")
        men, _ = typed_sum(cycle, 2019, reports(plan, [plan.action(row["Action ID"])]), "men")
        if women is None:
            assert row["Share of women"] is None and row["Women"] != 0
        else:
            assert row["Share of women: women of women and men"] == share(women, women + men)
    interim = table_after(cycle.interim, "Share of women per sex-disaggregated indicator")
    assert [r[0].split(" ")[0] for r in interim[1:]] == [a.id for a in wanted]
    assert all(len(r) == 3 and r[1] and r[2] for r in interim[1:])


# Missing is never zero ---------------------------------------------------------------------


def test_a_missing_return_shows_as_words_in_the_workbook(cycle: Cycle) -> None:
    plan = cycle.plan
    header = [c.value for c in cycle.book["Actions"][4]]
    rows = [
        dict(zip(header, r, strict=True))
        for r in cycle.book["Actions"].iter_rows(min_row=5, values_only=True)
    ]
    for row in rows:
        if row["Ministry"] not in MISSING[2019]:
            continue
        action = plan.action(row["Action ID"])
        assert row["Status"] == "No return"
        for name, header_of in (
            ("women_men", "Women"),
            ("count", "Count"),
            ("amount", "Amount (EUR)"),
        ):
            why = "held for review" if row["Ministry"] == "MISA" else "no return"
            assert row[header_of] == (why if name in action.measures else "not asked")
    counts = {r["Action ID"]: r for r in block(cycle.book["Counts"], "Counts by indicator")}
    assert counts["II.19"]["Count"] == "–"  # MAEE left it empty, ME did not return
    assert counts["II.19"]["Counted over"] == "0 of 2 ministries (MAEE: left empty; ME: no return)"
    assert counts["III.12"]["Counted over"] == "0 of 2 ministries (MIFA: no return; MJ: no status)"
    amounts = {r["Ministry"]: r for r in block(cycle.book["Amounts"], "Amounts by ministry")}
    assert amounts["MIFA"]["Amount (EUR)"] == "no return"
    assert amounts["ME"]["Amount (EUR)"] == "not asked"
    assert amounts["MISA"]["Amount (EUR)"] == "held for review"
    total, covered = typed_sum(cycle, 2019, reports(plan), "amount")
    assert amounts["Total"]["Amount (EUR)"] == pytest.approx(total)
    expected = sum(1 for a, m in reports(plan) if "amount" in plan.action(a).measures)
    assert amounts["Total"]["Counted over"].startswith(f"{covered} of {expected} action reports")


def test_a_total_over_no_figure_is_a_dash_in_the_report(cycle: Cycle) -> None:
    rows = table_after(cycle.report, "Figures reported for action II.19")
    assert rows[1:] == [
        ["MAEE", "left empty"],
        ["ME", "no return"],
        ["Total", "–"],
        ["Counted over", "0 of 2 ministries"],
    ]
    returns = {r[0].split(" – ")[0]: r[2:4] for r in table_after(cycle.report, "Returns of")[1:]}
    assert returns["MISA"] == ["held for review", "–"] and returns["ME"] == ["missing", "–"]
    annex = {r[0]: r[2:] for r in table_after(cycle.report, "Missing and late returns")[1:]}
    assert annex["MISA"][0] == "held for review" and "MISA 2019 b.xlsx" in annex["MISA"][1]
    assert annex["ME"] == ["missing", "no file received"]
    rows = table_after(cycle.report, "Figures reported for action III.12")
    assert [r[:2] for r in rows[1:3]] == [["MIFA", "no return"], ["MJ", "no status"]]


def test_the_tidy_export_has_a_row_per_expected_value(cycle: Cycle) -> None:
    plan = cycle.plan
    with cycle.tidy.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = {
        (str(year), a.id, m, col.field)
        for year in (2018, 2019)
        for a in plan.actions
        for m in a.ministries
        for col in c.INPUTS
        if c.is_open(col, a.measures)
    }
    keys = [(r["period"], r["action_id"], r["ministry"], r["field"]) for r in rows]
    assert set(keys) == expected and len(keys) == len(expected)  # each once, none left out
    order = {a.id: i for i, a in enumerate(plan.actions)}
    assert keys == sorted(keys, key=lambda k: (k[0], order[k[1]]))  # by year, in plan order
    for row in rows:
        if row["ministry"] in MISSING[int(row["period"])]:
            state = STATE.get((int(row["period"]), row["ministry"]), "no_return")
            assert (row["state"], row["number"], row["value"]) == (state, "", "")
    for name in FIGURES:
        counted = [
            float(r["number"])
            for r in rows
            if r["period"] == "2019" and r["field"] == name and r["counted"] == "True"
        ]
        assert sum(counted) == typed_sum(cycle, 2019, reports(plan), name)[0]
    na = [
        r
        for r in rows
        if r["ministry"] == "MEGA"
        and r["period"] == "2019"
        and r["field"] == "count"
        and r["pillar"] == "II"
    ]
    assert na and {r["state"] for r in na} == {"not_applicable"}


def test_next_years_template_says_no_return_and_no_status(cycle: Cycle) -> None:
    def last_status(code: str) -> dict[str, str]:
        book = openpyxl.load_workbook(cycle.ws.template_path(2020, code), read_only=True)
        column = c.COLUMN_INDEX["last_status"] - 1
        found = {
            r[0]: r[column]
            for r in book[c.REPORT].iter_rows(min_row=c.FIRST_DATA_ROW, values_only=True)
            if r[0]
        }
        book.close()
        return found

    assert set(last_status("ME").values()) == {"no return (2019)"}
    assert set(last_status("MIFA").values()) == {"no return (2019)"}
    mj = last_status("MJ")
    assert mj["III.12"] == "no status (2019)"
    assert all(
        v.endswith("(2019)") and v.split(" (")[0] in c.STATUSES
        for k, v in mj.items()
        if k != "III.12"
    )
    assert last_status("MAEE")["I.08"] == "Not started (2019)"


# Across the years --------------------------------------------------------------------------


def test_history_tells_no_return_from_no_status_and_marks_changes(cycle: Cycle) -> None:
    sheet = cycle.book["History"]
    header = [cell.value for cell in sheet[4]]
    rows = {
        (r[0], r[1]): dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=5, values_only=True)
    }
    assert rows[("III.12", "MJ")]["2019 Status"] == "No status"
    assert rows[("III.12", "MIFA")]["2019 Status"] == "No return"
    assert rows[("III.12", "MIFA")]["2018 Status"] == status(cycle, 2018, "III.12", "MIFA")
    assert rows[("I.02", "MSI")]["2018 Women"] == "rejected"
    women = cycle.typed[(2019, "MEGA")]["I.04"]["women"]
    assert rows[("I.04", "MEGA")]["2019 Revised by a later file"] == f"Women {women + 3} → {women}"
    assert (
        rows[("III.01", "MEGA")]["2019 Revised by a later file"] == "Status Not started → Ongoing"
    )
    assert rows[("I.08", "MAEE")]["Status went back"] == "2018 Completed → 2019 Not started"
    back = [k for k, r in rows.items() if r["Status went back"]]
    assert ("I.08", "MAEE") in back


def test_the_interim_report_lists_what_to_check(cycle: Cycle) -> None:
    back = table_after(cycle.interim, "Statuses that went back")
    assert ["MAEE", "Completed (2018)", "Not started (2019)"] in [r[1:] for r in back]
    revised = table_after(cycle.interim, "Returns revised by a later file")
    assert revised[1:] == [["2019", "MEGA", "2", "Women, Status"]]
    progress, action = {}, ""
    for row in table_after(cycle.interim, "Status of the actions of I. Participation")[1:]:
        action = row[0].split(" ")[0] or action  # an action's first row names it
        progress[(action, row[1])] = row[2:]
    assert progress[("I.04", "MEGA")][1].startswith(
        f"{status(cycle, 2019, 'I.04', 'MEGA')} (revised"
    )
    assert progress[("I.08", "MAEE")] == ["Completed", "Not started (went back)"]
    assert progress[("I.02", "MSI")][0] == "No return"
    summary = table_after(cycle.interim, "Returns and action reports of each ministry")
    returns = {(r[0], r[1]): r[2:] for r in summary[1:]}
    assert returns[("MSI", "2018")][0] == "rejected" and set(returns[("MSI", "2018")][1:]) == {"–"}
    assert returns[("ME", "2019")][0] == "missing"
    n = progress_expected(cycle, 2019)  # MJ's row left without a status
    assert returns[("MJ", "2019")][-1] == str(n["no_status"])


def test_every_percentage_states_its_numerator_and_denominator(cycle: Cycle) -> None:
    for path in (cycle.report, cycle.interim):
        for title, table in docx_tables(path).items():
            if title == "What the figures mean":  # the definitions, which explain the rule
                continue
            for cell in (cell for row in table for cell in row if "%" in cell):
                assert re.fullmatch(r"\d+\.\d% \([\d,.]+ of [\d,.]+\)( \(\w.*\))?", cell), cell
    sheet = cycle.book["Overview"]
    percents = [
        row for row in sheet.iter_rows(min_row=5, max_row=40) if "%" in row[3].number_format
    ]
    assert len(percents) == 5  # two of progress, two shares of women, the indicators at parity
    for row in percents:
        assert re.match(r"[\d,]+ of [\d,]+ \w", row[4].value), (row[0].value, row[4].value)


def test_the_reports_stay_accessible(cycle: Cycle) -> None:
    assert check_document(cycle.report) == []
    assert check_document(cycle.interim) == []


def test_nap_plan_lists_what_the_outputs_add_up(cycle: Cycle) -> None:
    result = CliRunner().invoke(cli, ["--root", str(cycle.ws.root), "plan"])
    assert result.exit_code == 0, result.output
    assert "  Interventions" in result.output and "III.04, III.10" in result.output
    assert "  stock  I.02, I.05, I.06" in result.output


def test_a_figure_in_a_row_without_a_status_is_shown_but_not_counted(plan: Plan) -> None:
    """A ledger from before the rule that refuses such rows may hold one: the figure is the
    ministry's, shown where it was typed, but it is counted as not reported."""

    ministries = [
        MinistryStatus(m.code, m.name, len(plan.actions_for(m.code)), accepted_file="r.xlsx")
        for m in plan.ministries
    ]
    data = PeriodData(PeriodStatus(2019, plan, dt.date(2020, 3, 31), ministries, []))
    data.answers[("I.03", "MAEE")] = Answer({"count": "4"}, {"count": 4.0})
    data.answers[("I.03", "MSI")] = Answer({"status": "Completed", "count": "2"}, {"count": 2.0})
    action, words = plan.action("I.03"), Wording(shipped_data_file(WORDING), {})
    found = f.total(data, f.reports_of([action]), "count")
    assert found.value == 2.0
    assert found.left_out == (((action, "MAEE"), "no_status"),)
    assert f.cell(data, words, action, "MAEE", "count") == 4.0
    assert f.coverage(words, found) == "1 of 2 ministries (MAEE: no status)"

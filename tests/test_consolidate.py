"""The consolidated workbook, end to end: templates filled as the ministries would, ingested,
consolidated, and every figure checked against sums taken from the filled files themselves."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from pipeline.failures import NapError
from pipeline.intake.ingest import ingest
from pipeline.outputs.consolidated.tables import roll_up
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers
from tests.office import new_workspace
from tests.reading import block, sheet_rows

PERIOD = 2019
BEFORE_DEADLINE = dt.datetime(2020, 3, 2, 10, 0, tzinfo=dt.UTC)  # a correction then applies
MISSING = "ME"
RESUBMITTED = "MEGA"
PLANTED = {  # activities text that a spreadsheet would run as a formula if written naively
    "MJ": '=HYPERLINK("http://example.invalid","click")',
    "MISA": "+SUM(1,2)",
    "MIFA": "-2+3",
    "MENJE": "@SUM(1)",
}


def read_report_rows(path: Path) -> dict[str, dict[str, object]]:
    """Action id -> field -> value, straight from a filled file's Report sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = {}
    for row in wb[c.REPORT].iter_rows(min_row=c.FIRST_DATA_ROW, values_only=True):
        if row[0]:
            rows[row[0]] = {col.field: row[i] for i, col in enumerate(c.COLUMNS)}
    wb.close()
    return rows


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, plan):
    """Seven ministries answer (one of them twice), one does not; one earlier period too."""

    root = tmp_path_factory.mktemp("consolidate") / "ws"
    ws = new_workspace(root)
    issue_templates(ws, 2018)
    for code in ("MAEE", "MJ"):
        fill_template(
            ws.templates_dir(2018) / f"{code}.xlsx",
            ws.inbox / f"{code} 2018.xlsx",
            sample_answers(plan, code, 2018, seed=5),
        )
    issue_templates(ws, PERIOD)
    filled = {}  # what each current return holds, read from the file before ingest moves it
    for code in plan.ministry_codes:
        if code == MISSING:
            continue
        answers = sample_answers(plan, code, PERIOD)
        if code in PLANTED:
            first = next(iter(answers))
            answers[first]["activities"] = PLANTED[code]
        if code == "MSI":  # a row left blank: no status, nothing else
            answers[next(iter(answers))] = {}
        path = fill_template(
            ws.templates_dir(PERIOD) / f"{code}.xlsx", ws.inbox / f"{code} {PERIOD}.xlsx", answers
        )
        filled[code] = read_report_rows(path)
    report = ingest(ws, now=lambda: BEFORE_DEADLINE)
    assert all(o.outcome == "accepted" for o in report.outcomes), report.outcomes
    path = fill_template(
        ws.templates_dir(PERIOD) / f"{RESUBMITTED}.xlsx",
        ws.inbox / f"{RESUBMITTED} {PERIOD} v2.xlsx",
        sample_answers(plan, RESUBMITTED, PERIOD, seed=3),
    )
    filled[RESUBMITTED] = read_report_rows(path)
    assert [o.outcome for o in ingest(ws, now=lambda: BEFORE_DEADLINE).outcomes] == ["accepted"]
    outputs = consolidate(ws, PERIOD, formats=("csv", "parquet"))
    return ws, plan, filled, outputs


@pytest.fixture(scope="module")
def book(cycle):
    ws, *_ = cycle
    return openpyxl.load_workbook(ws.period_dir(PERIOD) / f"consolidated_{PERIOD}.xlsx")


def table(sheet, header_row: int) -> list[dict[str, object]]:
    rows = sheet_rows(sheet, header_row)
    header = [h for h in rows[0] if h is not None]
    return [dict(zip(header, r[: len(header)], strict=True)) for r in rows[1:] if r[0]]


def expected_sums(plan, filled, by: str) -> dict[str, dict[str, float]]:
    """Sums of what the filled files hold, over the rows with a status other than Not
    applicable: a row left without a status is counted as not reported."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for code, rows in filled.items():
        for action_id, values in rows.items():
            if values["status"] in (None, "Not applicable"):
                continue
            key = plan.action(action_id).pillar if by == "pillar" else code
            for name in c.NUMERIC_FIELDS:
                if isinstance(values[name], int | float):
                    sums[key][name] += values[name]
                    sums["Total"][name] += values[name]
    return sums


@pytest.mark.parametrize("by, heading", [("pillar", "Pillar"), ("ministry", "Ministry")])
def test_amounts_match_the_filled_files(cycle, book, by, heading):
    """Amounts, all in EUR, are the one figure added up by pillar and by ministry."""
    _, plan, filled, _ = cycle
    expected = expected_sums(plan, filled, by)
    rows = block(book["Amounts"], f"Amounts by {by}")
    keys = [p.id for p in plan.pillars] if by == "pillar" else list(plan.ministry_codes)
    assert [r[heading] for r in rows] == [*keys, "Total"]
    for row in rows:
        key = row[heading]
        asked = [
            a for a in plan.actions
            if "amount" in a.measures and key in (a.pillar, "Total", *a.ministries)
        ]  # fmt: skip
        if not asked:
            assert row["Amount (EUR)"] == "not asked"
        elif key == MISSING:
            assert row["Amount (EUR)"] == "no return"
        else:
            assert row["Amount (EUR)"] == pytest.approx(expected[key]["amount"]), key
    assert expected[MISSING] == {}  # nothing of the missing ministry is counted


REPORTS = "Action reports expected (one for each action and each ministry reporting on it)"


def test_key_figures_match_the_filled_files(cycle, book):
    _, plan, filled, _ = cycle
    total = expected_sums(plan, filled, "ministry")["Total"]
    rows = [r for r in sheet_rows(book["Overview"]) if r[0] and r[3] is not None]
    figures = {str(r[0]).strip(): r[3] for r in rows}
    assert figures["Returns accepted"] == 7
    assert next(r[4] for r in rows if r[0] == "Returns accepted") == f"{MISSING}: no return"
    assert figures["Amount reported (EUR)"] == pytest.approx(total["amount"])
    rows_expected = sum(len(a.ministries) for a in plan.actions)
    with_status = sum(1 for rows_ in filled.values() for v in rows_.values() if v["status"])
    assert figures[REPORTS] == rows_expected
    assert figures["of which No status"] == sum(
        1 for rows_ in filled.values() for v in rows_.values() if not v["status"]
    )
    assert with_status == rows_expected - figures["of which No status"] - len(
        plan.actions_for(MISSING)
    )


def test_overview_lists_every_ministry_and_marks_the_missing_one(cycle, book):
    _, plan, filled, _ = cycle
    rows = block(book["Overview"], "Ministries")
    assert [r["Code"] for r in rows] == list(plan.ministry_codes)
    verdicts = {r["Code"]: r["Return"] for r in rows}
    assert verdicts == {code: "accepted" if code in filled else "missing" for code in verdicts}
    mega = next(r for r in rows if r["Code"] == RESUBMITTED)
    assert mega["Accepted file"] == f"{RESUBMITTED} {PERIOD} v2.xlsx"
    assert mega["Values changed by a resubmission"] > 0
    formats = book["Overview"].conditional_formatting
    rules = [rule.formula[0] for cf in formats for rule in cf.rules]
    assert any('<>"accepted"' in f for f in rules) and any(">0" in f for f in rules)


def test_status_counts_by_pillar_match_the_filled_files(cycle, book):
    _, plan, filled, _ = cycle
    counts: dict[str, Counter] = defaultdict(Counter)
    for action in plan.actions:
        for code in action.ministries:
            if code not in filled:
                status = "No return"
            else:
                status = filled[code][action.id]["status"] or "No status"
            counts[plan.pillar(action.pillar).title][status] += 1
    rows = block(book["By pillar"], "Action reports by status")
    assert [r["Pillar"] for r in rows] == [p.title for p in plan.pillars] + ["Total"]
    for row in rows[:-1]:
        for status in (*c.STATUSES, "No status", "No return"):
            assert row[status] == counts[row["Pillar"]][status], (row["Pillar"], status)
        assert row["Total"] == sum(counts[row["Pillar"]].values())
    total = rows[-1]
    assert total["Total"] == sum(len(a.ministries) for a in plan.actions)
    assert total["No return"] == len(plan.actions_for(MISSING))
    rollup = block(book["By pillar"], "Actions by roll-up status")
    assert rollup[-1]["Total"] == len(plan.actions)


def test_actions_sheet_has_every_pair_with_its_source(cycle, book):
    _, plan, filled, _ = cycle
    rows = table(book["Actions"], 4)
    assert len(rows) == sum(len(a.ministries) for a in plan.actions)
    sheet = book["Actions"]
    assert sheet.freeze_panes == "B5"
    assert len(sheet.tables) == 1 and sheet.auto_filter is not None
    for row in rows:
        code = row["Ministry"]
        if code not in filled:
            assert row["Status"] == "No return" and row["Source file"] is None
            assert row["Count"] in ("no return", "not asked")
            continue
        given = filled[code][row["Action ID"]]
        measures = plan.action(row["Action ID"]).measures
        assert row["Status"] == (given["status"] or "No status")
        for name, measure in (("women", "women_men"), ("amount", "amount")):
            shown = row[c.HEADER_OF[name]]
            if measure not in measures:
                assert shown == "not asked"
            elif given["status"] is None:  # a row left blank: its figures are said missing
                assert shown == "no status"
            else:
                assert shown == given[name]
        assert row["Activities carried out"] == given["activities"]
        assert row["Source file"].startswith(code)
        if any(given[column.field] is not None for column in c.INPUTS):
            assert row["Source cells"].startswith(f"{c.REPORT}!{c.LETTER['status']}")
        else:  # a row left blank has no cell to trace
            assert row["Source cells"] is None


def test_formula_like_strings_stay_text(cycle, book):
    *_, outputs = cycle
    texts = {r["Activities carried out"] for r in table(book["Actions"], 4)}
    assert set(PLANTED.values()) <= texts
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    csv_path = next(p for p in outputs if p.suffix == ".csv")
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        values = [r["value"] for r in csv.DictReader(f) if r["field"] == "activities"]
    for planted in PLANTED.values():
        assert "'" + planted in values
        assert planted not in values


def test_tidy_table_has_every_value_with_its_cell(cycle):
    pd = pytest.importorskip("pandas")
    _, plan, filled, outputs = cycle
    parquet = next(p for p in outputs if p.suffix == ".parquet")
    values = pd.read_parquet(parquet)
    this = values[values["period"] == PERIOD]
    expected = sum(
        1 for rows in filled.values() for v in rows.values() for f in c.INPUTS if v[f.field]
    )
    assert this["value"].notna().sum() == expected
    assert len(this) == sum(
        1
        for a in plan.actions
        for _ in a.ministries
        for col in c.INPUTS
        if c.is_open(col, a.measures)
    )
    assert set(this[this["ministry"] == MISSING]["state"]) == {"no_return"}
    assert set(values["period"]) == {2018, PERIOD}
    mj = this[(this["ministry"] == "MJ") & (this["field"] == "activities")].iloc[0]
    assert mj["value"] == PLANTED["MJ"]  # parquet keeps the text as it is
    assert mj["sheet"] == c.REPORT and mj["cell"].startswith(c.LETTER["activities"])


def test_history_shows_each_period(cycle, book):
    _, plan, filled, _ = cycle
    rows = table(book["History"], 4)
    header = list(rows[0])
    assert "2018 Status" in header and f"{PERIOD} Status" in header
    maej = {(r["Action ID"], r["Ministry"]): r for r in rows}
    first = plan.actions_for("MJ")[0].id
    assert maej[(first, "MJ")][f"{PERIOD} Status"] == filled["MJ"][first]["status"]
    assert (
        maej[(first, "MJ")]["2018 Status"]
        == sample_answers(plan, "MJ", 2018, seed=5)[first]["status"]
    )
    assert maej[(plan.actions_for("MSI")[0].id, "MSI")]["2018 Status"] == "No return"


def test_roll_up_rows_follow_the_rule(cycle, book):
    _, plan, filled, _ = cycle
    for row in table(book["Roll-up"], 5):
        action = plan.action(row["Action ID"])
        given = [filled[m][action.id]["status"] if m in filled else None for m in action.ministries]
        assert row["Roll-up status"] == roll_up(given)


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["Completed", "Completed"], "Completed"),
        (["Completed", "Not applicable"], "Completed"),
        (["Completed", None], "In progress"),
        (["Completed", "Ongoing"], "Ongoing"),
        (["Ongoing", None], "In progress"),
        (["Completed", "Not started"], "In progress"),
        (["In progress", "In progress"], "In progress"),
        (["Not started", "Not started"], "Not started"),
        (["Not started", None], "Not started"),
        (["Not applicable", "Not applicable"], "Not applicable"),
        (["Not applicable", None], "No status"),
        ([None, None], "No status"),
        ([], "No status"),
    ],
)
def test_roll_up_rule(statuses, expected):
    assert roll_up(statuses) == expected


def test_same_ledger_gives_the_same_bytes_and_no_temporary_files(cycle):
    ws, *_ = cycle
    first = consolidate(ws, PERIOD)[0]
    before = first.read_bytes()
    again = consolidate(ws, PERIOD)[0]
    assert again == first and again.read_bytes() == before
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".tmp-")]


def test_charts_are_native(cycle):
    import zipfile

    ws, *_ = cycle
    with zipfile.ZipFile(ws.period_dir(PERIOD) / f"consolidated_{PERIOD}.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = "".join(z.read(n).decode() for n in charts)
    assert "'By pillar'!" in xml and "'Women and men'!" in xml


def test_nothing_accepted_says_what_to_do(workspace):
    issue_templates(workspace, PERIOD)
    with pytest.raises(NapError, match="nap ingest"):
        consolidate(workspace, PERIOD)
    assert not workspace.period_dir(PERIOD).joinpath(f"consolidated_{PERIOD}.xlsx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook(cycle, tmp_path):
    ws, *_ = cycle
    source = ws.period_dir(PERIOD) / f"consolidated_{PERIOD}.xlsx"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / f"consolidated_{PERIOD}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000


def test_share_of_women_per_indicator_matches_the_filled_files(cycle, book):
    _, plan, filled, _ = cycle
    rows = block(book["Women and men"], "Women and men by indicator")
    women: dict[str, float] = defaultdict(float)
    men: dict[str, float] = defaultdict(float)
    for values_of in filled.values():
        for action_id, values in values_of.items():
            if values["status"] and values["women"] is not None:
                women[action_id] += values["women"]
                men[action_id] += values["men"]
    assert [r["Action ID"] for r in rows] == [
        a.id for a in plan.actions if "women_men" in a.measures
    ]
    for row in rows:
        w, m = women[row["Action ID"]], men[row["Action ID"]]
        assert (row["Women"], row["Men"], row["Women and men"]) == (w, m, w + m)
        assert row["Share of women"] == pytest.approx(w / (w + m))
        assert (
            row["Share of women: women of women and men"]
            == f"{w / (w + m):.1%} ({w:,.0f} of {w + m:,.0f})"
        )

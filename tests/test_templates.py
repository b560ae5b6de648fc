"""Each ministry's template: the right rows, locked and open cells, validations, signed _meta."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest

from pipeline.failures import UsageError
from pipeline.intake.returned import read_returned
from pipeline.signing import verify
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from tests.conftest import TEST_KEY

ISSUED = dt.date(2020, 1, 15)


@pytest.fixture
def templates(workspace):
    return issue_templates(workspace, 2019, today=ISSUED)


def test_one_template_per_ministry(workspace, templates, plan):
    assert [p.name for p in templates] == [f"{m}.xlsx" for m in plan.ministry_codes]
    assert all(p.parent == workspace.outbox / "2019" / "templates" for p in templates)


def test_the_report_sheet_has_the_ministrys_rows_in_order(templates, plan):
    for path in templates:
        code = path.stem
        ws = openpyxl.load_workbook(path)[c.REPORT]
        headers = [ws.cell(c.HEADER_ROW, i).value for i in range(1, len(c.COLUMNS) + 1)]
        assert headers == [col.header for col in c.COLUMNS]
        ids = [ws.cell(r, 1).value for r in range(c.FIRST_DATA_ROW, ws.max_row + 1)]
        assert ids == [a.id for a in plan.actions_for(code)]
        assert code in ws["A1"].value and "2019" in ws["A1"].value


def test_descriptions_are_locked_and_only_the_measures_inputs_are_open(templates, plan):
    wb = openpyxl.load_workbook(templates[0])  # MAEE
    ws = wb[c.REPORT]
    assert ws.protection.sheet
    for offset, action in enumerate(plan.actions_for("MAEE")):
        row = c.FIRST_DATA_ROW + offset
        for index, column in enumerate(c.COLUMNS, start=1):
            locked = ws.cell(row, index).protection.locked
            assert locked is not c.is_open(column, action.measures), (action.id, column.header)
    i01 = ws.cell(c.FIRST_DATA_ROW, 1).value
    assert i01 == "I.01"  # women_men and text: Women/Men open, Count and Amount greyed
    assert ws.cell(c.FIRST_DATA_ROW, c.COLUMN_INDEX["women"]).protection.locked is False
    assert ws.cell(c.FIRST_DATA_ROW, c.COLUMN_INDEX["count"]).protection.locked is True
    assert ws.cell(c.FIRST_DATA_ROW, c.COLUMN_INDEX["count"]).fill.fgColor.rgb.endswith("BFBFBF")


def test_validations_enforce_the_status_list_and_numbers(templates):
    ws = openpyxl.load_workbook(templates[0])[c.REPORT]
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        column = str(dv.sqref).split(":")[0].rstrip("0123456789")
        by_column[column] = dv
    status = by_column[c.LETTER["status"]]
    assert status.type == "list"
    assert status.formula1 == '"' + ",".join(c.STATUSES) + '"'
    for name in ("women", "men", "count"):
        dv = by_column[c.LETTER[name]]
        assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    amount = by_column[c.LETTER["amount"]]
    assert (amount.type, amount.operator) == ("decimal", "greaterThanOrEqual")
    assert all(dv.showErrorMessage for dv in by_column.values())


def test_the_header_is_frozen_and_the_page_is_landscape(templates):
    ws = openpyxl.load_workbook(templates[0])[c.REPORT]
    assert ws.freeze_panes == f"B{c.FIRST_DATA_ROW}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_meta_is_very_hidden_and_its_signature_verifies(templates, plan):
    wb = openpyxl.load_workbook(templates[5])  # MJ
    assert wb[c.META].sheet_state == "veryHidden"
    meta = read_returned(templates[5]).meta
    fields = {k: meta[k] for k in c.META_KEYS}
    assert fields["ministry"] == "MJ" and fields["period"] == "2019"
    assert fields["plan_hash"] == c.plan_hash(plan, "MJ")
    assert fields["action_ids"].split(",") == [a.id for a in plan.actions_for("MJ")]
    assert fields["issued"] == ISSUED.isoformat()
    assert verify(TEST_KEY.encode(), fields, meta[c.SIGNATURE_KEY])


@pytest.mark.parametrize("field", c.META_KEYS)
def test_a_changed_meta_field_fails_verification(templates, field):
    meta = read_returned(templates[0]).meta
    fields = {k: meta[k] for k in c.META_KEYS}
    fields[field] = fields[field] + "x"
    assert not verify(TEST_KEY.encode(), fields, meta[c.SIGNATURE_KEY])


def test_another_key_fails_verification(templates):
    meta = read_returned(templates[0]).meta
    fields = {k: meta[k] for k in c.META_KEYS}
    assert not verify(b"another office", fields, meta[c.SIGNATURE_KEY])


def test_re_running_gives_the_same_files_and_keeps_the_issue_date(workspace, templates):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in templates}
    again = issue_templates(workspace, 2019, today=ISSUED + dt.timedelta(days=3))
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in again} == before


def test_only_the_ministry_asked_for(workspace):
    paths = issue_templates(workspace, 2019, ministries=["MJ"], today=ISSUED)
    assert [p.name for p in paths] == ["MJ.xlsx"]


def test_a_period_outside_the_plan_or_an_unknown_ministry_is_a_usage_error(workspace):
    with pytest.raises(UsageError, match="outside the plan"):
        issue_templates(workspace, 2031)
    with pytest.raises(UsageError, match="unknown ministry code XX"):
        issue_templates(workspace, 2019, ministries=["XX"])


def test_the_key_file_is_created_private_when_no_key_is_set(workspace, monkeypatch):
    monkeypatch.delenv("NAP_SIGNING_KEY")
    issue_templates(workspace, 2019, ministries=["ME"], today=ISSUED)
    assert workspace.key_path.stat().st_mode & 0o777 == 0o600
    assert len(workspace.key_path.read_text().strip()) == 64

"""Templates already in the ministries' hands stay valid: those of version 0.1.0 (kept in
tests/fixtures/v1), and the current ones after register changes they do not show."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from pipeline.intake.ingest import ingest
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from pipeline.workspace import Workspace, shipped_data_file
from tests.filling import fill_template, sample_answers
from tests.office import new_workspace
from tests.registers import edit_action

FIXTURES = Path(__file__).parent / "fixtures" / "v1"
SHIPPED = shipped_data_file("plans/lu-wps-2018-2023")


def _drop(src: Path, ws: Workspace, name: str) -> None:
    dest = ws.inbox / name
    shutil.copyfile(src, dest)
    past = time.time() - 3600
    os.utime(dest, (past, past))


def _issued_by_version_1(ws: Workspace) -> None:
    """A workspace of version 0.1.0: its template is in the outbox, its key recorded nowhere
    yet; the return comes back into the inbox."""
    ws.templates_dir(2019).mkdir(parents=True)
    shutil.copyfile(FIXTURES / "MAEE_2019_template.xlsx", ws.template_path(2019, "MAEE"))
    _drop(FIXTURES / "MAEE_2019_filled.xlsx", ws, "MAEE 2019.xlsx")


def test_a_return_on_a_version_1_template_is_accepted(workspace):
    _issued_by_version_1(workspace)
    (outcome,) = ingest(workspace).outcomes
    assert (outcome.outcome, outcome.ministry, outcome.period) == ("accepted", "MAEE", 2019)
    assert [p for p in outcome.problems if p.severity == "error"] == []


def test_a_version_1_row_whose_text_changed_in_the_register_is_refused_there(tmp_path):
    ws = _workspace_with_own_plan(tmp_path)
    first = ws.plan.actions_for("MAEE")[0].id
    _edit_action(ws, first, indicator="A reworded indicator")
    _issued_by_version_1(ws)
    (outcome,) = ingest(Workspace.open(ws.root)).outcomes
    assert [(p.cell, p.code) for p in outcome.problems] == [
        (c.cell_ref("indicator", c.FIRST_DATA_ROW), "description-changed")
    ]


def _workspace_with_own_plan(tmp_path: Path) -> Workspace:
    ws = new_workspace(tmp_path / "ws")
    shutil.copytree(SHIPPED, ws.root / "workbook_templates" / "plans" / "lu-wps-2018-2023")
    return ws


def _edit_action(ws: Workspace, action_id: str, **changes: str) -> None:
    path = ws.root / "workbook_templates" / "plans" / "lu-wps-2018-2023" / "actions.csv"
    edit_action(path, action_id, **changes)


@pytest.mark.parametrize(
    ("action_id", "change"),
    [
        ("II.15", {"note": "A note for the coordinator, added after the templates went out."}),
        ("I.02", {"action": "Another ministry's action, reworded."}),  # MAEE and MSI, not MJ
    ],
)
def test_a_register_change_the_template_does_not_show_keeps_it_valid(tmp_path, action_id, change):
    ws = _workspace_with_own_plan(tmp_path)
    issue_templates(ws, 2019, ministries=["MJ"])
    _edit_action(ws, action_id, **change)
    ws = Workspace.open(ws.root)  # the next command loads the edited register
    fill_template(
        ws.template_path(2019, "MJ"), ws.inbox / "MJ.xlsx", sample_answers(ws.plan, "MJ", 2019)
    )
    (outcome,) = ingest(ws).outcomes
    assert outcome.outcome == "accepted"


def test_a_change_to_what_the_template_shows_invalidates_it(tmp_path):
    ws = _workspace_with_own_plan(tmp_path)
    issue_templates(ws, 2019, ministries=["MJ"])
    mj_action = Workspace.open(ws.root).plan.actions_for("MJ")[0].id
    _edit_action(ws, mj_action, indicator="A reworded indicator")
    ws = Workspace.open(ws.root)
    fill_template(
        ws.template_path(2019, "MJ"), ws.inbox / "MJ.xlsx", sample_answers(ws.plan, "MJ", 2019)
    )
    (outcome,) = ingest(ws).outcomes
    assert [(p.sheet, p.code) for p in outcome.problems] == [(c.META, "meta-plan-changed")]


def test_templates_are_issued_in_the_current_version(workspace):
    from pipeline.intake.returned import read_meta

    (path,) = issue_templates(workspace, 2019, ministries=["MJ"])
    assert read_meta(path)["schema_version"] == c.SCHEMA_VERSION == c.READ_VERSIONS[-1]

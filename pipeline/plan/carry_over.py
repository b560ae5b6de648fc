"""Actions a plan carries over from the plan before it (carry_over.csv beside its plan.toml,
optional): followed across the two plans in the trend views, never merged into one plan's
figures."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError
from pipeline.ledger import Connection, last_statuses
from pipeline.problems import Problem, problem
from pipeline.template.contract import LastStatus

if TYPE_CHECKING:
    from pipeline.plan.register import Plan
    from pipeline.workspace import Workspace

FILE = "carry_over.csv"
COLUMNS = ("action", "previous_plan", "previous_action")


@dataclass(frozen=True)
class Link:
    """An action of this plan that continues an action of an earlier one."""

    plan: str
    action: str
    previous_plan: str
    previous_action: str
    line: int


def read_links(plan_file: Path, plan_id: str) -> tuple[list[Link], list[Problem]]:
    """The links of the plan whose plan.toml is `plan_file`; none when it has no file."""
    path = plan_file.parent / FILE
    if not path.is_file():
        return [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                header = ",".join(COLUMNS)
                return [], [
                    problem("register-bad-header", file=FILE, cell="line 1", expected=header)
                ]
            rows = [(reader.line_num, {k: (r[k] or "").strip() for k in COLUMNS}) for r in reader]
    except UnicodeDecodeError:
        raise NapError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8' in Excel") from None
    links = [
        Link(plan_id, row["action"], row["previous_plan"], row["previous_action"], line)
        for line, row in rows
        if any(row.values())
    ]
    return links, []


def _link_problem(link: Link, code: str, column: str, value: str, **fields: str) -> Problem:
    cell = f"line {link.line}, {column}"
    return problem(code, file=FILE, cell=cell, action=link.action, value=value, **fields)


def check_links(links: list[Link], plan: Plan, previous: dict[str, Plan]) -> list[Problem]:
    """Each link names an action of this plan and one of a plan of the workspace."""
    found = []
    unknown = "carry-over-unknown-action"
    for link in links:
        if link.action not in {a.id for a in plan.actions}:
            found.append(_link_problem(link, unknown, "action", link.action, plan=plan.id))
        before = previous.get(link.previous_plan)
        if before is None or before.id == plan.id:
            found.append(
                _link_problem(link, "carry-over-unknown-plan", "previous_plan", link.previous_plan)
            )
        elif link.previous_action not in {a.id for a in before.actions}:
            found.append(
                _link_problem(
                    link, unknown, "previous_action", link.previous_action, plan=before.id
                )
            )
    return found


def checked_links(plan: Plan) -> tuple[list[Link], list[Problem]]:
    """The plan's links, checked against the plans beside it in the same plans folder."""
    from pipeline.plan.periods import plan_files, read_head
    from pipeline.plan.register import read_plan

    links, found = read_links(plan.path, plan.id)
    if not links:
        return links, found
    previous = {}
    for path in plan_files(plan.path.parent.parent):
        head = read_head(path)
        if head.id != plan.id and head.id in {link.previous_plan for link in links}:
            loaded, _ = read_plan(path)
            if loaded is not None:
                previous[head.id] = loaded
    return links, found + check_links(links, plan, previous)


def links_of_workspace(ws: Workspace) -> list[Link]:
    """Every link of every plan of the workspace, for the reports of either side."""
    links: list[Link] = []
    for head in ws.plan_heads:
        links += read_links(head.path, head.id)[0]
    return links


def carried_statuses(
    conn: Connection, links: list[Link], plan_id: str, ministry: str, before: int
) -> dict[str, LastStatus]:
    """The last status the ministry gave each carried-over action under the earlier plan,
    for the template's "last period's status" of a plan's first year."""
    found: dict[str, LastStatus] = {}
    mine = [link for link in links if link.plan == plan_id]
    for previous in dict.fromkeys(link.previous_plan for link in mine):
        statuses = last_statuses(conn, ministry, before, plan_id=previous)
        for link in (x for x in mine if x.previous_plan == previous):
            if link.previous_action in statuses:
                status, year = statuses[link.previous_action]
                found[link.action] = LastStatus(status, year, (link.previous_action, previous))
    return found

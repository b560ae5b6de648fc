"""A drafted register written out as the files a coordinator edits: plan.toml, actions.csv,
bodies.csv, the review of the import's guesses, and the new ministries' rows of contacts.csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic import atomic_path
from pipeline.plan.contacts import missing_rows
from pipeline.plan.draft import Draft
from pipeline.plan.register import ACTION_COLUMNS, ALL
from pipeline.problems import Problem, Severity, problem
from pipeline.workspace import CONTACTS_FILE

if TYPE_CHECKING:
    from pipeline.workspace import Workspace

ACTIONS_FILE = "actions.csv"
BODIES_FILE = "bodies.csv"
REVIEW_FILE = "review.csv"
REVIEW_COLUMNS = ("to_do", "action", "actions_csv_line", "file", "sheet", "cell", "finding")
TO_DO = {Severity.ERROR: "correct", Severity.WARNING: "check"}


def _write_text(dest: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(dest, held_by="Excel") as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


def _csv(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_tables(folder: Path, draft: Draft) -> None:
    """actions.csv and bodies.csv: one body per reporting ministry, named after it."""
    rows = [ACTION_COLUMNS]
    for draft_action in draft.actions:
        a = draft_action.row
        ministries = ALL if draft_action.everyone else ";".join(a.ministries)
        rows.append(
            [getattr(a, column) for column in ACTION_COLUMNS[:6]]
            + [";".join(a.bodies), ministries, ";".join(a.measures), a.count_label, a.note]
        )
    _write_text(folder / ACTIONS_FILE, _csv(rows))
    bodies = [("code", "name", "ministry"), *((m.code, m.name, m.code) for m in draft.ministries)]
    _write_text(folder / BODIES_FILE, _csv(bodies))


def write_review(dest: Path, draft: Draft) -> None:
    """Every finding of the import, errors first, in the order of the matrix; with a byte
    order mark, so that Excel opens the accents right."""
    line = {a.id: str(index) for index, a in enumerate(draft.actions, start=2)}
    ordered = sorted(draft.problems, key=lambda p: p.severity is not Severity.ERROR)
    rows = [REVIEW_COLUMNS]
    rows += [
        (TO_DO[p.severity], p.action, line.get(p.action, ""), p.file, p.sheet, p.cell, p.message)
        for p in ordered
    ]
    _write_text(dest, _csv(rows), encoding="utf-8-sig")


def _toml(value: object) -> str:
    """A TOML value: JSON's strings and numbers are TOML's too."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _table(name: str, entries: dict[str, object]) -> list[str]:
    return [name, *(f"{key} = {_toml(value)}" for key, value in entries.items()), ""]


def write_plan_toml(
    dest: Path, head: dict[str, object], draft: Draft, matrix: str, today: dt.date
) -> None:
    """Written last: a folder without plan.toml is no plan, so a run stopped half-way leaves
    none behind."""
    lines = [
        f"# Plan register imported from {matrix} on {today.isoformat()} by `nap plan import`.",
        f"# Work through {REVIEW_FILE} beside this file, then check with `nap plan --plan "
        f"{head['id']}`.",
        "",
        *_table("[plan]", head),
    ]
    for m in draft.ministries:
        lines += _table("[[ministries]]", {"code": m.code, "name": m.name, "includes": ""})
    for p in draft.pillars:
        fields = {"id": p.id, "name": p.name, "main_objective": "", "commitments": []}
        lines += _table("[[pillars]]", fields)
    for m in draft.ministries:
        entry = {"term": m.code, "meaning": m.name, "source": "ministries list"}
        lines += _table("[[glossary]]", entry)
    _write_text(dest, "\n".join(lines))


def title_problem(title: str, matrix: str) -> Problem:
    return problem("import-title", file=matrix, value=title)


def add_contacts(
    ws: Workspace, codes: Sequence[str], found: list[Problem]
) -> tuple[Path, list[str]]:
    """The workspace's contacts.csv gains an empty row for each ministry it lacks, which the
    coordinator fills in; the shipped list is copied in first when it has none."""
    dest = ws.contacts_path
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ws.data_file(CONTACTS_FILE), dest)
    text = dest.read_text(encoding="utf-8-sig")
    new, added = missing_rows(text, codes)
    if not new:
        return dest, []
    ending = "" if text.endswith("\n") or not text else "\n"
    _write_text(dest, text + ending + added)
    lines = len(text.splitlines())
    for index, code in enumerate(new, start=lines + 1):
        found.append(
            problem("import-contact-added", file=CONTACTS_FILE, cell=f"line {index}", value=code)
        )
    return dest, new

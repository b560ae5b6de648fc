"""Possible double counts on shared actions: a return that carries exactly the figures another
ministry gave for the same action, as a row pasted from its file would; the totals would
count those people and euros twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.ledger import CellValue, Submission
from pipeline.plan.register import Plan
from pipeline.problems import Problem, problem
from pipeline.template.contract import HEADER_OF, NUMERIC_FIELDS

# Matching small figures are a coincidence more often than a pasted row: two ministries that
# each made 2 statements. One figure must reach this, or two figures be given.
TELLING = 10


@dataclass(frozen=True)
class _Figures:
    submission: Submission
    values: dict[str, CellValue]  # field -> value, figure fields only

    @property
    def key(self) -> tuple[tuple[str, float | None], ...]:
        return tuple(sorted((name, v.number) for name, v in self.values.items()))

    @property
    def telling(self) -> bool:
        numbers = [v.number or 0 for v in self.values.values()]
        return len([n for n in numbers if n]) >= 2 or max(numbers, default=0) >= TELLING


def double_counts(
    plan: Plan, returns: Sequence[tuple[Submission, Sequence[CellValue]]]
) -> list[Problem]:
    """One warning for each return whose figures for a shared action are exactly those of
    returns accepted before it; the earlier ones are where the figures were first given."""
    order = {code: i for i, code in enumerate(plan.ministry_codes)}
    ordered = sorted(returns, key=lambda r: (r[0].accepted, order.get(r[0].ministry, 99)))
    found = []
    for action in plan.actions:
        if len(action.ministries) < 2:
            continue
        given = [f for f in (_figures(sub, values, action.id) for sub, values in ordered) if f]
        for index, later in enumerate(given):
            same = [f.submission.ministry for f in given[:index] if f.key == later.key]
            if same and later.telling:
                found.append(_warning(action.id, later, same))
    return found


def _figures(sub: Submission, values: Sequence[CellValue], action_id: str) -> _Figures | None:
    figures = {
        v.field: v
        for v in values
        if v.action_id == action_id and v.field in NUMERIC_FIELDS and v.number is not None
    }
    return _Figures(sub, figures) if figures else None


def _warning(action_id: str, later: _Figures, same: list[str]) -> Problem:
    ordered = [later.values[name] for name in NUMERIC_FIELDS if name in later.values]
    return problem(
        "possible-double-count",
        file=later.submission.file_name,
        sheet=ordered[0].sheet,
        cell=ordered[0].cell,
        action=action_id,
        ministry=later.submission.ministry,
        value=", ".join(f"{HEADER_OF[v.field]} {v.value}" for v in ordered),
        other=" and ".join(same),
    )

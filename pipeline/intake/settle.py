"""Apply the valid returns a run recorded, or hold them for the coordinator: each ministry's
versions in the order the ministry saved them, whatever order they reached the inbox in.

A run records every file first, then settles them here, each ministry and period's versions
whole in one transaction, with a few others: a run stopped in between leaves them recorded
and not yet settled, and the next run settles them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import groupby

from pipeline.intake import holds
from pipeline.intake.holds import Standing, Version
from pipeline.ledger import (
    CellValue,
    Connection,
    Outcome,
    State,
    Submission,
    add_issues,
    apply_submission,
    closing,
    current_submission,
    set_outcome,
    set_outcomes,
    set_states,
    submission_cells,
    submission_values,
    submissions_in_state,
    transaction,
)
from pipeline.problems import Problem
from pipeline.workspace import Workspace


@dataclass(frozen=True)
class Settled:
    """What became of one valid return."""

    file_id: int
    file_name: str
    ministry: str
    period: int
    outcome: Outcome  # accepted or held
    supersedes: bool = False  # it replaced an earlier accepted return
    reason: Problem | None = None  # the first reason it is held; all are in the ledger
    reasons: int = 0  # how many reasons it is held for


def apply_or_hold(
    ws: Workspace, conn: Connection, step: Callable[[str, str], None] = lambda name, what: None
) -> list[Settled]:
    """Every return recorded and not yet settled, in the order of their files."""
    pending = submissions_in_state(conn, State.NEW)
    settled: list[Settled] = []
    for groups in _batches(pending):
        with transaction(conn):
            done = [result for subs in groups for result in _settle_versions(ws, conn, subs)]
        for result in done:
            step(result.file_name, "settled")
        settled += done
    return sorted(settled, key=lambda s: s.file_id)


SETTLE_BATCH = 256  # versions settled per transaction, at least: each commit costs a few ms


def _batches(pending: list[Submission]) -> Iterator[list[list[Submission]]]:
    """The versions of each ministry and period, whole, a few of them per transaction."""
    batch: list[list[Submission]] = []
    versions = 0
    for _, group in groupby(pending, key=lambda s: (s.period, s.ministry)):
        batch.append(list(group))
        versions += len(batch[-1])
        if versions >= SETTLE_BATCH:
            yield batch
            batch, versions = [], 0
    if batch:
        yield batch


HOLD_BATCH = 16  # held versions written together; their reasons are kept in memory until then


def _settle_versions(ws: Workspace, conn: Connection, subs: list[Submission]) -> list[Settled]:
    """One ministry's versions of one period, in the order it saved them: each is measured
    against the accepted return, which it becomes when it applies. Values are read one
    version at a time, and held versions written a few at a time (HOLD_BATCH), so that
    memory stays flat however many versions came."""
    first = subs[0]
    at = standing(ws, conn, first.ministry, first.period)
    bare = [version_of(conn, s, with_values=False) for s in subs]
    unordered = holds.order_unknown(bare)
    by_file = {s.file_id: s for s in subs}
    done = []
    held: list[tuple[Submission, list[Problem]]] = []
    for order in holds.in_saved_order(bare):
        sub = by_file[order.file_id]
        new = measured(conn, sub)
        reasons = unordered.get(new.file_id, []) + holds.hold_reasons(new, at)
        if reasons:
            held.append((sub, reasons))
            if len(held) == HOLD_BATCH:
                hold(conn, held)
                held.clear()
            done.append(Settled(*_names(new), Outcome.HELD, False, reasons[0], len(reasons)))
            continue
        replaced = apply(conn, sub)
        done.append(Settled(*_names(new), Outcome.ACCEPTED, supersedes=replaced))
        at = Standing(version_of(conn, sub), at.deadline, at.limit, at.closed)
    hold(conn, held)
    return done


def _names(v: Version) -> tuple[int, str, str, int]:
    return v.file_id, v.file_name, v.ministry, v.period


def standing(ws: Workspace, conn: Connection, ministry: str, period: int) -> Standing:
    current = current_submission(conn, ministry, period)
    return Standing(
        accepted=version_of(conn, current) if current is not None else None,
        deadline=ws.settings.deadline_for(period),
        limit=ws.settings.hold_changes_over,
        closed=closing(conn, period),
    )


def version_of(conn: Connection, sub: Submission, *, with_values: bool = True) -> Version:
    """Without values, enough to order the versions of a batch."""
    values = (
        {(v.action_id, v.field): v for v in submission_values(conn, sub.id)} if with_values else {}
    )
    return _version(sub, values, values.keys())


def measured(conn: Connection, sub: Submission) -> Version:
    """A version as the hold rules measure it: every cell it fills, and of its values only
    the figures. Most of a large batch is held: the texts of a version are read only once it
    applies, when it becomes the return the next one is measured against."""
    figures = {(v.action_id, v.field): v for v in submission_values(conn, sub.id, figures=True)}
    return _version(sub, figures, submission_cells(conn, sub.id))


def _version(
    sub: Submission, values: dict[tuple[str, str], CellValue], cells: AbstractSet[tuple[str, str]]
) -> Version:
    return Version(
        sub.file_id, sub.file_name, sub.ministry, sub.period, sub.accepted, sub.saved, values, cells
    )


def hold(conn: Connection, held: Sequence[tuple[Submission, list[Problem]]]) -> None:
    """Inside the caller's transaction: the returns wait, each with every reason recorded."""
    set_states(conn, [sub.id for sub, _ in held], State.HELD)
    set_outcomes(conn, Outcome.HELD, [(sub.file_id, why[0].message) for sub, why in held])
    add_issues(conn, [(sub.file_id, reason) for sub, why in held for reason in why])


def apply(conn: Connection, sub: Submission) -> bool:
    """Inside the caller's transaction: the return becomes the ministry's current one; True
    when it replaces an earlier one."""
    replaced = apply_submission(conn, sub.id)
    set_outcome(conn, sub.file_id, Outcome.ACCEPTED)
    return replaced is not None

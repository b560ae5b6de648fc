"""Apply the valid returns a run recorded, or hold them for the coordinator: each ministry's
versions in the order the ministry saved them, whatever order they reached the inbox in.

A run records every file first, then settles them here, each ministry and period's versions
whole in one transaction, with a few others: a run stopped in between leaves them recorded
and not yet settled, and the next run settles them. What becomes of a few ministries'
versions is worked out from the ledger first, then written in one short transaction, so
that two processes can settle at once (a large run settles in its worker processes): only
the writing waits for the other, and the workspace lock keeps every other command out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
    connect,
    current_submission,
    set_outcome,
    set_outcomes,
    set_states,
    submission_figures,
    submission_values,
    submissions_in_state,
    transaction,
    versions_in_state,
)
from pipeline.problems import Problem
from pipeline.settings import Settings
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from concurrent.futures import Executor


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


SETTLE_BATCH = 256  # versions settled per transaction, at least: each commit costs a few ms
# Versions of a task when worker processes settle: two tasks for each worker, so that they
# finish together, within these bounds (a task's held reasons are in memory until written).
SHARED_BATCH = (64, 512)


@dataclass(frozen=True)
class Workers:
    """Processes forked before the ledger was first opened in this process, which may
    therefore open it themselves (a SQLite connection must not cross a fork)."""

    pool: Executor
    count: int


def apply_or_hold(
    ws: Workspace,
    conn: Connection,
    step: Callable[[str, str], None] = lambda name, what: None,
    workers: Workers | None = None,
) -> list[Settled]:
    """Every return recorded and not yet settled, in the order of their files. With
    `workers`, each settles a share of the ministries, reading their versions itself."""
    counted = versions_in_state(conn, State.NEW)
    pending = sum(n for _, _, n in counted)
    least, most = SHARED_BATCH
    if workers is None or pending < 2 * least:
        shares = _shares(counted, SETTLE_BATCH)
        done = (settle_share(ws.settings, conn, share) for share in shares)
    else:
        shares = _shares(counted, min(most, max(least, -(-pending // (2 * workers.count)))))
        done = workers.pool.map(
            _settle_in_worker, [(ws.settings, ws.ledger_path, share) for share in shares]
        )
    settled: list[Settled] = []
    for results in done:  # each is in the ledger: durable
        for result in results:
            step(result.file_name, "settled")
        settled += results
    return sorted(settled, key=lambda s: s.file_id)


def _settle_in_worker(task: tuple[Settings, Path, list[tuple[int, str]]]) -> list[Settled]:
    settings, ledger, share = task
    with connect(ledger) as conn:
        return settle_share(settings, conn, share)


def _shares(counted: list[tuple[int, str, int]], size: int) -> Iterator[list[tuple[int, str]]]:
    """(period, ministry) of each ministry and period with waiting versions, whole, a few of
    them per transaction: at least `size` versions, but for the last."""
    share: list[tuple[int, str]] = []
    versions = 0
    for period, ministry, count in counted:
        share.append((period, ministry))
        versions += count
        if versions >= size:
            yield share
            share, versions = [], 0
    if share:
        yield share


@dataclass
class _Fates:
    """What is to become of the versions of a few ministries, worked out before any is
    written: those that apply, in the order they apply, and those held, with every reason."""

    settled: list[Settled] = field(default_factory=list)
    applied: list[Submission] = field(default_factory=list)
    held: list[tuple[Submission, list[Problem]]] = field(default_factory=list)


def settle_share(
    settings: Settings, conn: Connection, share: Sequence[tuple[int, str]]
) -> list[Settled]:
    """The waiting versions of each (period, ministry) of the share, read and measured,
    then applied or held in one transaction."""
    fates = _Fates()
    for period, ministry in share:
        _decide(settings, conn, submissions_in_state(conn, State.NEW, period, ministry), fates)
    with transaction(conn):
        for sub in fates.applied:
            apply(conn, sub)
        hold(conn, fates.held)
    return fates.settled


def _decide(settings: Settings, conn: Connection, subs: list[Submission], fates: _Fates) -> None:
    """One ministry's versions of one period, in the order it saved them: each is measured
    against the accepted return, which it becomes when it applies. Values are read one
    version at a time: of a held version, only its reasons are kept."""
    first = subs[0]
    at = standing(settings, conn, first.ministry, first.period)
    bare = [version_of(conn, s, with_values=False) for s in subs]
    unordered = holds.order_unknown(bare)
    by_file = {s.file_id: s for s in subs}
    for order in holds.in_saved_order(bare):
        sub = by_file[order.file_id]
        new = measured(conn, sub)
        reasons = unordered.get(new.file_id, []) + holds.hold_reasons(new, at)
        if reasons:
            fates.held.append((sub, reasons))
            fates.settled.append(
                Settled(*_names(new), Outcome.HELD, False, reasons[0], len(reasons))
            )
            continue
        replaces = at.accepted is not None
        fates.applied.append(sub)
        fates.settled.append(Settled(*_names(new), Outcome.ACCEPTED, supersedes=replaces))
        at = Standing(version_of(conn, sub), at.deadline, at.limit, at.closed)


def _names(v: Version) -> tuple[int, str, str, int]:
    return v.file_id, v.file_name, v.ministry, v.period


def standing(settings: Settings, conn: Connection, ministry: str, period: int) -> Standing:
    current = current_submission(conn, ministry, period)
    return Standing(
        accepted=version_of(conn, current) if current is not None else None,
        deadline=settings.deadline_for(period),
        limit=settings.hold_changes_over,
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
    the figures (no rule reads the texts of a version measured against the accepted return;
    of a held one, nothing else is kept)."""
    figures, cells = submission_figures(conn, sub.id)
    return _version(sub, {(v.action_id, v.field): v for v in figures}, cells)


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

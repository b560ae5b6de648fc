"""When a valid return waits for the coordinator instead of replacing the accepted one: each
reason is one rule, and every rule runs, so the coordinator sees all of them at once.

A return is held when its period is closed, when it would empty cells the accepted return had
filled, when after the deadline it changes a figure by more than the limit of nap.toml, when
the ministry saved it before the accepted return (an old version arriving late), or when two
versions came in one batch and which one the ministry saved last cannot be told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

from pipeline.ledger import CellValue, Decision
from pipeline.problems import Problem, catalogued, problem
from pipeline.template.contract import HEADER_OF, NUMERIC_FIELDS


@dataclass(frozen=True)
class Version:
    """A valid return as the rules see it: who sent it, when, and what it says."""

    file_id: int
    file_name: str
    ministry: str
    period: int
    received: str  # ISO time it was taken from the inbox
    saved: str  # ISO time (UTC) the ministry last saved it; "" when the file does not say
    values: dict[tuple[str, str], CellValue]  # (action, field) -> value; see `cells`
    # Every cell it fills. A version measured against the accepted return is kept lean: its
    # `values` are then its figures only (the values with a number; no rule reads its texts).
    cells: AbstractSet[tuple[str, str]]

    @cached_property
    def filled(self) -> list[tuple[tuple[str, str], CellValue]]:
        """Its values that are not empty, by action then field. Worked out once: while it is
        the accepted return, every later version of a batch is measured against it."""
        return [(key, value) for key, value in sorted(self.values.items()) if value.value]

    @cached_property
    def filled_cells(self) -> frozenset[tuple[str, str]]:
        """The cells of `filled`: a version that fills them all empties none, told at once."""
        return frozenset(key for key, _ in self.filled)

    @cached_property
    def figures(self) -> list[tuple[tuple[str, str], CellValue]]:
        """Its figures other than zero, by action then field: those a late change is measured
        against."""
        items = sorted(self.values.items())
        return [(key, value) for key, value in items if key[1] in NUMERIC_FIELDS and value.number]

    def problem(self, code: str, source: CellValue | None = None, **fields: object) -> Problem:
        """A reason to hold it, at the cell of `source` when it is about one value."""
        return problem(
            code,
            file=self.file_name,
            sheet=source.sheet if source else "",
            cell=source.cell if source else "",
            action=source.action_id if source else "",
            ministry=self.ministry,
            **fields,
        )


@dataclass(frozen=True)
class Standing:
    """What a new version is measured against: the ministry's accepted return and the
    period's deadline and closing."""

    accepted: Version | None  # read whole: its texts are what a new version may empty
    deadline: dt.date
    limit: float  # the share a figure may change by after the deadline, e.g. 0.5
    closed: Decision | None  # the decision that closed the period, while it is closed


HoldRule = Callable[[Version, Standing], list[Problem]]


def period_closed(new: Version, at: Standing) -> list[Problem]:
    if at.closed is None:
        return []
    when = at.closed.made[:16].replace("T", " ")
    return [new.problem("held-period-closed", period=new.period, when=when, who=at.closed.who)]


def cells_emptied(new: Version, at: Standing) -> list[Problem]:
    """Emptying a cell is rarely a correction: more often the wrong file, or a row cleared."""
    if at.accepted is None or at.accepted.filled_cells <= new.cells:
        return []
    return [
        new.problem("held-cell-emptied", old, field=HEADER_OF[old.field], value=_cut(old.value))
        for key, old in at.accepted.filled
        if key not in new.cells
    ]


def large_late_change(new: Version, at: Standing) -> list[Problem]:
    """Before the deadline a ministry corrects at will; after it, the committee may already
    have seen the figures, so a large change is the coordinator's to accept."""
    if at.accepted is None or dt.datetime.fromisoformat(new.received).date() <= at.deadline:
        return []
    found = []
    for key, old in at.accepted.figures:
        value = new.values.get(key)
        if value is None or value.number is None:
            continue
        change = (value.number - old.number) / abs(old.number)
        if abs(change) > at.limit:
            found.append((old, value, change))
    return _large_changes(new, found, at) if found else []


def _large_changes(
    new: Version, found: list[tuple[CellValue, CellValue, float]], at: Standing
) -> list[Problem]:
    """The reasons for the changes found, each (old, new, change), made from the catalogue's
    template directly: a late batch can hold thousands of them, and `Version.problem` takes
    as long again as the message itself."""
    severity, template = catalogued("held-large-change")
    limit, deadline = f"{at.limit:.0%}", at.deadline.isoformat()
    return [
        Problem(
            "held-large-change",
            severity,
            template.format(
                action=value.action_id,
                field=HEADER_OF[old.field],
                old=old.value,
                new=value.value,
                change=f"{change:+.0%}",
                limit=limit,
                deadline=deadline,
            ),
            new.file_name,
            value.sheet,
            value.cell,
            value.action_id,
            new.ministry,
        )
        for old, value, change in found
    ]


def older_version(new: Version, at: Standing) -> list[Problem]:
    accepted = at.accepted
    if accepted is None or not new.saved or not accepted.saved:
        return []
    if _moment(new.saved) >= _moment(accepted.saved):
        return []
    return [
        new.problem(
            "held-older-version",
            saved=shown_time(new.saved),
            other=accepted.file_name,
            other_saved=shown_time(accepted.saved),
        )
    ]


HOLD_RULES: tuple[HoldRule, ...] = (period_closed, cells_emptied, large_late_change, older_version)


def hold_reasons(new: Version, at: Standing) -> list[Problem]:
    """Why the version must wait for the coordinator; nothing when it applies at once."""
    return [found for rule in HOLD_RULES for found in rule(new, at)]


def order_unknown(versions: Sequence[Version]) -> dict[int, list[Problem]]:
    """By file id, why each version of one batch waits: the ministry's order cannot be told
    when one has no last-saved time or two have the same. Empty when the order is known."""
    times = [v.saved for v in versions]
    if len(versions) < 2 or ("" not in times and len(set(times)) == len(times)):
        return {}
    return {
        v.file_id: [
            v.problem(
                "held-order-unknown",
                other=", ".join(o.file_name for o in versions if o is not v),
                saved=shown_time(v.saved) if v.saved else "not recorded in the file",
            )
        ]
        for v in versions
    }


def in_saved_order(versions: Sequence[Version]) -> list[Version]:
    """The order the ministry saved them in; files that do not say keep their arrival order."""
    return sorted(versions, key=lambda v: (_moment(v.saved) if v.saved else _NEVER, v.file_id))


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def _moment(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def shown_time(iso: str) -> str:
    """A last-saved time as people read it, e.g. 2020-06-14 16:02:05 UTC."""
    return _moment(iso).strftime("%Y-%m-%d %H:%M:%S UTC") if iso else ""


def _cut(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."

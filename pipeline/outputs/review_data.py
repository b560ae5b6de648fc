"""The figures of a plan's final implementation report, read from the ledger once so that the
Word report and its workbook tell the same story: every period of the plan, the years without
any return named as such, and a missing figure never counted as zero."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.failures import NapError
from pipeline.intake.status import period_status
from pipeline.ledger import Connection, connect, last_statuses, periods
from pipeline.outputs.figures import reports_of, total
from pipeline.outputs.period_data import NO_STATUS, PeriodData, load_period
from pipeline.plan.carry_over import Link, links_of_workspace
from pipeline.plan.register import Action, Plan
from pipeline.plan.translation import translated
from pipeline.template.contract import PROGRESS_STATUSES, STATUSES
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.outputs.wording import Wording

NEVER = "Never reported"  # a pair with no status in any year of the plan
NO_RETURNS = "No returns"  # a year in which no ministry's return was accepted
LESSON_FIELDS = ("challenges", "next_steps")
FINAL_STATUSES = (*STATUSES, NO_STATUS)  # what an action's final roll-up can be


@dataclass(frozen=True)
class Final:
    """A pair's last reported status and its year, or NEVER."""

    status: str
    year: int | None = None

    def __str__(self) -> str:
        return f"{self.status} ({self.year})" if self.year else self.status


@dataclass(frozen=True)
class Series:
    """A figure of one action per year: None where no ministry reported it."""

    values: dict[int, float | None]
    reporting: dict[int, int]  # ministries that gave the figure, per year
    expected: int  # ministries that report on the action


@dataclass
class Entry:
    """A text one ministry wrote of an action (its challenges or next steps), with the years
    it wrote those same words."""

    ministry: str
    field: str  # challenges or next_steps
    text: str
    years: list[int]


@dataclass
class PlanReview:
    plan: Plan
    years: tuple[int, ...]  # every period of the plan
    found: list[PeriodData] = field(default_factory=list)  # the years with returns
    links_from: list[Link] = field(default_factory=list)  # actions continuing earlier ones
    links_into: list[Link] = field(default_factory=list)  # actions a later plan continues
    # where each action continued from an earlier plan stood when that plan ended: by
    # action, (ministry, last status, its year) for each ministry that gave the earlier
    # action one
    stood: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)

    def stood_text(self, action_id: str, words: Wording) -> str:
        """MAEE: Ongoing (2023); MJ: Completed (2022), in the document's language."""
        return words.listed(
            words.label(m) + f"{words.status(s)} ({y})" for m, s, y in self.stood.get(action_id, ())
        )

    @property
    def by_year(self) -> dict[int, PeriodData]:
        return {d.period: d for d in self.found}

    @property
    def empty_years(self) -> list[int]:
        return [y for y in self.years if y not in self.by_year]

    def category(self, action_id: str, ministry: str, year: int) -> str:
        data = self.by_year.get(year)
        return data.category(action_id, ministry) if data else NO_RETURNS

    def trajectory(self, action_id: str, ministry: str) -> list[str]:
        return [self.category(action_id, ministry, y) for y in self.years]

    def final(self, action_id: str, ministry: str) -> Final:
        for year in reversed(self.years):
            status = self.category(action_id, ministry, year)
            if status in STATUSES:
                return Final(status, year)
        return Final(NEVER)

    def reported(self, action_id: str, ministry: str) -> list[str]:
        """The statuses the ministry gave the action, year after year."""
        found = (self.category(action_id, ministry, y) for y in self.years)
        return [s for s in found if s in STATUSES]

    def roll_up(self, action: Action, year: int) -> str:
        from pipeline.outputs.consolidated.tables import roll_up

        if year not in self.by_year:
            return NO_RETURNS
        given = [self.category(action.id, m, year) for m in action.ministries]
        return roll_up([s if s in STATUSES else None for s in given])

    def final_roll_up(self, action: Action) -> str:
        from pipeline.outputs.consolidated.tables import roll_up

        finals = [self.final(action.id, m) for m in action.ministries]
        return roll_up([f.status if f.year else None for f in finals])

    def completed(self) -> list[tuple[Action, int]]:
        """Actions every ministry last reported Completed, with the year the last of them
        first said so."""
        done = []
        for action in self.plan.actions:
            if self.final_roll_up(action) != "Completed":
                continue
            firsts = [self._first_completed(action.id, m) for m in action.ministries]
            done.append((action, max(y for y in firsts if y is not None)))
        return done

    def _first_completed(self, action_id: str, ministry: str) -> int | None:
        return next(
            (y for y in self.years if self.category(action_id, ministry, y) == "Completed"), None
        )

    def never_started(self) -> list[Action]:
        """Actions reported, but never as in progress, ongoing or completed by anyone."""
        never = []
        for action in self.plan.actions:
            given = [s for m in action.ministries for s in self.reported(action.id, m)]
            if "Not started" in given and not set(given) & set(PROGRESS_STATUSES):
                never.append(action)
        return never

    def never_reported(self) -> dict[str, list[Action]]:
        """Per ministry, the actions it never gave a status in any year."""
        return {
            m.code: [
                a for a in self.plan.actions_for(m.code) if self.final(a.id, m.code).year is None
            ]
            for m in self.plan.ministries
        }

    def series(self, action: Action, name: str) -> Series:
        """An action's figure per year, the total of what counts over its ministries
        (outputs/figures.py: a row with no status or Not applicable adds nothing)."""
        values: dict[int, float | None] = {}
        reporting: dict[int, int] = {}
        for year in self.years:
            data = self.by_year.get(year)
            found = total(data, reports_of([action]), name) if data else None
            values[year] = found.value if found else None
            reporting[year] = len(found.counted) if found else 0
        return Series(values, reporting, len(action.ministries))

    def entries(self, action: Action) -> list[Entry]:
        """Challenges and next steps by ministry, each distinct text once with its years."""
        entries: dict[tuple[str, str, str], Entry] = {}
        for ministry in action.ministries:
            for field_name in LESSON_FIELDS:
                for data in self.found:
                    answer = data.answers.get((action.id, ministry))
                    text = answer.texts.get(field_name, "") if answer else ""
                    if text:
                        key = (ministry, field_name, text)
                        entry = entries.setdefault(key, Entry(ministry, field_name, text, []))
                        entry.years.append(data.period)
        return list(entries.values())


def load_review(ws: Workspace) -> PlanReview:
    """Every period of the workspace's plan in force, with whatever years have returns."""
    plan = translated(ws.plan, ws.language)
    review = PlanReview(plan, tuple(range(plan.first_period, plan.last_period + 1)))
    statuses = [period_status(ws, year) for year in review.years]
    with_returns = [s for s in statuses if s.has_returns]
    if not with_returns:
        raise NapError(
            f"no return was accepted for any period of the plan {plan.id} "
            f"({plan.first_period}-{plan.last_period}), so there is nothing to review; "
            "give --plan ID for another plan"
        )
    links = links_of_workspace(ws)
    review.links_from = [link for link in links if link.plan == plan.id]
    review.links_into = [link for link in links if link.previous_plan == plan.id]
    with connect(ws.ledger_path) as conn:
        grace = ws.settings.late_after_days
        review.found = [load_period(conn, s, grace, ws.language) for s in with_returns]
        review.stood = {link.action: _stood(conn, plan, link) for link in review.links_from}
    return review


def _stood(conn: Connection, plan: Plan, link: Link) -> list[tuple[str, str, int]]:
    """The last status each ministry of the action gave the earlier action, by ministry."""
    ministries = next((a.ministries for a in plan.actions if a.id == link.action), ())
    found = []
    for code in ministries:
        statuses = last_statuses(conn, code, plan.first_period, plan_id=link.previous_plan)
        if link.previous_action in statuses:
            found.append((code, *statuses[link.previous_action]))
    return found


def plan_to_review(ws: Workspace) -> Workspace:
    """The plan given with --plan, else the newest plan of the workspace with a return."""
    if ws.chosen or not ws.ledger_path.exists():
        return ws
    with connect(ws.ledger_path) as conn:
        with_returns = [h for h in ws.plan_heads if periods(conn, plan_id=h.id)]
    return ws.for_plan(with_returns[-1].id) if with_returns else ws

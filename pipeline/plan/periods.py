"""Which plan each reporting year belongs to: a workspace's plans, known by the head of their
plan.toml, and the check that no two of them claim the same year."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError, UsageError
from pipeline.problems import Problem, problem

if TYPE_CHECKING:
    from pipeline.plan.register import Plan

PLAN_FILE = "plan.toml"


@dataclass(frozen=True)
class PlanHead:
    """A plan as its plan.toml names it: enough to route a year to it without loading its
    tables, so that a register still being drafted stops only the commands that use it."""

    id: str
    title: str
    first_period: int
    last_period: int
    path: Path
    ministries: tuple[str, ...] = ()

    def covers(self, period: int) -> bool:
        return self.first_period <= period <= self.last_period

    @property
    def periods(self) -> range:
        return range(self.first_period, self.last_period + 1)

    @property
    def ministry_codes(self) -> tuple[str, ...]:
        """As a loaded plan names them: enough to check the contacts of a plan being drafted."""
        return self.ministries

    @property
    def label(self) -> str:
        return f"{self.id} ({self.first_period}-{self.last_period})"


def read_head(path: Path) -> PlanHead:
    """The head of a plan file; a file that cannot be read stops the command, naming it."""
    if not path.is_file():
        raise NapError(f"plan file {path} not found; give --plan ID or FILE, or check nap.toml")
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
        head = meta["plan"]
        return PlanHead(
            id=str(head["id"]),
            title=str(head["title"]),
            first_period=int(head["first_period"]),
            last_period=int(head["last_period"]),
            path=path.resolve(),
            ministries=tuple(str(m["code"]) for m in meta.get("ministries", ())),
        )
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NapError(f"{path}: not a valid plan file: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise NapError(
            f"{path}: missing or malformed entry {exc} in [plan]; compare with the shipped plan"
        ) from exc


def plan_files(folder: Path) -> list[Path]:
    """The plan.toml of each plan folder directly under `folder`."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*/{PLAN_FILE}") if p.is_file())


def by_years(heads: list[PlanHead]) -> tuple[PlanHead, ...]:
    """One head per plan file, the earliest plan first."""
    unique = {h.path: h for h in heads}.values()
    return tuple(sorted(unique, key=lambda h: (h.first_period, h.last_period, h.id)))


def overlaps(heads: tuple[PlanHead, ...]) -> list[Problem]:
    """Every pair of plans that claim a year in common, and every plan whose years are
    reversed or that shares its id with another: a year must lead to exactly one plan."""
    found = [
        problem("plan-years-reversed", file=str(h.path), cell="[plan]", value=h.label)
        for h in heads
        if h.first_period > h.last_period
    ]
    for i, a in enumerate(heads):
        for b in heads[i + 1 :]:
            if a.id == b.id:
                found.append(problem("plan-same-id", file=str(b.path), value=a.id, other=a.path))
            elif a.first_period <= b.last_period and b.first_period <= a.last_period:
                found.append(
                    problem(
                        "plans-overlap",
                        file=str(b.path),
                        cell="[plan] first_period",
                        value=b.label,
                        other=a.label,
                    )
                )
    return found


def head_for(heads: tuple[PlanHead, ...], period: int) -> PlanHead | None:
    """The plan a year belongs to; None when no plan covers it."""
    covering = [h for h in heads if h.covers(period)]
    if len(covering) > 1:
        names = " and ".join(h.label for h in covering)
        raise UsageError(
            f"the year {period} belongs to two plans, {names}; correct first_period or "
            "last_period in one plan.toml (`nap plan` lists the overlaps), or give --plan ID"
        )
    return covering[0] if covering else None


def find_head(heads: tuple[PlanHead, ...], plan_id: str) -> PlanHead | None:
    return next((h for h in heads if h.id == plan_id), None)


def named_list(heads: tuple[PlanHead, ...]) -> str:
    return ", ".join(h.label for h in heads) or "none"


@dataclass
class PlanShelf:
    """The plans a returned file may belong to, each loaded the first time a file names it;
    a file naming no plan of the workspace is checked against `default`, which refuses it."""

    heads: tuple[PlanHead, ...]
    default: Path
    loaded: dict[Path, Plan] = field(default_factory=dict)

    def named(self, plan_id: str) -> Plan:
        from pipeline.plan.register import load_plan

        head = find_head(self.heads, plan_id)
        path = head.path if head is not None else self.default
        if path not in self.loaded:
            self.loaded[path] = load_plan(path)
        return self.loaded[path]

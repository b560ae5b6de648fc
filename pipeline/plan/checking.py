"""What `nap plan` reports: each plan register of the workspace read and checked with its
carried-over actions, and the years that two plans claim (`nap check` can call the same)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.plan.carry_over import Link, checked_links
from pipeline.plan.periods import overlaps
from pipeline.plan.register import Plan, read_plan
from pipeline.problems import Problem, errors
from pipeline.workspace import Workspace, plans_to_check


@dataclass
class PlanCheck:
    path: Path
    plan: Plan | None  # None when the register has errors
    problems: list[Problem] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.plan is None or bool(errors(self.problems))


@dataclass
class PlansCheck:
    plans: list[PlanCheck]
    overlaps: list[Problem]

    @property
    def failures(self) -> list[str]:
        """One line per plan that does not load, and one for the overlaps."""
        found = [
            f"the plan register {c.path} has {len(errors(c.problems))} problem(s), listed above"
            for c in self.plans
            if c.failed
        ]
        if self.overlaps:
            found.append(f"{len(self.overlaps)} plan(s) claim years of another, listed above")
        return found


def check_plans(root: Path, chosen: str | None) -> PlansCheck:
    """Every plan of the workspace at `root` (or the one chosen), checked in full."""
    return _checked(*plans_to_check(root, chosen))


def check_workspace_plans(ws: Workspace) -> PlansCheck:
    """The same for a workspace already open: `nap check` opens it whatever its nap.toml
    says, to list those mistakes with the others."""
    if ws.chosen:
        return _checked((ws.plan_file,), [])
    return _checked(tuple(h.path for h in ws.plan_heads), overlaps(ws.plan_heads))


def _checked(paths: tuple[Path, ...], overlaps: list[Problem]) -> PlansCheck:
    checks = []
    for path in paths:
        plan, problems = read_plan(path)
        check = PlanCheck(path, plan, problems)
        if plan is not None:
            check.links, wrong = checked_links(plan)
            check.problems += wrong
        checks.append(check)
    return PlansCheck(checks, overlaps)

"""Where things live: the workspace folders, its plan, the editable data and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError, UsageError
from pipeline.settings import DEFAULT_PLAN, Settings, load_settings

if TYPE_CHECKING:
    from pipeline.plan.register import Plan

SETTINGS_FILE = "nap.toml"
DATA_DIR = "workbook_templates"
LEDGER_FILE = "ledger.sqlite"


@dataclass(frozen=True)
class Workspace:
    """One office's workspace: every command works on one, with its plan loaded once."""

    root: Path
    settings: Settings
    plan_override: Path | None = None

    @classmethod
    def open(
        cls, root: Path | str = ".", *, create: bool = False, plan: Path | str | None = None
    ) -> Workspace:
        """Open the workspace at `root`; with `create`, make its folders if missing. `plan`
        is a plan file to use instead of the workspace's own."""
        root = Path(root).expanduser().resolve()
        if create:
            if root.exists() and not root.is_dir():
                raise UsageError(f"{root} is a file, not a folder; give --root a folder")
            for sub in ("inbox", "outbox"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        elif not root.is_dir():
            raise UsageError(f"the folder {root} does not exist; give --root the workspace folder")
        elif not is_workspace(root):
            raise UsageError(
                f"{root} is not a workspace: expected the folders inbox/ and outbox/ there. "
                "Run the command in the workspace folder or give --root DIR "
                "(`nap templates` creates a workspace)"
            )
        override = Path(plan).expanduser().resolve() if plan else None
        return cls(root, load_settings(root / SETTINGS_FILE), override)

    inbox = property(lambda self: self.root / "inbox")
    outbox = property(lambda self: self.root / "outbox")
    archive = property(lambda self: self.root / "archive")
    ledger_path = property(lambda self: self.root / LEDGER_FILE)
    key_path = property(lambda self: self.root / ".nap-signing-key")
    lock_path = property(lambda self: self.root / "nap.lock")
    logs = property(lambda self: self.outbox / "logs")

    def period_dir(self, period: int) -> Path:
        return self.outbox / str(period)

    def templates_dir(self, period: int) -> Path:
        return self.period_dir(period) / "templates"

    def template_path(self, period: int, ministry: str) -> Path:
        """The template issued to a ministry for a period (the template contract's name)."""
        return self.templates_dir(period) / f"{ministry}.xlsx"

    def feedback_dir(self, period: int) -> Path:
        return self.period_dir(period) / "feedback"

    def mail_dir(self, period: int) -> Path:
        return self.period_dir(period) / "mail"

    def data_file(self, relative: str) -> Path:
        """An editable data file: the workspace's own copy if it has one, else the shipped one."""
        own = self.root / DATA_DIR / relative
        if own.exists():
            return own
        return shipped_data_file(relative)

    @property
    def plan_file(self) -> Path:
        """The plan in force: the one given for this command, else nap.toml's, else the
        workspace's own copy of the shipped plan, else the shipped plan."""
        if self.plan_override:
            return self.plan_override
        if self.settings.plan:
            return (self.root / self.settings.plan).resolve()
        return self.data_file(DEFAULT_PLAN)

    @cached_property
    def plan(self) -> Plan:
        """Loaded on first use and then shared by every stage of the command."""
        from pipeline.plan.register import load_plan

        return load_plan(self.plan_file)

    def check_period(self, period: int) -> int:
        """Every command that takes --period asks here, before it reads or writes anything."""
        return self.check_periods(period, period)[0]

    def check_periods(self, first: int, last: int) -> tuple[int, int]:
        """The years of --periods FIRST-LAST, in order and within the plan."""
        if first > last:
            raise UsageError(f"--periods {first}-{last}: the first year comes after the last")
        plan = self.plan
        outside = [p for p in (first, last) if not plan.first_period <= p <= plan.last_period]
        if outside:
            one = first == last
            asked = f"period {first} is" if one else f"periods {first}-{last} go"
            raise UsageError(
                f"{asked} outside the plan {plan.id}, which covers "
                f"{plan.first_period}-{plan.last_period}; give {'a year' if one else 'years'} "
                "within it, or --plan FILE for another plan"
            )
        return first, last

    def check_ministries(self, ministries: list[str] | tuple[str, ...]) -> list[str]:
        """The codes asked for, checked against the plan; all of the plan's when none."""
        codes = self.plan.ministry_codes
        unknown = [m for m in ministries if m not in codes]
        if unknown:
            raise UsageError(
                f"unknown ministry code {', '.join(unknown)}; the plan has {', '.join(codes)}"
            )
        return list(ministries) or list(codes)


def is_workspace(root: Path) -> bool:
    return (root / "inbox").is_dir() and (root / "outbox").is_dir()


def plan_file_for(root: Path, override: Path | None) -> Path:
    """The plan `nap plan` checks: the workspace's in a workspace, else the given or shipped
    one, so that a plan can be checked before any workspace exists."""
    if is_workspace(root):
        return Workspace.open(root, plan=override).plan_file
    return override.expanduser().resolve() if override else shipped_data_file(DEFAULT_PLAN)


def shipped_data_file(relative: str) -> Path:
    """Data that ships with the package (the repository's workbook_templates/ folder)."""
    here = Path(__file__).resolve().parent.parent / DATA_DIR / relative
    if here.exists():
        return here
    # An installed package holds them as pipeline/workbook_templates (see pyproject.toml).
    packaged = Path(__file__).resolve().parent / DATA_DIR / relative
    if packaged.exists():
        return packaged
    raise NapError(
        f"the data file {relative} is missing from {DATA_DIR}/ and from the installation"
    )

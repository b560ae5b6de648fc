"""Where things live: the workspace folders, its plan, the editable data and the settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.failures import NapError, UsageError
from pipeline.language import check_language, localised
from pipeline.plan.periods import (
    PlanHead,
    PlanShelf,
    by_years,
    find_head,
    head_for,
    named_list,
    overlaps,
    plan_files,
    read_head,
)
from pipeline.settings import DEFAULT_PLAN, Settings, load_settings

if TYPE_CHECKING:
    from pipeline.plan.register import Plan
    from pipeline.problems import Problem

SETTINGS_FILE = "nap.toml"
DATA_DIR = "workbook_templates"
PLANS_DIR = "plans"
LEDGER_FILE = "ledger.sqlite"
# The folders `nap restore` makes in a workspace, named by its date and time: the workspace's
# own parts set aside, and the backup's copy while it is put in place (gone once it is).
RESTORE_ASIDE = "before-restore-"
RESTORE_STAGING = (".restore-", ".partial")
CONTACTS_FILE = "contacts.csv"


@dataclass(frozen=True)
class Workspace:
    """One office's workspace: every command works on one, with its plan loaded once.

    A workspace may hold several plans, one after the other; a command works on one of them:
    the plan given with --plan (`chosen`), else the plan of the period it is about
    (`for_period`), else the newest plan."""

    root: Path
    settings: Settings
    plan_override: Path | None = None
    chosen: bool = False
    language_option: str = ""  # --language of this command, which wins over every setting

    @classmethod
    def open(
        cls, root: Path | str = ".", *, create: bool = False, plan: Path | str | None = None
    ) -> Workspace:
        """Open the workspace at `root`; with `create`, make its folders if missing. `plan`
        is the id of one of the workspace's plans, or a plan file, to use for this command."""
        root = workspace_root(root, create=create)
        ws = cls(root, load_settings(root / SETTINGS_FILE))
        return ws.choose(plan) if plan else ws

    inbox = property(lambda self: self.root / "inbox")
    outbox = property(lambda self: self.root / "outbox")
    archive = property(lambda self: self.root / "archive")
    ledger_path = property(lambda self: self.root / LEDGER_FILE)
    key_path = property(lambda self: self.root / ".nap-signing-key")
    lock_path = property(lambda self: self.root / "nap.lock")
    logs = property(lambda self: self.outbox / "logs")
    # the workspace's own contacts list: the shipped one holds example addresses only
    contacts_path = property(lambda self: self.root / DATA_DIR / CONTACTS_FILE)

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

    def data_file_in(self, relative: str, language: str) -> Path:
        """A catalogue file in a language: its translation where there is one (the
        workspace's own first), else the English file it translates."""
        name = localised(relative, language)
        if name != relative:
            try:
                return self.data_file(name)
            except NapError:
                pass
        return self.data_file(relative)

    @cached_property
    def plan_heads(self) -> tuple[PlanHead, ...]:
        """The workspace's plans, the earliest first: the folders of its own
        workbook_templates/plans/ and the plan nap.toml names, or the shipped plan when it
        has neither."""
        paths = plan_files(self.root / DATA_DIR / PLANS_DIR)
        if self.settings.plan:
            paths.append((self.root / self.settings.plan).resolve())
        if not paths:
            paths = [shipped_data_file(DEFAULT_PLAN)]
        return by_years([read_head(path) for path in paths])

    def choose(self, plan: Path | str) -> Workspace:
        """The workspace working on the plan given for one command: the id of one of its
        plans, or the path of a plan file."""
        head = find_head(self.plan_heads, str(plan))
        path = head.path if head else Path(plan).expanduser().resolve()
        if head is None and not path.is_file():
            raise UsageError(
                f"--plan {plan}: neither a plan of this workspace ({named_list(self.plan_heads)})"
                " nor a plan file; give one of those ids or the path of a plan.toml"
            )
        return replace(self, plan_override=path, chosen=True)

    def for_period(self, period: int) -> Workspace:
        """The workspace working on the plan the period belongs to, unless the command was
        given a plan; a year of no plan is left to `check_period` to refuse."""
        if self.chosen:
            return self
        head = head_for(self.plan_heads, period)
        if head is None or head.path == self.plan_file:
            return self
        return replace(self, plan_override=head.path)

    def speaking(self, language: str | None) -> Workspace:
        """The workspace writing this command's documents in the language given with
        --language (None: as the settings and contacts say)."""
        if not language:
            return self
        try:
            return replace(self, language_option=check_language(language, "--language"))
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    @property
    def language(self) -> str:
        """The language of the office's documents: the workbook and the reports."""
        return self.language_option or self.settings.language

    def language_for(self, contact_language: str) -> str:
        """The language of what goes to one ministry: --language, else its contact's
        column, else nap.toml."""
        return self.language_option or contact_language or self.settings.language

    def for_plan(self, plan_id: str) -> Workspace:
        return self.choose(plan_id) if plan_id else self

    @property
    def plan_file(self) -> Path:
        """The plan in force: the one given for this command or its period, else nap.toml's,
        else the newest of the workspace's plans."""
        if self.plan_override:
            return self.plan_override
        if self.settings.plan:
            return (self.root / self.settings.plan).resolve()
        return self.plan_heads[-1].path

    @cached_property
    def plan(self) -> Plan:
        """Loaded on first use and then shared by every stage of the command."""
        from pipeline.plan.register import load_plan

        return load_plan(self.plan_file)

    @property
    def heads_in_use(self) -> tuple[PlanHead, ...]:
        """The plans the command works with: only the chosen one when a plan was given."""
        return (read_head(self.plan_file),) if self.chosen else self.plan_heads

    @property
    def shelf(self) -> PlanShelf:
        """The plans a returned file may name."""
        return PlanShelf(self.heads_in_use, self.plan_file)

    @property
    def ministry_codes(self) -> tuple[str, ...]:
        """The ministry codes of every plan of the workspace (the contacts list serves all)."""
        return tuple(dict.fromkeys(code for h in self.plan_heads for code in h.ministries))

    def check_period(self, period: int) -> int:
        """Every command that takes --period asks here, before it reads or writes anything."""
        return self.check_periods(period, period)[0]

    def check_periods(self, first: int, last: int) -> tuple[int, int]:
        """The years of --periods FIRST-LAST, in order, each within a plan of the workspace
        (within the plan given, when the command was given one)."""
        if first > last:
            raise UsageError(f"--periods {first}-{last}: the first year comes after the last")
        heads = self.heads_in_use
        if all(any(h.covers(p) for h in heads) for p in range(first, last + 1)):
            return first, last
        one, single = first == last, len(heads) == 1
        asked = f"period {first} is" if one else f"periods {first}-{last} go"
        plans = f"the plan {heads[0].label}" if single else f"the plans {named_list(heads)}"
        raise UsageError(
            f"{asked} outside {plans}; give {'a year' if one else 'years'} within "
            f"{'it' if single else 'them'}, or --plan FILE for another plan"
        )

    def check_ministries(self, ministries: list[str] | tuple[str, ...]) -> list[str]:
        """The codes asked for, checked against the plan; all of the plan's when none."""
        codes = self.plan.ministry_codes
        unknown = [m for m in ministries if m not in codes]
        if unknown:
            raise UsageError(
                f"unknown ministry code {', '.join(unknown)}; the plan has {', '.join(codes)}"
            )
        return list(ministries) or list(codes)


def workspace_root(root: Path | str, *, create: bool = False) -> Path:
    """The workspace folder, resolved; with `create`, its folders made if missing."""
    root = Path(root).expanduser().resolve()
    if create:
        if root.exists() and not root.is_dir():
            raise UsageError(f"{root} is a file, not a folder; give --root a folder")
        for sub in ("inbox", "outbox"):
            (root / sub).mkdir(parents=True, exist_ok=True)
    elif not root.is_dir():
        raise UsageError(f"the folder {root} does not exist; give --root the workspace folder")
    elif not is_workspace(root):
        staged = RESTORE_STAGING[0]
        unfinished = [p for p in restore_folders(root) if p.name.startswith(staged)]
        if unfinished:
            raise UsageError(
                f"{root} is part way through a restore: nap restore stopped before it finished "
                f"({unfinished[-1].name}/ is there); run the same nap restore again"
            )
        raise UsageError(
            f"{root} is not a workspace: expected the folders inbox/ and outbox/ there. "
            "Run the command in the workspace folder or give --root DIR "
            "(`nap init DIR` makes a new workspace)"
        )
    return root


def is_workspace(root: Path) -> bool:
    return (root / "inbox").is_dir() and (root / "outbox").is_dir()


def restore_folders(root: Path) -> dict[Path, str]:
    """The folders `nap restore` left in the workspace, oldest restore first, each with the
    date and time of its restore: the parts it set aside, and the copy of a backup that a
    stopped restore did not finish putting in place."""
    found = {}
    for entry in os.scandir(root):
        name = entry.name
        if not entry.is_dir(follow_symlinks=False):
            continue
        if name.startswith(RESTORE_ASIDE):
            found[Path(entry.path)] = name.removeprefix(RESTORE_ASIDE)
        elif name.startswith(RESTORE_STAGING[0]) and name.endswith(RESTORE_STAGING[1]):
            found[Path(entry.path)] = name[len(RESTORE_STAGING[0]) : -len(RESTORE_STAGING[1])]
    return dict(sorted(found.items(), key=lambda item: (item[1], item[0].name)))


def plans_to_check(root: Path, chosen: str | None) -> tuple[tuple[Path, ...], list[Problem]]:
    """The plan files `nap plan` checks, and the years two of them claim: every plan of the
    workspace in a workspace, else the given or shipped one, so that a plan can be checked
    before any workspace exists."""
    if is_workspace(root):
        ws = Workspace.open(root, plan=chosen)
        if chosen:
            return (ws.plan_file,), []
        return tuple(h.path for h in ws.plan_heads), overlaps(ws.plan_heads)
    if not chosen:
        return (shipped_data_file(DEFAULT_PLAN),), []
    shipped = by_years([read_head(p) for p in plan_files(shipped_data_file(PLANS_DIR))])
    head = find_head(shipped, chosen)
    return ((head.path if head else Path(chosen).expanduser().resolve()),), []


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

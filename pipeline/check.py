"""`nap check`: the whole workspace looked over before anything goes out, every problem listed
with its file, line and fix, so that the first day and each nightly run hold no surprise.

Each part is checked on its own (a broken nap.toml does not hide a broken contacts list), with
the same readers the commands use; nothing is written but what any command records on first
use (the fingerprint of a key from an earlier version)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import placeholders
from pipeline.failures import NapError
from pipeline.problems import Problem, errors, problem
from pipeline.settings import read_settings
from pipeline.workspace import (
    RESTORE_ASIDE,
    SETTINGS_FILE,
    Workspace,
    restore_folders,
    shipped_data_file,
    workspace_root,
)


@dataclass
class Part:
    """One part of the workspace as checked: what it is, what was found, and its problems."""

    name: str
    summary: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


@dataclass
class Checked:
    root: Path
    parts: list[Part]

    @property
    def problems(self) -> list[Problem]:
        return [p for part in self.parts for p in part.problems]


def check_workspace(root: Path, *, smtp: bool = False, plan: str | None = None) -> Checked:
    """Every part, in the order a coordinator sets them up; the mail server only with `smtp`
    (it needs NAP_SMTP_PASSWORD and the network)."""
    root = workspace_root(root)
    ws = Workspace(root, read_settings(root / SETTINGS_FILE)[0])  # its mistakes: a part below
    ws = ws.choose(plan) if plan else ws
    checks: list[Callable[[Workspace], Part]] = [
        _folders,
        _ledger,
        _settings,
        _plans,
        _contacts,
        _translations,
        _key,
    ]
    if smtp:
        checks.append(_mail_server)
    return Checked(ws.root, [_guarded(check, ws) for check in checks])


def _guarded(check: Callable[[Workspace], Part], ws: Workspace) -> Part:
    """A part that cannot be read at all is one problem of that part, not the end of the
    check."""
    try:
        return check(ws)
    except NapError as exc:
        name = check.__name__.strip("_").replace("_", " ")
        return Part(name, problems=[problem("check-unreadable", reason=str(exc))])


def _folders(ws: Workspace) -> Part:
    part = Part("folders", "inbox/, outbox/")
    for folder in (ws.inbox, ws.outbox):
        if not os.access(folder, os.W_OK | os.X_OK):
            part.problems.append(problem("check-folder-read-only", file=f"{folder.name}/"))
    part.problems += _restore_leftovers(ws.root)
    return part


def _restore_leftovers(root: Path) -> list[Problem]:
    """What `nap restore` leaves in the workspace: the parts it set aside, which hold an old
    copy of the ledger, and the copy of a backup that a stopped restore did not finish
    putting in place. The newest restore's copy still holding parts means the workspace is
    part backup, part as it was (once inbox/ and outbox/ are made by hand, say)."""
    folders = restore_folders(root)
    newest = max(folders.values(), default="")
    found = []
    for path, stamp in folders.items():
        name = f"{path.name}/"
        if path.name.startswith(RESTORE_ASIDE):
            found.append(problem("check-restore-aside", file=name))
        elif stamp == newest and any(path.iterdir()):
            aside = f"{RESTORE_ASIDE}{stamp}/"
            found.append(problem("check-restore-unfinished", file=name, aside=aside))
        else:
            found.append(problem("check-restore-leftover", file=name))
    return found


def _ledger(ws: Workspace) -> Part:
    from pipeline.ledger import ledger_damage

    found = ledger_damage(ws.ledger_path)
    part = Part("ledger", ws.ledger_path.name if ws.ledger_path.exists() else "not made yet")
    if found:
        part.problems.append(problem("check-ledger-damaged", file=part.summary, reason=found))
    return part


def _settings(ws: Workspace) -> Part:
    path = ws.root / SETTINGS_FILE
    settings, found = read_settings(path)
    part = Part(SETTINGS_FILE, "" if path.is_file() else "none: every setting at its default")
    part.problems = found
    if settings.sample:
        part.summary = "a sample workspace: its documents say SAMPLE"
    else:
        part.problems += placeholders.in_settings(ws, mail=True)
    return part


def _plans(ws: Workspace) -> Part:
    """The checks of `nap plan`: each register in full with its carried-over actions, and the
    years two plans claim."""
    from pipeline.plan.checking import check_workspace_plans

    checked = check_workspace_plans(ws)
    loaded = [c.plan for c in checked.plans if c.plan is not None]
    part = Part("plans", ", ".join(f"{p.id} ({p.first_period}-{p.last_period})" for p in loaded))
    for check in checked.plans:
        part.problems += [_in_folder(p, check.path.parent, ws.root) for p in check.problems]
    part.problems += checked.overlaps
    return part


def _in_folder(found: Problem, folder: Path, root: Path) -> Problem:
    """A register's problem names its file with the plan's folder: two plans both have an
    actions.csv."""
    from dataclasses import replace

    try:
        where = folder.relative_to(root)
    except ValueError:
        where = folder
    return replace(found, file=f"{where}/{found.file}" if found.file else str(where))


def _contacts(ws: Workspace) -> Part:
    """The workspace's own list, read against every plan of the workspace, as `nap mail`
    reads it for each."""
    from pipeline.plan.contacts import read_contacts

    path = ws.contacts_path
    part = Part(str(path.relative_to(ws.root)))
    if not path.is_file():
        shipped = shipped_data_file(path.name)
        part.problems.append(problem("check-no-contacts", file=part.name, shipped=shipped))
        return part
    seen: dict[tuple[str, str], Problem] = {}
    found = {}
    for head in ws.heads_in_use:
        contacts, problems = read_contacts(path, head, others=ws.ministry_codes)
        found |= contacts
        seen |= {(p.cell, p.message): p for p in problems}
    part.summary = f"{len(found)} ministries"
    part.problems = list(seen.values())
    if not ws.settings.sample:
        part.problems += placeholders.in_contacts(path, found.values())
    return part


def _translations(ws: Workspace) -> Part:
    """The texts the documents of each language in use (nap.toml, contacts.csv) would show
    in English for want of a translation: warnings, since English stands in."""
    from pipeline.language import ENGLISH
    from pipeline.plan.contacts import read_contacts
    from pipeline.untranslated import untranslated

    languages = {ws.settings.language}
    if ws.contacts_path.is_file():
        for head in ws.heads_in_use:
            contacts, _ = read_contacts(ws.contacts_path, head, others=ws.ministry_codes)
            languages |= {c.language for c in contacts.values() if c.language}
    others = sorted(languages - {ENGLISH})
    part = Part("translations", ", ".join(others) or "en only")
    for language in others:
        part.problems += [
            problem("check-untranslated", value=text) for text in untranslated(ws, language)
        ]
    return part


def _key(ws: Workspace) -> Part:
    from pipeline.signing import KEY_ENV, find_key, recorded_fingerprint

    expected, found = recorded_fingerprint(ws), find_key(ws)
    if found is None:
        code = "check-key-missing" if expected else "check-no-key"
        where = ws.key_path.name
        return Part("signing key", problems=[problem(code, file=where, fingerprint=expected)])
    part = Part("signing key", f"{found.source} (fingerprint {found.fingerprint})")
    if expected and found.fingerprint != expected:
        wrong = problem(
            "check-key-wrong", file=found.source, found=found.fingerprint, expected=expected
        )
        part.problems.append(wrong)
    if found.source != KEY_ENV and Path(found.source).stat().st_mode & 0o077:
        part.problems.append(problem("check-key-shared", file=found.source))
    return part


def _mail_server(ws: Workspace) -> Part:
    """A connection as `nap mail --send` opens it: TLS checked, logged in; no message sent."""
    from pipeline.delivery.smtp import Session, smtp_settings
    from pipeline.delivery.trouble import describe

    server = smtp_settings(ws)
    part = Part("mail server", f"{server.name} ({server.smtp.security})")
    session = Session(server)
    try:
        session.open()
    except OSError as exc:
        part.problems.append(problem("check-smtp", reason=describe(server, exc)))
    finally:
        session.close()
    if part.ok:
        login = f", logged in as {server.smtp.user}" if server.smtp.user else ""
        part.summary += f": connected{login}"
    return part

"""A new workspace, ready for a real year: its folders, a commented nap.toml, its own copies of
the plan register and the contacts list to edit, and the office's signing key.

Nothing that exists is ever overwritten: run on a workspace made by hand or by an earlier
version, it adds what is missing and names what it kept."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.failures import UsageError
from pipeline.plan.periods import plan_files
from pipeline.signing import OfficeKey, issuing_key
from pipeline.workspace import (
    CONTACTS_FILE,
    DATA_DIR,
    PLANS_DIR,
    SETTINGS_FILE,
    Workspace,
    shipped_data_file,
)

NEW_SETTINGS = "new_workspace/nap.toml"


@dataclass(frozen=True)
class Part:
    """One part of the workspace: made by this command, or found and kept as it was."""

    path: Path
    made: bool
    role: str  # what it is for, in a few words


@dataclass
class Initialised:
    root: Path
    parts: list[Part] = field(default_factory=list)
    key: OfficeKey | None = None

    @property
    def settings(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def contacts(self) -> Path:
        return self.root / DATA_DIR / CONTACTS_FILE  # ws.contacts_path, before ws can open


def init_workspace(root: Path) -> Initialised:
    """Make (or complete) the workspace at `root`; the key last, once the plan it serves is
    in place, through the one function that makes keys."""
    root = Path(root).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is a file, not a folder; give nap init a folder")
    root.mkdir(parents=True, exist_ok=True)
    done = Initialised(root)
    done.parts += [
        _folder(root / "inbox", "where the returned workbooks go"),
        _folder(root / "outbox", "what nap writes: templates, messages, reports"),
        _folder(root / "outbox" / "logs", "the logs of the nightly run"),
        _copy(shipped_data_file(NEW_SETTINGS), done.settings, "the settings"),
        _copy(shipped_data_file(CONTACTS_FILE), done.contacts, "the focal points"),
        *_plans(root / DATA_DIR / PLANS_DIR),
    ]
    ws = Workspace.open(root)
    done.key = issuing_key(ws)
    key_path = Path(done.key.source) if done.key.source != "NAP_SIGNING_KEY" else None
    done.parts.append(
        Part(key_path or ws.key_path, done.key.created, "the signing key: keep a copy elsewhere")
    )
    return done


def _folder(path: Path, role: str) -> Part:
    made = not path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    return Part(path, made, role)


def _copy(source: Path, dest: Path, role: str) -> Part:
    if dest.exists():
        return Part(dest, False, role)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return Part(dest, True, role)


def _plans(dest: Path) -> list[Part]:
    """The workspace's own copy of the shipped plan registers, unless it has plans already."""
    role = "the plan register"
    own = plan_files(dest)
    if own:
        return [Part(path.parent, False, role) for path in own]
    parts = []
    for plan in plan_files(shipped_data_file(PLANS_DIR)):
        shutil.copytree(plan.parent, dest / plan.parent.name)
        parts.append(Part(dest / plan.parent.name, True, role))
    return parts

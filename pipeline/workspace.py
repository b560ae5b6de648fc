"""Where things live: the workspace folders, the editable data, and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.failures import NapError, UsageError
from pipeline.settings import DEFAULT_PLAN, Settings, load_settings

SETTINGS_FILE = "nap.toml"
DATA_DIR = "workbook_templates"


@dataclass(frozen=True)
class Workspace:
    root: Path
    settings: Settings

    @classmethod
    def open(cls, root: Path | str = ".", *, create: bool = False) -> Workspace:
        """Open the workspace at `root`; with `create`, make its folders if missing."""
        root = Path(root).expanduser().resolve()
        if create:
            if root.exists() and not root.is_dir():
                raise UsageError(f"{root} is a file, not a folder; give --root a folder")
            for sub in ("inbox", "outbox"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        elif not root.is_dir():
            raise UsageError(f"the folder {root} does not exist; give --root the workspace folder")
        elif not (root / "inbox").is_dir() or not (root / "outbox").is_dir():
            raise UsageError(
                f"{root} is not a workspace: expected the folders inbox/ and outbox/ there. "
                "Run the command in the workspace folder or give --root DIR "
                "(`nap templates` creates a workspace)"
            )
        return cls(root, load_settings(root / SETTINGS_FILE))

    inbox = property(lambda self: self.root / "inbox")
    outbox = property(lambda self: self.root / "outbox")
    archive = property(lambda self: self.root / "archive")
    ledger_path = property(lambda self: self.root / "ledger.sqlite")
    key_path = property(lambda self: self.root / ".nap-signing-key")
    lock_path = property(lambda self: self.root / "nap.lock")
    logs = property(lambda self: self.outbox / "logs")

    def period_dir(self, period: int) -> Path:
        return self.outbox / str(period)

    def templates_dir(self, period: int) -> Path:
        return self.period_dir(period) / "templates"

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

    def plan_path(self, override: Path | str | None = None) -> Path:
        if override:
            return Path(override).expanduser().resolve()
        if self.settings.plan:
            return (self.root / self.settings.plan).resolve()
        return self.data_file(DEFAULT_PLAN)


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

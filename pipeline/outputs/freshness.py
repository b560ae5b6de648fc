"""Whether a period's workbook and report still show what they were written from: when the
ledger, the plan, the settings, the wording and the tool are as they were, and the files are
as written, an idle night rewrites nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.atomic import atomic_path
from pipeline.ledger import connect, state_digest
from pipeline.workspace import DATA_DIR, SETTINGS_FILE, Workspace, shipped_data_file

RECORD = ".nap-outputs.json"
# Their installed files stand for their versions: an upgrade may change the bytes written.
WRITERS = ("xlsxwriter", "docx", "matplotlib", "pandas")


@dataclass(frozen=True)
class Written:
    """What the last run wrote for a period, and when."""

    fingerprint: str
    outputs: dict[str, str]  # file name in the period's folder -> sha256
    when: str


def fingerprint(ws: Workspace, period: int) -> str:
    """Everything the period's outputs are made from. The date is not part of it: nothing in
    the workbook or the report depends on it but the report's own date, which then stays the
    day its contents were last written."""
    digest = hashlib.sha256(f"{__version__}\n{period}\n".encode())
    with connect(ws.ledger_path) as conn:
        digest.update(state_digest(conn).encode())
    for path in _inputs(ws):
        digest.update(f"\n{path}\n".encode())
        digest.update(path.read_bytes())
    for name in WRITERS:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        stat = origin.stat() if origin else None
        digest.update(f"\n{name} {origin} {stat and (stat.st_size, stat.st_mtime_ns)}".encode())
    return digest.hexdigest()


def _inputs(ws: Workspace) -> list[Path]:
    """The plan's folder, nap.toml, and every editable data file, the workspace's own and
    the shipped ones (wording, reference document, languages): an edit to any rewrites."""
    files = [p for p in ws.plan_file.parent.iterdir() if p.is_file()]
    files.append(ws.root / SETTINGS_FILE)
    for folder in (ws.root / DATA_DIR, shipped_data_file("report").parent):
        if folder.is_dir():
            files.extend(p for p in folder.rglob("*") if p.is_file())
    return sorted({p for p in files if p.is_file()})


def current(ws: Workspace, period: int, print_: str) -> Written | None:
    """The last run's record when it was made from the same fingerprint and every file it
    wrote is still there, unchanged (not deleted, not edited and saved over)."""
    try:
        record = Written(**json.loads((ws.period_dir(period) / RECORD).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if record.fingerprint != print_ or not record.outputs:
        return None
    folder = ws.period_dir(period)
    for name, sha in record.outputs.items():
        if not (folder / name).is_file() or _sha256(folder / name) != sha:
            return None
    return record


def remember(ws: Workspace, period: int, print_: str, outputs: Iterable[Path]) -> None:
    """Written after the outputs: a run killed before this line rewrites them next time."""
    written = {p.name: _sha256(p) for p in outputs}
    when = dt.datetime.now().isoformat(timespec="seconds")
    text = json.dumps({"fingerprint": print_, "outputs": written, "when": when}, indent=1)
    with atomic_path(ws.period_dir(period) / RECORD) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

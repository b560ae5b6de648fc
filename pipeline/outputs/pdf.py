"""PDF copies of the reports, made by LibreOffice where it is installed: it fills the page
numbers of the contents as it lays the pages out, so the PDF can be sent as it is. Never part
of the nightly run, which must not depend on an office program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.failures import NapError

TIMEOUT_S = 300
# The export filter of each kind of document. A tagged PDF carries the headings, the
# alternative text of the charts and the table headers, as the .docx does, for screen readers.
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}
TAGGED = {"UseTaggedPDF": {"type": "boolean", "value": "true"}}


def office() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(
    sources: Sequence[Path], dest_dir: Path, *, options: dict[str, object] | None = None
) -> list[Path]:
    """Each source (.docx, .xlsx) as dest_dir/<name>.pdf, with the export `options` (tagged
    by default). A PDF appears whole or not at all: LibreOffice writes into a folder of its
    own, then each file is moved."""
    program = office()
    if program is None:
        raise NapError(
            "LibreOffice (soffice) is not installed, so no PDF can be made; install it, or "
            "open the .docx in Word and save it as PDF"
        )
    unknown = [s.name for s in sources if s.suffix.lower() not in FILTERS]
    if unknown:
        raise NapError(f"{unknown[0]}: only .docx and .xlsx files are made into PDF here")
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".nap-pdf-", dir=dest_dir) as tmp:
        work = Path(tmp).resolve()
        for suffix, export in FILTERS.items():
            kind = [s for s in sources if s.suffix.lower() == suffix]
            if kind:
                _convert(program, kind, work, f"pdf:{export}:{json.dumps(options or TAGGED)}")
        return [_move(work / f"{source.stem}.pdf", dest_dir, source) for source in sources]


def _convert(program: str, sources: Sequence[Path], work: Path, convert_to: str) -> None:
    """One LibreOffice start for all `sources`, with a profile of its own so that a
    LibreOffice the user has open neither blocks nor receives the conversion."""
    command = [
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        convert_to,
        "--outdir",
        str(work),
        *(str(s.resolve()) for s in sources),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise NapError(
            f"LibreOffice took more than {TIMEOUT_S} s to make the PDF; close it if it is open "
            "and hangs, then try again"
        ) from None


def _move(made: Path, dest_dir: Path, source: Path) -> Path:
    if not made.is_file():
        raise NapError(
            f"LibreOffice did not convert {source.name} to PDF; open it in LibreOffice to see "
            "why, or save it as PDF from Word"
        )
    dest = dest_dir / made.name
    try:
        os.replace(made, dest)
    except OSError as exc:
        raise NapError(f"cannot write {dest}: {exc}; is it open in a PDF reader?") from exc
    return dest

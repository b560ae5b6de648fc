"""The documents as a reader gets them: the demo's report and workbook, and the same ledger's
in a real workspace, marked SAMPLE or not, and rendered to PDF by LibreOffice page by page.

The PDF checks need LibreOffice (soffice) and poppler (pdftotext); they are skipped, with
that reason, on a machine without them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo import PERIOD, run_demo
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.outputs.pdf import office, to_pdf
from pipeline.outputs.report.writer import write_report
from pipeline.workspace import Workspace

TODAY = dt.date(2020, 5, 4)
RENDERS = office() is not None and shutil.which("pdftotext") is not None
needs_office = pytest.mark.skipif(
    not RENDERS,
    reason="LibreOffice (soffice) or poppler (pdftotext) is not installed: the reports are "
    "not rendered to PDF here",
)


@dataclass
class Outputs:
    report: Path
    workbook: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    outputs = run_demo(tmp_path_factory.mktemp("documents") / "demo").outputs
    return Outputs(outputs["report"][0], outputs["consolidated"][0])


@pytest.fixture(scope="module")
def real(demo: Outputs, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """The demo's ledger in a workspace whose settings do not say sample: a real report."""
    root = tmp_path_factory.mktemp("documents") / "real"
    shutil.copytree(demo.report.parents[2], root)
    settings = root / "nap.toml"
    settings.write_text(settings.read_text().replace("sample = true", ""), encoding="utf-8")
    ws = Workspace.open(root)
    report = write_report(ws, PERIOD, final=True, today=TODAY)
    return Outputs(report, consolidate(ws, PERIOD)[0])


def _marks(report: Path) -> tuple[str, list[str], str]:
    """What a reader sees first: the document's title, the cover's marks, the page header."""
    doc = docx.Document(str(report))
    cover = [p.text for p in doc.paragraphs if p.style.name == "Draft Mark"]
    header = "".join(p.text for p in doc.sections[0].header.paragraphs)
    return doc.core_properties.title, cover, header


def _titles(workbook: Path) -> list[str]:
    book = openpyxl.load_workbook(workbook, read_only=True)
    titles = [str(next(sheet.iter_rows(max_row=1, values_only=True))[0]) for sheet in book]
    book.close()
    return [*titles, book.properties.title]


def test_the_demo_says_sample_on_the_cover_the_header_and_every_title(demo: Outputs) -> None:
    title, cover, header = _marks(demo.report)
    assert title.startswith("SAMPLE – ")
    assert cover[0].startswith("SAMPLE – made-up figures")
    assert header.endswith("SAMPLE · DRAFT")
    assert all(t.startswith("SAMPLE – ") for t in _titles(demo.workbook))


def test_a_real_workspace_is_never_marked_sample(real: Outputs) -> None:
    title, cover, header = _marks(real.report)
    assert "SAMPLE" not in title and cover == [] and "SAMPLE" not in header
    assert [t for t in _titles(real.workbook) if "SAMPLE" in t] == []


def test_the_workbook_keeps_the_registers_notes_on_its_glossary_sheet(demo: Outputs) -> None:
    sheet = openpyxl.load_workbook(demo.workbook)["Glossary"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=5, values_only=True)}
    meaning, note, source = rows["MJ"]
    assert (meaning, source) == ("Ministry of Justice", "reconstructed")
    assert "reporting code" in note


def test_every_chart_of_the_workbook_has_axis_titles(demo: Outputs) -> None:
    with zipfile.ZipFile(demo.workbook) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    for chart in charts:
        for axis in re.findall(r"<c:(?:valAx|catAx)>.*?</c:(?:valAx|catAx)>", chart, re.S):
            assert "<c:title>" in axis


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines, as poppler lays them out, blank lines dropped."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [[line for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def rendered(demo: Outputs, real: Outputs, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not RENDERS:
        pytest.skip("LibreOffice (soffice) or poppler (pdftotext) is not installed")
    out = tmp_path_factory.mktemp("pdf")
    shutil.copyfile(real.report, out / "real_report.docx")
    pdfs = to_pdf([demo.report, out / "real_report.docx", demo.workbook], out)
    return {"demo": _pages(pdfs[0]), "real": _pages(pdfs[1]), "workbook": _pages(pdfs[2])}


CONTENTS_LINE = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)$")


@needs_office
def test_the_pdf_of_the_report_has_a_filled_contents_page(rendered: dict) -> None:
    pages = rendered["demo"]
    assert 25 <= len(pages) <= 60
    contents = pages[1]
    assert "Contents" in contents[1]
    listed = [m.groups() for line in contents if (m := CONTENTS_LINE.match(line))]
    chapters = ["Executive summary", "Returns of the ministries", "I. Participation"]
    chapters += ["II. Prevention", "III. Protection, relief and recovery", "IV. Promotion"]
    assert [t for t, _ in listed if t in chapters] == chapters
    for title, page in listed:
        if title in chapters:  # each chapter opens its page, below the running header
            assert pages[int(page) - 1][1].strip() == title
    assert not any("Right-click" in line for page in pages for line in page)


@needs_office
def test_no_page_of_the_documents_is_blank(rendered: dict) -> None:
    for name in ("demo", "real"):
        for number, page in enumerate(rendered[name][1:], start=2):
            body = [line for line in page[1:] if not re.fullmatch(r"\s*Page \d+ of \d+", line)]
            assert body, f"page {number} of the {name} report is blank"
    assert all(rendered["workbook"]), "a page of the workbook is blank"


@needs_office
def test_sample_is_printed_only_on_the_demos_pages(rendered: dict) -> None:
    demo, real = rendered["demo"], rendered["real"]
    assert "SAMPLE" in " ".join(demo[0])
    assert all(page[0].rstrip().endswith("SAMPLE · DRAFT") for page in demo[1:])
    assert "SAMPLE" in rendered["workbook"][0][0]
    assert "SAMPLE" not in " ".join(real[0])
    assert [page[0] for page in real[1:] if "SAMPLE" in page[0]] == []


@needs_office
def test_report_pdf_from_the_command_line(real: Outputs) -> None:
    root = real.report.parents[2]
    result = CliRunner().invoke(cli, ["--root", str(root), "report", "--period", "2019", "--pdf"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "wrote outbox/2019/committee_report_2019.pdf"
    assert (root / "outbox" / "2019" / "committee_report_2019.pdf").stat().st_size > 10_000
    assert not list((root / "outbox" / "2019").glob(".nap-pdf-*"))


def test_report_pdf_without_libreoffice_says_what_to_do(
    real: Outputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine where LibreOffice is not installed
    root = real.report.parents[2]
    result = CliRunner().invoke(cli, ["--root", str(root), "report", "--period", "2019", "--pdf"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: LibreOffice (soffice) is not installed, so no PDF can be made; install it, or "
        "open the .docx in Word and save it as PDF"
    )
    assert (root / "outbox" / "2019" / "committee_report_2019.docx").is_file()

"""The committee report and the mid-term report, built end to end from filled templates."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from pipeline import excel_style as style
from pipeline.cli import cli
from pipeline.failures import NapError
from pipeline.intake.ingest import ingest
from pipeline.ledger import connect
from pipeline.outputs.period_data import COLOURS
from pipeline.outputs.report.accessibility import check_document
from pipeline.outputs.report.writer import write_interim, write_report
from pipeline.plan.register import Plan
from pipeline.template.contract import PROGRESS_STATUSES
from pipeline.template.issue import issue_templates
from pipeline.workspace import Workspace, shipped_data_file
from tests.conftest import signed_workspace
from tests.filling import fill_template, sample_answers

TODAY = dt.date(2020, 4, 20)
MISSING = "ME"
LATE = "MJ"


def planted(code: str, period: int) -> str:
    return f"PLANTED-NARRATIVE-{code}-{period}"


def _answers(plan: Plan, code: str, period: int) -> dict[str, dict[str, object]]:
    """Sample answers with a planted narrative, a formula-like text and a line break; MSI
    leaves the activities of an action in progress empty, which is a warning."""
    answers = sample_answers(plan, code, period, seed=period % 5)
    first, second, *rest = answers
    answers[first]["activities"] = planted(code, period)
    answers[second]["challenges"] = "=SUM(A1)"
    answers[second]["next_steps"] = "Line one\nLine two"
    if code == "MSI":
        quiet = next(a for a in rest if answers[a]["status"] in PROGRESS_STATUSES)
        answers[quiet].pop("activities")
    return answers


def _return(ws: Workspace, plan: Plan, period: int, codes: list[str], on: dt.date) -> None:
    """The ministries fill in their templates and the coordinator ingests them on a day."""
    for code in codes:
        template = ws.templates_dir(period) / f"{code}.xlsx"
        fill_template(template, ws.inbox / f"{code}_{period}.xlsx", _answers(plan, code, period))
    moment = dt.datetime(on.year, on.month, on.day, 9, tzinfo=dt.UTC)
    ingest(ws, settle=0, now=lambda: moment)


def _cycle(ws: Workspace, plan: Plan) -> None:
    """2018: three ministries report. 2019: all but ME, MJ's after the deadline (31 March)."""
    for period in (2018, 2019):
        issue_templates(ws, period, today=dt.date(period + 1, 1, 10))
    _return(ws, plan, 2018, ["MAEE", "MSI", "MEGA"], dt.date(2019, 3, 15))
    on_time = [c for c in plan.ministry_codes if c not in (MISSING, LATE)]
    _return(ws, plan, 2019, on_time, dt.date(2020, 3, 15))
    _return(ws, plan, 2019, [LATE], dt.date(2020, 4, 10))


@dataclass
class Cycle:
    ws: Workspace
    plan: Plan
    path: Path
    doc: docx.document.Document
    data: bytes


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory, plan: Plan) -> Iterator[Cycle]:
    with signed_workspace(tmp_path_factory, "report") as ws:
        _cycle(ws, plan)
        path = write_report(ws, 2019, today=TODAY)
        yield Cycle(ws, plan, path, docx.Document(str(path)), path.read_bytes())


def paragraphs(doc) -> Iterator[Paragraph]:
    """Every paragraph of the body, table cells included, in reading order."""
    for p in doc.element.body.iter(qn("w:p")):
        yield Paragraph(p, doc)


def text_of(doc) -> str:
    header = [p.text for s in doc.sections for p in s.header.paragraphs]
    return "\n".join([*header, *(p.text for p in paragraphs(doc))])


def section(doc, heading: str) -> list:
    """The body elements after a heading, up to the next heading of the same or higher level."""
    body = list(doc.element.body)
    for index, element in enumerate(body):
        if element.tag == qn("w:p") and Paragraph(element, doc).text == heading:
            level = Paragraph(element, doc).style.name
            found = []
            for after in body[index + 1 :]:
                if after.tag == qn("w:p"):
                    style = Paragraph(after, doc).style.name
                    if style.startswith("Heading") and style <= level:
                        break
                found.append(after)
            return found
    raise AssertionError(f"no heading {heading!r}")


def rows_of(table_element, doc) -> list[list[str]]:
    return [
        ["".join(Paragraph(p, doc).text for p in tc.iter(qn("w:p"))) for tc in tr.iter(qn("w:tc"))]
        for tr in table_element.iter(qn("w:tr"))
    ]


def first_table(doc, heading: str) -> list[list[str]]:
    table = next(e for e in section(doc, heading) if e.tag == qn("w:tbl"))
    return rows_of(table, doc)


CURRENT = "SELECT id FROM submissions WHERE period = :period AND current = 1"


def ledger_figures(ws: Workspace, plan: Plan, period: int) -> dict[str, float]:
    """The key figures computed straight from the ledger, independently of the report."""
    with connect(ws.ledger_path) as conn:

        def query(sql: str) -> list:
            return conn.execute(sql.format(current=CURRENT), {"period": period}).fetchall()

        accepted = [r[0] for r in query("SELECT ministry FROM submissions WHERE id IN ({current})")]
        statuses = dict(
            query(
                "SELECT value, COUNT(*) FROM cell_values WHERE field = 'status' "
                "AND submission_id IN ({current}) GROUP BY value"
            )
        )
        sums = dict(
            query(
                "SELECT field, SUM(number) FROM cell_values WHERE submission_id IN ({current}) "
                "AND field IN ('women', 'men', 'amount') GROUP BY field"
            )
        )
        [(reported,)] = query(
            "SELECT COUNT(DISTINCT action_id) FROM cell_values WHERE field = 'status' "
            "AND submission_id IN ({current})"
        )
    pairs_of = {m: len(plan.actions_for(m)) for m in plan.ministry_codes}
    applicable = sum(n for s, n in statuses.items() if s != "Not applicable")
    done = statuses.get("Completed", 0) + statuses.get("Ongoing", 0)
    expected = sum(pairs_of.values()) - statuses.get("Not applicable", 0)
    return {
        "accepted": len(accepted),
        "reported": reported,
        "No status": sum(pairs_of[m] for m in accepted) - sum(statuses.values()),
        "No return": sum(n for m, n in pairs_of.items() if m not in accepted),
        **{f"status:{s}": n for s, n in statuses.items()},
        "progress": f"{done / expected:.1%} ({done} of {expected})",
        "progress_reported": f"{done / applicable:.1%} ({done} of {applicable})",
        "amount": sums["amount"],
    }


def test_key_figures_are_those_of_the_ledger(cycle: Cycle) -> None:
    shown = {row[0]: row[1] for row in first_table(cycle.doc, "Executive summary")[1:]}
    expected = ledger_figures(cycle.ws, cycle.plan, 2019)
    assert shown["Returns accepted"] == f"{expected['accepted']} of 8 ministries"
    assert shown["Actions with a reported status"] == f"{expected['reported']} of 55 actions"
    for status in ("Not started", "In progress", "Ongoing", "Completed", "Not applicable"):
        assert int(shown[f"    of which {status}"]) == expected.get(f"status:{status}", 0)
    assert int(shown["    of which No status"]) == expected["No status"]
    assert int(shown["    of which No return"]) == expected["No return"] > 0
    headline = "Share of the expected action reports completed or ongoing"
    assert shown[headline] == expected["progress"]
    reported = "Share completed or ongoing, of the action reports with a status"
    assert shown[reported] == expected["progress_reported"]
    amount = shown["Amount reported (EUR)"]
    assert amount.startswith("EUR ")
    assert float(amount[4:].replace(",", "")) == pytest.approx(expected["amount"], abs=0.01)


def test_every_pillar_and_every_ministry_appears(cycle: Cycle) -> None:
    headings = [p.text for p in cycle.doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.title for p in cycle.plan.pillars] == [h for h in headings if ". " in h]
    returns = first_table(cycle.doc, "Returns of the ministries")
    assert [r[0] for r in returns[1:]] == [f"{m.code} – {m.name}" for m in cycle.plan.ministries]
    text = text_of(cycle.doc)
    assert all(f"{a.id} " in text for a in cycle.plan.actions)


def test_ministry_text_appears_verbatim_and_as_text(cycle: Cycle) -> None:
    text = text_of(cycle.doc)
    for code in cycle.plan.ministry_codes:
        assert (planted(code, 2019) in text) is (code != MISSING)
        assert planted(code, 2018) not in text
    runs = [r.text for p in paragraphs(cycle.doc) for r in p.runs]
    assert "=SUM(A1)" in runs
    assert "Line one\nLine two" in runs


def test_charts_are_embedded_with_captions_and_alternative_text(cycle: Cycle) -> None:
    assert len(cycle.doc.inline_shapes) == 3  # status, women, year over year (2018 exists)
    captions = [p.text for p in cycle.doc.paragraphs if p.style.name == "Caption"]
    figures = [c.split(".")[0] for c in captions if c.startswith("Figure")]
    assert figures == ["Figure 1", "Figure 2", "Figure 3"]
    described = [s._inline.docPr.get("descr") for s in cycle.doc.inline_shapes]
    key = ledger_figures(cycle.ws, cycle.plan, 2019)
    assert f"{key['status:Completed']} Completed" in described[0]
    assert "parity" in described[1] and "action I." in described[1]
    assert f"2019: {key['progress']}" in described[2]


def test_key_figures_and_summary_tables_have_captions(cycle: Cycle) -> None:
    captions = [p.text for p in cycle.doc.paragraphs if p.style.name == "Caption"]
    assert "Table 1. Key figures, 2019" in captions
    assert first_table(cycle.doc, "Executive summary")[0] == ["Key figure", "2019", "Counted over"]


def test_status_cells_are_colour_coded(cycle: Cycle) -> None:
    table = next(e for e in section(cycle.doc, "Status of the actions") if e.tag == qn("w:tbl"))
    coded = {
        (tc.xpath("string(.)"), shd.get(qn("w:fill")))
        for tc in table.iter(qn("w:tc"))
        for shd in tc.iter(qn("w:shd"))
    }
    assert coded
    assert all(COLOURS[status] == fill for status, fill in coded)


def test_missing_and_late_returns_are_named(cycle: Cycle) -> None:
    rows = first_table(cycle.doc, "Missing and late returns")
    assert [(r[0], r[2]) for r in rows[1:]] == [(LATE, "late"), (MISSING, "missing")]
    late = next(r for r in rows if r[0] == LATE)
    assert "10 days after the deadline" in late[3]
    assert "Ministry of State" in next(r for r in rows if r[0] == MISSING)[1]


def test_warnings_name_the_row_and_column_in_words(cycle: Cycle) -> None:
    rows = first_table(cycle.doc, "Points to check in the accepted returns")
    assert rows[0] == ["Ministry", "Where", "Point to check"]
    assert {r[0] for r in rows[1:]} == {"MSI"}
    for _, where, message in rows[1:]:
        assert re.fullmatch(r"row [IV]+\.\d\d, column Activities carried out", where)
        assert "no activities" in message


def test_source_files_are_listed_with_their_checksums(cycle: Cycle) -> None:
    rows = first_table(cycle.doc, "Source files")
    with connect(cycle.ws.ledger_path) as conn:
        expected = {r[0] for r in conn.execute("SELECT sha256 FROM files WHERE period = 2019")}
    assert {r[5] for r in rows[1:]} == expected
    assert {r[4] for r in rows[1:]} == {"used in this report"}


def test_contents_list_every_chapter_with_a_page_reference(cycle: Cycle) -> None:
    """Each line of the contents links to a bookmark on its heading and shows its page
    through a PAGEREF field, which needs no update in LibreOffice or its PDF."""
    body = cycle.doc.element.body
    marks = {
        b.get(qn("w:name")): Paragraph(b.getparent(), cycle.doc).text
        for b in body.iter(qn("w:bookmarkStart"))
    }
    lines = [p for p in cycle.doc.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    listed = []
    for line in lines:
        [link] = line._p.iter(qn("w:hyperlink"))
        [instruction] = [i.text.split() for i in line._p.iter(qn("w:instrText"))]
        assert instruction[0] == "PAGEREF" and instruction[1] == link.get(qn("w:anchor"))
        listed.append(marks[instruction[1]])
    headings = [p.text for p in cycle.doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert listed == headings
    assert [p.title for p in cycle.plan.pillars] == [h for h in listed if ". " in h]
    assert "Right-click" not in text_of(cycle.doc)
    footer = cycle.doc.sections[0].footer._element
    assert [i.text.strip() for i in footer.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    assert round(cycle.doc.sections[0].page_width.cm, 1) == 21.0  # A4


def test_a_draft_unless_final(cycle: Cycle) -> None:
    assert "DRAFT" in text_of(cycle.doc)
    final = docx.Document(str(write_report(cycle.ws, 2019, today=TODAY, final=True)))
    assert "DRAFT" not in text_of(final)
    assert planted("MJ", 2019) in text_of(final)


def test_same_ledger_and_date_give_the_same_document(cycle: Cycle) -> None:
    again = write_report(cycle.ws, 2019, today=TODAY)
    assert text_of(docx.Document(str(again))) == text_of(cycle.doc)
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(cycle.data).digest()
    assert cycle.doc.core_properties.created == dt.datetime(2020, 4, 20, tzinfo=dt.UTC)


def test_a_period_with_no_accepted_return_is_refused(cycle: Cycle) -> None:
    with pytest.raises(NapError, match="no accepted return for 2020") as info:
        write_report(cycle.ws, 2020, today=TODAY)
    assert "\n" not in str(info.value)
    assert not (cycle.ws.period_dir(2020) / "committee_report_2020.docx").exists()


def test_wording_is_edited_without_code(cycle: Cycle) -> None:
    own = cycle.ws.root / "workbook_templates" / "report" / "wording.toml"
    own.parent.mkdir(parents=True)
    shipped = shipped_data_file("report/wording.toml").read_text(encoding="utf-8")
    try:
        own.write_text(shipped.replace('title = "Executive summary"', 'title = "Summary $period"'))
        doc = docx.Document(str(write_interim(cycle.ws, 2018, 2019, today=TODAY)))
        assert "Summary 2019" in [p.text for p in doc.paragraphs]
        own.write_text(shipped.replace("Annual report $period", "Annual report $year"))
        with pytest.raises(NapError, match=r"wording.toml, cover.annual_title: .*\$year"):
            write_report(cycle.ws, 2019, today=TODAY)
    finally:
        shutil.rmtree(own.parent.parent)


def test_interim_report_traces_every_action_across_years(cycle: Cycle) -> None:
    path = write_interim(cycle.ws, 2018, 2019, today=TODAY)
    assert path == cycle.ws.outbox / "interim_report_2018-2019.docx"
    doc = docx.Document(str(path))
    text = text_of(doc)
    assert "Mid-term report 2018–2019" in text and "Government Council" in text
    progress = [
        row
        for e in section(doc, "Progress of the actions")
        if e.tag == qn("w:tbl")
        for row in rows_of(e, doc)[1:]
    ]
    pairs = {(a.id, m) for a in cycle.plan.actions for m in a.ministries}
    assert len(progress) == len(pairs)
    assert {r[0].split(" ")[0] for r in progress if r[0]} == {a.id for a in cycle.plan.actions}
    assert {r[2] for r in progress if r[1] == MISSING} == {"No return"}
    summary = first_table(doc, "Summary by ministry")
    assert {(r[0], r[1]) for r in summary[1:]} == {
        (m, str(y)) for m in cycle.plan.ministry_codes for y in (2018, 2019)
    }
    assert [r[2] for r in summary[1:] if r[0] == "MJ"] == ["missing", "late (10 days)"]
    assert len(doc.inline_shapes) == 1
    with pytest.raises(NapError, match="no accepted return for 2021-2022"):
        write_interim(cycle.ws, 2021, 2022, today=TODAY)


@pytest.fixture(scope="module")
def interim(cycle: Cycle) -> Path:
    return write_interim(cycle.ws, 2018, 2019, today=TODAY)


def test_the_annual_and_interim_reports_pass_the_accessibility_check(
    cycle: Cycle, interim: Path
) -> None:
    assert check_document(cycle.path) == []
    assert check_document(interim) == []
    result = CliRunner().invoke(cli, ["accessibility", str(cycle.path), str(interim)])
    assert result.exit_code == 0, result.output
    assert "2 document(s) checked: nothing missing" in result.output


def _inaccessible(path: Path) -> Path:
    """What a report edited by hand can become: a picture without words, a table without a
    header row, a heading that skips a level, no language and no title."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(picture, format="PNG")
    doc = docx.Document()
    doc.core_properties.title = ""
    doc.add_heading("Chapter", 1)
    doc.add_heading("An action", 3)
    doc.add_picture(picture)
    doc.add_table(rows=2, cols=2).cell(0, 0).text = "no header row"
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for element in lang.findall(qn("w:lang")):
        lang.remove(element)
    doc.save(str(path))
    return path


def test_the_accessibility_check_names_each_problem_and_fails(tmp_path: Path) -> None:
    path = _inaccessible(tmp_path / "edited.docx")
    found = [(f.where, f.rule) for f in check_document(path)]
    assert found == [
        ("document", "no-title"),
        ("document", "no-language"),
        ("picture 1", "no-alt-text"),
        ("table 1 (after 'An action')", "no-header-row"),
        ("heading 'An action'", "heading-skips-a-level"),
    ]
    result = CliRunner().invoke(cli, ["accessibility", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[2] == (
        "edited.docx: picture 1: no-alt-text: no alternative text; right-click it > View Alt "
        "Text and say what it shows"
    )
    assert lines[-1].startswith("Error: 5 accessibility problem(s) in 1 document(s)")


JARGON = ("pair", "ledger", "Report!", "Right-click", "update the table")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_plain_words_and_one_date_format(cycle: Cycle, interim: Path) -> None:
    for doc in (cycle.doc, docx.Document(str(interim))):
        text = text_of(doc)
        assert [t for t in JARGON if t.lower() in text.lower()] == []
        assert ISO_DATE.findall(text) == []
        assert "20 April 2020" in text  # the report's date
    returns = first_table(cycle.doc, "Returns of the ministries")
    assert {r[1] for r in returns[1:] if r[1]} == {"15 March 2020", "10 April 2020"}


def test_late_returns_are_marked_late_in_words_and_colour(cycle: Cycle) -> None:
    table = next(e for e in section(cycle.doc, "Returns of the ministries") if e.tag == qn("w:tbl"))
    outcome = {}
    for tr in list(table.iter(qn("w:tr")))[1:]:
        cells = list(tr.iter(qn("w:tc")))
        fill = cells[2].find(f"{qn('w:tcPr')}/{qn('w:shd')}")
        outcome[cells[0].xpath("string(.)").split(" – ")[0]] = (
            cells[2].xpath("string(.)"),
            fill.get(qn("w:fill")),
        )
    assert outcome[LATE] == ("accepted, 10 days late", style.LATE_FILL)
    assert outcome["MAEE"] == ("accepted", style.ON_TIME_FILL)
    assert outcome[MISSING] == ("missing", COLOURS["No return"])
    assert len({style.LATE_FILL, style.ON_TIME_FILL, COLOURS["No return"]}) == 3


def test_the_glossary_gives_definitions_without_the_registers_notes(cycle: Cycle) -> None:
    rows = first_table(cycle.doc, "Glossary of acronyms")
    assert dict(rows[1:]) == {g.term: g.meaning for g in cycle.plan.glossary}
    notes = [g.note for g in cycle.plan.glossary if g.note]
    assert len(notes) >= 5
    text = text_of(cycle.doc)
    assert [n for n in notes if n in text] == []
    assert "translation artefact" not in text and "reporting code" not in text


def test_the_language_is_set_and_nothing_says_sample(cycle: Cycle) -> None:
    assert cycle.doc.core_properties.language == "en-GB"
    assert "SAMPLE" not in cycle.doc.core_properties.title
    covers = [p.text for p in cycle.doc.paragraphs if p.style.name == "Draft Mark"]
    assert covers == ["DRAFT – for discussion, not for circulation"]
    header = "".join(p.text for s in cycle.doc.sections for p in s.header.paragraphs)
    assert header.endswith("Annual report 2019\tDRAFT")

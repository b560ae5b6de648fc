"""French throughout: French templates, returns in either language consolidating into the
same figures, French messages and documents, and every catalogue key in both languages."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo import PERIOD, with_language_column
from pipeline.intake.ingest import ingest
from pipeline.intake.status import period_status
from pipeline.ledger import connect, current_submissions, submission_values
from pipeline.outputs.consolidated.tables import build_tables, read_values
from pipeline.outputs.consolidated.workbook import write_workbook
from pipeline.outputs.figures import tally
from pipeline.outputs.key_figures import key_figures
from pipeline.outputs.pdf import office
from pipeline.outputs.period_data import load_period, load_periods
from pipeline.outputs.report.writer import write_report
from pipeline.outputs.wording import words_for
from pipeline.plan.translation import translated
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from pipeline.untranslated import untranslated
from pipeline.workspace import DATA_DIR, Workspace, shipped_data_file
from tests.filling import fill_template, sample_answers
from tests.office import OFFICE_SETTINGS

YEAR = 2019
MINISTRIES = ("MAEE", "MEGA", "MJ")


def _workspace(root: Path, language: str, english_speaking: str = "") -> Workspace:
    ws = Workspace.open(root, create=True)
    (ws.root / "nap.toml").write_text(
        f'language = "{language}"\n' + OFFICE_SETTINGS, encoding="utf-8"
    )
    contacts = ws.root / DATA_DIR / "contacts.csv"
    contacts.parent.mkdir(parents=True)
    shutil.copyfile(shipped_data_file("contacts.csv"), contacts)
    if english_speaking:
        with_language_column(contacts, {english_speaking: "en"})
    return Workspace.open(root)


def _cycle(ws: Workspace, statuses: dict[str, str] | None = None) -> None:
    """Issue, fill the same answers in every template's own language, ingest."""
    issue_templates(ws, YEAR, ministries=MINISTRIES)
    for code in MINISTRIES:
        answers = sample_answers(ws.plan, code, YEAR)
        for action_id, typed in (statuses or {}).items():
            if action_id in answers:
                answers[action_id]["status"] = typed
        fill_template(ws.template_path(YEAR, code), ws.inbox / f"{code}.xlsx", answers)
    assert [o.outcome for o in ingest(ws).outcomes] == ["accepted"] * len(MINISTRIES)


def build(ws: Workspace, words):
    """The tables of the consolidated workbook of YEAR, as `nap consolidate` builds them."""
    with connect(ws.ledger_path) as conn:
        values = read_values(conn, YEAR, ws.plan)
    return build_tables(load_periods(ws, [YEAR]), values, words)


def _meta(path: Path) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    return {row[0]: row[1] for row in book[c.META].iter_rows(values_only=True)}


def _stored(ws: Workspace) -> dict[tuple[str, str, str], str]:
    with connect(ws.ledger_path) as conn:
        return {
            (sub.ministry, v.action_id, v.field): v.value
            for sub in current_submissions(conn, YEAR)
            for v in submission_values(conn, sub.id)
        }


def test_a_french_template_speaks_french_and_signs_its_language(workspace):
    (workspace.root / "nap.toml").write_text(
        'language = "fr"\n' + OFFICE_SETTINGS, encoding="utf-8"
    )
    ws = Workspace.open(workspace.root)
    (path,) = issue_templates(ws, YEAR, ministries=["MEGA"])
    meta = _meta(path)
    assert (meta["language"], meta["schema_version"]) == ("fr", c.SCHEMA_VERSION)
    sheet = openpyxl.load_workbook(path)[c.REPORT]
    headers = [cell.value for cell in sheet[c.HEADER_ROW]]
    assert headers[:2] == ["N° de l'action", "Pilier"]
    assert "Statut" in headers and "Status" not in headers
    (status_list,) = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert status_list.formula1 == '"Non commencé,En cours,Permanent,Réalisé,Sans objet"'
    first = sheet.cell(c.FIRST_DATA_ROW, c.COLUMN_INDEX["objective"]).value
    assert first == translated(ws.plan, "fr").actions_for("MEGA")[0].objective
    assert first.startswith("Promouvoir une représentation égale des femmes et des hommes")
    assert "31 mars 2020" in sheet.cell(c.SUBTITLE_ROW, 1).value


def test_french_and_english_returns_consolidate_into_the_same_figures(tmp_path):
    english = _workspace(tmp_path / "en", "en")
    mixed = _workspace(tmp_path / "fr", "fr", english_speaking="MJ")
    _cycle(english)
    _cycle(mixed)
    languages = {code: _meta(mixed.template_path(YEAR, code))["language"] for code in MINISTRIES}
    assert languages == {"MAEE": "fr", "MEGA": "fr", "MJ": "en"}
    assert _stored(mixed) == _stored(english)
    figures = []
    for ws in (english, mixed):
        with connect(ws.ledger_path) as conn:
            data = load_period(conn, period_status(ws, YEAR), 0, ws.language)
        shown = [(k.value, k.kind) for k in key_figures(data, words_for(english, {}))]
        figures.append((shown, data.pair_counts()))
    assert figures[0] == figures[1]


def test_a_status_in_either_language_is_stored_once_in_english(workspace):
    (workspace.root / "nap.toml").write_text(
        'language = "fr"\n' + OFFICE_SETTINGS, encoding="utf-8"
    )
    ws = Workspace.open(workspace.root)
    ids = [a.id for a in ws.plan.actions_for("MEGA")][:3]
    typed = dict(zip(ids, ["Réalisé", "in progress", "  sans   OBJET "], strict=True))
    issue_templates(ws, YEAR, ministries=["MEGA"])
    answers = sample_answers(ws.plan, "MEGA", YEAR)
    for action_id, status in typed.items():
        answers[action_id]["status"] = status
    fill_template(ws.template_path(YEAR, "MEGA"), ws.inbox / "MEGA.xlsx", answers)
    (outcome,) = ingest(ws).outcomes
    assert outcome.outcome == "accepted"
    stored = _stored(ws)
    assert [stored[("MEGA", i, "status")] for i in ids] == [
        "Completed",
        "In progress",
        "Not applicable",
    ]


def test_a_status_in_no_language_is_refused_with_the_templates_names(workspace):
    (workspace.root / "nap.toml").write_text(
        'language = "fr"\n' + OFFICE_SETTINGS, encoding="utf-8"
    )
    ws = Workspace.open(workspace.root)
    issue_templates(ws, YEAR, ministries=["MEGA"])
    answers = sample_answers(ws.plan, "MEGA", YEAR)
    first = next(iter(answers))
    answers[first]["status"] = "Fini"
    fill_template(ws.template_path(YEAR, "MEGA"), ws.inbox / "MEGA.xlsx", answers)
    (outcome,) = ingest(ws).outcomes
    (refused,) = [p for p in outcome.problems if p.code == "status-invalid"]
    assert "Non commencé, En cours, Permanent, Réalisé, Sans objet" in refused.message


def test_every_catalogue_key_is_translated_and_a_missing_one_falls_back_to_english(workspace):
    assert untranslated(workspace, "fr") == []
    own = workspace.root / DATA_DIR / "report" / "wording.fr.toml"
    own.parent.mkdir(parents=True)
    text = shipped_data_file("report/wording.fr.toml").read_text(encoding="utf-8")
    own.write_text(text.replace('title = "Synthèse"\n', ""), encoding="utf-8")
    assert untranslated(workspace, "fr") == ["report/wording.fr.toml: summary.title"]
    _cycle(workspace.speaking("fr"))
    report = write_report(workspace.speaking("fr"), YEAR)
    import docx

    headings = [
        p.text for p in docx.Document(str(report)).paragraphs if p.style.name == "Heading 1"
    ]
    assert "Executive summary" in headings and "Retours des ministères" in headings


def _read(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


@pytest.fixture(scope="module")
def french_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-fr") / "demo"
    result = CliRunner().invoke(
        cli, ["demo", "--language", "fr", str(root)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return root


def test_the_french_demo_writes_french_messages_with_an_english_speaking_ministry(french_demo):
    mail = french_demo / "outbox" / str(PERIOD) / "mail"
    french = _read(mail / "templates_MEGA.eml")
    english = _read(mail / "templates_MISA.eml")
    subject = french["Subject"]
    assert subject.startswith("Plan d'action national « Femmes et paix et sécurité »")
    assert "à renvoyer le 31 mars 2020 au plus tard" in subject
    assert english["Subject"].startswith("National Action Plan")
    body = french.get_body().get_content()
    assert (
        "Veuillez trouver ci-joint le modèle de rapport du Ministère de l'Égalité des chances"
        in body
    )
    reminder = _read(mail / "reminder_MSI.eml")
    assert "Le délai du 31 mars 2020 est dépassé." in reminder.get_body().get_content()


def test_the_french_report_is_french_and_accessible(french_demo):
    report = french_demo / "outbox" / str(PERIOD) / f"committee_report_{PERIOD}.docx"
    import docx

    doc = docx.Document(str(report))
    assert doc.core_properties.language == "fr-LU"
    result = CliRunner().invoke(cli, ["accessibility", str(report)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Rapport au Comité interministériel des droits de l'Homme" in text
    assert "le délai était fixé au 31 mars 2020" in text


@pytest.mark.skipif(office() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_french_report_as_pdf_shows_no_english_heading(french_demo, tmp_path):
    import tomllib

    from pipeline.outputs.pdf import to_pdf

    report = french_demo / "outbox" / str(PERIOD) / f"committee_report_{PERIOD}.docx"
    (pdf,) = to_pdf([report], tmp_path)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout

    def titles(name: str) -> dict[str, str]:
        found = tomllib.loads(shipped_data_file(name).read_text("utf-8"))
        return {
            f"{s}.{k}": v for s, t in found.items() for k, v in t.items() if k.endswith("title")
        }

    french = titles("report/wording.fr.toml")
    english = {k: v for k, v in titles("report/wording.toml").items() if v != french[k]}
    assert "Synthèse" in text
    assert [h for h in english.values() if "$" not in h and h in text.splitlines()] == []


def test_the_french_workbook_names_its_sheets_columns_and_statuses_in_french(french_demo):
    book = openpyxl.load_workbook(
        french_demo / "outbox" / str(PERIOD) / f"consolidated_{PERIOD}.xlsx"
    )
    assert book.sheetnames[:4] == ["Vue d'ensemble", "Actions", "Regroupement", "Par pilier"]
    actions = book["Actions"]
    header = [cell.value for cell in actions[4]]
    assert header[:3] == ["N° de l'action", "Pilier", "Objectif"] and "Statut" in header
    statuses = {
        row[header.index("Statut")] for row in actions.iter_rows(min_row=5, values_only=True)
    }
    assert statuses <= {
        "Non commencé",
        "En cours",
        "Permanent",
        "Réalisé",
        "Sans objet",
        "Sans statut",
        "Pas de retour",
    }


def test_the_french_workbook_writes_what_it_makes_from_the_ledger_in_french(french_demo):
    """What each ministry reported, what a later file revised, the coordinator's decisions and
    the workbook's properties: French words, a space before each colon and semicolon."""
    book = openpyxl.load_workbook(
        french_demo / "outbox" / str(PERIOD) / f"consolidated_{PERIOD}.xlsx"
    )
    reported = [row[6] for row in book["Regroupement"].iter_rows(min_row=6, values_only=True)]
    item = (
        r"[A-Z]+ : (Non commencé|En cours|Permanent|Réalisé|Sans objet|Sans statut|Pas de retour)"
    )
    assert [t for t in reported if not re.fullmatch(rf"{item}( ; {item})*", t)] == []
    assert any(" ; " in t for t in reported)
    history = [
        text
        for row in book["Historique"].iter_rows(min_row=5, values_only=True)
        for text in row
        if isinstance(text, str)
    ]
    assert any(re.fullmatch(r"Femmes \d+ → \d+", t) for t in history)
    assert any("Statut Permanent → Réalisé" in t and " (texte réécrit) ; " in t for t in history)
    amount = r"\d{1,3}(?:\u202f\d{3})*,\d\d"  # as Babel writes it in French: 38 250,50
    assert any(re.search(rf"Montant \(EUR\) {amount} → {amount}", t) for t in history)
    decided = [t for t in history if " : a accepté le fichier " in t]
    assert decided and all(" de MAEE (" in t and " ; motif : " in t for t in decided)
    english = ("rewritten", "empty", " accepted ", "why:", "In progress", "Completed", "Ongoing")
    assert [t for t in history + reported if any(word in t for word in english)] == []
    figures = book["Indicateurs"]
    column = [cell.value for cell in figures[4]].index("Dans les totaux")
    counted = {row[column] for row in figures.iter_rows(min_row=5, values_only=True)} - {None}
    assert counted and all(v == "oui" or v.startswith("non : ") for v in counted), counted
    amounts = [row[:2] for row in book["Montants"].iter_rows(values_only=True)]
    assert ("Total", "Tous les piliers") in amounts and ("Total", "Tous les ministères") in amounts
    assert book.properties.title.endswith(f" : retours consolidés de {PERIOD}")
    assert book.properties.subject == f"Retours des ministères pour {PERIOD}"


def test_next_years_french_template_says_the_last_status_in_french(
    french_demo, tmp_path, monkeypatch
):
    """The column "Last period's status" in the template's language: MISA reads English."""
    monkeypatch.delenv("NAP_SIGNING_KEY")  # the demo's own key, in its folder
    root = tmp_path / "demo"
    shutil.copytree(french_demo, root)
    result = CliRunner().invoke(cli, ["--root", str(root), "templates", "--period", "2020"])
    assert result.exit_code == 0, result.output

    def said(code: str) -> set[str]:
        book = openpyxl.load_workbook(root / f"outbox/2020/templates/{code}.xlsx", read_only=True)
        column = c.COLUMN_INDEX["last_status"] - 1
        rows = book[c.REPORT].iter_rows(min_row=c.FIRST_DATA_ROW, values_only=True)
        found = {r[column] for r in rows if r[0]}
        book.close()
        return found

    french = set(c.vocabulary("fr").statuses.values())
    assert said("MAEE") and all(
        re.fullmatch(r"(.+) \(2019\)", v)[1] in french for v in said("MAEE")
    )
    assert said("MSI") == {"pas de retour (2019)"}  # its 2019 return was rejected
    assert all(re.fullmatch(r"(.+) \(2019\)", v)[1] in c.STATUSES for v in said("MISA"))


def test_the_french_report_sets_a_space_before_each_colon(french_demo):
    import docx

    doc = docx.Document(
        str(french_demo / "outbox" / str(PERIOD) / f"committee_report_{PERIOD}.docx")
    )
    texts = [p.text for p in doc.paragraphs] + [doc.core_properties.title]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert len(texts) > 300
    # A colon after a letter, not a time of day (10:00) or an address (https://).
    assert sorted({m for t in texts for m in re.findall(r"\S*[^\s\d]:\s", t)}) == []
    assert any("non comptés : " in t for t in texts)


def test_a_count_of_reports_agrees_with_its_word_in_french(workspace):
    french, english = words_for(workspace, {}, "fr"), words_for(workspace, {}, "en")
    assert tally(french, 1, "rejected") == "1 refusé"
    assert tally(french, 2, "rejected") == "2 refusés"
    assert tally(french, 3, "left_empty") == "3 laissés vides"
    assert tally(french, 2, "no_return") == "2 sans retour"
    assert tally(english, 2, "rejected") == "2 rejected"
    assert tally(english, 1, "left_empty") == "1 left empty"


def test_every_text_of_the_french_workbook_is_translated(tmp_path):
    ws = _workspace(tmp_path / "fr", "fr")
    _cycle(ws)
    words = words_for(ws, {"period": YEAR})
    consolidated = write_workbook(build(ws, words), tmp_path / "out.xlsx", words, [])
    assert consolidated.exists() and words.unphrased == set()


def test_a_french_return_is_answered_in_french(workspace):
    (workspace.root / "nap.toml").write_text(
        'language = "fr"\n' + OFFICE_SETTINGS, encoding="utf-8"
    )
    ws = Workspace.open(workspace.root)
    issue_templates(ws, YEAR, ministries=["MEGA"])
    answers = sample_answers(ws.plan, "MEGA", YEAR)
    first = next(a for a in ws.plan.actions_for("MEGA") if "women_men" in a.measures).id
    answers[first]["women"] = "une vingtaine"
    fill_template(ws.template_path(YEAR, "MEGA"), ws.inbox / "MEGA.xlsx", answers)
    (outcome,) = ingest(ws).outcomes
    assert outcome.outcome == "rejected"
    book = openpyxl.load_workbook(ws.root / outcome.feedback_path)
    assert book.sheetnames[0] == "Erreurs"
    rows = list(book["Erreurs"].iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("Gravité", "Feuille", "Cellule", "Action", "Vous avez saisi", "Problème")
    assert rows[1][0] == "erreur" and rows[1][4] == "une vingtaine"
    assert rows[1][5] == (
        f"{first} : 'une vingtaine' dans Femmes n'est pas un nombre ; "
        "saisissez le nombre de femmes en chiffres, par exemple 12"
    )


def test_every_message_a_ministry_reads_is_in_french():
    """Every problem of an identified return: those of a file that cannot be read come before
    its language is known, and those of the coordinator's own files are not the ministry's."""
    from pipeline.problems import CATALOGUE, translated_messages

    unread = ("file-", "zip-", "xml-", "part-", "too-", "sheet-part", "sheet-too", "data-far")
    unread += ("cell-invalid", "cell-too-long", "meta-language")
    coordinator = ("register-", "contacts-", "import-", "held-", "plan", "carry", "ministries-")
    coordinator += ("settings-", "check-", "placeholder-")
    french = translated_messages("fr")
    codes = [code for code in CATALOGUE if not code.startswith((*unread, *coordinator))]
    assert [code for code in codes if code not in french] == []
    words = ("noun-", "example-", "feedback-", "error", "warning", "hold")
    assert [k for k in french if k not in CATALOGUE and not k.startswith(words)] == []


def test_nap_check_lists_the_texts_a_language_in_use_shows_in_english(workspace):
    (workspace.root / "nap.toml").write_text('language = "fr"\n' + OFFICE_SETTINGS, "utf-8")
    own = workspace.root / DATA_DIR / "mail"
    own.mkdir(parents=True)
    phrases = shipped_data_file("mail/phrases.fr.toml").read_text("utf-8")
    (own / "phrases.fr.toml").write_text(
        "\n".join(line for line in phrases.splitlines() if not line.startswith("deadline_today")),
        "utf-8",
    )

    result = CliRunner().invoke(cli, ["--root", str(workspace.root), "check"])

    assert "translations                     fr: 1 problem" in result.output
    assert "mail/phrases.fr.toml: deadline_today: shown in English" in result.output

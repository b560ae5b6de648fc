"""`nap plan import`: a drafted matrix of the next plan (French headers, merged objectives, a
ministry the 2018-2023 plan did not have) becomes a register, and that register runs a whole
cycle with no code change: templates, ingest, consolidation, reports."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.intake.ingest import ingest
from pipeline.plan.guesses import guess_measures, pillar_heading
from pipeline.plan.ministries_list import Matcher, read_ministries
from pipeline.plan.register import load_plan
from pipeline.plan.words import load_vocabulary
from pipeline.workspace import Workspace, shipped_data_file
from tests import matrices
from tests.filling import fill_template, sample_answers
from tests.matrices import ACTIONS, NEW_MINISTRY, write_matrix, write_ministries
from tests.office import new_workspace

NEW = "lu-wps-2024-2028"
WORDS = load_vocabulary(shipped_data_file("plan_import.toml"))


def nap(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def import_args(folder: Path, *more: str) -> list[str]:
    return matrices.import_args(folder, NEW, *more)


def review_rows(root: Path) -> list[dict[str, str]]:
    path = root / "workbook_templates" / "plans" / NEW / "review.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The matrix imported once with a ministries list that forgets CTIE, then again with
    CTIE as an alias of the digitalisation ministry, as a coordinator would after the review."""
    folder = tmp_path_factory.mktemp("import")
    write_matrix(folder / "matrix.xlsx")
    write_ministries(folder / "ministries.csv")
    root = folder / "ws"
    new_workspace(root)
    first = nap(root, *import_args(folder))
    first_review = review_rows(root)
    write_ministries(folder / "ministries.csv", with_ctie=True)
    again = nap(root, *import_args(folder, "--replace"))
    return root, folder, first, first_review, again


def test_the_first_import_names_the_body_that_maps_to_no_ministry(imported):
    _, _, first, review, _ = imported
    assert first.exit_code == 0, first.output
    assert f"{ACTIONS} actions; reporting ministries:" in first.output
    assert f"{NEW_MINISTRY} (new)" in first.output
    errors = [(r["action"], r["sheet"], r["cell"]) for r in review if r["to_do"] == "correct"]
    assert errors == [("III.06", "Matrice", "E26")]
    assert "review.csv: 1 to correct" in first.output
    assert "Matrice!E26: error: no responsible body of action III.06" in first.output
    assert "Correct it, then check it with: nap plan --plan lu-wps-2024-2028" in first.output


def test_the_review_lists_every_guess_and_the_bodies_of_no_ministry(imported):
    _, _, _, review, _ = imported
    guessed = {r["action"] for r in review if "guessed from" in r["finding"]}
    assert len(guessed) == ACTIONS
    unmapped = {r["finding"].split("'")[1] for r in review if "responsible body '" in r["finding"]}
    assert unmapped == {"CTIE", "Université du Luxembourg", "Service information et presse"}
    findings = " ".join(r["finding"] for r in review)
    assert "column 'Calendrier' is not imported" in findings
    assert "its text was added to action I.06" in findings
    assert "'Source : groupe de travail" in findings and "was left out" in findings
    assert f"{NEW_MINISTRY} is new to contacts.csv" in findings


def test_the_second_import_loads_and_keeps_the_plan_in_force(imported):
    root, _, first, _, again = imported
    assert "kept the plan in force, copied to workbook_templates/plans/lu-wps-2018-2023/" in (
        first.output
    )
    assert again.exit_code == 0, again.output
    assert "review.csv: 0 to correct" in again.output
    assert "The register loads." in again.output
    checked = nap(root, "plan")
    assert checked.exit_code == 0, checked.output
    assert "(lu-wps-2018-2023), periods 2018-2023" in checked.output
    assert f"({NEW}), periods 2024-2028" in checked.output
    assert f"{ACTIONS} actions" in checked.output
    assert "MDIGI    4  Ministry for Digitalisation" in checked.output


def test_the_register_reads_the_matrix_as_it_was_meant(imported):
    root, *_ = imported
    plan = load_plan(root / "workbook_templates" / "plans" / NEW / "plan.toml")
    assert [(p.id, p.name) for p in plan.pillars] == [
        ("I", "Participation"),
        ("II", "Prévention"),
        ("III", "Protection"),
        ("IV", "Promotion"),
    ]
    first, second, third = plan.actions[:3]
    assert first.objective == second.objective == third.objective  # merged down its rows
    assert plan.action("I.05").objective == plan.action("I.04").objective  # written once
    assert plan.action("I.04").ministries == plan.ministry_codes  # "Tous les ministères"
    assert plan.action("II.01").ministries == ("MDIGI",)
    assert plan.action("II.02").ministries == ("MAI", "MDIGI")
    assert plan.action("III.06").ministries == ("MDIGI",)  # CTIE, now an alias
    assert plan.action("I.03").ministries == ("MAI",)  # "Police grand-ducale"
    assert plan.action("I.06").indicator == "Rapport publié; Nombre de participantes au réseau"
    assert plan.action("I.02").measures == ("count",)
    assert plan.action("I.02").count_label == "Candidatures reçues"
    assert plan.action("II.04").measures == ("amount",)
    assert plan.action("I.01").note == "1 in the matrix"
    assert plan.title == "Plan d'action national « Femmes et paix et sécurité » 2024-2028"
    assert plan.country == "Luxembourg" and plan.committee  # from the plan before it


def test_contacts_gain_the_new_ministries_rows(imported):
    root, *_ = imported
    with (root / "workbook_templates" / "contacts.csv").open(encoding="utf-8") as f:
        rows = {r["ministry"]: r for r in csv.DictReader(f)}
    assert rows[NEW_MINISTRY]["email"] == "" and rows["MAEE"]["email"]  # the old ones stay


@pytest.fixture(scope="module")
def new_cycle(imported):
    """The first year of the new plan: templates, returns of every ministry, ingest."""
    root, *_ = imported
    assert nap(root, "templates", "--period", "2024").exit_code == 0
    ws = Workspace.open(root).for_period(2024)
    for code in ws.plan.ministry_codes:
        answers = sample_answers(ws.plan, code, 2024)
        fill_template(ws.template_path(2024, code), ws.inbox / f"{code}.xlsx", answers)
    moment = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    report = ingest(ws, settle=0, now=lambda: moment)
    return root, ws, report


def test_the_new_ministry_gets_its_template(new_cycle):
    _, ws, _ = new_cycle
    book = openpyxl.load_workbook(ws.template_path(2024, NEW_MINISTRY))
    texts = [c for row in book["Instructions"].iter_rows(values_only=True) for c in row if c]
    assert any("Ministry for Digitalisation" in str(t) for t in texts)
    ids = [r[0] for r in book["Report"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert ids == ["I.04", "II.01", "II.02", "III.06"]


def test_the_new_plan_runs_a_whole_cycle(new_cycle):
    root, ws, report = new_cycle
    assert [o.outcome.value for o in report.outcomes] == ["accepted"] * len(ws.plan.ministries)
    status = nap(root, "status", "--period", "2024")
    assert f"Period 2024 of the plan {NEW}" in status.output
    assert f"Accepted: {len(ws.plan.ministries)} of {len(ws.plan.ministries)}." in status.output
    assert nap(root, "consolidate", "--period", "2024").exit_code == 0
    book = openpyxl.load_workbook(root / "outbox/2024/consolidated_2024.xlsx")
    codes = {r[1] for r in book["Actions"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert NEW_MINISTRY in {r[0] for r in book["Overview"].iter_rows(values_only=True)}
    assert len(codes) > 1
    assert nap(root, "report", "--period", "2024").exit_code == 0
    with zipfile.ZipFile(root / "outbox/2024/committee_report_2024.docx") as z:
        body = z.read("word/document.xml").decode()
    assert "Ministry for Digitalisation" in body and "Prévention" in body


def test_reimporting_a_plan_with_returns_is_refused(new_cycle, imported):
    root, folder, *_ = imported
    result = nap(root, *import_args(folder, "--replace"))
    assert result.exit_code == 1
    assert "returns were accepted under the plan lu-wps-2024-2028" in result.output


@pytest.mark.parametrize(
    ("more", "code", "message"),
    [
        ((), 2, "already holds a plan; give --replace"),
        (("--periods", "2023-2027"), 2, "overlap the plan lu-wps-2018-2023 (2018-2023)"),
        (("--id", "bad id"), 2, "--id bad id: use letters, digits"),
    ],
)
def test_imports_that_would_overwrite_or_overlap_are_refused(imported, more, code, message):
    root, folder, *_ = imported
    args = import_args(folder)
    for option, value in zip(more[::2], more[1::2], strict=True):
        args[args.index(option) + 1] = value
    result = nap(root, *args)
    assert result.exit_code == code and result.output.startswith("Error: ")
    assert message in result.output and result.output.count("\n") == 1


def test_a_workbook_without_a_table_says_what_its_header_needs(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Notes of the working group"])
    wb.save(tmp_path / "matrix.xlsx")
    write_ministries(tmp_path / "ministries.csv")
    result = nap(tmp_path / "ws", *import_args(tmp_path))
    assert result.exit_code == 1
    assert "matrix.xlsx: no sheet has a header row naming the actions" in result.output


def test_a_ministries_list_that_cannot_tell_two_apart_is_refused(tmp_path):
    write_matrix(tmp_path / "matrix.xlsx")
    (tmp_path / "ministries.csv").write_text(
        "code,name,aliases\nMJ,Ministry of Justice,Justice\nMAI,Home Affairs,Justice\n",
        encoding="utf-8",
    )
    result = nap(tmp_path / "ws", *import_args(tmp_path))
    assert result.exit_code == 1
    assert "ministries.csv: line 3, aliases: error: 'justice' also names MJ" in result.output


def test_an_english_matrix_with_a_pillar_column_written_once(tmp_path):
    """Headers in English, the pillar in a column merged down its actions, "All" for every
    ministry, and the matrix's own action ids kept when they are of the register's form."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Action ID", "Pillar", "Objective", "Actions", "Indicators", "Responsible bodies"])
    ws.append(["I.01", "1. Participation", "Parity", "Recruit", "Number of women and men", "All"])
    ws.append(["I.02", None, "Parity", "Train", "Number of sessions held", "MJ and MAI"])
    ws.merge_cells("B2:B3")
    ws.append(["II.01", "2. Prevention", "Funding", "Fund NGOs", "Budget allocated", "MJ"])
    wb.save(tmp_path / "matrix.xlsx")
    (tmp_path / "ministries.csv").write_text(
        "code,name,aliases\nMJ,Ministry of Justice,\nMAI,Ministry of Home Affairs,\n",
        encoding="utf-8",
    )
    result = nap(tmp_path / "ws", *import_args(tmp_path))
    assert result.exit_code == 0, result.output
    plan = load_plan(tmp_path / "ws/workbook_templates/plans" / NEW / "plan.toml")
    assert [(a.id, a.pillar, a.ministries, a.measures) for a in plan.actions] == [
        ("I.01", "I", ("MJ", "MAI"), ("women_men",)),
        ("I.02", "I", ("MJ", "MAI"), ("count",)),
        ("II.01", "II", ("MJ",), ("amount",)),
    ]
    assert plan.action("I.02").count_label == "Sessions held"


@pytest.mark.parametrize(
    ("indicator", "measures", "label"),
    [
        ("Number of sessions held", ("count",), "Sessions held"),
        ("Nombre de femmes et d'hommes formés", ("women_men",), ""),
        ("Number of participants", ("women_men",), ""),
        ("Nombre d'analyses réalisées; budget alloué", ("count", "amount"), "Analyses réalisées"),
        ("Procedures adopted", ("text",), ""),
        ("Annual monitoring of the rate of women", ("women_men",), ""),
        ("Training provided", ("text",), ""),  # names no figure: described in words
    ],
)
def test_measures_are_guessed_from_the_indicator(indicator, measures, label):
    guess = guess_measures(indicator, WORDS)
    assert (guess.measures, guess.count_label) == (measures, label)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Pilier 2 - Prévention", (2, "Prévention")),
        ("Pillar IV: Promotion", (4, "Promotion")),
        ("III. Protection", (3, "Protection")),
        ("Axe 1 : Participation", (1, "Participation")),
        ("Participation", (None, "Participation")),
        ("Vie privée", (None, "Vie privée")),
    ],
)
def test_pillar_headings_give_their_number_and_name(heading, expected):
    assert pillar_heading(heading, WORDS) == expected


@pytest.mark.parametrize(
    ("cell", "codes", "unmapped"),
    [
        ("MAEE (D1), MEGA", ("MAEE", "MEGA"), ()),
        ("Ministère de la Justice en collaboration avec ONU Femmes", ("MJ",), ("ONU Femmes",)),
        ("police grand-ducale / ministere de la sante", ("MAI", "MSAN"), ()),
        ("Service information et presse, ME", ("ME",), ("Service information et presse",)),
        ("Partenaires", (), ()),
        ("me and the team", (), ("me and the team",)),  # "ME" is matched as written only
    ],
)
def test_responsible_cells_map_to_ministries(tmp_path, cell, codes, unmapped):
    listed, problems = read_ministries(write_ministries(tmp_path / "m.csv"))
    assert problems == []
    found = Matcher(listed, WORDS).find(cell)
    assert (found.codes, found.unmapped, found.everyone) == (codes, unmapped, False)


def test_all_ministries_in_french_or_english(tmp_path):
    listed, _ = read_ministries(write_ministries(tmp_path / "m.csv"))
    matcher = Matcher(listed, WORDS)
    assert all(matcher.find(c).everyone for c in ("All", "Tous les ministères", "all ministries"))


def test_a_register_still_being_corrected_stops_only_its_own_years(tmp_path):
    write_matrix(tmp_path / "matrix.xlsx")
    write_ministries(tmp_path / "ministries.csv")
    root = tmp_path / "ws"
    new_workspace(root)
    assert nap(root, *import_args(tmp_path)).exit_code == 0
    old = nap(root, "templates", "--period", "2023")
    assert old.exit_code == 0 and old.output.count("wrote ") == 8
    assert nap(root, "ingest").exit_code == 0
    new = nap(root, "templates", "--period", "2024")
    assert new.exit_code == 1
    assert "the plan register does not load: actions.csv: line 20, ministries" in new.output

"""The rules that accept or reject a returned workbook, read as a specification: a template
as issued is held in memory, cells are typed into it, and what the rules find is a table of
(cell, code)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.intake.ingest import check_file
from pipeline.intake.returned import Returned, read_returned
from pipeline.intake.row_rules import CLOSED_RULES, HOLDING_RULES, ROW_RULES, VALUE_RULES
from pipeline.intake.rules import IDENTITY_RULES, STRUCTURE_RULES, Checked, check_returned
from pipeline.intake.xlsx_reader import Cell, UnsafeWorkbook
from pipeline.plan.register import Plan
from pipeline.problems import CATALOGUE, Severity
from pipeline.signing import sign
from pipeline.template import contract as c
from pipeline.template.contract import description
from pipeline.template.writer import Issue

KEY = b"rules-test-key"
MINISTRY = "MAEE"  # its actions measure women and men, counts, amounts and text
FILE = "MAEE_returned.xlsx"


@dataclass(frozen=True)
class Held:
    """A cell holding more than a typed value: a formula with its last value, or an error."""

    value: object = None
    formula: str | None = None
    error: str | None = None


def cell_at(ref: str, held: object) -> Cell:
    letters = ref.rstrip("0123456789")
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    if not isinstance(held, Held):
        held = Held(float(held) if type(held) is int else held)  # numbers come back as floats
    return Cell(ref, int(ref[len(letters) :]), col, held.value, held.formula, held.error)


def signed(plan: Plan, issued_to: str = MINISTRY, **changes: str) -> dict[str, str]:
    fields = Issue(plan, issued_to, 2019, dt.date(2020, 1, 15), dt.date(2020, 3, 31)).meta()
    fields |= changes
    return {**fields, c.SIGNATURE_KEY: sign(KEY, fields)}


def issued(plan: Plan, ministry: str = MINISTRY) -> dict[str, Cell]:
    """The Report cells of the template as issued: headers, action ids and descriptions."""
    cells = {}
    for index, column in enumerate(c.COLUMNS, start=1):
        ref = f"{c.column_letter(index)}{c.HEADER_ROW}"
        cells[ref] = cell_at(ref, column.header)
    for row, action in enumerate(plan.actions_for(ministry), start=c.FIRST_DATA_ROW):
        for name in ("action_id", *c.CHECKED_DESCRIPTIONS):
            text = description(plan, action, name)
            if text:
                cells[c.cell_ref(name, row)] = cell_at(c.cell_ref(name, row), text)
    return cells


def ref(plan: Plan, action_id: str, field: str) -> str:
    ids = [a.id for a in plan.actions_for(MINISTRY)]
    return c.cell_ref(field, c.FIRST_DATA_ROW + ids.index(action_id))


def filled(
    plan: Plan,
    answers: dict[str, dict[str, object]] | None = None,
    cells: dict[str, object] | None = None,
) -> dict[str, Cell]:
    """The issued Report with answers ({action id: {field: value}}) typed in, and any other
    cells ({ref: value}) set, or emptied with None."""
    report = issued(plan)
    for action_id, fields in (answers or {}).items():
        for field, value in fields.items():
            at = ref(plan, action_id, field)
            report[at] = cell_at(at, value)
    for at, value in (cells or {}).items():
        if value is None:
            report.pop(at, None)
        else:
            report[at] = cell_at(at, value)
    return report


def check(
    plan: Plan,
    answers: dict[str, dict[str, object]] | None = None,
    cells: dict[str, object] | None = None,
) -> Checked:
    return check_returned(Returned(signed(plan), filled(plan, answers, cells)), plan, KEY, FILE)


def table(
    checked: Checked, severity: Severity = Severity.ERROR, action: str | None = None
) -> list[tuple[str, str]]:
    return sorted(
        (p.cell, p.code)
        for p in checked.problems
        if p.severity is severity and action in (None, p.action)
    )


def stored(checked: Checked) -> dict[tuple[str, str], tuple[str, float | None]]:
    return {(v.action_id, v.field): (v.value, v.number) for v in checked.values}


# A template filled in as asked


def test_a_template_filled_in_as_asked_is_accepted_with_every_answer_kept(plan):
    answers = {
        "I.01": {"status": "Completed", "women": 12, "men": 7, "activities": "Training"},
        "I.03": {"status": "Ongoing", "count": 3},
        "II.12": {"status": "Not started", "amount": 2500.5},
    }
    checked = check(plan, answers)
    assert checked.accepted and table(checked) == []
    assert checked.meta is not None and checked.meta["ministry"] == MINISTRY
    assert stored(checked) == {
        ("I.01", "status"): ("Completed", None),
        ("I.01", "women"): ("12", 12.0),
        ("I.01", "men"): ("7", 7.0),
        ("I.01", "activities"): ("Training", None),
        ("I.03", "status"): ("Ongoing", None),
        ("I.03", "count"): ("3", 3.0),
        ("II.12", "status"): ("Not started", None),
        ("II.12", "amount"): ("2500.5", 2500.5),
    }


@pytest.mark.parametrize(
    ("action", "field", "typed", "kept"),
    [
        ("I.01", "status", "  completed ", ("Completed", None)),
        ("I.01", "status", "in  PROGRESS", ("In progress", None)),
        ("I.01", "women", " 12 ", ("12", 12.0)),
        ("I.01", "men", 7.0, ("7", 7.0)),
        ("I.03", "count", "1\u202f200", ("1200", 1200.0)),
        ("II.12", "amount", "12 345,50", ("12345.5", 12345.5)),
        ("II.12", "amount", "€ 1 000", ("1000", 1000.0)),
        ("II.12", "amount", "250 EUR", ("250", 250.0)),
        ("I.03", "count", "1.200,00", ("1200", 1200.0)),
        ("II.12", "amount", 0, ("0", 0.0)),
        ("II.18", "activities", "=2+2", ("=2+2", None)),
    ],
)
def test_answers_as_people_and_other_applications_type_them_are_kept_canonical(
    plan, action, field, typed, kept
):
    checked = check(plan, {action: {"status": "Ongoing", field: typed}})
    assert table(checked) == []
    assert stored(checked)[(action, field)] == kept


def test_minus_zero_typed_or_stored_is_the_number_zero(plan):
    checked = check(plan, {"I.01": {"status": "Ongoing", "women": "-0", "men": -0.0}})
    assert table(checked) == []
    for field in ("women", "men"):
        text, number = stored(checked)[("I.01", field)]
        assert (text, number) == ("0", 0.0) and math.copysign(1, number) == 1, field


# The value rules: one error a cell, the first that applies


@pytest.mark.parametrize(
    ("action", "field", "typed", "code"),
    [
        ("I.01", "status", "Done", "status-invalid"),
        ("I.01", "women", "ten", "number-not-numeric"),
        ("I.01", "women", True, "number-not-numeric"),
        ("I.01", "men", -3, "number-negative"),
        ("I.03", "count", 2.5, "number-fractional"),
        ("I.03", "count", -2.5, "number-negative"),  # not also fractional
        ("I.03", "count", "1.200", "number-ambiguous"),  # not read at another magnitude
        ("I.03", "count", 2e6, "number-too-large"),
        ("I.03", "count", 1e6, None),  # the ceiling itself is plausible
        ("II.12", "amount", "-5", "number-negative"),
        ("II.12", "amount", "about 100", "number-not-numeric"),
        ("II.12", "amount", 0.25, None),  # an amount may have cents
        ("I.03", "women", 4, "input-unused"),  # I.03 counts; it does not ask for women
        ("II.18", "amount", "x", "input-unused"),  # not even read as a number first
        ("II.18", "activities", "x" * (c.MAX_TEXT + 1), "text-too-long"),
        ("II.18", "activities", "x" * c.MAX_TEXT, None),
    ],
)
def test_each_value_rule_names_its_cell(plan, action, field, typed, code):
    checked = check(plan, {action: {"status": "Ongoing", field: typed}})
    assert table(checked) == ([(ref(plan, action, field), code)] if code else [])
    assert ((action, field) in stored(checked)) is (code is None)


def test_every_cell_and_every_row_is_checked_and_all_problems_are_collected(plan):
    answers = {
        "I.01": {"status": "Done", "women": "ten", "men": -3},
        "I.03": {"count": 2.5, "women": 4},
        "II.05": {"status": "Ongoing", "activities": "x" * (c.MAX_TEXT + 1)},
    }
    checked = check(plan, answers)
    assert not checked.accepted
    assert table(checked) == sorted(
        [
            (ref(plan, "I.01", "status"), "status-invalid"),
            (ref(plan, "I.01", "women"), "number-not-numeric"),
            (ref(plan, "I.01", "men"), "number-negative"),
            (ref(plan, "I.03", "status"), "status-missing"),
            (ref(plan, "I.03", "count"), "number-fractional"),
            (ref(plan, "I.03", "women"), "input-unused"),
            (ref(plan, "II.05", "activities"), "text-too-long"),
        ]
    )
    assert all(str(p).startswith(f"{FILE}: Report!") for p in checked.problems)
    assert {p.ministry for p in checked.problems} == {MINISTRY}


# What a cell holds besides a value: Excel's errors and formulas


@pytest.mark.parametrize(
    ("held", "errors", "warnings", "kept"),
    [
        (Held(error="#N/A"), ["error-value"], [], None),
        (Held(formula="B5*2"), ["formula-no-value"], [], None),
        (Held("", formula='""'), ["formula-no-value"], [], None),
        (Held(14.0, formula="B5*2"), [], ["formula-value-used"], ("14", 14.0)),
        (Held("many", formula="A1"), ["number-not-numeric"], ["formula-value-used"], None),
    ],
)
def test_error_values_and_formulas_in_an_input(plan, held, errors, warnings, kept):
    checked = check(plan, {"I.01": {"status": "Not started", "women": held}})
    women = ref(plan, "I.01", "women")
    assert table(checked, action="I.01") == [(women, code) for code in errors]
    assert table(checked, Severity.WARNING, "I.01") == [(women, code) for code in warnings]
    assert stored(checked).get(("I.01", "women")) == kept


# The row rules: what a row says as a whole

ANSWERED = {"I.02": {"status": "Not started"}}  # another row, so that the file says something


@pytest.mark.parametrize(
    ("action", "row", "warnings"),
    [
        ("I.01", {}, [("status", "not-reported")]),
        ("I.01", {"status": "Not started"}, []),
        ("I.01", {"status": "In progress"}, [("activities", "no-activities")]),
        ("I.01", {"status": "Ongoing", "activities": "Training"}, []),
        (
            "I.01",
            {"status": "Completed", "women": 0, "men": 0, "activities": "Done"},
            [("women", "completed-no-figures")],
        ),
        (
            "I.01",
            {"status": "Completed", "activities": "Done"},
            [("women", "completed-no-figures")],
        ),
        ("I.01", {"status": "Completed", "women": 0, "men": 2, "activities": "Done"}, []),
        # Completed or Ongoing and nothing else, where the indicator asks for figures: one
        # warning that says so, not also the two it implies
        ("I.01", {"status": "Completed"}, [("status", "no-figures")]),
        ("I.03", {"status": "Ongoing"}, [("status", "no-figures")]),
        ("I.03", {"status": "Ongoing", "evidence": "Register"}, [("activities", "no-activities")]),
        ("I.03", {"status": "Ongoing", "count": 0}, [("activities", "no-activities")]),
        ("II.18", {"status": "Completed"}, [("activities", "no-activities")]),  # text only
        ("I.03", {"status": "Not applicable", "count": 0}, []),  # a 0 says nothing
        ("I.03", {"status": "Not applicable", "challenges": "Not ours"}, []),
    ],
)
def test_each_row_rule_warns_and_the_file_is_still_accepted(plan, action, row, warnings):
    checked = check(plan, {**ANSWERED, action: row})
    assert checked.accepted
    assert table(checked, Severity.WARNING, action) == sorted(
        (ref(plan, action, field), code) for field, code in warnings
    )


@pytest.mark.parametrize(
    ("action", "row", "code"),
    [
        ("I.01", {"activities": "Training"}, "status-missing"),
        ("I.01", {"women": 3}, "status-missing"),
        ("I.03", {"count": 0}, "status-missing"),
        ("I.03", {"status": "Not applicable", "count": 2}, "not-applicable-with-figures"),
        ("I.01", {"status": "Not applicable", "women": 0, "men": 4}, "not-applicable-with-figures"),
    ],
)
def test_a_row_whose_figures_cannot_be_counted_under_its_status_is_refused(plan, action, row, code):
    checked = check(plan, {**ANSWERED, action: row})
    assert table(checked) == [(ref(plan, action, "status"), code)]
    assert table(checked, Severity.WARNING, action) == []


def test_row_messages_name_the_action_and_what_to_do(plan):
    checked = check(
        plan,
        {
            "I.01": {"women": 3},
            "I.03": {"status": "Not applicable", "count": "2"},
            "I.02": {"status": "Ongoing"},
        },
    )
    assert [p.message for p in checked.problems if p.code != "not-reported"] == [
        "I.01: figures or text given but no status; choose one of: Not started, In progress, "
        "Ongoing, Completed, Not applicable",
        "I.02 is Ongoing but gives no figure and no text; report Women and Men: number of each",
        "I.03 is Not applicable but gives figures (Count 2); clear them, or choose the status "
        "that applies",
    ]


# A return must say something


def test_a_template_sent_back_untouched_is_refused_with_one_reason(plan):
    checked = check(plan)
    assert [(p.sheet, p.cell, p.code) for p in checked.problems] == [
        (c.REPORT, "", "nothing-filled")
    ]
    assert checked.problems[0].message.startswith("nothing was filled in")
    assert not checked.accepted and checked.values == []


@pytest.mark.parametrize(
    "held",
    ["Not started", "x", Held(error="#N/A"), Held(formula="1+1"), 0],
)
def test_any_input_filled_in_makes_it_a_return_to_judge(plan, held):
    field = "count" if held == 0 else "status"
    checked = check(plan, {"I.03": {field: held}})
    assert "nothing-filled" not in {p.code for p in checked.problems}


def test_a_refused_status_is_not_also_said_to_be_missing(plan):
    for held in ("Finished", Held(error="#VALUE!")):
        checked = check(plan, {"I.01": {"status": held}})
        status = ref(plan, "I.01", "status")
        assert status in {cell for cell, _ in table(checked)}
        assert (status, "not-reported") not in table(checked, Severity.WARNING)


def test_a_status_from_a_formula_still_counts_as_reported(plan):
    checked = check(plan, {"I.01": {"status": Held("Ongoing", formula='"Ongoing"')}})
    status = ref(plan, "I.01", "status")
    assert (status, "formula-value-used") in table(checked, Severity.WARNING)
    assert (status, "not-reported") not in table(checked, Severity.WARNING)


# Identification: the template the office issued, for the plan and version in use


@pytest.mark.parametrize(
    ("meta", "code"),
    [
        (lambda plan: None, "meta-missing"),
        (lambda plan: {k: v for k, v in signed(plan).items() if k != "issued"}, "meta-incomplete"),
        (lambda plan: {**signed(plan), "period": "2020"}, "meta-bad-signature"),
        (lambda plan: {**signed(plan), c.SIGNATURE_KEY: "0" * 64}, "meta-bad-signature"),
        (lambda plan: signed(plan, schema_version="0"), "meta-schema"),
        (lambda plan: signed(plan, plan_id="another-plan"), "meta-unknown-plan"),
        (lambda plan: signed(plan, ministry="MXX"), "meta-unknown-ministry"),
        (lambda plan: signed(plan, plan_hash="0" * 64), "meta-plan-changed"),
        (lambda plan: signed(plan, action_ids="I.01,I.02"), "meta-plan-changed"),
        (lambda plan: signed(plan, period="last year"), "meta-incomplete"),
    ],
)
def test_a_file_not_identified_gives_one_reason_and_no_other_rule_runs(plan, meta, code):
    report = filled(plan, {"I.01": {"women": "ten"}})
    checked = check_returned(Returned(meta(plan), report), plan, KEY, FILE)
    assert [(p.sheet, p.cell, p.code) for p in checked.problems] == [(c.META, "", code)]
    assert checked.meta is None and checked.values == []


def test_a_template_of_another_ministry_is_identified_by_its_meta_not_its_name(plan):
    report = issued(plan, "MSI") | {"I5": cell_at("I5", "Ongoing")}
    checked = check_returned(Returned(signed(plan, "MSI"), report), plan, KEY, FILE)
    assert checked.accepted and checked.meta is not None and checked.meta["ministry"] == "MSI"


# Structure: the Report sheet laid out as issued


def test_a_missing_report_sheet_is_the_one_reason(plan):
    checked = check_returned(Returned(signed(plan), None), plan, KEY, FILE)
    assert [(p.code, p.message) for p in checked.problems] == [
        ("sheet-missing", "sheet 'Report' is missing; do not rename or delete sheets")
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"J4": "Females"}, [("J4", "header-changed")]),
        ({"J4": " Women "}, []),  # spacing is not a change
        ({"A5": "I.02"}, [("A5", "rows-changed")]),
        ({"A5": None}, [("A5", "rows-changed")]),
        ({"D5": "Something else"}, [("D5", "description-changed")]),
        ({"C200": "a note"}, [("C200", "extra-data")]),
        ({"R5": Held(formula="SUM(J5:K5)")}, [("R5", "extra-data")]),
    ],
)
def test_each_structure_rule_names_its_cell(plan, cells, expected):
    assert table(check(plan, ANSWERED, cells)) == expected


def test_moved_rows_or_columns_stop_the_input_rules_but_changed_descriptions_do_not(plan):
    bad_input = {"I.01": {"status": "Ongoing", "women": "ten"}}
    women = ref(plan, "I.01", "women")
    moved = check(plan, bad_input, {"A6": "I.99"})
    assert table(moved) == [("A6", "rows-changed")]
    edited = check(plan, bad_input, {"D5": "Something else"})
    assert table(edited) == [("D5", "description-changed"), (women, "number-not-numeric")]


# The tables of rules


def test_every_rule_is_listed_once_and_every_code_is_in_the_catalogue(plan):
    rules = [
        *IDENTITY_RULES,
        *STRUCTURE_RULES,
        *HOLDING_RULES,
        *CLOSED_RULES,
        *{rule for rules in VALUE_RULES.values() for rule in rules},
        *ROW_RULES,
    ]
    assert len(rules) == len(set(rules))
    assert set(VALUE_RULES) == {column.kind for column in c.INPUTS}
    everything = check(
        plan,
        {"I.01": {"status": "Done", "women": Held(error="#N/A"), "men": Held(formula="1")}},
        {"C200": "x"},
    )
    assert {p.code for p in everything.problems} <= set(CATALOGUE)


# Before any rule: a file the reader refuses is a problem with the reader's own code


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests.hostile_files import build_corpus

    return build_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.xlsx", "file-empty"),
        ("not_a_zip.xlsx", "file-not-xlsx"),
        ("csv_renamed.xlsx", "file-not-xlsx"),
        ("truncated.xlsx", "zip-damaged"),
        ("legacy.xls.xlsx", "file-legacy-xls"),
        ("encrypted.xlsx", "file-encrypted"),
        ("macro.xlsx", "file-macro-enabled"),
        ("zip_bomb.xlsx", "zip-bomb-part"),
        ("lying_sizes.xlsx", "part-damaged"),
        ("duplicate_names.xlsx", "zip-duplicate-part"),
        ("billion_laughs.xlsx", "xml-dtd"),
        ("xxe.xlsx", "xml-dtd"),
        ("huge_cell.xlsx", "cell-too-long"),
        ("far_cell.xlsx", "data-far-outside"),
        ("many_merges.xlsx", "sheet-too-many-merges"),
        ("docx_renamed.xlsx", "file-not-spreadsheet"),
        ("many_parts.xlsx", "zip-directory-too-large"),
    ],
)
def test_a_refused_file_is_one_problem_with_the_readers_code_and_words(corpus, plan, name, code):
    with pytest.raises(UnsafeWorkbook) as refused:
        read_returned(corpus[name])
    checked = check_file(corpus[name], plan, KEY).checked
    (found,) = checked.problems
    assert (found.code, found.severity, found.file, found.sheet, found.cell) == (
        code,
        Severity.ERROR,
        name,
        "",
        "",
    )
    assert refused.value.code == code and found.message == str(refused.value)


def test_a_refusal_carries_its_fields_and_reads_as_one_line():
    refusal = UnsafeWorkbook("xml-dtd", part="xl/evil\nname.xml")
    assert refusal.code == "xml-dtd" and refusal.fields == {"part": "xl/evil name.xml"}
    assert str(refusal) == (
        "the workbook contains XML entity declarations (DTD) in xl/evil name.xml, which are "
        "refused for safety; open it in Excel and save it again as .xlsx (Excel Workbook), "
        "then send it again"
    )

"""The plan register loads, and each of its checks names the line and field of a problem."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pipeline.failures import NapError
from pipeline.plan.register import ACTION_COLUMNS, load_plan, read_plan
from pipeline.settings import DEFAULT_PLAN
from pipeline.template import contract as c
from pipeline.workspace import shipped_data_file
from tests.registers import edit_action

SHIPPED = shipped_data_file(DEFAULT_PLAN).parent


def test_the_shipped_register_holds_every_action_row_of_the_four_tables(plan):
    per_pillar = {p.id: sum(1 for a in plan.actions if a.pillar == p.id) for p in plan.pillars}
    assert per_pillar == {"I": 10, "II": 21, "III": 17, "IV": 7}
    assert len({a.id for a in plan.actions}) == 55
    assert plan.ministry_codes == ("MAEE", "MSI", "MENJE", "MEGA", "MIFA", "MJ", "MISA", "ME")


def test_rows_per_ministry_match_the_responsible_cells(plan):
    per_ministry = {m: len(plan.actions_for(m)) for m in plan.ministry_codes}
    assert per_ministry == {
        "MAEE": 40,
        "MSI": 10,
        "MENJE": 9,
        "MEGA": 18,
        "MIFA": 9,
        "MJ": 14,
        "MISA": 5,
        "ME": 3,
    }


def test_all_rows_reach_every_ministry(plan):
    all_rows = [a for a in plan.actions if a.ministries == plan.ministry_codes]
    assert {a.id for a in all_rows} >= {"II.01", "III.04"}
    for code in plan.ministry_codes:
        assert plan.action("II.01") in plan.actions_for(code)


def test_every_action_has_measures_and_pillars_have_objectives(plan):
    assert all(a.measures for a in plan.actions)
    assert all(p.main_objective and p.commitments for p in plan.pillars)
    assert {"MAEE", "MEGA", "SRE", "OLAI"} <= {g.term for g in plan.glossary}


def test_the_plan_hash_ignores_line_endings(plan, tmp_path):
    copy = tmp_path / "plan"
    shutil.copytree(SHIPPED, copy)
    actions = copy / "actions.csv"
    actions.write_bytes(actions.read_bytes().replace(b"\r\n", b"\n"))
    again = load_plan(copy / "plan.toml")
    assert c.plan_hash(again, "MJ") == c.plan_hash(plan, "MJ")


def _edit(tmp_path: Path, action_id: str, **changes: str) -> Path:
    """A copy of the shipped register with one action row changed."""
    copy = tmp_path / "plan"
    shutil.copytree(SHIPPED, copy)
    edit_action(copy / "actions.csv", action_id, **changes)
    return copy / "plan.toml"


@pytest.mark.parametrize(
    ("change", "code", "cell"),
    [
        ({"id": "I.01"}, "register-duplicate-id", "line 3, id"),  # I.02 is on line 3
        ({"id": "I-2"}, "register-bad-id", "line 3, id"),
        ({"bodies": "POLICE;MAEE-D7;ARMY;NOBODY"}, "register-unknown-body", "line 3, bodies"),
        ({"ministries": "MAEE;MSI;XX"}, "register-unknown-ministry", "line 3, ministries"),
        ({"measures": "women_men;euros"}, "register-unknown-measure", "line 3, measures"),
        ({"indicator": ""}, "register-missing-field", "line 3, indicator"),
        ({"pillar": "V"}, "register-unknown-pillar", "line 3, pillar"),
        ({"ministries": "MAEE"}, "register-ministries-mismatch", "line 3, ministries"),
        ({"head_count": "staff"}, "register-unknown-head-count", "line 3, head_count"),
    ],
)
def test_each_check_names_the_line_and_field(tmp_path, change, code, cell):
    plan, problems = read_plan(_edit(tmp_path, "I.02", **change))
    assert plan is None
    assert [(p.cell, p.code) for p in problems] == [(cell, code)]
    assert "actions.csv" in str(problems[0]) and cell in str(problems[0])


def test_a_register_with_errors_does_not_load(tmp_path):
    with pytest.raises(NapError, match=r"does not load: actions\.csv: line 3, id"):
        load_plan(_edit(tmp_path, "I.02", id="I.01"))


def test_a_missing_plan_file_says_what_to_do(tmp_path):
    with pytest.raises(NapError, match="--plan FILE"):
        load_plan(tmp_path / "nowhere.toml")


def test_every_head_count_is_a_flow_or_a_stock(plan):
    kinds = {a.id: a.head_count for a in plan.actions if "women_men" in a.measures}
    assert set(kinds.values()) == {"flow", "stock"}
    assert sorted(a for a, k in kinds.items() if k == "stock") == ["I.02", "I.05", "I.06"]
    assert all(not a.head_count for a in plan.actions if "women_men" not in a.measures)


def test_a_register_without_the_head_count_column_still_loads(plan, tmp_path):
    """Other plans' registers were written before the column existed."""
    copy = tmp_path / "plan"
    shutil.copytree(SHIPPED, copy)
    path = copy / "actions.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ACTION_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    older = load_plan(copy / "plan.toml")
    assert len(older.actions) == 55 and {a.head_count for a in older.actions} == {""}
    assert c.plan_hash(older, "MAEE") == c.plan_hash(plan, "MAEE")


def test_an_unknown_column_is_named_with_the_optional_ones(tmp_path):
    copy = tmp_path / "plan"
    shutil.copytree(SHIPPED, copy)
    path = copy / "actions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",head_count", ",kind", 1), encoding="utf-8")
    plan, problems = read_plan(copy / "plan.toml")
    assert plan is None
    assert [p.code for p in problems] == ["register-bad-header"]
    assert "(then, if used: head_count)" in str(problems[0])


# Plausibility: the ceilings of figures, in plan.toml


def _with_plausibility(tmp_path: Path, section: str) -> Path:
    """A copy of the shipped register whose [plausibility] section is replaced by `section`."""
    copy = tmp_path / "plan"
    shutil.copytree(SHIPPED, copy)
    path = copy / "plan.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[plausibility]")
    end = text.index("# Reporting ministries.")
    path.write_text(text[:start] + section + "\n" + text[end:], encoding="utf-8")
    return path


def test_the_shipped_ceilings_say_where_they_are_set(plan):
    count = plan.plausibility.ceiling("I.03", "count")
    assert (count.limit, count.where) == (1_000_000, "plan.toml [plausibility] count")
    assert plan.plausibility.ceiling("II.12", "amount").limit == 1_000_000_000
    assert plan.plausibility.ceiling("I.02", "women_men").limit == 1_000_000


def test_an_action_may_have_its_own_ceiling(tmp_path):
    section = '[plausibility]\namount = 5_000_000\n[plausibility.actions."II.12"]\namount = 9e9\n'
    plan = load_plan(_with_plausibility(tmp_path, section))
    own = plan.plausibility.ceiling("II.12", "amount")
    assert (own.limit, own.where) == (9e9, 'plan.toml [plausibility.actions."II.12"] amount')
    assert plan.plausibility.ceiling("II.02", "amount").limit == 5_000_000
    assert plan.plausibility.ceiling("II.12", "count").limit == 1_000_000  # not declared: default
    assert ("II.12 amount", "9 000 000 000") in plan.plausibility.listed()


def test_a_register_without_the_section_still_loads_with_the_defaults(tmp_path):
    plan = load_plan(_with_plausibility(tmp_path, ""))
    ceiling = plan.plausibility.ceiling("I.03", "count")
    assert ceiling.limit == 1_000_000 and "default" in ceiling.where


@pytest.mark.parametrize(
    ("section", "cell", "code"),
    [
        ("[plausibility]\ncount = -5", "[plausibility] count", "register-bad-ceiling"),
        ("[plausibility]\ncount = 'many'", "[plausibility] count", "register-bad-ceiling"),
        ("[plausibility]\ncount = 0", "[plausibility] count", "register-bad-ceiling"),
        ("[plausibility]\nwomen = 10", "[plausibility] women", "register-bad-ceiling"),
        ("[plausibility]\ncount = true", "[plausibility] count", "register-bad-ceiling"),
        (
            '[plausibility.actions."IX.99"]\ncount = 10',
            '[plausibility.actions."IX.99"]',
            "register-unknown-action",
        ),
        (
            '[plausibility.actions."I.03"]\ncount = -1',
            '[plausibility.actions."I.03"] count',
            "register-bad-ceiling",
        ),
    ],
)
def test_each_bad_ceiling_is_named_with_its_place(tmp_path, section, cell, code):
    plan, problems = read_plan(_with_plausibility(tmp_path, section))
    assert plan is None
    assert [(p.file, p.cell, p.code) for p in problems] == [("plan.toml", cell, code)]


def test_a_plausibility_that_is_not_a_section_is_named(tmp_path):
    path = _with_plausibility(tmp_path, "")
    path.write_text("plausibility = 5\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    plan, problems = read_plan(path)
    assert plan is None and [(p.cell, p.code) for p in problems] == [
        ("[plausibility]", "register-bad-ceiling")
    ]


def test_nap_plan_lists_the_ceilings(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    section = '[plausibility]\ncount = 50_000\n[plausibility.actions."II.12"]\namount = 2e9\n'
    path = _with_plausibility(tmp_path, section)
    shown = CliRunner().invoke(cli, ["--root", str(tmp_path), "plan", "show", "--plan", str(path)])
    assert shown.exit_code == 0, shown.output
    lines = [" ".join(line.split()) for line in shown.output.splitlines()]
    assert lines[-4:] == [
        "women_men 1 000 000",
        "count 50 000",
        "amount 1 000 000 000",
        "II.12 amount 2 000 000 000",
    ]

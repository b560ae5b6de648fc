"""The workspace's plan bounds every period a command is given: a year outside it is a usage
error naming the plan's range, before anything is read or written."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.office import new_workspace

OUTSIDE = "outside the plan lu-wps-2018-2023 (2018-2023)"


def written(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "logs" not in p.parts)


@pytest.mark.parametrize(
    "args",
    [
        ("templates", "--period", "2030"),
        ("status", "--period", "2030"),
        ("run", "--period", "2030"),
        ("consolidate", "--period", "2030"),
        ("report", "--period", "2017"),
        ("report", "--interim", "--periods", "2016-2030"),
        ("report", "--interim", "--periods", "2020-2024"),
        ("review", "--period", "2030"),
        ("close", "--period", "2030"),
        ("reopen", "--period", "2030", "--reason", "x"),
        ("mail", "templates", "--period", "2030"),
        ("mail", "reminders", "--period", "2030"),
    ],
    ids=" ".join,
)
def test_a_period_outside_the_plan_is_refused_naming_its_range(tmp_path, args):
    root = new_workspace(tmp_path / "ws").root
    CliRunner().invoke(cli, ["--root", str(root), "templates", "--period", "2019"])
    before = written(root)

    result = CliRunner().invoke(cli, ["--root", str(root), *args])

    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: period") and OUTSIDE in line
    assert line.endswith("within it, or --plan FILE for another plan")
    assert written(root) == before


def test_periods_in_the_wrong_order_are_named(workspace):
    args = ["--root", str(workspace.root), "report", "--interim", "--periods", "2021-2019"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--periods 2021-2019: the first year comes after the last" in result.output

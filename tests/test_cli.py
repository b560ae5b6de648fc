"""The command line: every command documented, outcomes printed, user errors in one line."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import cli
from pipeline.settings import DEFAULT_PLAN
from pipeline.workspace import shipped_data_file
from tests.filling import fill_template, sample_answers
from tests.office import new_workspace

REPO = Path(__file__).resolve().parent.parent


def nap(*args: str, root: Path | None = None):
    runner = CliRunner()
    prefix = ["--root", str(root)] if root else []
    return runner.invoke(cli, [*prefix, *args], catch_exceptions=False)


def commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("command", list(commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = nap(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_every_command_is_in_the_coordinators_guide():
    guide = (Path(__file__).parent.parent / "docs" / "coordinator-guide.md").read_text()
    for command in commands():
        assert f"nap {' '.join(command)}" in guide, command


REPOSITORY = Path(__file__).parent.parent
DOCS = (REPOSITORY / "README.md", REPOSITORY / "docs" / "coordinator-guide.md")


def leaf_commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def documented_command_lines():
    """Every nap command line in the shell blocks of the README and the guide, and in the
    Example: block of every command's help."""
    for doc in DOCS:
        blocks = re.findall(r"```(\w*)\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
        for language, block in blocks:
            if language not in ("sh", "console"):
                continue
            for line in block.splitlines():
                if language == "console":
                    if not line.startswith("$ "):
                        continue
                    line = line[2:]
                for part in line.partition("#")[0].split("&&"):
                    words = shlex.split(part)
                    if words and Path(words[0]).name == "nap":
                        yield doc.name, words[1:]
    for names, command in leaf_commands():
        example = (command.help or "").partition("Example:")[2]
        for line in example.splitlines():
            words = shlex.split(line)
            if words[:1] == ["nap"]:
                yield f"nap {' '.join(names)} --help", words[1:]


@pytest.mark.parametrize(
    ("where", "args"),
    list(documented_command_lines()),
    ids=lambda x: " ".join(x) if isinstance(x, list) else x,
)
def test_every_documented_command_line_is_accepted(monkeypatch, where, args):
    """Parsed by the real command line down to one command, which is not run."""
    called = []
    for _, command in leaf_commands():
        monkeypatch.setattr(
            command, "callback", lambda _name=command.name, **_: called.append(_name)
        )
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, f"{where}: nap {' '.join(args)}\n{result.output}"
    assert len(called) == 1


def test_the_mail_commands_of_the_docs_are_checked():
    lines = [" ".join(args) for _, args in documented_command_lines()]
    assert "mail templates --period 2019 --send" in lines
    assert "mail reminders --period 2019" in lines


def test_version():
    assert nap("--version").output.strip() == f"nap, version {__version__}"


def test_plan_prints_the_summary():
    result = nap("plan")
    assert result.exit_code == 0
    assert "55 actions" in result.output
    assert "II. Prevention" in result.output and " 21" in result.output
    assert "MAEE" in result.output and " 40 " in result.output


def test_plan_lists_the_problems_of_a_broken_register(tmp_path):
    copy = tmp_path / "plan"
    shutil.copytree(shipped_data_file(DEFAULT_PLAN).parent, copy)
    actions = copy / "actions.csv"
    actions.write_text(actions.read_text().replace("I.02,I,", "I.01,I,", 1))
    result = nap("plan", "--plan", str(copy / "plan.toml"))
    assert result.exit_code == 1
    assert (
        "actions.csv: line 3, id: error: action id I.01 is used twice (first on line 2)"
        in result.output
    )


def test_one_cycle_from_the_command_line(tmp_path, plan):
    root = tmp_path / "ws"
    new_workspace(root)
    result = nap("templates", "--period", "2019", root=root)
    assert result.exit_code == 0 and result.output.count("wrote ") == 8
    answers = sample_answers(plan, "MJ", 2019)
    fill_template(root / "outbox/2019/templates/MJ.xlsx", root / "inbox/justice.xlsx", answers)
    bad = sample_answers(plan, "MSI", 2019)
    bad[next(iter(bad))]["status"] = "Finished"
    fill_template(root / "outbox/2019/templates/MSI.xlsx", root / "inbox/police.xlsx", bad)
    result = nap("ingest", root=root)
    assert result.exit_code == 0
    assert "accepted  justice.xlsx: MJ 2019" in result.output
    assert (
        "rejected  police.xlsx: Report!I5: error: status 'Finished' is not one of" in result.output
    )
    result = nap("status", "--period", "2019", root=root)
    assert result.exit_code == 0
    assert "Accepted: 1 of 8." in result.output
    assert "Rejected, a corrected file awaited: MSI" in result.output
    assert "Missing, nothing received: MAEE, MENJE, MEGA, MIFA, MISA, ME" in result.output
    assert "first reason: status 'Finished'" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("ingest",), 2, "is not a workspace: expected the folders inbox/ and outbox/"),
        (("status", "--period", "2019"), 2, "is not a workspace"),
        (("templates", "--period", "2035"), 2, "period 2035 is outside the plan"),
        (("templates", "--period", "2019", "--ministry", "XYZ"), 2, "unknown ministry code XYZ"),
        (("templates", "--period", "2019", "--plan", "nowhere.toml"), 2, "nor a plan file"),
        (("report",), 2, "give --period YEAR"),
        (("report", "--interim", "--periods", "2020"), 2, "give --periods FIRST-LAST"),
        (("mail", "templates", "--period", "2019"), 2, "is not a workspace"),
        (("mail", "reminders", "--period", "2019", "--resend"), 2, "--resend only applies with"),
    ],
)
def test_user_errors_are_one_line_and_non_zero(tmp_path, args, code, message):
    if args[0] == "templates":
        new_workspace(tmp_path / "empty")
    result = CliRunner().invoke(cli, ["--root", str(tmp_path / "empty"), *args])
    if args[0] in ("ingest", "status", "report", "mail"):
        (tmp_path / "empty").mkdir(exist_ok=True)
        result = CliRunner().invoke(cli, ["--root", str(tmp_path / "empty"), *args])
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_a_missing_folder_is_named(tmp_path):
    result = CliRunner().invoke(cli, ["--root", str(tmp_path / "nowhere"), "ingest"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: the folder {tmp_path / 'nowhere'} does not exist; give --root the workspace folder"
    )


def test_no_data_for_a_period_says_what_to_do(tmp_path):
    root = new_workspace(tmp_path / "ws").root
    nap("templates", "--period", "2019", root=root)
    result = CliRunner().invoke(cli, ["--root", str(root), "consolidate", "--period", "2019"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "nap ingest" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path):
    root = new_workspace(tmp_path / "ws").root
    result = CliRunner().invoke(
        cli, ["--debug", "--root", str(root), "templates", "--period", "2035"]
    )
    assert result.exit_code == 2
    assert "Traceback" in result.output and "Error: period 2035" in result.output


@pytest.mark.parametrize("args", [["--help"], ["status", "--period", "2019"]])
def test_quick_commands_do_not_import_the_heavy_libraries(tmp_path, args):
    """Start-up stays short: pandas, matplotlib, python-docx and the Excel writers load only
    in the commands that use them."""
    nap("templates", "--period", "2019", root=new_workspace(tmp_path / "ws").root)
    probe = (
        "import sys; from pipeline.cli import main; sys.argv = ['nap', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pandas', 'matplotlib', 'docx', 'openpyxl', 'xlsxwriter')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--root", str(tmp_path / "ws"), *args],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_global_options_are_taken_after_the_command_too(tmp_path):
    root = new_workspace(tmp_path / "ws").root

    after = CliRunner().invoke(cli, ["status", "--period", "2019", "--root", str(root)])
    nested = CliRunner().invoke(cli, ["mail", "pending", "--root", str(root)])
    debug = CliRunner().invoke(
        cli, ["templates", "--period", "2035", "--root", str(root), "--debug"]
    )

    assert after.exit_code == 0 and after.output.startswith("Period 2019 of the plan")
    assert nested.exit_code == 0 and nested.output == "No sending is pending.\n"
    assert debug.exit_code == 2 and "Traceback" in debug.output


def test_two_different_workspaces_in_one_command_are_refused(tmp_path):
    one, two = (new_workspace(tmp_path / name).root for name in ("one", "two"))

    result = CliRunner().invoke(
        cli, ["--root", str(one), "status", "--period", "2019", "--root", str(two)]
    )

    assert result.exit_code == 2
    assert f"the workspace is already {one} (--root before the command); give --root once" in (
        result.output
    )

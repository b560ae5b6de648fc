"""The coordinator's guide works when pasted: every `nap` command of its grey blocks (```sh and
```console), run in the guide's order on a new workspace, as a coordinator would run them.

Between two commands the test does what the coordinator and the ministries do by hand, in
the scenes below: edit nap.toml and contacts.csv, drop returned files into inbox/, a mail
server on loopback that refuses an address or hangs up. A command whose example output shows
an `Error:` line must fail with that error; every other must succeed. A number the guide
shows (`nap accept 8`) is the one the coordinator would read on the screen before it (the
held file, the rejected file, the pending sending). `cd` is followed; the install lines
(python3 -m venv, pip, activate) and the `cp` of the key are not run: they need the
network or another machine's folders. `nap restore` restores the backup the guide made just
before (test_backup.py restores one after more was recorded).
`--pdf` needs LibreOffice: without it, that command runs without `--pdf`."""

from __future__ import annotations

import re
import shlex
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.delivery.compose import compose_templates
from pipeline.delivery.pending import pending_messages
from pipeline.delivery.send import deliver
from pipeline.intake.review import held_returns
from pipeline.ledger import connect, rejected_by_checks
from pipeline.settings import read_settings
from pipeline.workspace import Workspace
from tests.filling import fill_template, sample_answers
from tests.mailserver import Collector, no_smtp_env, start
from tests.matrices import write_matrix, write_ministries

__all__ = ["no_smtp_env"]  # fixture

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "coordinator-guide.md"
HAS_OFFICE = shutil.which("soffice") is not None


@dataclass
class Command:
    words: list[str]
    fails: str = ""  # how the Error: line the guide shows begins; "" when it shows none

    @property
    def text(self) -> str:
        return shlex.join(self.words)


def guide_commands() -> Iterator[Command]:
    """The guide's commands in order, `cd` included; console blocks with their outcome."""
    text = GUIDE.read_text(encoding="utf-8")
    for language, block in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        lines = [line.strip() for line in block.splitlines()]
        if language == "sh":
            for line in lines:
                for part in line.partition("#")[0].split("&&"):
                    words = shlex.split(part)
                    if words and words[0] in ("nap", "cd"):
                        yield Command(words)
        elif language == "console":
            yield from _console(lines)


def _console(lines: list[str]) -> Iterator[Command]:
    starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
    for n, first in enumerate(starts):
        shown = lines[first + 1 : starts[n + 1] if n + 1 < len(starts) else len(lines)]
        error = next((line for line in shown if line.startswith("Error: ")), "")
        yield Command(shlex.split(lines[first][2:]), error[:38])


@dataclass
class Year:
    """The coordinator's year as the scenes play it: the workspace, the mail server, what the
    ministries sent, and the numbers the screens showed."""

    scratch: Path
    root: Path
    backups: Path
    server: Collector
    plan: object = None
    kept: dict[str, bytes] = field(default_factory=dict)
    held: int = 0
    pending: list[int] = field(default_factory=list)
    undo: list[Callable[[], None]] = field(default_factory=list)

    @property
    def ws(self) -> Workspace:
        return Workspace.open(self.root)


OFFICE_TOML = """office = "Ministry of Foreign and European Affairs"
deadline = "03-31"
time_zone = "Europe/Luxembourg"

[contact]
name = "WPS action plan coordination"
email = "wps-coordination@maee.example"
"""


def contacts(codes, change: dict[str, str] | None = None) -> str:
    rows = ["ministry,name,role,email,cc,language"]
    for code in codes:
        name = "Anne Muller" if code == "MJ" else ""
        email = (change or {}).get(code, f"wps@{code.lower()}.example")
        rows.append(f"{code},{name},Focal point WPS,{email},,en")
    return "\n".join(rows) + "\n"


def edit_settings_and_contacts(year: Year) -> None:
    (year.root / "nap.toml").write_text(OFFICE_TOML, encoding="utf-8")
    (year.root / "workbook_templates" / "contacts.csv").write_text(
        contacts(year.ws.plan.ministry_codes), encoding="utf-8"
    )


def hide_key(year: Year) -> None:
    key = year.root / ".nap-signing-key"
    key.rename(year.scratch / "key")
    year.undo.append(lambda: (year.scratch / "key").rename(key))


def refuse_mj(year: Year) -> None:
    year.server.refuse["wps@mj.example"] = "550 5.1.1 Recipient address rejected"


def correct_mj(year: Year) -> None:
    year.server.refuse.clear()
    path = year.root / "workbook_templates" / "contacts.csv"
    path.write_text(contacts(year.ws.plan.ministry_codes, {"MJ": "anne.muller@mj.example"}))


def two_pending(year: Year) -> None:
    """The server hangs up after two messages' data: whether they arrived is unknown."""
    year.server.hang_up = "DATA"
    for code in ("MSI", "MEGA"):
        ws = year.ws.for_period(2019)
        deliver(ws, 2019, compose_templates(ws, 2019, ministries=[code]), send=True, resend=True)
    year.server.hang_up = ""
    year.pending = [s.id for s in pending_messages(year.ws)]


def _return(year: Year, code: str, name: str, answers) -> Path:
    ws = year.ws
    path = fill_template(ws.template_path(2019, code), ws.inbox / name, answers)
    year.kept[code] = path.read_bytes()
    return path


def first_returns(year: Year) -> None:
    plan = year.plan = year.ws.plan
    for code in ("MJ", "MEGA", "MSI", "MAEE", "MENJE", "MIFA", "MISA"):
        answers = sample_answers(plan, code, 2019)
        if code == "MEGA":
            for action in list(answers)[:7]:
                answers[action] = {}  # rows left empty: warnings
        if code == "MSI":
            answers[next(iter(answers))]["status"] = "Finished"
        _return(year, code, f"{code} report 2019.xlsx", answers)
    (year.root / "inbox" / "~$MIFA report 2019.xlsx").write_bytes(b"Excel")


def late_correction(year: Year) -> None:
    answers = sample_answers(year.plan, "MAEE", 2019)
    action = next(a for a in year.plan.actions_for("MAEE") if "women_men" in a.measures)
    answers[action.id]["women"] = int(answers[action.id]["women"]) * 3
    _return(year, "MAEE", "MAEE report 2019 (2).xlsx", answers)


def note_held(year: Year) -> None:
    (held,) = held_returns(year.ws, None)
    year.held = held.file.id


def drop_rejected_again(year: Year) -> None:
    (year.root / "inbox" / "MSI report 2019.xlsx").write_bytes(year.kept["MSI"])


def drafted_matrix(year: Year) -> None:
    write_matrix(year.root / "matrix.xlsx")
    write_ministries(year.root / "ministries.csv", with_ctie=True)


def new_focal_points(year: Year) -> None:
    codes = year.ws.ministry_codes
    (year.root / "workbook_templates" / "contacts.csv").write_text(contacts(codes))


IMPORT = (
    "nap plan import matrix.xlsx --id lu-wps-2024-2028 --periods 2024-2028 --ministries "
    "ministries.csv"
)
# What happens by hand before a command: (its words, how many times it came before).
SCENES: dict[tuple[str, int], Callable[[Year], None]] = {
    ("nap ingest", 0): hide_key,
    ("nap check", 1): edit_settings_and_contacts,
    ("nap mail templates --period 2019 --send", 0): refuse_mj,
    ("nap mail templates --period 2019 --send", 1): correct_mj,
    ("nap mail pending", 0): two_pending,
    ("nap ingest", 1): first_returns,
    ("nap ingest", 2): late_correction,
    ("nap review", 0): note_held,
    ("nap ingest", 3): drop_rejected_again,
    (IMPORT, 0): drafted_matrix,
    ("nap templates --period 2024", 0): new_focal_points,
}


def as_run(command: Command, year: Year, seen: Counter) -> list[str]:
    """The words as the coordinator types them here: this machine's folders, and the
    numbers their screen showed."""
    words = [
        w.replace("/srv/wps", str(year.root)).replace("/mnt/backup", str(year.backups))
        for w in command.words[1:]
    ]
    if words[:1] in (["accept"], ["revert"], ["reject"]):
        words[1] = str(year.held)
    if words[:1] == ["reprocess"] and words[1].isdigit():
        with connect(year.root / "ledger.sqlite") as conn:
            words[1] = str(next(f.id for f in rejected_by_checks(conn) if f.ministry == "MSI"))
    if "restore" in words:  # the backup folder the guide's `nap backup` wrote, by its time
        (folder,) = year.backups.glob("nap-backup-*")
        words[-1] = str(folder)
    if words[:2] == ["mail", "confirm"]:
        words[2] = str(year.pending[seen["confirm"]])
        seen["confirm"] += 1
    if "--pdf" in words and not HAS_OFFICE:
        words.remove("--pdf")
    return words


@pytest.fixture
def year(tmp_path, monkeypatch, request) -> Year:
    monkeypatch.delenv("NAP_SIGNING_KEY")  # the key in the workspace's file, as nap init makes it
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    server = Collector()
    start(monkeypatch, request, server)  # NAP_SMTP_HOST and NAP_SMTP_PORT point at it
    return Year(scratch, tmp_path / "srv" / "wps", tmp_path / "backup", server)


def test_every_command_of_the_guide_runs_in_order_on_a_new_workspace(year, monkeypatch):
    seen: Counter = Counter()
    ran, played = [], []
    for command in guide_commands():
        if command.words[0] == "cd":
            monkeypatch.chdir(command.words[1].replace("/srv/wps", str(year.root)))
            continue
        scene = SCENES.get((command.text, seen[command.text]))
        seen[command.text] += 1
        if scene is not None:
            scene(year)
            played.append(scene)
        result = CliRunner().invoke(cli, as_run(command, year, seen))
        while year.undo:
            year.undo.pop()()
        ran.append(command.text)
        if command.fails:
            assert result.exit_code != 0, f"{command.text} should fail:\n{result.output}"
            assert command.fails.replace("/srv/wps", str(year.root)) in result.output
        else:
            assert result.exit_code == 0, f"{command.text}\n{result.output}"
    assert played == list(SCENES.values()), "every scene is played, in the guide's order"
    assert len(ran) > 50


def test_the_settings_of_the_guide_read_without_a_mistake(tmp_path):
    blocks = re.findall(r"```toml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if "[contact]" in b]  # the others are of plan.toml
    path = tmp_path / "nap.toml"
    path.write_text(block, encoding="utf-8")

    settings, problems = read_settings(path)

    assert problems == []
    assert (settings.time_zone, settings.smtp.port) == ("Europe/Luxembourg", 587)


def test_the_guide_says_how_to_find_nap_before_its_first_command():
    text = GUIDE.read_text(encoding="utf-8")
    first_block = text.index("```sh")
    assert ". /srv/wps/.venv/bin/activate" in text[:first_block]
    assert "/srv/wps/.venv/bin/nap" in text[:first_block]

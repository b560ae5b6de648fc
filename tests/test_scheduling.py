"""The scheduling examples of docs/scheduling/, run as cron and systemd would run them, on a
workspace fresh from `nap init`: silent when the run completes, with its log in the workspace;
one line and a non-zero exit code when it cannot."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

REPO = Path(__file__).resolve().parent.parent
SCHEDULING = REPO / "docs" / "scheduling"
NAP = Path(sys.executable).parent / "nap"  # the installed command, as the examples call it


def example_command(text: str, root: Path) -> str:
    """The example's command for this machine: the workspace and the installation moved."""
    return text.replace("/srv/wps/.venv/bin/nap", str(NAP)).replace("/srv/wps", str(root))


def cron_command(root: Path) -> str:
    (line,) = [
        line
        for line in (SCHEDULING / "crontab.example").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    return example_command(line.split(None, 5)[5], root)


def run_as_cron(command: str) -> subprocess.CompletedProcess:
    """/bin/sh, as cron runs a job, with nothing of this session's environment but a PATH."""
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True)


@pytest.fixture
def fresh(tmp_path, monkeypatch) -> Path:
    """A workspace as `nap init` leaves it, its key in its own file, not in the environment."""
    monkeypatch.delenv("NAP_SIGNING_KEY")
    root = tmp_path / "wps"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    return root


@pytest.mark.skipif(not NAP.exists(), reason="the nap command is not installed in this Python")
def test_the_cron_line_runs_silently_on_a_fresh_workspace_and_logs(fresh):
    done = run_as_cron(cron_command(fresh))

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    (log,) = (fresh / "outbox" / "logs").glob("nap-*.log")
    text = log.read_text(encoding="utf-8")
    assert "run ended: period 2019: read no file; 0 of 8 ministries accepted; wrote nothing" in text


@pytest.mark.skipif(not NAP.exists(), reason="the nap command is not installed in this Python")
def test_the_cron_line_says_in_one_line_why_a_run_could_not_complete(fresh):
    (fresh / ".nap-signing-key").rename(fresh / "key-moved-away")

    done = run_as_cron(cron_command(fresh))

    assert done.returncode == 1 and done.stdout == ""
    (line,) = done.stderr.splitlines()  # what cron mails to MAILTO
    assert line.startswith("Error: no signing key: the key that signed the templates")
    (log,) = (fresh / "outbox" / "logs").glob("nap-*.log")
    assert " ERROR run failed: no signing key" in log.read_text(encoding="utf-8")


@pytest.mark.skipif(not NAP.exists(), reason="the nap command is not installed in this Python")
def test_the_systemd_service_runs_on_a_fresh_workspace(fresh):
    unit = (SCHEDULING / "nap-run.service").read_text()
    (start,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    command = shlex.split(example_command(start.removeprefix("ExecStart="), fresh))

    done = subprocess.run(command, cwd=fresh, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(
        "period 2019: read no file; 0 of 8 ministries accepted; wrote nothing; log: outbox/logs/"
    )

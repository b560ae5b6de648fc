"""The first day: `nap init` makes a workspace ready for a real year, `nap check` finds every
mistake with its file, line and fix, and nothing leaves the office with an example address."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.settings import read_settings
from pipeline.signing import fingerprint
from pipeline.workspace import Workspace
from tests.mailserver import Collector, free_port, no_smtp_env, start

__all__ = ["no_smtp_env"]  # fixture

REAL_CONTACTS = "\n".join(
    [
        "ministry,name,role,email,cc,language",
        *(
            f"{code},,Focal point WPS,wps@{code.lower()}.example,,en"
            for code in ("MAEE", "MSI", "MENJE", "MEGA", "MIFA", "MJ", "MISA", "ME")
        ),
    ]
)


def nap(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def key_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NAP_SIGNING_KEY")


@pytest.fixture
def fresh(tmp_path, key_file_only) -> Path:
    root = tmp_path / "wps"
    assert nap("init", str(root)).exit_code == 0
    return root


def edit_for_real(root: Path) -> None:
    """What the coordinator does after nap init: the office's address and the focal points."""
    settings = root / "nap.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("wps-coordination@example.org", "wps@maee.example"))
    (root / "workbook_templates" / "contacts.csv").write_text(REAL_CONTACTS, encoding="utf-8")


def test_init_makes_every_part_and_says_where_and_what_to_edit(tmp_path, key_file_only):
    root = tmp_path / "wps"
    result = nap("init", str(root))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Workspace {root}"
    made = [line.split()[1] for line in lines if line.startswith("  made  ")]
    assert made == [
        "inbox/",
        "outbox/",
        "outbox/logs/",
        "nap.toml",
        "workbook_templates/contacts.csv",
        "workbook_templates/plans/lu-wps-2018-2023/",
        ".nap-signing-key",
    ]
    key = root / ".nap-signing-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert f"fingerprint is {fingerprint(key.read_text().strip().encode())}" in result.output
    assert lines[-3:] == [
        "  1. nap.toml: the office, your name and address, the deadline, the mail server",
        "  2. workbook_templates/contacts.csv: each ministry's focal point",
        f"  3. then check everything: nap --root {root} check",
    ]
    assert read_settings(root / "nap.toml")[1] == []  # the commented file reads as it is
    ws = Workspace.open(root)
    assert ws.plan_file == root / "workbook_templates/plans/lu-wps-2018-2023/plan.toml"


def test_init_again_overwrites_nothing(fresh):
    settings = fresh / "nap.toml"
    settings.write_text('office = "Ministère des Affaires étrangères"\n', encoding="utf-8")
    key = (fresh / ".nap-signing-key").read_bytes()

    again = nap("init", str(fresh))

    assert again.exit_code == 0, again.output
    assert "  made  " not in again.output and again.output.count("  kept  ") == 7
    assert settings.read_text(encoding="utf-8") == 'office = "Ministère des Affaires étrangères"\n'
    assert (fresh / ".nap-signing-key").read_bytes() == key


def test_the_key_made_by_init_signs_the_templates_and_serves_the_nightly_run(fresh):
    edit_for_real(fresh)
    key = (fresh / ".nap-signing-key").read_bytes()

    templates = nap("--root", str(fresh), "templates", "--period", "2019")
    run = nap("--root", str(fresh), "run", "--period", "2019")

    assert templates.exit_code == 0, templates.output
    assert "signing key" not in templates.output  # made once, by init
    assert (fresh / ".nap-signing-key").read_bytes() == key
    assert run.exit_code == 0, run.output


def test_a_fresh_workspace_refuses_to_issue_templates_with_the_example_address(fresh):
    refused = nap("--root", str(fresh), "templates", "--period", "2019")

    assert refused.exit_code == 1
    assert refused.output.startswith(
        "Error: placeholder addresses would go into the templates: nap.toml: line 27, "
        "contact.email: 'wps-coordination@example.org'; put the real addresses there"
    )
    assert not (fresh / "outbox" / "2019").exists()

    trial = nap("--root", str(fresh), "templates", "--period", "2019", "--allow-placeholders")
    assert trial.exit_code == 0 and trial.output.count("wrote ") == 8


def test_messages_to_example_addresses_are_refused(fresh):
    (fresh / "nap.toml").write_text('[contact]\nemail = "wps@maee.example"\n', encoding="utf-8")
    assert nap("--root", str(fresh), "templates", "--period", "2019").exit_code == 0

    refused = nap("--root", str(fresh), "mail", "templates", "--period", "2019")

    assert refused.exit_code == 1
    assert "contacts.csv: line 2, email: 'wps.focal-point@maee.example.org'" in refused.output
    assert "and 10 more" in refused.output
    assert not (fresh / "outbox" / "2019" / "mail").exists()


def test_check_after_init_lists_what_to_edit_then_nothing(fresh):
    first = nap("--root", str(fresh), "check")

    assert first.exit_code == 1
    assert (
        "  nap.toml: line 27, contact.email: error: 'wps-coordination@example.org' is an "
        "example address (example.org); put the real one here" in first.output
    )
    assert "  contacts.csv: line 9, cc: error: 'liaison@sre.example.org'" in first.output
    assert first.output.splitlines()[-1].startswith("Error: 14 problems to correct")

    edit_for_real(fresh)
    second = nap("--root", str(fresh), "check")

    assert second.exit_code == 0, second.output
    assert second.output.splitlines() == [
        "folders                          inbox/, outbox/: ok",
        "ledger                           ledger.sqlite: ok",
        "nap.toml                         ok",
        "plans                            lu-wps-2018-2023 (2018-2023): ok",
        "workbook_templates/contacts.csv  8 ministries: ok",
        "translations                     en only: ok",
        f"signing key                      {fresh / '.nap-signing-key'} (fingerprint "
        f"{fingerprint((fresh / '.nap-signing-key').read_text().strip().encode())}): ok",
        "Nothing to correct.",
    ]


def test_check_lists_every_problem_of_every_part_at_once(fresh):
    edit_for_real(fresh)
    settings = fresh / "nap.toml"
    settings.write_text(settings.read_text().replace("port = 25", 'port = "587x"'))
    contacts = fresh / "workbook_templates" / "contacts.csv"
    contacts.write_text(contacts.read_text().replace("wps@mj.example,,en", "wps@mj,,de"))
    actions = fresh / "workbook_templates/plans/lu-wps-2018-2023/actions.csv"
    actions.write_text(actions.read_text().replace("I.02,I,", "I.01,I,", 1))
    (fresh / ".nap-signing-key").chmod(0o644)

    result = nap("--root", str(fresh), "check")

    assert result.exit_code == 1
    found = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert found == [
        "nap.toml: line 34, smtp.port: error: '587x' is not a port number from 1 to 65535; "
        "e.g. port = 587",
        "workbook_templates/plans/lu-wps-2018-2023/actions.csv: line 3, id: error: action id "
        "I.01 is used twice (first on line 2)",
        "contacts.csv: line 7, language: error: 'de' is not a language of the messages; write "
        "one of en, fr, or leave it empty for the language of nap.toml",
        "contacts.csv: line 7, email: error: 'wps@mj' is not an email address (the part after "
        "the @-sign is not valid. It should have a period)",
        f"{fresh / '.nap-signing-key'}: warning: other users of the machine may read the key; "
        "make the file private (chmod 600)",
    ]


def test_check_names_a_missing_key_by_its_fingerprint(fresh):
    key = fresh / ".nap-signing-key"
    expected = fingerprint(key.read_text().strip().encode())
    key.unlink()

    result = nap("--root", str(fresh), "check")

    assert (
        f"  .nap-signing-key: error: the signing key that signed the templates (fingerprint "
        f"{expected}) is missing; put the office's copy back here" in result.output
    )


def test_check_smtp_logs_in_as_a_sending_would(fresh, monkeypatch, request):
    edit_for_real(fresh)
    server = start(monkeypatch, request, Collector())

    reached = nap("--root", str(fresh), "check", "--smtp")

    assert reached.exit_code == 0, reached.output
    assert f"mail server                      127.0.0.1:{server.port} (none): connected: ok" in (
        reached.output
    )
    monkeypatch.setenv("NAP_SMTP_PORT", str(free_port()))
    refused = nap("--root", str(fresh), "check", "--smtp")
    assert refused.exit_code == 1
    assert "cannot be reached" in refused.output

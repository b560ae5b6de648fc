"""The signing key: made once, by the first nap templates, and said so; never made by ingest or
run, which stop before reading any file when the key that signed the templates is missing or
another one is in use."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.failures import NapError
from pipeline.signing import create_key, fingerprint, office_key
from pipeline.workspace import Workspace
from tests.filling import fill_template, sample_answers
from tests.office import new_workspace


def nap(root, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def recorded(ws: Workspace) -> list[str]:
    with closing(sqlite3.connect(ws.ledger_path)) as raw, raw:
        return [r[0] for r in raw.execute("SELECT fingerprint FROM signing_key")]


@pytest.fixture
def key_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The office keeps its key in the workspace's file, not in the environment."""
    monkeypatch.delenv("NAP_SIGNING_KEY")


@pytest.fixture
def issued(tmp_path, key_file_only, plan) -> Workspace:
    """A workspace whose templates are issued and one MJ return is in the inbox."""
    root = tmp_path / "ws"
    new_workspace(root)
    assert nap(root, "templates", "--period", "2019").exit_code == 0
    ws = Workspace.open(root)
    fill_template(
        ws.template_path(2019, "MJ"), ws.inbox / "MJ.xlsx", sample_answers(plan, "MJ", 2019)
    )
    return ws


def test_the_first_templates_make_the_key_and_say_where_it_is(tmp_path, key_file_only):
    root = tmp_path / "ws"
    new_workspace(root)
    first = nap(root, "templates", "--period", "2019")
    assert first.exit_code == 0, first.output
    key_path = root / ".nap-signing-key"
    fp = fingerprint(key_path.read_text().strip().encode())
    assert first.output.splitlines()[0] == (
        f"created the signing key {key_path} (fingerprint {fp}): back it up with the ledger; "
        "without it no returned template can be verified"
    )
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert recorded(Workspace.open(root)) == [fp]
    again = nap(root, "templates", "--period", "2020")
    assert again.exit_code == 0 and "signing key" not in again.output


def test_ingest_without_the_key_stops_and_makes_none(issued):
    key = issued.key_path.read_bytes()
    issued.key_path.unlink()  # the cron job runs where the key file is not

    for command in (("ingest",), ("run", "--period", "2019")):
        result = nap(issued.root, *command)
        assert result.exit_code == 1, result.output
        (line,) = result.output.strip().splitlines()
        assert line.startswith("Error: no signing key: the key that signed the templates")
        assert f"is expected in the file {issued.key_path} or in NAP_SIGNING_KEY" in line
        assert line.endswith(f"The files stay in {issued.inbox}")
        assert not issued.key_path.exists()
        assert [p.name for p in issued.inbox.iterdir()] == ["MJ.xlsx"]
    assert not (issued.period_dir(2019) / "consolidated_2019.xlsx").exists()

    issued.key_path.write_bytes(key)  # restored from the backup
    result = nap(issued.root, "ingest")
    assert result.exit_code == 0 and "accepted  MJ.xlsx: MJ 2019" in result.output


def test_ingest_with_another_key_stops_naming_both_fingerprints(issued, monkeypatch):
    expected = recorded(issued)[0]
    monkeypatch.setenv("NAP_SIGNING_KEY", "the key of another office")
    other = fingerprint(b"the key of another office")

    result = nap(issued.root, "ingest")

    assert result.exit_code == 1
    assert (
        f"the signing key in NAP_SIGNING_KEY (fingerprint {other}) is not the one that signed "
        f"this workspace's templates (fingerprint {expected}); set NAP_SIGNING_KEY "
        f"to the office's key, or unset it to use {issued.key_path}"
    ) in result.output
    assert [p.name for p in issued.inbox.iterdir()] == ["MJ.xlsx"]
    templates = nap(issued.root, "templates", "--period", "2019")
    assert templates.exit_code == 1 and "is not the one that signed" in templates.output


def test_a_key_of_an_earlier_version_is_recorded_once_it_is_shown_to_sign_the_templates(
    issued,
):
    with (
        closing(sqlite3.connect(issued.ledger_path)) as raw,
        raw,
    ):  # as a ledger of version 0.1.0 was
        raw.execute("DELETE FROM signing_key")
    assert office_key(issued).source == str(issued.key_path)
    assert recorded(issued) == [fingerprint(issued.key_path.read_text().strip().encode())]

    with closing(sqlite3.connect(issued.ledger_path)) as raw, raw:
        raw.execute("DELETE FROM signing_key")
    issued.key_path.write_text("a key made by mistake\n")
    with pytest.raises(NapError, match="did not sign the templates already in"):
        office_key(issued)
    assert recorded(issued) == []


def test_no_key_is_made_for_a_workspace_whose_ledger_records_one(issued):
    with pytest.raises(NapError, match="already records a signing key"):
        create_key(issued)


def test_ingest_in_a_workspace_where_nothing_was_issued_says_to_issue_first(tmp_path):
    ws = new_workspace(tmp_path / "ws")
    result = nap(ws.root, "ingest")
    assert result.exit_code == 1
    assert (
        "no template was issued in" in result.output and "nap templates --period" in result.output
    )
    assert not ws.key_path.exists()


def test_an_empty_key_file_is_named(issued):
    issued.key_path.write_text("")
    result = nap(issued.root, "ingest")
    assert result.exit_code == 1
    assert f"the signing key file {issued.key_path} is empty; restore it" in result.output
    assert os.path.getsize(issued.key_path) == 0


def test_no_new_key_is_made_over_templates_signed_with_a_lost_one(issued):
    issued.key_path.unlink()
    issued.ledger_path.unlink()  # the key and the ledger both lost; the templates remain

    result = nap(issued.root, "templates", "--period", "2019")

    assert result.exit_code == 1
    assert "were signed with a key that is neither in" in result.output
    assert "restore it from the office's backup" in result.output
    assert not issued.key_path.exists()

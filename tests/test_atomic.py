"""What the tool writes is shared as the user's umask says, as any file they save; the ledger
and the signing key stay readable by their owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.filling import fill_template, sample_answers
from tests.office import new_workspace


@pytest.fixture
def umask() -> Iterator[None]:
    """The office's umask: its group may read and write what a colleague's job wrote."""
    before = os.umask(0o002)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outputs_follow_the_umask_and_the_ledger_and_key_stay_private(
    tmp_path, plan, umask, monkeypatch
):
    monkeypatch.delenv("NAP_SIGNING_KEY")
    root = tmp_path / "ws"
    new_workspace(root)
    nap = CliRunner()
    assert nap.invoke(cli, ["--root", str(root), "templates", "--period", "2019"]).exit_code == 0
    good = sample_answers(plan, "MJ", 2019)
    fill_template(root / "outbox/2019/templates/MJ.xlsx", root / "inbox/MJ.xlsx", good)
    bad = sample_answers(plan, "MSI", 2019)
    bad[next(iter(bad))]["status"] = "Finished"
    fill_template(root / "outbox/2019/templates/MSI.xlsx", root / "inbox/MSI.xlsx", bad)

    assert nap.invoke(cli, ["--root", str(root), "run", "--period", "2019"]).exit_code == 0

    outbox = root / "outbox" / "2019"
    shared = [
        outbox / "templates" / "MJ.xlsx",
        outbox / "consolidated_2019.xlsx",
        outbox / "committee_report_2019.docx",
        *(outbox / "feedback").glob("*.xlsx"),
        *(root / "archive" / "rejected").glob("*.reasons.txt"),
    ]
    assert len(shared) == 5
    assert {p.name: mode(p) for p in shared} == {p.name: 0o664 for p in shared}
    private = [root / "ledger.sqlite", root / ".nap-signing-key"]
    assert {p.name: mode(p) for p in private} == {p.name: 0o600 for p in private}

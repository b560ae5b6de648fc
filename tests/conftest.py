"""Fixtures: a workspace in a temporary folder, with a signing key and addresses of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.plan.register import Plan, load_plan
from pipeline.settings import DEFAULT_PLAN
from pipeline.workspace import Workspace, shipped_data_file
from tests.office import new_workspace

TEST_KEY = "test-signing-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def signing_key_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NAP_SIGNING_KEY", TEST_KEY)
    return TEST_KEY


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return new_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_plan(shipped_data_file(DEFAULT_PLAN))

"""Fixtures: a workspace in a temporary folder, with a signing key and addresses of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def signed_workspace(factory: pytest.TempPathFactory, name: str) -> Iterator[Workspace]:
    """A workspace for a module's fixture, with the signing key set while the module runs
    (the key of the autouse fixture is set per test)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NAP_SIGNING_KEY", TEST_KEY)
        yield new_workspace(factory.mktemp(name) / "ws")

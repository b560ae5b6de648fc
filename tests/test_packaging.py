"""An installed copy (not the repository) finds the data it ships: the plan, the wording, the
reference document. Built with pip from the repository, as the quickstart does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    pytest.importorskip("setuptools", minversion="70.1", reason="comes with the test extra")
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--target", str(target), str(REPO)],
        check=True, capture_output=True, timeout=300, cwd=build,
        env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )  # fmt: skip
    return target


def test_every_data_file_is_installed(installed):
    shipped = {
        p.relative_to(REPO / "workbook_templates")
        for p in (REPO / "workbook_templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    copy = installed / "pipeline" / "workbook_templates"
    assert shipped and {p for p in shipped if not (copy / p).is_file()} == set()


def test_the_installed_copy_loads_the_plan_away_from_the_repository(installed, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(installed))
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(tmp_path), "plan"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "55 actions" in done.stdout
    assert str(installed) in subprocess.run(
        [sys.executable, "-c", "import pipeline; print(pipeline.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

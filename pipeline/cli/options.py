"""Options and small helpers that several commands share."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from pipeline.cli.app import Invocation
from pipeline.failures import UsageError
from pipeline.language import LANGUAGES

period_option = click.option(
    "--period", type=click.IntRange(1900, 2999), required=True, help="Reporting year, e.g. 2019."
)


def _remember_plan(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Invocation).plan = value


plan_option = click.option(
    "--plan",
    metavar="ID|FILE",
    expose_value=False,
    callback=_remember_plan,
    help="A plan of the workspace (its id) or a plan file, instead of the plan of the period.",
)


def _remember_language(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Invocation).language = value


language_option = click.option(
    "--language",
    type=click.Choice(LANGUAGES, case_sensitive=False),
    expose_value=False,
    callback=_remember_language,
    help="Write the documents in this language (en or fr), whatever nap.toml and the "
    "ministries' language column in contacts.csv say.",
)


wait_option = click.option(
    "--wait",
    type=click.FloatRange(0),
    default=300,
    show_default=True,
    help="Seconds to wait for another nap command in the same workspace, or for another "
    "program writing to the ledger.",
)


ministry_option = click.option(
    "--ministry",
    "ministries",
    multiple=True,
    metavar="CODE",
    help="Only this ministry (repeatable).",
)


allow_placeholders_option = click.option(
    "--allow-placeholders",
    is_flag=True,
    help="Let example addresses (example.org) through, for a trial run: nothing that goes "
    "out with them reaches anyone.",
)


def invoked_as() -> str:
    """How to type nap again from here: `nap` when the shell finds this very one, else the
    path it was started by (its virtual environment is not activated)."""
    started = Path(sys.argv[0])
    found = shutil.which("nap")
    if started.name != "nap" or (found and Path(found).resolve() == started.resolve()):
        return "nap"
    return str(started)


def rel(path: Path, root: Path) -> str:
    """The path as the user sees it from the workspace, when it is inside."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def progress(label: str):
    """A progress bar on a terminal for long work, nothing otherwise."""

    def wrap(items, total: int):
        if total < 20 or not sys.stderr.isatty():
            return items
        from tqdm import tqdm

        return tqdm(items, total=total, desc=label, unit="file", leave=False)

    return wrap


def period_range(text: str | None) -> tuple[int, int]:
    try:
        first, last = (int(x) for x in (text or "").split("-"))
    except ValueError:
        raise UsageError("give --periods FIRST-LAST, e.g. --periods 2018-2020") from None
    return first, last

"""The `nap` group: its global options (before or after the command), and library errors turned
into one `Error: ...` line and an exit code."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import click

from pipeline import __version__
from pipeline.failures import NapError, UsageError
from pipeline.interruption import Stopped

ROOT_HELP = "Workspace folder holding inbox/ and outbox/."
DEBUG_HELP = "Show tracebacks of errors."


class Invocation:
    """The global options of one `nap` command: the workspace folder, --debug, and the
    --plan and --language of the subcommand."""

    def __init__(self, root: Path, debug: bool, root_given: bool = False) -> None:
        self.root, self.debug, self.root_given = root, debug, root_given
        self.plan: str | None = None
        self.language: str | None = None

    def workspace(self, *, create: bool = False, period: int | None = None):
        """The workspace, working on the plan given with --plan, else on the period's."""
        from pipeline.workspace import Workspace

        ws = Workspace.open(self.root, create=create, plan=self.plan).speaking(self.language)
        return ws if period is None else ws.for_period(period)


def _late_root(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
    """--root after the command, as people type it: `nap status --period 2019 --root DIR`."""
    if value is None:
        return
    invocation = ctx.find_object(Invocation)
    if invocation.root_given and invocation.root != value:
        raise click.BadParameter(
            f"the workspace is already {invocation.root} (--root before the command); give "
            "--root once"
        )
    invocation.root, invocation.root_given = value, True


def _late_debug(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_object(Invocation).debug = True


def _global_options() -> list[click.Option]:
    return [
        click.Option(
            ["--root"],
            type=click.Path(file_okay=False, path_type=Path),
            metavar="DIR",
            expose_value=False,
            callback=_late_root,
            help=ROOT_HELP + " Also accepted before the command.",
        ),
        click.Option(
            ["--debug"], is_flag=True, expose_value=False, callback=_late_debug, help=DEBUG_HELP
        ),
    ]


class NapGroup(click.Group):
    """Turns library errors into one `Error: ...` line; tracebacks only with --debug. An
    interruption (Ctrl-C) ends with exit code 130, as a shell expects."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader of the output went away (nap plan | head): not worth an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing is half done; run the command again", err=True)
            ctx.exit(130)
        except Stopped as exc:
            _fail(ctx, exc, exc.exit_code)
        except UsageError as exc:
            _fail(ctx, exc, 2)
        except NapError as exc:
            _fail(ctx, exc, 1)
        except Exception as exc:
            _fail(ctx, exc, 1, unexpected=True)


class NapCommand(click.Command):
    """A command that also takes --root and --debug after its name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params += _global_options()


class NapSubgroup(NapGroup):
    """A group of commands (`nap mail`, `nap plan`), taking the global options too."""

    command_class = NapCommand

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.params += _global_options()


def _fail(ctx: click.Context, exc: Exception, code: int, unexpected: bool = False) -> None:
    debug = bool(ctx.obj and ctx.obj.debug)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    message = str(exc) or type(exc).__name__
    if unexpected:
        message = f"unexpected failure: {type(exc).__name__}: {message}" + (
            "" if debug else " (run again with --debug for details)"
        )
    click.echo(f"Error: {message}", err=True)
    ctx.exit(code)


@click.group(cls=NapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    default=Path("."),
    show_default="the current folder",
    help=ROOT_HELP + " Also accepted after the command.",
)
@click.option("--debug", is_flag=True, help=DEBUG_HELP)
@click.version_option(__version__, prog_name="nap")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """Run the yearly reporting cycle of a National Action Plan on Women, Peace and Security.

    \b
    A year's cycle:
      nap init /srv/wps                  a new workspace; edit nap.toml and contacts.csv
      nap check                          everything in order before anything goes out
      nap templates --period 2019        issue one Excel template per ministry
      nap mail templates --period 2019   the messages that carry them (--send to send)
      nap ingest                         check the files returned into inbox/
      nap status --period 2019           who has answered, who is missing
      nap mail reminders --period 2019   remind the missing and the rejected
      nap consolidate --period 2019      the consolidated workbook
      nap report --period 2019           the committee report (.docx)
      nap backup /mnt/backup             a copy of the ledger and settings, kept elsewhere
    """
    given = ctx.get_parameter_source("root") is not click.core.ParameterSource.DEFAULT
    ctx.obj = Invocation(root, debug, given)
    _announce_waits()


class _Stderr(logging.Handler):
    """The library's lines for the person at the terminal, such as a wait for a busy ledger."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"nap: {record.getMessage()}", err=True)


def _announce_waits() -> None:
    ledger_log = logging.getLogger("nap.ledger")
    if not any(isinstance(h, _Stderr) for h in ledger_log.handlers):
        ledger_log.addHandler(_Stderr())

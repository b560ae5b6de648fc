"""`nap run`: the nightly job."""

from __future__ import annotations

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.intake import print_ingest, print_stop
from pipeline.cli.options import (
    language_option,
    period_option,
    plan_option,
    progress,
    rel,
    wait_option,
)
from pipeline.interruption import Stopped


@click.command("run", cls=NapCommand)
@period_option
@language_option
@plan_option
@wait_option
@click.option(
    "--quiet",
    is_flag=True,
    help="Print nothing when the run completes (the log has it all): for cron, which mails "
    "whatever a job prints.",
)
@click.pass_obj
def run_cmd(obj: Invocation, period: int, wait: float, quiet: bool) -> None:
    """Ingest, consolidate and report in one idempotent step: the nightly job (cron or a
    systemd timer; see docs/scheduling/). When nothing changed since the last run, it writes
    nothing. The log, with a one-line summary of each run, is
    outbox/logs/nap-<date>.log. A rejected file is an outcome, not a failure: the exit code is
    1 only when the tool could not complete, with one line saying why. Ctrl-C or SIGTERM
    finishes the files in hand and exits with 130 or 143.

    \b
    Example:
      nap run --period 2019
      nap --root /srv/wps run --period 2019 --quiet
    """
    from pipeline.run import log, run_cycle, setup_log_file

    ws = obj.workspace(period=period)
    log_path = setup_log_file(ws)
    try:
        summary = run_cycle(ws, period, wait=wait, progress=progress("Ingest"))
    except Stopped as exc:
        log.warning("interrupted: %s", exc)
        raise
    except Exception as exc:
        log.error("run failed: %s", exc)
        raise
    log_name = rel(log_path, ws.root)
    if not quiet or summary.stop is not None:  # a stopped run says what it did, even quietly
        print_ingest(summary.ingest)
        for note in summary.notes:
            click.echo(note)
        for path in summary.outputs:
            click.echo(f"wrote {rel(path, ws.root)}")
        click.echo(f"{summary.line()}; log: {log_name}")
    if summary.stop is not None:
        print_stop(summary.stop, summary.ingest.left, f"log: {log_name}")

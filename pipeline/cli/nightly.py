"""`nap run`: the nightly job."""

from __future__ import annotations

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.intake import print_ingest
from pipeline.cli.options import period_option, plan_option, progress, rel, wait_option


@click.command("run", cls=NapCommand)
@period_option
@plan_option
@wait_option
@click.pass_obj
def run_cmd(obj: Invocation, period: int, wait: float) -> None:
    """Ingest, consolidate and report in one idempotent step: the nightly job (cron or a
    systemd timer; see docs/). Logs go to outbox/logs/. A rejected file is an outcome, not a
    failure: the exit code is non-zero only when the tool could not complete.

    \b
    Example:
      nap --root /srv/wps run --period 2019
    """
    from pipeline.run import log, run_cycle, setup_log_file

    ws = obj.workspace(period=period)
    log_path = setup_log_file(ws)
    try:
        summary = run_cycle(ws, period, wait=wait, progress=progress("Ingest"))
    except Exception as exc:
        log.error("run failed: %s", exc)
        raise
    print_ingest(summary.ingest)
    st = summary.status
    if st is not None:
        accepted = len(st.ministries) - len(st.missing)
        held = f"held for your decision: {', '.join(st.held)}; " if st.held else ""
        click.echo(
            f"Period {period}: {accepted} of {len(st.ministries)} ministries accepted; "
            f"{held}missing: {', '.join(st.absent) or 'none'}"
        )
    for note in summary.notes:
        click.echo(note)
    for path in summary.outputs:
        click.echo(f"wrote {rel(path, ws.root)}")
    click.echo(f"log: {rel(log_path, ws.root)}")

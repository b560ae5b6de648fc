"""`nap templates`: the period's templates, one per ministry."""

from __future__ import annotations

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.options import ministry_option, period_option, plan_option, rel


@click.command("templates", cls=NapCommand)
@period_option
@ministry_option
@plan_option
@click.pass_obj
def templates_cmd(obj: Invocation, period: int, ministries: tuple[str, ...]) -> None:
    """Write one pre-filled, signed Excel template per ministry to outbox/<period>/templates/.

    Creates the workspace (inbox/, outbox/) if needed. Re-running rewrites the same files.
    The deadline they show is the one of nap.toml (by default March 31 of the next year),
    the same that the messages, the reminders and the reports use.

    \b
    Example:
      nap templates --period 2019
      nap templates --period 2019 --ministry MJ
    """
    from pipeline.template.issue import issue_templates

    ws = obj.workspace(create=True, period=period)
    paths = issue_templates(
        ws,
        period,
        ministries=[m.upper() for m in ministries],
        notify=click.echo,
    )
    for path in paths:
        click.echo(f"wrote {rel(path, ws.root)}")

"""`nap templates`: the period's templates, one per ministry."""

from __future__ import annotations

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.options import (
    allow_placeholders_option,
    language_option,
    ministry_option,
    period_option,
    plan_option,
    rel,
)


@click.command("templates", cls=NapCommand)
@period_option
@language_option
@ministry_option
@plan_option
@allow_placeholders_option
@click.pass_obj
def templates_cmd(
    obj: Invocation, period: int, ministries: tuple[str, ...], allow_placeholders: bool
) -> None:
    """Write one pre-filled, signed Excel template per ministry to outbox/<period>/templates/.

    Re-running rewrites the same files. The deadline and the office's contact they show are
    those of nap.toml (by default March 31 of the next year), the same that the messages, the
    reminders and the reports use; an example address (example.org) is refused. The first
    templates of a workspace made by an earlier version also make its signing key.

    \b
    Example:
      nap templates --period 2019
      nap templates --period 2019 --ministry MJ
    """
    from pipeline.template.issue import issue_templates

    ws = obj.workspace(period=period)
    paths = issue_templates(
        ws,
        period,
        ministries=[m.upper() for m in ministries],
        notify=click.echo,
        allow_placeholders=allow_placeholders,
    )
    for path in paths:
        click.echo(f"wrote {rel(path, ws.root)}")

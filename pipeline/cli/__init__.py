"""The `nap` command line: reads options, calls one library function, prints the outcome.

One module per group of commands; this one puts them together under `nap`."""

from __future__ import annotations

from pipeline.cli import (
    decisions,
    demo,
    intake,
    mail,
    nightly,
    outputs,
    plan,
    setup,
    templates,
)
from pipeline.cli.app import cli

COMMANDS = (
    setup.init_cmd,
    setup.check_cmd,
    plan.plan_group,
    templates.templates_cmd,
    mail.mail_group,
    intake.ingest_cmd,
    intake.status_cmd,
    decisions.review_cmd,
    decisions.accept_cmd,
    decisions.reject_cmd,
    decisions.revert_cmd,
    intake.reprocess_cmd,
    outputs.consolidate_cmd,
    outputs.report_cmd,
    outputs.accessibility_cmd,
    decisions.close_cmd,
    decisions.reopen_cmd,
    nightly.run_cmd,
    setup.backup_cmd,
    setup.restore_cmd,
    demo.demo_cmd,
)
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Everything built is frozen on the way out, so the interpreter's exit does not walk
    it all in one last full garbage collection (a fifth of a short run)."""
    import gc

    try:
        cli(prog_name="nap")
    finally:
        gc.freeze()


__all__ = ["cli", "main"]

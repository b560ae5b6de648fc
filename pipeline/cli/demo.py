"""`nap demo`: a whole cycle, or a whole plan, on SAMPLE data."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.intake import print_ingest
from pipeline.cli.options import invoked_as, language_option, rel
from pipeline.failures import UsageError


@click.command("demo", cls=NapCommand)
@language_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--plan-review",
    is_flag=True,
    help="The whole 2018-2023 plan instead, ending in its final implementation report.",
)
@click.pass_obj
def demo_cmd(obj: Invocation, folder: Path | None, plan_review: bool) -> None:
    """Run a whole reporting cycle on SAMPLE data in a new workspace (default: demo/) and
    show where every output is: templates, feedback, consolidated workbook, report, mail.
    With --plan-review, run every year of the plan instead (two of them without any return)
    and end with the plan's final implementation report and its workbook.

    \b
    Example:
      nap demo
      nap demo /tmp/wps-demo
      nap demo --plan-review /tmp/wps-review
      nap demo --language fr demo-fr
    """
    from pipeline.demo import PERIOD, run_demo
    from pipeline.demo_review import run_plan_review_demo
    from pipeline.workspace import LEDGER_FILE

    root = folder or (obj.root / "demo" if obj.root == Path(".") else obj.root)
    if (root / LEDGER_FILE).exists():
        raise UsageError(
            f"{root} already holds a ledger; give the demo a new folder, e.g. nap demo demo2"
        )
    run = run_plan_review_demo if plan_review else run_demo
    result = run(root, say=lambda line: click.echo(f"- {line}"), language=obj.language)
    for report in result.ingests:
        print_ingest(report)
    click.echo(f"\nThe demo workspace is {result.root}")
    for key, label in DEMO_LABELS.items():
        paths = result.outputs.get(key, [])
        if paths:
            _print_paths(label, paths)
    where = rel(result.root, Path.cwd())
    nap = invoked_as()
    if plan_review:
        click.echo(f"Next: {nap} --root {where} report --plan-review --final")
    else:
        click.echo(f"Next: {nap} --root {where} status --period {PERIOD}")


DEMO_LABELS = {
    "templates": "Templates sent to the ministries",
    "feedback": "Feedback workbook for the rejected file",
    "consolidated": "Consolidated workbook",
    "report": "Committee report",
    "mail": "Messages (.eml), open them in Thunderbird or Outlook",
    "plan_review": "Final implementation report",
    "plan_review_workbook": "Its tables, one sheet per view",
}


def _print_paths(label: str, paths: list[Path]) -> None:
    click.echo(f"{label}:")
    shown = paths if len(paths) <= 3 else [*paths[:2]]
    for path in shown:
        click.echo(f"  {rel(path, Path.cwd())}")
    if len(paths) > len(shown):
        click.echo(
            f"  ... and {len(paths) - len(shown)} more in {rel(paths[0].parent, Path.cwd())}"
        )

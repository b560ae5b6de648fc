"""`nap init`, `nap check` and `nap backup`: a workspace made, checked and kept safe."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.app import Invocation, NapCommand
from pipeline.cli.options import invoked_as, plan_option, rel, wait_option
from pipeline.failures import NapError


@click.command("init", cls=NapCommand)
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init_cmd(obj: Invocation, folder: Path | None) -> None:
    """Make a workspace for a real year in FOLDER (default: --root, or the current folder):
    inbox/ and outbox/, a commented nap.toml, the workspace's own copies of the plan register
    and of contacts.csv to edit, and the office's signing key. Nothing there is overwritten:
    on an existing workspace it adds only what is missing.

    \b
    Example:
      nap init /srv/wps
      nap --root /srv/wps init
    """
    from pipeline.workspace_init import init_workspace

    done = init_workspace(folder or obj.root)
    click.echo(f"Workspace {done.root}")
    for part in done.parts:
        shown = rel(part.path, done.root) + ("/" if part.path.is_dir() else "")
        click.echo(f"  {'made' if part.made else 'kept'}  {shown:<44} {part.role}")
    if done.key is not None and done.key.created:
        click.echo(
            f"The signing key's fingerprint is {done.key.fingerprint}: copy the file to the "
            "office's safe storage today; without it no returned template can be verified."
        )
    where = "" if done.root == Path.cwd() else f" --root {done.root}"
    click.echo("Edit first:")
    click.echo(f"  1. {rel(done.settings, done.root)}: the office, your name and address, the "
               "deadline, the mail server")  # fmt: skip
    click.echo(f"  2. {rel(done.contacts, done.root)}: each ministry's focal point")
    click.echo(f"  3. then check everything: {invoked_as()}{where} check")


@click.command("check", cls=NapCommand)
@click.option(
    "--smtp",
    is_flag=True,
    help="Also connect to the mail server and log in, as --send would (sends nothing).",
)
@plan_option
@click.pass_obj
def check_cmd(obj: Invocation, smtp: bool) -> None:
    """Check the whole workspace before anything goes out, and after any edit: its folders and
    ledger, nap.toml, every plan register, contacts.csv (against every plan), the signing key
    and, with --smtp, the mail server. Every problem is listed with its file, line and fix;
    the exit code is 1 when one of them would stop a command.

    \b
    Example:
      nap check
      nap check --smtp
    """
    from pipeline.check import check_workspace
    from pipeline.problems import errors

    checked = check_workspace(obj.root, smtp=smtp, plan=obj.plan)
    for part in checked.parts:
        said = f"{part.summary}: " if part.summary else ""
        found = len(part.problems)
        verdict = f"{found} problem{'s' * (found != 1)}" if found else "ok"
        click.echo(f"{part.name:<32} {said}{verdict}")
        for p in part.problems:
            click.echo(f"  {p}")
    wrong = errors(checked.problems)
    if wrong:
        raise NapError(
            f"{len(wrong)} problem{'s' * (len(wrong) != 1)} to correct, listed above; correct "
            "each as it says, then run nap check again"
        )
    click.echo("Nothing to correct." if not checked.problems else "Only warnings: nothing stops.")


@click.command("backup", cls=NapCommand)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@wait_option
@click.pass_obj
def backup_cmd(obj: Invocation, folder: Path, wait: float) -> None:
    """Write a backup of the workspace into FOLDER (on another disk or share), as a new folder
    nap-backup-<date>-<time>: the ledger copied safely while no other nap command writes to
    it, nap.toml, workbook_templates/, archive/, outbox/ and inbox/. The signing key is left
    out on purpose: keep it elsewhere. To restore: nap restore.

    \b
    Example:
      nap backup /mnt/backup
      nap --root /srv/wps backup /mnt/backup
    """
    from pipeline.backup import backup_workspace

    done = backup_workspace(obj.workspace(), folder, wait=wait)
    click.echo(f"wrote {done.folder}")
    click.echo(f"  ledger.sqlite ({done.ledger_files} files recorded), {', '.join(done.copied)}")
    if done.key:
        click.echo(
            f"Not in it: the signing key {done.key} (fingerprint {done.fingerprint}); keep a "
            "copy of it elsewhere than the backups"
        )


@click.command("restore", cls=NapCommand)
@click.argument("backup", type=click.Path(file_okay=False, path_type=Path), metavar="BACKUP")
@wait_option
@click.pass_obj
def restore_cmd(obj: Invocation, backup: Path, wait: float) -> None:
    """Make the workspace the backup in the folder BACKUP (one of the nap-backup-<date>-<time>
    folders that nap backup wrote). What the workspace held is kept, moved into a folder
    before-restore-<date>-<time> in it; the signing key stays where it is. Stop the nightly
    job first.

    \b
    Example:
      nap --root /srv/wps restore /mnt/backup/nap-backup-2020-04-06-021503
    """
    from pipeline.restore import restore_workspace

    done = restore_workspace(obj.root, backup, wait=wait)
    click.echo(f"restored {obj.root.resolve()} from {done.backup}")
    click.echo(f"  ledger.sqlite ({done.ledger_files} files recorded)")
    if done.aside is not None:
        click.echo(f"What the workspace held is in {done.aside}")
    for what, files in (
        ("received after the backup was made", done.received_since),
        ("waiting in the inbox", done.waiting),
    ):
        if files:
            click.echo(f"{len(files)} file{'s' * (len(files) != 1)} {what}, not in the backup:")
            for path in files:
                click.echo(f"  {path}")
            click.echo("  to read them again, copy them into inbox/ (they count as received then)")
    click.echo("Next: nap check (it says whether the signing key is in place)")

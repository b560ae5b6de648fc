"""Issue the period's templates: one signed, pre-filled workbook per reporting ministry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline import placeholders
from pipeline.intake.returned import read_meta
from pipeline.ledger import Connection, connect, last_statuses, period_statuses, periods
from pipeline.outputs.wording import Wording
from pipeline.plan.carry_over import carried_statuses, links_of_workspace
from pipeline.plan.contacts import read_contacts
from pipeline.plan.register import Plan
from pipeline.plan.translation import translated
from pipeline.signing import issuing_key
from pipeline.template.contract import TEMPLATE_WORDING, LastStatus
from pipeline.template.writer import Issue, OfficeContact, Texts, write_template
from pipeline.workspace import CONTACTS_FILE, Workspace

INSTRUCTIONS_FILE = "template_instructions.txt"


def template_texts(ws: Workspace, language: str) -> Texts:
    """The template wording and instructions of a language, English where untranslated."""
    english, own = ws.data_file(TEMPLATE_WORDING), ws.data_file_in(TEMPLATE_WORDING, language)
    words = Wording(english, {}, language, own if own != english else None)
    instructions = ws.data_file_in(INSTRUCTIONS_FILE, language).read_text(encoding="utf-8")
    return Texts(words, instructions)


def ministry_languages(ws: Workspace, codes: Sequence[str]) -> dict[str, str]:
    """The language of each ministry's template: --language, else the ministry's column of
    contacts.csv, else nap.toml. A contacts list with problems still gives its languages:
    `nap send` is where those problems stop a command."""
    contacts, _ = read_contacts(ws.data_file(CONTACTS_FILE), ws.plan, others=ws.ministry_codes)
    return {code: ws.language_for(getattr(contacts.get(code), "language", "")) for code in codes}


def issue_templates(
    ws: Workspace,
    period: int,
    *,
    ministries: Sequence[str] = (),
    deadline: dt.date | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    notify: Callable[[str], None] = lambda _: None,
    allow_placeholders: bool = False,
) -> list[Path]:
    """Write outbox/<period>/templates/<CODE>.xlsx; return the paths written. `notify` is
    told where a signing key made for the workspace is, to be backed up. The office's contact
    address is printed in them: one reserved for examples is refused unless allowed.

    A template re-issued with the same plan, rows and deadline keeps its first issue date,
    so re-running rewrites the same file.
    """
    plan = ws.plan
    ws.check_period(period)
    codes = ws.check_ministries(ministries)
    if not allow_placeholders:
        placeholders.refuse(ws, placeholders.in_settings(ws, mail=False), "the templates")
    deadline = deadline or ws.settings.deadline_for(period)
    office = issuing_key(ws)
    if office.created:
        notify(
            f"created the signing key {office.source} (fingerprint {office.fingerprint}): "
            "back it up with the ledger; without it no returned template can be verified"
        )
    key = office.key
    languages = ministry_languages(ws, codes)
    s = ws.settings
    contact = OfficeContact(s.contact_name, s.contact_email, s.contact_phone)
    today = today or dt.date.today()
    written = []
    statuses: dict[str, dict[str, LastStatus]] = {}
    links = links_of_workspace(ws)
    with connect(ws.ledger_path) as conn:
        for code in codes:
            # an action carried over from the previous plan shows where it stood there
            carried = carried_statuses(conn, links, plan.id, code, period)
            statuses[code] = carried | previous_statuses(conn, plan, code, period)
    texts = {language: template_texts(ws, language) for language in set(languages.values())}
    for code in codes:
        path = ws.template_path(period, code)
        language = languages[code]
        shown = translated(plan, language)
        issue = Issue(shown, code, period, today, deadline, language)
        previous = read_meta(path) if path.exists() else None
        if previous and previous.get("issued"):
            issued = dt.date.fromisoformat(previous["issued"])
            earlier = Issue(shown, code, period, issued, deadline, language)
            if earlier.meta() == {k: previous.get(k, "") for k in earlier.meta()}:
                issue = earlier
        write_template(path, issue, key, texts[language], contact, statuses.get(code, {}))
        progress(code)
        written.append(path)
    return written


def previous_statuses(
    conn: Connection, plan: Plan, ministry: str, period: int
) -> dict[str, LastStatus]:
    """What the column "Last period's status" shows for each of the ministry's actions:
    its status of the year before ("Completed (2018)"), or "no status (2018)", or
    "no return (2018)" when that year had returns but none of the ministry's, so that a
    blank never stands for a return that did not come. When nobody returned that year, the
    latest earlier status."""
    last = period - 1
    if last not in periods(conn, plan_id=plan.id):
        found = last_statuses(conn, ministry, period, plan_id=plan.id)
        return {action: LastStatus(status, year) for action, (status, year) in found.items()}
    given = period_statuses(conn, ministry, last)
    actions = plan.actions_for(ministry)
    if given is None:
        return {a.id: LastStatus(None, last) for a in actions}
    return {a.id: LastStatus(given.get(a.id) or "", last) for a in actions}

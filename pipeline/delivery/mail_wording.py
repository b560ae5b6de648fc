"""The wording of the messages (workbook_templates/mail/): the texts with their placeholders,
and the short phrases they are put together from, each checked before it is used, in the
language of the ministry they go to (`templates.fr.txt`, `phrases.fr.toml` beside the English)."""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from collections.abc import Mapping

from pipeline.failures import NapError
from pipeline.outputs.wording import long_date
from pipeline.workspace import Workspace

COMMON_FIELDS = frozenset(
    {
        "ministry",
        "ministry_name",
        "greeting",
        "name",
        "role",
        "focal_point",  # the name, else the role: the wording of an earlier version uses it
        "period",
        "deadline",
        "contact_name",
        "contact_email",
        "contact_phone",
        "office",
        "plan_title",
        "attachment",
    }
)
# Each wording file in workbook_templates/mail/ and the placeholders it may use.
WORDING_FIELDS = {
    "templates.txt": COMMON_FIELDS,
    "reminder.txt": COMMON_FIELDS | {"situation", "deadline_note", "days_late"},
    "reminder_missing.txt": COMMON_FIELDS,
    "reminder_rejected.txt": COMMON_FIELDS | {"file_name", "received", "reasons"},
}
WITH_SUBJECT = ("templates.txt", "reminder.txt")
PHRASES_FILE = "mail/phrases.toml"
# Each phrase of phrases.toml and the placeholders it may use.
PHRASES = {
    "greeting_named": {"name"},
    "greeting_unnamed": set(),
    "deadline_ahead": {"deadline"},
    "deadline_today": {"deadline"},
    "deadline_passed": {"deadline"},
}


def wording(ws: Workspace, name: str, language: str) -> string.Template:
    """A wording file of workbook_templates/mail/ in a language (English where it has no
    translation), checked so that a typo in a placeholder stops the run instead of reaching a
    ministry as '$ministy_name'."""
    path = ws.data_file_in(f"mail/{name}", language)
    template = _checked(path.read_text(encoding="utf-8"), WORDING_FIELDS[name], str(path))
    if name in WITH_SUBJECT and not template.template.startswith("Subject:"):
        raise NapError(f"{path}: the first line must be 'Subject: ...', then a blank line")
    return template


def phrases(ws: Workspace, language: str) -> dict[str, string.Template]:
    """The phrases of phrases.toml in a language, every one present and checked."""
    path = ws.data_file_in(PHRASES_FILE, language)
    try:
        found = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NapError(f"{path}: not a valid wording file: {exc}") from exc
    missing = [key for key in PHRASES if not isinstance(found.get(key), str)]
    if missing:
        raise NapError(f"{path}: {', '.join(missing)} missing; each is one line in double quotes")
    return {
        key: _checked(found[key], allowed, f"{path}: {key}") for key, allowed in PHRASES.items()
    }


def _checked(text: str, allowed: set[str] | frozenset[str], where: str) -> string.Template:
    template = string.Template(text)
    if not template.is_valid():
        raise NapError(f"{where}: a '$' that starts no placeholder; write $$ for a dollar sign")
    unknown = sorted(set(template.get_identifiers()) - allowed)
    if unknown:
        listed = f"${', $'.join(sorted(allowed))}" if allowed else "none"
        raise NapError(
            f"{where}: unknown placeholder ${', $'.join(unknown)}; the placeholders are {listed}"
        )
    return template


def render(template: string.Template, fields: Mapping[str, str]) -> str:
    """The text with its placeholders filled and no trailing spaces (an empty phone number)."""
    text = template.substitute(fields)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def greeting(said: Mapping[str, string.Template], name: str) -> str:
    """To the focal point by name where contacts.csv gives one, else to the team: never to a
    role ("Dear Focal point WPS, Ministry of ...")."""
    if name:
        return said["greeting_named"].substitute(name=name)
    return said["greeting_unnamed"].substitute()


def lateness(
    said: Mapping[str, string.Template], deadline: dt.date, today: dt.date, language: str
) -> dict:
    """The reminder's word on the deadline: no count of days, which reads as a reproach."""
    days = (today - deadline).days
    key = "deadline_passed" if days > 0 else "deadline_today" if days == 0 else "deadline_ahead"
    note = said[key].substitute(deadline=long_date(deadline, language))
    return {"deadline_note": note, "days_late": str(max(days, 0))}

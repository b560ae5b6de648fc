"""What a language still lacks in the catalogues and the plan register, so `nap check` can
list the texts its documents show in English for want of a translation."""

from __future__ import annotations

from pipeline.delivery.mail_wording import PHRASES, PHRASES_FILE
from pipeline.language import ENGLISH, localised
from pipeline.outputs.wording import WORDING, keys_of, read_catalogue
from pipeline.plan.translation import untranslated_texts
from pipeline.template.contract import TEMPLATE_WORDING, english_words
from pipeline.workspace import Workspace

# Catalogues translated as a whole file: a missing file is English throughout.
WHOLE_FILES = (
    "template_instructions.txt",
    "mail/templates.txt",
    "mail/reminder.txt",
    "mail/reminder_missing.txt",
    "mail/reminder_rejected.txt",
)


def untranslated(ws: Workspace, language: str) -> list[str]:
    """Each text missing in `language`, as "file: key"; empty when all is translated."""
    if language == ENGLISH:
        return []
    missing = [
        f"{localised(n, language)}: the whole file" for n in WHOLE_FILES if _lacks(ws, n, language)
    ]
    missing += _missing_keys(ws, WORDING, language, keys_of(read_catalogue(ws.data_file(WORDING))))
    missing += _missing_keys(ws, PHRASES_FILE, language, list(PHRASES))
    english = keys_of(read_catalogue(ws.data_file(TEMPLATE_WORDING)))
    english += [f"{s}.{k}" for s, table in english_words().items() for k in table]
    missing += _missing_keys(ws, TEMPLATE_WORDING, language, english)
    return missing + untranslated_texts(ws.plan, language)


def _lacks(ws: Workspace, name: str, language: str) -> bool:
    return ws.data_file_in(name, language) == ws.data_file(name)


def _missing_keys(ws: Workspace, name: str, language: str, english: list[str]) -> list[str]:
    own = localised(name, language)
    if _lacks(ws, name, language):
        return [f"{own}: the whole file"]
    data = read_catalogue(ws.data_file_in(name, language))
    found = {key for key, value in data.items() if isinstance(value, str)}  # phrases.toml
    found |= set(keys_of({k: v for k, v in data.items() if isinstance(v, dict)}))
    return [f"{own}: {key}" for key in english if key not in found]

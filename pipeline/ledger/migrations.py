"""The ledger's schema as numbered steps, applied in order: a ledger made by any earlier version
is brought up to date in place, and PRAGMA user_version records the last step applied.

A step is SQL or a function of the connection. Steps are never edited once released: a change
to the schema is a new step at the end.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter

Step = str | Callable[[sqlite3.Connection], None]

# Version 0.1.0: the tables as first released.
TABLES = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,            -- the name it had in the inbox
    size INTEGER NOT NULL,
    received TEXT NOT NULL,        -- ISO time the file was taken from the inbox
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',   -- first reason of a rejection
    stored_path TEXT NOT NULL,     -- relative to the workspace
    ministry TEXT,                 -- from a verified _meta, else NULL
    period INTEGER,
    feedback_path TEXT             -- feedback workbook of a rejected template
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL UNIQUE REFERENCES files(id),
    ministry TEXT NOT NULL,
    period INTEGER NOT NULL,
    plan_id TEXT NOT NULL,
    issued TEXT NOT NULL,
    accepted TEXT NOT NULL,
    supersedes INTEGER REFERENCES submissions(id),
    current INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS submissions_period ON submissions(period, ministry, current);
CREATE TABLE IF NOT EXISTS cell_values (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    action_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,           -- canonical text (numbers without trailing .0)
    number REAL,                   -- for numeric fields
    sheet TEXT NOT NULL,
    cell TEXT NOT NULL,
    PRIMARY KEY (submission_id, action_id, field)
);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    severity TEXT NOT NULL,
    code TEXT NOT NULL,
    sheet TEXT NOT NULL DEFAULT '',
    cell TEXT NOT NULL DEFAULT '',
    action_id TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS issues_file ON issues(file_id);
CREATE TABLE IF NOT EXISTS changes (   -- what a resubmission changed against the one it superseded
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    action_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mail_log (
    id INTEGER PRIMARY KEY,
    period INTEGER NOT NULL,
    ministry TEXT NOT NULL,
    kind TEXT NOT NULL,            -- templates, reminder
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    mode TEXT NOT NULL,            -- eml or smtp
    path TEXT NOT NULL DEFAULT '',
    sent TEXT NOT NULL
);
"""

FILES_WITHOUT_CHECK = """
CREATE TABLE files_new (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,            -- the name it had in the inbox
    size INTEGER NOT NULL,
    received TEXT NOT NULL,        -- ISO time the file was taken from the inbox
    outcome TEXT NOT NULL,         -- an Outcome, checked by the code that records it
    reason TEXT NOT NULL DEFAULT '',   -- first reason of a rejection
    stored_path TEXT NOT NULL,     -- relative to the workspace
    ministry TEXT,                 -- from a verified _meta, else NULL
    period INTEGER,
    feedback_path TEXT             -- feedback workbook of a rejected template
)
"""
_FILES_V1_COLUMNS = (
    "id, sha256, name, size, received, outcome, reason, stored_path, ministry, period, "
    "feedback_path"
)


def outcome_checked_in_code(conn: sqlite3.Connection) -> None:
    """SQLite cannot drop a CHECK, so the table is rebuilt (the procedure of the SQLite manual,
    with foreign keys off): ids are copied, so submissions and issues keep their files."""
    conn.execute(FILES_WITHOUT_CHECK)
    conn.execute(
        f"INSERT INTO files_new ({_FILES_V1_COLUMNS}) SELECT {_FILES_V1_COLUMNS} FROM files"
    )
    conn.execute("DROP TABLE files")
    conn.execute("ALTER TABLE files_new RENAME TO files")


# Version 0.2.0: the coordinator decides. A valid return may be held for a decision instead
# of applied; every decision is kept with who made it, when and why; closing a period is one;
# the fingerprint of the key that signs the templates lets a run refuse any other key.
DECISIONS = """
ALTER TABLE files ADD COLUMN saved TEXT;   -- the workbook's own last-saved time (UTC), if any
ALTER TABLE submissions ADD COLUMN state TEXT NOT NULL DEFAULT 'applied';  -- a State
CREATE INDEX submissions_state ON submissions(state);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,            -- a Kind: accept, reject, revert, close, reopen, reprocess
    period INTEGER,                -- NULL for a file that names no period
    ministry TEXT NOT NULL DEFAULT '',
    file_id INTEGER REFERENCES files(id),   -- NULL for a decision on a whole period
    who TEXT NOT NULL,             -- the user account that ran the command
    made TEXT NOT NULL,            -- ISO time
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decisions_period ON decisions(period);
CREATE TABLE signing_key (
    fingerprint TEXT NOT NULL,     -- of the key that signs the templates; never the key
    recorded TEXT NOT NULL
);
"""
MAIL_OUTCOMES = (
    # The Message-ID without its domain: a message sent again under another sender address
    # is still the same message.
    "ALTER TABLE mail_log ADD COLUMN message_key TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE mail_log ADD COLUMN refs TEXT NOT NULL DEFAULT ''",  # Message-ID sent first
    "ALTER TABLE mail_log ADD COLUMN state TEXT NOT NULL DEFAULT 'answered'",  # a SendState
    "ALTER TABLE mail_log ADD COLUMN started TEXT NOT NULL DEFAULT ''",  # ISO time of the intent
    """UPDATE mail_log SET
           message_key = substr(message_id, 2, instr(message_id, '@') - 2),
           started = sent""",
    "CREATE INDEX mail_log_key ON mail_log(message_key)",
    "CREATE INDEX mail_log_state ON mail_log(state)",
    """CREATE TABLE mail_recipients (
           mail_id INTEGER NOT NULL REFERENCES mail_log(id),
           address TEXT NOT NULL,
           header TEXT NOT NULL,          -- To or Cc
           outcome TEXT NOT NULL,         -- a RecipientOutcome
           reply TEXT NOT NULL DEFAULT '',    -- the server's code and text
           PRIMARY KEY (mail_id, address)
       )""",
)


def mail_outcomes(conn: sqlite3.Connection) -> None:
    """Each sending gets its recipients' outcomes. Messages logged before were recorded as
    delivered to every address (the refused ones were only printed): so they stay, as the
    version that sent them believed; the first address was the To, the others Cc."""
    for statement in MAIL_OUTCOMES:
        conn.execute(statement)
    rows = conn.execute("SELECT id, recipients FROM mail_log").fetchall()
    conn.executemany(
        "INSERT OR IGNORE INTO mail_recipients (mail_id, address, header, outcome)"
        " VALUES (?, ?, ?, 'accepted')",
        [
            (mail_id, address.strip(), "Cc" if i else "To")
            for mail_id, recipients in rows
            for i, address in enumerate(recipients.split(","))
            if address.strip()
        ],
    )


# Cell values kept in the order of their key (a table WITHOUT ROWID): a submission's values
# are one run of the table, with no index beside it. For the 168,750 values of 2,000 returns:
# 11.9 MB instead of 16.1 MB, recorded in 0.26 s of CPU instead of 0.29 s.
CELL_VALUES_BY_KEY = """
CREATE TABLE cell_values_new (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    action_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,           -- canonical text (numbers without trailing .0)
    number REAL,                   -- for numeric fields
    sheet TEXT NOT NULL,
    cell TEXT NOT NULL,
    PRIMARY KEY (submission_id, action_id, field)
) WITHOUT ROWID;
INSERT INTO cell_values_new (submission_id, action_id, field, value, number, sheet, cell)
    SELECT submission_id, action_id, field, value, number, sheet, cell FROM cell_values;
DROP TABLE cell_values;
ALTER TABLE cell_values_new RENAME TO cell_values;
"""

# A submission's values as one JSON text (see ledger.submissions.encode_values), and the
# view `cell_values` that gives them as the rows they were: for 2,000 returns, 2,000 texts to
# record instead of 169,000 rows. The tool reads the texts itself; the view is for a person
# with sqlite3, its columns cast to the table's types so that comparisons convert as they did
# (value = 12 finds the text '12'). SQLite's json_extract ends a text at a NUL character.
RETURNED_VALUES = """
CREATE TABLE returned_values (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
    cells TEXT NOT NULL    -- JSON [[action_id, field, value, number, sheet, cell], ...], by key
)
"""
CELL_VALUES_VIEW = """
CREATE VIEW cell_values AS
    SELECT r.submission_id,
           CAST(json_extract(j.value, '$[0]') AS TEXT) AS action_id,
           CAST(json_extract(j.value, '$[1]') AS TEXT) AS field,
           CAST(json_extract(j.value, '$[2]') AS TEXT) AS value,
           CAST(json_extract(j.value, '$[3]') AS REAL) AS number,
           CAST(json_extract(j.value, '$[4]') AS TEXT) AS sheet,
           CAST(json_extract(j.value, '$[5]') AS TEXT) AS cell
    FROM returned_values r, json_each(r.cells) j
"""


def values_as_lists(conn: sqlite3.Connection) -> None:
    """Each submission's rows of the old table become its one text, in the order of the
    table's key; then the view takes the table's name."""
    conn.execute(RETURNED_VALUES)
    rows = conn.cursor()
    rows.row_factory = None
    rows.execute(
        """SELECT submission_id, action_id, field, value, number, sheet, cell FROM cell_values
           ORDER BY submission_id, action_id, field"""
    )
    conn.executemany(
        "INSERT INTO returned_values (submission_id, cells) VALUES (?, ?)",
        (
            (submission_id, _listed([row[1:] for row in values]))
            for submission_id, values in groupby(rows, itemgetter(0))
        ),
    )
    conn.execute("DROP TABLE cell_values")
    conn.execute(CELL_VALUES_VIEW)


def _listed(values: list[tuple]) -> str:
    return json.dumps(values, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


MIGRATIONS: tuple[tuple[int, Step], ...] = (
    (1, TABLES),
    (2, outcome_checked_in_code),
    (3, DECISIONS),
    (4, mail_outcomes),
    (5, CELL_VALUES_BY_KEY),
    (6, values_as_lists),
)
LATEST = MIGRATIONS[-1][0]

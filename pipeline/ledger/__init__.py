"""The ledger: an embedded SQLite database of every file received, every value accepted and
every issue found, so any figure in an output can be traced to its file, sheet and cell.
Only this package speaks SQL; the stages call its functions and get frozen records back."""

from pipeline.ledger.connection import Connection, connect, migrate, schema_version, transaction
from pipeline.ledger.files import (
    FileRecord,
    Issue,
    Outcome,
    file_issues,
    files_of_period,
    find_file,
    last_file,
    record_file,
    unidentified_rejections,
)
from pipeline.ledger.mail import SentMail, log_mail, mail_sent_before
from pipeline.ledger.migrations import LATEST
from pipeline.ledger.submissions import (
    AcceptedValue,
    CellValue,
    Change,
    PeriodValue,
    Submission,
    current_submissions,
    last_statuses,
    period_values,
    periods,
    plan_has_returns,
    record_submission,
    submission_changes,
    submission_values,
)

__all__ = [
    "LATEST",
    "AcceptedValue",
    "CellValue",
    "Change",
    "Connection",
    "FileRecord",
    "Issue",
    "Outcome",
    "PeriodValue",
    "SentMail",
    "Submission",
    "connect",
    "current_submissions",
    "file_issues",
    "files_of_period",
    "find_file",
    "last_file",
    "last_statuses",
    "log_mail",
    "mail_sent_before",
    "migrate",
    "period_values",
    "periods",
    "plan_has_returns",
    "record_file",
    "record_submission",
    "schema_version",
    "submission_changes",
    "submission_values",
    "transaction",
    "unidentified_rejections",
]

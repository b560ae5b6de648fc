"""The nightly job: ingest, then consolidate and report the period, under one lock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake.ingest import IngestReport, ingest
from pipeline.intake.status import PeriodStatus, period_status
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.workspace import Workspace

log = logging.getLogger("nap")


@dataclass
class RunSummary:
    period: int
    ingest: IngestReport
    status: PeriodStatus | None = None
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_cycle(
    ws: Workspace,
    period: int,
    *,
    wait: float = DEFAULT_WAIT,
    progress: Callable = lambda it, n: it,
) -> RunSummary:
    """Idempotent: with nothing new in the inbox, a run rewrites the same outputs."""
    from pipeline.outputs.consolidated.workbook import consolidate
    from pipeline.outputs.report.writer import write_report

    with workspace_lock(ws, wait):
        log.info("run for period %s in %s", period, ws.root)
        summary = RunSummary(period, ingest(ws, progress=progress, wait=wait))
        for o in summary.ingest.outcomes:
            log.info("%s %s %s %s", o.outcome, o.name, o.ministry, o.period or "")
        for name, why in summary.ingest.skipped:
            log.info("skipped %s: %s", name, why)
        summary.status = period_status(ws, period)
        if not summary.status.has_returns:
            summary.notes.append(
                f"no accepted submission for {period} yet: no workbook or report written"
            )
            log.info(summary.notes[-1])
            return summary
        summary.outputs = [
            *consolidate(ws, period),
            write_report(ws, period),
        ]
        for path in summary.outputs:
            log.info("wrote %s", path)
    return summary


def setup_log_file(ws: Workspace) -> Path:
    """Append to outbox/logs/nap-<date>.log, one file a day. Called again (another run in the
    same process), it replaces the handler it added, so no line is written twice."""
    import datetime as dt

    ws.logs.mkdir(parents=True, exist_ok=True)
    path = ws.logs / f"nap-{dt.date.today().isoformat()}.log"
    for old in [h for h in log.handlers if isinstance(h, logging.FileHandler)]:
        log.removeHandler(old)
        old.close()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path

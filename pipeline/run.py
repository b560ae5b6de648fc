"""The nightly job: ingest, then consolidate and report the period, under one lock; and the
final report, which closes the period."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake.closing import check_open, close_period, closed, closed_note
from pipeline.intake.ingest import IngestReport, ingest
from pipeline.intake.status import PeriodStatus, period_status
from pipeline.interruption import StopRequest, stop_requests
from pipeline.ledger import Decision
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
    stop: StopRequest | None = None  # the stop asked for, when the run ended early

    def line(self) -> str:
        """The run in one line, for the log and for cron: what was read, where the period
        stands, what was written."""
        read = Counter(str(o.outcome) for o in self.ingest.outcomes)
        counts = ", ".join(f"{n} {what}" for what, n in read.items()) or "no file"
        parts = [f"period {self.period}: read {counts}"]
        if self.ingest.skipped:
            parts.append(f"{len(self.ingest.skipped)} left alone in inbox/")
        if self.stop is not None:
            parts.append(
                f"stopped by {self.stop.said}, {len(self.ingest.left)} file(s) left for the "
                "next run"
            )
        st = self.status
        if st is not None:
            accepted = len(st.ministries) - len(st.missing)
            parts.append(f"{accepted} of {len(st.ministries)} ministries accepted")
        parts.append(f"wrote {len(self.outputs)} output(s)" if self.outputs else "wrote nothing")
        return "; ".join(parts)


def run_cycle(
    ws: Workspace,
    period: int,
    *,
    wait: float = DEFAULT_WAIT,
    progress: Callable = lambda it, n: it,
) -> RunSummary:
    """Idempotent: when nothing changed since the last run (outputs/freshness.py), it writes
    nothing at all. It never decides for the coordinator: held returns stay held, and a
    closed period's outputs are not rewritten. A stop asked for (Ctrl-C, SIGTERM) ends it
    after the files in hand."""
    ws.check_period(period)
    with stop_requests() as stop, workspace_lock(ws, wait, stop):
        log.info("run for period %s in %s", period, ws.root)
        summary = RunSummary(period, ingest(ws, progress=progress, wait=wait, stop=stop))
        for o in summary.ingest.outcomes:
            log.info("%s %s %s %s", o.outcome, o.name, o.ministry, o.period or "")
        for name, why in summary.ingest.skipped:
            log.info("skipped %s: %s", name, why)
        if not stop.requested:
            summary.status = period_status(ws, period)
            _write_outputs(ws, summary, stop)
    if stop.requested:
        summary.stop = stop
        log.warning("interrupted by %s", stop.said)
    log.info("run ended: %s", summary.line())
    return summary


def _write_outputs(ws: Workspace, summary: RunSummary, stop: StopRequest) -> None:
    """The workbook and the report, side by side, each written whole; none when the last
    run's are still current (outputs/freshness.py). A stop asked for before they start
    leaves the outputs as they were."""
    from pipeline.outputs import freshness
    from pipeline.outputs.side_by_side import write_period

    assert summary.status is not None
    period = summary.period
    why_not = _nothing_to_write(ws, summary.status)
    print_ = ""
    if not why_not:
        print_ = freshness.fingerprint(ws, period)
        last = freshness.current(ws, period, print_)
        if last is not None:
            why_not = f"nothing changed since the run of {last.when}: its workbook and report stand"
    if why_not:
        summary.notes.append(why_not)
        log.info(why_not)
        return
    if stop.requested:
        return
    summary.outputs = write_period(ws, period)
    freshness.remember(ws, period, print_, summary.outputs)
    for path in summary.outputs:
        log.info("wrote %s", path)


def _nothing_to_write(ws: Workspace, status: PeriodStatus) -> str:
    """Why the run writes no workbook or report for the period; "" when it writes them."""
    decision = closed(ws, status.period)
    if decision is not None:
        return f"no workbook or report written: {closed_note(decision)}"
    if not status.has_returns:
        return f"no accepted submission for {status.period} yet: no workbook or report written"
    return ""


@dataclass
class Final:
    report: Path
    workbooks: list[Path]  # the consolidated workbook, from the same ledger
    closing: Decision


def final_outputs(
    ws: Workspace,
    period: int,
    *,
    today: dt.date | None = None,
    wait: float = DEFAULT_WAIT,
) -> Final:
    """The final report and, from the same ledger, the consolidated workbook; then the period
    is closed, so that neither is rewritten and any later return waits for a decision."""
    from pipeline.outputs.consolidated.workbook import consolidate
    from pipeline.outputs.report.writer import write_report

    ws.check_period(period)
    with workspace_lock(ws, wait):
        check_open(ws, period, f"write the final report of {period}")
        workbooks = consolidate(ws, period)
        report = write_report(ws, period, final=True, today=today)
        decision = close_period(ws, period, reason="final report issued", wait=wait)
    return Final(report, workbooks, decision)


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

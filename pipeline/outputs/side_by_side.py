"""The period's consolidated workbook and report built at the same time, one in a forked
process: they only read the ledger, and each imports its own heavy libraries (pandas and
XlsxWriter, python-docx and matplotlib), so two cores make the night's wait a third shorter."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pipeline.failures import NapError
from pipeline.workspace import Workspace


def write_period(ws: Workspace, period: int) -> list[Path]:
    """The consolidated workbook(s), then the report: the same files, byte for byte, as
    writing one after the other. Where processes cannot be forked, one after the other.
    Nothing heavy is imported before the fork, so that each process imports only its own."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return [*_workbooks(ws, period), _report(ws, period)]
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        report = pool.submit(_report, ws, period)
        workbooks = _workbooks(ws, period)
        try:
            return [*workbooks, report.result()]
        except BrokenProcessPool as exc:
            raise NapError(
                f"the process writing the report of {period} ended before it finished (out of "
                "memory, or stopped); the previous report is untouched: run again"
            ) from exc


def _workbooks(ws: Workspace, period: int) -> list[Path]:
    from pipeline.outputs.consolidated.workbook import consolidate

    return consolidate(ws, period)


def _report(ws: Workspace, period: int) -> Path:
    from pipeline.outputs.report.writer import write_report

    return write_report(ws, period)

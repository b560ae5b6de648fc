"""Take every file from the inbox to exactly one place: accepted (archived, in the ledger),
held for the coordinator's decision (archived, in the ledger, not applied) or rejected (kept
with its reasons and, for a template, a feedback workbook).

Files are recorded a batch at a time, in an order of work that lets a process killed at any
point lose nothing, and the next run complete the work: (1) link each file of the batch into
the archive and (2) write its reasons and feedback, (3) commit one ledger transaction for the
batch, (4) remove each file from the inbox. A file whose sha256 the ledger already holds, with
its archived copy in place, only needs step (4). Once every file is recorded, the valid ones
are applied or held (intake/settle.py), each ministry's in the order it saved them.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from pipeline.atomic import atomic_path
from pipeline.failures import NapError
from pipeline.intake.feedback import write_feedback
from pipeline.intake.returned import LIMITS, read_returned
from pipeline.intake.rules import Checked, check_returned
from pipeline.intake.settle import Settled, Workers, apply_or_hold
from pipeline.intake.xlsx_reader import UnsafeWorkbook
from pipeline.interruption import StopRequest, ignore_stop_requests, stop_requests
from pipeline.ledger import (
    Connection,
    NewFile,
    NewSubmission,
    Outcome,
    add_submissions,
    connect,
    known_files,
    record_files,
    transaction,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.plan.periods import PlanShelf
from pipeline.plan.register import Plan
from pipeline.problems import Problem, Severity, errors, problem
from pipeline.signing import office_key
from pipeline.workspace import Workspace

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger("nap.intake")
log.addHandler(logging.NullHandler())  # the caller decides where warnings go

SETTLE_SECONDS = 2.0
# Entries never opened, each with why, in the order they are tried: what they are is told
# by their name alone.
LEFT_ALONE = (
    (
        re.compile(r"^~\$"),
        "Excel's lock file: the workbook is open in Excel somewhere; left alone, it goes away "
        "when Excel closes the workbook",
    ),
    (
        re.compile(r"^\.~lock\..*#$"),
        "LibreOffice's lock file: the workbook is open in LibreOffice somewhere; left alone, it "
        "goes away when LibreOffice closes the workbook",
    ),
    (
        re.compile(r"\.(part|crdownload|partial|download)$", re.IGNORECASE),
        "an incomplete download: left alone; once the browser has finished, the workbook is "
        "taken by the next run",
    ),
    (re.compile(r"\.tmp$", re.IGNORECASE), "a temporary file of another program: left alone"),
    (
        re.compile(r"^\."),
        "a hidden file: not read; if it is a returned workbook, rename it without the leading dot",
    ),
)


@dataclass
class FileOutcome:
    name: str
    sha256: str
    outcome: Outcome
    stored_path: str
    ministry: str = ""
    period: int | None = None
    problems: list[Problem] = field(default_factory=list)
    feedback_path: str = ""
    supersedes: bool = False
    notes: list[str] = field(default_factory=list)  # what the tool failed to do; not the data
    file_id: int | None = None  # in the ledger; for a duplicate, the file it repeats
    earlier: Outcome | None = None  # for a duplicate: what became of the file it repeats
    held_for: Problem | None = None  # the first reason a valid return waits for a decision
    held_reasons: int = 0  # how many; all are in the ledger (nap review): a batch of held
    # files with many reasons each would otherwise fill the memory

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    # (name, why): entries never opened: lock files, partial downloads, files being written
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stop: StopRequest | None = None  # the stop asked for, when the run ended early
    left: list[str] = field(default_factory=list)  # files a stop left in the inbox, unread


@dataclass(frozen=True)
class Candidate:
    path: Path
    size: int
    mtime: float


def scan_inbox(inbox: Path, settle: float, report: IngestReport) -> list[Candidate]:
    """Regular files at the top of the inbox, oldest first; anything else is reported with why,
    never opened (a lock file is another program's, a FIFO would block, a symlink could point
    anywhere)."""
    now = time.time()
    found = []
    for entry in sorted(os.scandir(inbox), key=lambda e: e.name):
        why = left_alone(entry.name)
        if why:
            report.skipped.append((entry.name, why))
            continue
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            report.skipped.append(
                (
                    entry.name,
                    "a symbolic link, not a file: not followed; put the file itself in the inbox",
                )
            )
        elif stat.S_ISDIR(info.st_mode):
            report.skipped.append(
                (
                    entry.name,
                    "a folder: only files at the top of the inbox are read; move its files up",
                )
            )
        elif not stat.S_ISREG(info.st_mode):
            report.skipped.append(
                (entry.name, "a special file (pipe, socket or device), not a workbook: remove it")
            )
        elif now - info.st_mtime < settle:
            report.skipped.append(
                (entry.name, "still being written: it will be taken at the next run")
            )
        else:
            found.append(Candidate(Path(entry.path), info.st_size, info.st_mtime))
    found.sort(key=lambda c: (c.mtime, c.path.name))
    return found


def left_alone(name: str) -> str:
    """Why an entry of the inbox is never opened, by its name; "" for a file to read."""
    return next((why for pattern, why in LEFT_ALONE if pattern.search(name)), "")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with _opened(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bytes_of(path: Path) -> bytes | None:
    """The file's bytes, read once for its sha256 and its checks; None for a file larger than
    a return may be (not held in memory: the checks refuse it by its size), or one that
    changed size as it was read (read again by the checks)."""
    with _opened(path) as f:
        size = os.fstat(f.fileno()).st_size
        found = f.read(size + 1) if size <= LIMITS.max_file_bytes else b""
    return found if len(found) == size and size else None


def _opened(path: Path) -> BinaryIO:
    return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb")


def place(source: Path, dest: Path, folders: set[Path] | None = None) -> None:
    """Put a copy of source at dest, whole or not at all; an existing dest is left as it is.
    A hard link is atomic by itself; where there can be none (another file system), a copy
    is made beside dest and renamed into place. `folders`: those known to exist in this run,
    so that dest's is made once."""
    if folders is None or dest.parent not in folders:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(dest.parent)
    try:
        os.link(source, dest)
    except FileExistsError:
        return
    except OSError:
        if not dest.exists():
            _copy_into_place(source, dest)


def _copy_into_place(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)  # in case it went since it was made
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=dest.parent)
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _write_text(dest: Path, text: str) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\- ]", "_", name).strip() or "file"
    return cleaned[-80:]


StepHook = Callable[[str, str], None]


GONE = (
    "taken out of the inbox while the run read it: not recorded; if it is to be read, put it "
    "back in the inbox"
)
PARALLEL_FROM = 24  # files; below this, starting worker processes costs more than it saves
REASONS = ".reasons.txt"  # the name a rejected file's reasons take beside it in the archive
BATCH = 16  # files checked by one task, recorded in one transaction; a stop ends a batch
LAST_BATCH = 4  # files of the smallest task, towards the end of a run


def ingest(
    ws: Workspace,
    *,
    settle: float = SETTLE_SECONDS,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone(),
    step: StepHook = lambda name, what: None,
    progress: Callable[[Iterator, int], Iterator] = lambda it, n: it,
    wait: float = DEFAULT_WAIT,
    workers: int | None = None,
    stop: StopRequest | None = None,
) -> IngestReport:
    """Process the inbox once. Files are checked in parallel for large batches, and recorded
    a batch per transaction, in arrival order; then the valid ones are applied or held.
    `step` is called after each durable step (tests stop the run there to prove that a
    killed run resumes cleanly). Without the key that signed the templates, nothing is read.
    A stop asked for (Ctrl-C, SIGTERM) ends the run after the batch in hand, its files
    settled."""
    plans = ws.shelf
    with stop_requests(stop) as stop, workspace_lock(ws, wait, stop):
        try:
            key = office_key(ws).key
        except NapError as exc:
            raise NapError(f"{exc}. The files stay in {ws.inbox}") from exc
        report = IngestReport()
        candidates = scan_inbox(ws.inbox, settle, report)
        checking = _Checking(candidates, plans, key, workers or os.cpu_count() or 1)
        with checking, connect(ws.ledger_path) as conn:  # workers first: see _Checking
            recorder = _Recorder(ws, conn, step)
            files = progress(iter(checking), len(candidates))
            for batch in iter(lambda: list(islice(files, BATCH)), []):
                report.outcomes += recorder.record(batch, now())
                if stop.requested:
                    break
            checking.cancel()  # the checks of files a stop leaves in the inbox
            report.skipped += [(name, GONE) for name in recorder.gone]
            settled = apply_or_hold(ws, conn, step, checking.settlers())
            report.outcomes += settled_outcomes(report.outcomes, settled)
        if stop.requested:
            report.stop = stop
            report.left = [c.path.name for c in candidates if c.path.exists()]
    return report


def settled_outcomes(outcomes: list[FileOutcome], settled: list[Settled]) -> list[FileOutcome]:
    """Say of each valid file whether it applied or is held, and of a duplicate of it in the
    same run what became of it; those a stopped run left unsettled, which this run settled,
    are returned to be reported too."""
    by_id: dict[int | None, FileOutcome] = {}
    repeats: dict[int | None, list[FileOutcome]] = {}
    for o in outcomes:
        if o.outcome is Outcome.DUPLICATE:
            repeats.setdefault(o.file_id, []).append(o)
        elif o.file_id is not None:
            by_id[o.file_id] = o
    left = []
    for done in settled:
        for repeat in repeats.get(done.file_id, ()):
            repeat.earlier = done.outcome
        outcome = by_id.get(done.file_id)
        if outcome is None:
            outcome = FileOutcome(done.file_name, "", done.outcome, "", done.ministry)
            outcome.period, outcome.file_id = done.period, done.file_id
            left.append(outcome)
        outcome.outcome, outcome.supersedes = done.outcome, done.supersedes
        outcome.held_for, outcome.held_reasons = done.reason, done.reasons
    return left


class Read(NamedTuple):
    """A file as the checks found it."""

    sha256: str
    checked: Checked
    saved: str  # the workbook's last-saved time (ISO, UTC), "" when unknown or unreadable
    gone: bool = False  # taken out of the inbox while the run read it


def check_file(path: Path, plans: Plan | PlanShelf, key: bytes) -> Read:
    """The file's sha256, the outcome of every check and when it was saved; never raises
    for a bad file. With a shelf of plans, the file is checked against the plan its _meta
    names (the signature check then proves it)."""
    try:
        found = bytes_of(path)
        if found is None:  # not held in memory: hashed, then read, from the disk
            source: Path | bytes = path
            sha = sha256_of(path)
        else:
            source, sha = found, hashlib.sha256(found).hexdigest()
        try:
            returned = read_returned(source)
            if isinstance(plans, PlanShelf):
                plans = plans.named((returned.meta or {}).get("plan_id", ""))
        except UnsafeWorkbook as exc:
            refused = [problem(exc.code, file=path.name, **exc.fields)]
            return Read(sha, Checked(problems=refused), "")
    except FileNotFoundError:
        return Read("", Checked(), "", gone=True)
    return Read(sha, check_returned(returned, plans, key, path.name), returned.saved)


_worker: tuple[PlanShelf, bytes] | None = None


def _init_worker(plans: PlanShelf, key: bytes) -> None:
    global _worker
    _worker = (plans, key)
    ignore_stop_requests()  # Ctrl-C reaches the whole process group; the parent decides
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    gc.freeze()  # what the worker inherited lives as long as it: collections pass it over


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (kill -9, a stopped timer) would wait for work
    forever: it ends itself instead."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _check_in_worker(paths: list[Path]) -> list[Read]:
    assert _worker is not None
    return [check_file(path, *_worker) for path in paths]


class _Checking:
    """Each file with what the checks found, in arrival order. For a large batch, worker
    processes check a batch of files per task (each task costs the parent a round trip
    through the pool); a batch for each worker and one more are checked ahead of the one
    being recorded, so that memory stays flat however many files came. The workers are
    forked on entry, before the ledger is opened, so that they may open it themselves to
    settle the returns (a process must not use a SQLite connection inherited across a fork)
    and start reading while the parent opens it."""

    def __init__(
        self, candidates: list[Candidate], plans: PlanShelf, key: bytes, workers: int
    ) -> None:
        self.candidates, self.plans, self.key, self.workers = candidates, plans, key, workers
        self.pool: ProcessPoolExecutor | None = None
        self.window: deque[tuple[list[Candidate], Future[list[Read]]]] = deque()
        self.batches = _batches(candidates, workers)

    def __enter__(self) -> _Checking:
        if self.workers >= 2 and len(self.candidates) >= PARALLEL_FROM:
            from concurrent.futures import ProcessPoolExecutor  # only for a large batch

            self.pool = ProcessPoolExecutor(
                self.workers, initializer=_init_worker, initargs=(self.plans, self.key)
            )
            self._submit(self.workers + 1)
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:  # a stopped run does not wait for the checks it will not record
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, tasks: int) -> None:
        assert self.pool is not None
        for batch in islice(self.batches, tasks):
            self.window.append((batch, self.pool.submit(_check_in_worker, [c.path for c in batch])))

    def __iter__(self) -> Iterator[tuple[Candidate, Read]]:
        if self.pool is None:
            for candidate in self.candidates:
                yield candidate, check_file(candidate.path, self.plans, self.key)
            return
        while self.window:
            batch, future = self.window.popleft()
            self._submit(1)
            yield from zip(batch, future.result(), strict=True)

    def settlers(self) -> Workers | None:
        """The workers, to settle the returns once every file is recorded."""
        return Workers(self.pool, self.workers) if self.pool is not None else None

    def cancel(self) -> None:
        """The checks submitted and not yet recorded are not waited for."""
        for _, future in self.window:
            future.cancel()
        self.window.clear()


def _batches(candidates: list[Candidate], workers: int) -> Iterator[list[Candidate]]:
    """Tasks of BATCH files, smaller towards the end (each at most a 2 x workers-th of the
    files left), so that the workers finish together and little is left to record once the
    last one has."""
    start = 0
    while start < len(candidates):
        left = len(candidates) - start
        size = max(LAST_BATCH, min(BATCH, -(-left // (2 * workers))))
        yield candidates[start : start + size]
        start += size


@dataclass
class _Recorder:
    """Records the checked files of one run, a batch per transaction."""

    ws: Workspace
    conn: Connection
    step: StepHook
    folders: set[Path] = field(default_factory=set)  # archive folders known to exist
    gone: list[str] = field(default_factory=list)  # taken out of the inbox during the run

    def record(
        self, batch: list[tuple[Candidate, Read]], received: dt.datetime
    ) -> list[FileOutcome]:
        """Every new file of the batch archived and explained, then one commit, then each
        file removed from the inbox. Files with the bytes of one recorded before, or of one
        earlier in the batch, are duplicates of it. A file someone took out of the inbox
        before it was archived is not recorded (it is in `gone`)."""
        known = known_files(self.conn, [read.sha256 for _, read in batch if not read.gone])
        new: dict[str, tuple[FileOutcome, Candidate, Read]] = {}  # by sha256
        later: list[tuple[FileOutcome, FileOutcome]] = []  # a duplicate, the file it repeats
        kept: list[tuple[Candidate, FileOutcome]] = []
        for candidate, read in batch:
            sha, name = read.sha256, candidate.path.name
            if sha in known:
                outcome = FileOutcome(name, sha, Outcome.DUPLICATE, known[sha].stored_path)
                outcome.file_id, outcome.earlier = known[sha].id, known[sha].outcome
            elif sha in new:
                outcome = FileOutcome(name, sha, Outcome.DUPLICATE, new[sha][0].stored_path)
                later.append((outcome, new[sha][0]))
            elif read.gone or (archived := self._archive(candidate, read, received)) is None:
                self.gone.append(name)
                continue
            else:
                outcome = archived
                new[sha] = outcome, candidate, read
            kept.append((candidate, outcome))
        self._commit(list(new.values()), received.isoformat(timespec="seconds"))
        for outcome, first in later:  # the file it repeats has its id once recorded
            outcome.file_id, outcome.earlier = first.file_id, first.outcome
        self._remove(kept)
        return [outcome for _, outcome in kept]

    def _archive(
        self, candidate: Candidate, read: Read, received: dt.datetime
    ) -> FileOutcome | None:
        """The file linked into the archive and, when refused, explained; None when it is no
        longer in the inbox."""
        name, checked = candidate.path.name, read.checked
        stored_rel = archive_path(checked, read.sha256, name)
        stored = self.ws.root / stored_rel
        try:
            place(candidate.path, stored, self.folders)
        except FileNotFoundError:
            if candidate.path.exists():
                raise
            return None
        self.step(name, "archived")
        outcome = checked_outcome(name, read.sha256, checked, str(stored_rel))
        if not checked.accepted:
            explain_rejection(self.ws, outcome, stored, received)
            self.step(name, "reasons written")
        return outcome

    def _commit(self, new: list[tuple[FileOutcome, Candidate, Read]], when: str) -> None:
        """The new files, and the values of the valid ones, in one transaction."""
        if not new:
            return
        files = [NewFile(o.sha256, o.name, c.size, when, **reading(o, r)) for o, c, r in new]
        with transaction(self.conn):
            ids = record_files(self.conn, files)
            valid = [
                (i, r.checked) for i, (_, _, r) in zip(ids, new, strict=True) if r.checked.accepted
            ]
            add_submissions(self.conn, [new_submission(i, checked, when) for i, checked in valid])
        for file_id, (outcome, _, _) in zip(ids, new, strict=True):
            outcome.file_id = file_id
            self.step(outcome.name, "recorded")

    def _remove(self, kept: list[tuple[Candidate, FileOutcome]]) -> None:
        """Each recorded file out of the inbox (someone may have taken it out already)."""
        for candidate, outcome in kept:
            if outcome.outcome is Outcome.DUPLICATE and candidate.path.exists():
                # The archived copy stands for it: restored if it went missing.
                with suppress(FileNotFoundError):
                    place(candidate.path, self.ws.root / outcome.stored_path, self.folders)
            candidate.path.unlink(missing_ok=True)
            self.step(candidate.path.name, "removed")


def checked_outcome(name: str, sha: str, checked: Checked, stored: str) -> FileOutcome:
    """A valid file is held until the run settles it; an invalid one is rejected."""
    meta = checked.meta
    return FileOutcome(
        name,
        sha,
        Outcome.HELD if checked.accepted else Outcome.REJECTED,
        stored,
        meta["ministry"] if meta else "",
        int(meta["period"]) if meta else None,
        checked.problems,
    )


def archive_path(checked: Checked, sha: str, name: str) -> Path:
    """archive/<period>/<CODE>/ for an accepted file, archive/rejected/ for any other."""
    meta = checked.meta
    if checked.accepted and meta is not None:
        ministry, period = meta["ministry"], int(meta["period"])
        return Path("archive") / str(period) / ministry / f"{ministry}_{period}_{sha[:12]}.xlsx"
    return Path("archive") / "rejected" / f"{sha[:12]}_{_safe_name(name)}"


def explain_rejection(
    ws: Workspace, outcome: FileOutcome, stored: Path, received: dt.datetime
) -> None:
    """The reasons beside the archived file and, for a file identified as one of the office's
    templates, the feedback workbook the ministry gets."""
    _write_text(stored.with_name(stored.name + REASONS), _reasons_text(outcome, received))
    if outcome.period is None:
        return
    ministry, period = outcome.ministry, outcome.period
    dest = ws.feedback_dir(period) / f"{ministry}_{period}_feedback_{outcome.sha256[:12]}.xlsx"
    try:
        write_feedback(stored, dest, outcome.problems)
        outcome.feedback_path = str(dest.relative_to(ws.root))
    except Exception as exc:  # openpyxl may fail on files it cannot model; the .txt remains
        outcome.notes.append(f"no feedback workbook could be written: {exc}")
        log.warning("%s: %s", outcome.name, outcome.notes[-1])


def _reasons_text(outcome: FileOutcome, received: dt.datetime) -> str:
    lines = [
        f"File: {outcome.name}",
        f"sha256: {outcome.sha256}",
        f"Received: {received.isoformat(timespec='seconds')}",
        "Outcome: rejected",
        "",
        "Reasons:",
        *(f"- {p}" for p in errors(outcome.problems)),
    ]
    warnings = outcome.warnings
    if warnings:
        lines += ["", "Warnings:", *(f"- {p}" for p in warnings)]
    return "\n".join(lines) + "\n"


def reading(outcome: FileOutcome, read: Read) -> dict[str, Any]:
    """What reading a file found it to be, as the ledger records it."""
    return {
        "outcome": outcome.outcome,
        "stored_path": outcome.stored_path,
        "problems": outcome.problems,
        "ministry": outcome.ministry,
        "period": outcome.period,
        "feedback_path": outcome.feedback_path,
        "saved": read.saved,
    }


def record_values(conn: Connection, file_id: int, checked: Checked, received: str) -> None:
    """The values of a valid file, to be applied or held when the run settles it."""
    add_submissions(conn, [new_submission(file_id, checked, received)])


def new_submission(file_id: int, checked: Checked, received: str) -> NewSubmission:
    meta = checked.meta
    assert meta is not None
    return NewSubmission(
        file_id,
        ministry=meta["ministry"],
        period=int(meta["period"]),
        plan_id=meta["plan_id"],
        issued=meta["issued"],
        accepted=received,
        values=checked.recorded_values(),
    )

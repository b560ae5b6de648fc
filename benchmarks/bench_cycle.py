"""Times the reporting cycle as whole processes, with peak memory, against two references.

Run: python benchmarks/bench_cycle.py [--sizes 8,200,2000] [--repeat 5]
(pip install -e '.[bench]' first: the calamine reference needs python-calamine.)
To compare two versions: python benchmarks/bench_cycle.py --against DIR --steps ingest, with
DIR a checkout of the other version (git worktree add DIR REV) of the same ledger version.

For each N it builds (once, cached in benchmarks/.cache/) N returned workbooks with distinct
contents across ministries, periods and resubmissions, then times, as separate processes,
median of --repeat runs: nap templates, nap ingest, nap consolidate, nap report, nap run
with the N returns fresh in the inbox, nap run again with nothing new (idle), nap --help,
nap status; and on the same files three references: the naive reading (pandas.read_excel of
every sheet with openpyxl), a bare python-calamine read of every sheet's values, and the
floor (unzip each file and iterparse its sheet and shared-strings XML, nothing else).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
KEY = "benchmark-key"
TRIAL = "--allow-placeholders"  # made-up returns: no template leaves this machine
PERIODS = (2018, 2019, 2020, 2021, 2022, 2023)
SAVED = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.UTC)
# The order the steps run in, each in a workspace as its command needs it.
STEPS = (
    "templates",
    "ingest",
    "consolidate",
    "report",
    "status",
    "run",
    "idle",
    "calamine",
    "naive",
    "floor",
    "help",
)
ROW_ORDER = (
    "help",
    "templates",
    "ingest",
    "consolidate",
    "report",
    "status",
    "run",
    "idle",
    "naive",
    "calamine",
    "floor",
)

NAIVE = """
import sys, pandas
for f in sys.argv[1:]:
    pandas.read_excel(f, sheet_name=None, engine="openpyxl")
"""
CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
for f in sys.argv[1:]:
    book = CalamineWorkbook.from_path(f)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""
FLOOR = """
import sys, zipfile
from xml.etree.ElementTree import iterparse
for f in sys.argv[1:]:
    with zipfile.ZipFile(f) as z:
        names = set(z.namelist())
        parts = ("xl/sharedStrings.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml")
        for member in parts:
            if member in names:
                with z.open(member) as xml:
                    for _, element in iterparse(xml):
                        element.clear()
"""


def measured(args: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process, run under a small wrapper so that the
    peak is that process's own and not the largest of all children so far."""
    wrapper = [
        sys.executable,
        "-c",
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:]);"
        "w = time.perf_counter() - t;"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.exit(r.returncode)",
        *args,
    ]
    done = subprocess.run(wrapper, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    wall, peak = done.stdout.strip().splitlines()[-1].split()
    return float(wall), int(peak) / 1024


def nap_env(tree: Path = REPO) -> dict:
    """The environment of a nap command run from the code tree `tree` (run it with cwd=tree:
    `python -m` looks there first)."""
    env = dict(os.environ, NAP_SIGNING_KEY=KEY, PYTHONPATH=str(tree))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def nap(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def build_corpus(n: int) -> Path:
    """N returned workbooks: ministries x periods x resubmissions, each with other values."""
    sys.path.insert(0, str(REPO))
    os.environ["NAP_SIGNING_KEY"] = KEY
    from pipeline.template.issue import issue_templates
    from pipeline.template.sample import fill_template, sample_answers
    from pipeline.workspace import Workspace

    folder = CACHE / f"returned_{n}"
    if folder.is_dir() and len(list(folder.glob("*.xlsx"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    ws = Workspace.open(CACHE / "issuer", create=True)
    plan = ws.plan
    codes = plan.ministry_codes
    for period in PERIODS:
        issue_templates(ws, period, allow_placeholders=True)  # for made-up returns, kept here
    folder.mkdir(parents=True)
    for i in range(n):
        code = codes[i % len(codes)]
        period = PERIODS[(i // len(codes)) % len(PERIODS)]
        seed = i // (len(codes) * len(PERIODS))  # later rounds are resubmissions
        dest = folder / f"{i:05d}_{code}_{period}.xlsx"
        fill_template(
            ws.template_path(period, code),
            dest,
            sample_answers(plan, code, period, seed),
            saved=SAVED + dt.timedelta(minutes=i),  # each version saved after the one before
        )
        os.utime(dest, (1_000_000 + i,) * 2)
    return folder


def fresh_workspace(corpus: Path, root: Path) -> None:
    """The returns in the inbox of a workspace whose templates were issued: its ledger, made
    by `nap templates`, knows the signing key's fingerprint, as in every office."""
    from pipeline.ledger import connect  # brings the issuer's ledger to this version, once

    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(CACHE / "issuer" / "outbox", root / "outbox")
    with connect(CACHE / "issuer" / "ledger.sqlite") as issued:
        copy = sqlite3.connect(root / "ledger.sqlite")
        with closing(copy):
            issued.backup(copy)  # its pages whole, whatever its write-ahead log holds
    shutil.copytree(corpus, root / "inbox", copy_function=shutil.copy2)


def median_of(times: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t for t, _ in times), max(m for _, m in times)


def step_commands(root: Path, files: list[str]) -> dict[str, list[str]]:
    period = str(PERIODS[0])  # the period every corpus size has returns for
    return {
        "templates": nap("--root", str(root), "templates", "--period", period, TRIAL),
        "ingest": nap("--root", str(root), "ingest"),
        "consolidate": nap("--root", str(root), "consolidate", "--period", period),
        "report": nap("--root", str(root), "report", "--period", period),
        "status": nap("--root", str(root), "status", "--period", period),
        "run": nap("--root", str(root), "run", "--period", period),
        "idle": nap("--root", str(root), "run", "--period", period),
        "calamine": [sys.executable, "-c", CALAMINE, *files],
        "naive": [sys.executable, "-c", NAIVE, *files],
        "floor": [sys.executable, "-c", FLOOR, *files],
        "help": nap("--help"),
    }


def bench_size(
    n: int, repeat: int, work: Path, steps: tuple[str, ...] = STEPS
) -> dict[str, tuple[float, float]]:
    corpus = build_corpus(n)
    env = nap_env()
    root = work / f"ws_{n}"
    commands = step_commands(root, sorted(str(p) for p in corpus.glob("*.xlsx")))
    rows: dict[str, list[tuple[float, float]]] = {k: [] for k in steps}
    for _ in range(repeat):
        for step in steps:
            # Each step is timed from the state the steps before it leave, or made for it.
            if step in ("templates", "run") or (step == "ingest" and "templates" not in steps):
                fresh_workspace(corpus, root)
            elif step in ("consolidate", "report", "status") and "ingest" not in steps:
                fresh_workspace(corpus, root)
                measured(commands["ingest"], env)
            elif step == "idle" and "run" not in steps:
                fresh_workspace(corpus, root)
                measured(commands["run"], env)
            rows[step].append(measured(commands[step], env))
        shutil.rmtree(root, ignore_errors=True)
    return {k: median_of(v) for k, v in rows.items()}


# What a nap step needs done before it is timed, when steps are timed one by one.
NEEDS = {
    "templates": (),
    "ingest": (),
    "consolidate": ("ingest",),
    "report": ("ingest",),
    "status": ("ingest",),
    "run": (),
    "idle": ("run",),
    "help": (),
}


def compare_size(
    n: int, repeat: int, work: Path, steps: tuple[str, ...], trees: tuple[Path, ...]
) -> tuple[dict[tuple[str, Path], float], float]:
    """Median wall seconds of each nap step in each code tree, timed in turn round after
    round from the same state (a fresh workspace and the steps it needs, run by the same
    tree), and of calamine timed once a round: the machine's drift falls on all alike."""
    corpus = build_corpus(n)
    root = work / f"ws_{n}"
    commands = step_commands(root, sorted(str(p) for p in corpus.glob("*.xlsx")))
    rows: dict[tuple[str, Path], list[float]] = {(s, t): [] for s in steps for t in trees}
    yardstick = []
    for _ in range(repeat):
        for step in steps:
            for tree in trees:
                env = nap_env(tree)
                if step != "help":
                    fresh_workspace(corpus, root)
                for needed in NEEDS[step]:
                    measured(commands[needed], env, tree)
                rows[(step, tree)].append(measured(commands[step], env, tree)[0])
        yardstick.append(measured(commands["calamine"], nap_env())[0])
    shutil.rmtree(root, ignore_errors=True)
    return {k: statistics.median(v) for k, v in rows.items()}, statistics.median(yardstick)


def print_comparison(sizes: list[int], repeat: int, steps: tuple[str, ...], other: Path) -> None:
    print(f"\nmedian wall seconds of {repeat} alternating runs; {os.cpu_count()} cores")
    print(f"this tree: {REPO}; against: {other}\n")
    for n in sizes:
        found, calamine = compare_size(n, repeat, CACHE / "work", steps, (REPO, other))
        print(f"N={n} (calamine {calamine:.3f} s)")
        for step in steps:
            this, that = found[(step, REPO)], found[(step, other)]
            print(
                f"  {step:<12} {this:>8.3f} ({this / calamine:.2f}x calamine)  against "
                f"{that:>8.3f} ({that / calamine:.2f}x)  this/against {this / that:.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,200,2000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="the steps to time, comma-separated, in this order (default: all)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="a checkout of another version: its nap steps and this tree's are timed in turn",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    steps = tuple(s for s in STEPS if s in args.steps.split(","))
    if args.against is not None:
        print_comparison(sizes, args.repeat, tuple(s for s in steps if s in NEEDS), args.against)
        return
    work = CACHE / "work"
    results = {}
    for n in sizes:
        print(f"N = {n}: building and timing ({args.repeat} runs)...", file=sys.stderr, flush=True)
        results[n] = bench_size(n, args.repeat, work, steps)
    print(f"\nmedian wall seconds of {args.repeat} runs (peak RSS MiB); {os.cpu_count()} cores\n")
    header = f"{'step':<14}" + "".join(f"{'N=' + str(n):>22}" for n in sizes)
    print(header)
    print("-" * len(header))
    for step in (s for s in ROW_ORDER if s in steps):
        cells = "".join(
            f"{results[n][step][0]:>12.3f} ({results[n][step][1]:>6.0f})" for n in sizes
        )
        print(f"{step:<14}{cells}")
    print()
    if {"ingest", "naive", "calamine", "floor"} <= set(steps):
        for n in sizes:
            ingest, naive, calamine, floor = (
                results[n][k][0] for k in ("ingest", "naive", "calamine", "floor")
            )
            print(
                f"N={n}: ingest {n / ingest:,.0f} files/s; naive {n / naive:,.0f} files/s; "
                f"calamine {n / calamine:,.0f} files/s; floor {n / floor:,.0f} files/s; "
                f"ingest/calamine {ingest / calamine:.2f}; naive/ingest {naive / ingest:.1f}; "
                f"ingest/floor {ingest / floor:.2f}"
            )
    if 200 in results and 2000 in results and "ingest" in steps:
        ratio = results[2000]["ingest"][1] / results[200]["ingest"][1]
        print(f"peak RSS of ingest, N=2000 / N=200: {ratio:.2f}")


if __name__ == "__main__":
    main()

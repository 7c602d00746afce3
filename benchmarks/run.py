"""Time mlops-quiz commands as a user runs them: whole processes, median wall time, peak RSS.

    python benchmarks/run.py [--data DIR] [--runs 7] [--questions N] [--reviews M] [--smoke]

Generates (or reuses) data sets with generate.py, then for each command runs one warm-up and
``--runs`` timed runs, and prints the median wall time, the peak resident memory, and the ratio
to the import floors measured in the same run: ``python -c "import typer"`` for --help and
--version, ``python -c "import typer, rich, yaml, sqlalchemy"`` for the rest. Then the scaling
tables (answers M and questions N varied), and an in-process micro-benchmark of recording one
answer. ``--smoke`` runs a tiny version (N=200, M=2,000, one run) to check the harness works.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).parent / "mlops-quiz")
FLOOR_TYPER = [PYTHON, "-c", "import typer"]
FLOOR_ALL = [PYTHON, "-c", "import typer, rich, yaml, sqlalchemy"]


@dataclass
class Timing:
    name: str
    median: float
    rss_mb: float
    floor: float

    @property
    def ratio(self) -> float:
        return self.median / self.floor if self.floor else 0.0


def run_once(cmd: list[str], env: dict[str, str], stdin: bytes) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err.strip()}")
    return elapsed, usage.ru_maxrss / 1024


Job = tuple[list[str], dict[str, str], bytes]


def measure(jobs: list[Job], runs: int) -> list[tuple[float, float]]:
    """Median wall seconds and peak RSS (MB) of each job over ``runs`` rounds.

    The jobs take turns (one run of each per round, after a warm-up round that fills the
    caches: the bank cache, compiled modules, the OS page cache), so a slow spell of a noisy
    machine falls on all of them alike and the ratios between them stay fair.
    """
    times: list[list[float]] = [[] for _ in jobs]
    peaks = [0.0 for _ in jobs]
    for n in range(runs + 1):
        for k, (cmd, env, stdin) in enumerate(jobs):
            elapsed, rss = run_once(cmd, env, stdin)
            if n:
                times[k].append(elapsed)
                peaks[k] = max(peaks[k], rss)
    return [(statistics.median(t), p) for t, p in zip(times, peaks, strict=True)]


def data_set(root: Path, questions: int, reviews: int, days: int) -> Path:
    home = root / f"n{questions}-m{reviews}"
    if not (home / "progress.db").exists() or not (home / "bank.yaml").exists():
        print(f"generating {questions} questions, {reviews} answers ...", file=sys.stderr)
        # In a child process: the runner itself stays small, since a child's peak RSS as the
        # kernel reports it starts from the size of the process it was forked from.
        subprocess.run(
            [
                PYTHON,
                str(HERE / "generate.py"),
                "--home",
                str(home),
                "--questions",
                str(questions),
                "--reviews",
                str(reviews),
                "--days",
                str(days),
                "--seed",
                "1",
            ],
            check=True,
        )
    return home


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MLOPS_QUIZ_HOME=str(home),
        MLOPS_QUIZ_BANK=str(home / "bank.yaml"),
        NO_COLOR="1",
        COLUMNS="100",
    )
    env.pop("MLOPS_QUIZ_DB", None)
    # As on a user's machine: compiled modules are cached (the warm-up run writes them).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def commands(home: Path, script: str = SCRIPT) -> list[tuple[str, list[str], bytes, bool]]:
    """(name, argv, stdin, measured against the typer-only floor)."""
    return [
        ("--help", [script, "--help"], b"", True),
        ("--version", [script, "--version"], b"", True),
        ("stats", [script, "stats"], b"", False),
        ("stats --json", [script, "stats", "--json"], b"", False),
        ("list --due --json", [script, "list", "--due", "--json"], b"", False),
        # One scripted review of a due item: each run moves one card of the hundreds due.
        ("study (1 review)", [script, "study", "--limit", "1"], b"x\n4\n", False),
    ]


def table(rows: list[Timing]) -> str:
    out = [
        "| command | median (s) | ratio to floor | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for t in rows:
        out.append(f"| `{t.name}` | {t.median:.3f} | {t.ratio:.2f}x | {t.rss_mb:.0f} |")
    return "\n".join(out)


def record_one_answer(home: Path, runs: int) -> float:
    """Median milliseconds to record one answer, commit included, on a data set's database."""
    from mlops_quiz.scheduling import CardState, next_state
    from mlops_quiz.store import KIND_REVIEW, ReviewRecord, Store

    store = Store.open(f"sqlite:///{home / 'progress.db'}")
    try:
        samples = []
        now = datetime.now(timezone.utc)
        for n in range(runs + 5):
            before = CardState()
            after = next_state(before, 4, now.date())
            record = ReviewRecord(
                f"bench-{n}", now, now.date(), 4, "typed", 1000, KIND_REVIEW, before, after
            )
            started = time.perf_counter()
            review_id = store.record("bench", record)
            samples.append(time.perf_counter() - started)
            store.undo("bench", review_id)
        return statistics.median(samples[5:]) * 1000
    finally:
        store.close()


def load_cached_bank(home: Path, runs: int) -> tuple[float, float]:
    """Median milliseconds to load a data set's bank: parsed from YAML, and from the cache."""
    from mlops_quiz.bank import load_bank
    from mlops_quiz.bank.cache import load

    bank = [home / "bank.yaml"]
    cold = []
    for _ in range(3):
        started = time.perf_counter()
        load_bank(bank)
        cold.append(time.perf_counter() - started)
    cache = Path(tempfile.mkdtemp(prefix="mlops-quiz-cache-"))
    load(bank, cache)
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        load(bank, cache)
        warm.append(time.perf_counter() - started)
    return statistics.median(cold) * 1000, statistics.median(warm) * 1000


def in_child(flag: str, home: Path, runs: int, env: dict[str, str]) -> str:
    """Run an in-process micro-benchmark of this script in a child process; its output."""
    result = subprocess.run(
        [PYTHON, __file__, flag, str(home), "--runs", str(runs)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder for the data sets (kept for reuse)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling tables")
    parser.add_argument(
        "--baseline",
        metavar="SCRIPT",
        help="another version's mlops-quiz console script, timed in the same rounds",
    )
    parser.add_argument(
        "--baseline-home",
        type=Path,
        metavar="DIR",
        help="the baseline's copy of the data set (an older version refuses a newer schema)",
    )
    parser.add_argument("--record-one", type=Path, metavar="HOME", help=argparse.SUPPRESS)
    parser.add_argument("--bank-load", type=Path, metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.record_one:
        print(f"{record_one_answer(args.record_one, args.runs):.2f}")
        return 0
    if args.bank_load:
        cold, warm = load_cached_bank(args.bank_load, args.runs)
        print(f"{cold:.0f} ms parsed from YAML (C loader), {warm:.1f} ms from the cache")
        return 0
    if args.smoke:
        args.runs, args.questions, args.reviews, args.days = 1, 200, 2_000, 30
    root = args.data or Path(tempfile.mkdtemp(prefix="mlops-quiz-bench-"))
    root.mkdir(parents=True, exist_ok=True)

    home = data_set(root, args.questions, args.reviews, args.days)
    env = env_for(home)
    floors: list[Job] = [(FLOOR_TYPER, env, b""), (FLOOR_ALL, env, b"")]
    jobs: list[Job] = [(cmd, env, stdin) for _, cmd, stdin, _ in commands(home)]
    if args.baseline:
        base_env = {**env_for(args.baseline_home)} if args.baseline_home else env
        jobs += [(cmd, base_env, stdin) for _, cmd, stdin, _ in commands(home, args.baseline)]
    results = measure(floors + jobs, args.runs)
    (floor_typer, _), (floor_all, floor_rss) = results[:2]
    print(f"## {args.questions} questions, {args.reviews} answers over {args.days} days")
    print(
        f"\nfloors: `import typer` {floor_typer:.3f} s; `import typer, rich, yaml, sqlalchemy` "
        f"{floor_all:.3f} s ({floor_rss:.0f} MB)\n"
    )
    rows = [
        Timing(name, median, rss, floor_typer if light else floor_all)
        for (name, _, _, light), (median, rss) in zip(
            commands(home), results[2 : 2 + len(commands(home))], strict=True
        )
    ]
    print(table(rows))
    if args.baseline:
        count = len(rows)
        print(f"\nthe same rounds, {args.baseline}:\n")
        print("| command | this version (s) | baseline (s) | ratio |")
        print("| --- | ---: | ---: | ---: |")
        for row, (median, _) in zip(rows, results[2 + count :], strict=True):
            print(
                f"| `{row.name}` | {row.median:.3f} | {median:.3f} | {row.median / median:.2f}x |"
            )
    record = in_child("--record-one", home, max(args.runs, 50), env)
    print(f"\nrecording one answer (in process, commit included): {record} ms")
    loading = in_child("--bank-load", home, max(args.runs, 20), env)
    print(f"loading the {args.questions}-question bank (in process): {loading}")

    if not args.no_scaling:
        sizes_m = [args.reviews // 100, args.reviews // 10, args.reviews]
        sizes_n = [args.questions // 100, args.questions // 10, args.questions]
        scaled = [("answers", args.questions, m) for m in sizes_m]
        scaled += [("questions", n, args.reviews // 10) for n in sizes_n]
        print("\n## scaling (median seconds)\n")
        names = [name for name, *_ in commands(home)][2:]
        print("| varied | N questions | M answers | " + " | ".join(f"`{n}`" for n in names) + " |")
        print("| --- | ---: | ---: | " + " | ".join("---:" for _ in names) + " |")
        for varied, n, m in scaled:
            scaled_home = data_set(root, max(n, 1), m, args.days)
            scaled_env = env_for(scaled_home)
            scaled_jobs: list[Job] = [
                (cmd, scaled_env, stdin) for _, cmd, stdin, _ in commands(scaled_home)[2:]
            ]
            cells = [f"{median:.3f}" for median, _ in measure(scaled_jobs, args.runs)]
            print(f"| {varied} | {n} | {m} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A class on PostgreSQL, generated and measured.

    python benchmarks/classroom.py --url postgresql+psycopg://postgres:PW@127.0.0.1:PORT/postgres \
        [--learners 300] [--questions 125] [--days 180] [--per-day 20] [--runs 5]

Makes a class database (``bench_class`` on the server of ``--url``, made again each time):
``class init``, a published bank of N generated questions, L learners each with D days of
answers (made with the project's own scheduler and storage code). Then it measures, as a user
runs them: ``class report --json`` against the import floor
(``python -c "import typer, rich, yaml, sqlalchemy"``); the time to record one answer with 20
learners answering at once (median and 95th percentile over every answer); and the start-up of
a one-item scripted ``study`` as a learner on PostgreSQL next to the same learner's history in
SQLite.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from generate import bank_text, history
from run import FLOOR_ALL, SCRIPT, measure

from mlops_quiz.scheduling import CardState
from mlops_quiz.store import KIND_CRAM, ReviewRecord, Store

DATABASE = "bench_class"
CONCURRENT = 20
ANSWERS_EACH = 30


def admin_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(statement)


def generate_class(
    url: str, learners: int, questions: int, days: int, per_day: int
) -> tuple[str, list[str], Path]:
    """The class's URL, its learners' URLs, and the published bank file."""
    from sqlalchemy.engine import make_url

    admin_sql(url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin_sql(url, f"CREATE DATABASE {DATABASE}")
    class_url = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    rng = random.Random(1)
    folder = Path(tempfile.mkdtemp(prefix="mlops-quiz-class-"))
    bank = folder / "bank.yaml"
    bank.write_text(bank_text(questions, rng), encoding="utf-8")
    started = time.perf_counter()
    urls = []
    with Store.open(class_url) as store:
        store.init_class()
        store.publish([(str(bank), bank.read_text(encoding="utf-8"))], datetime.now(timezone.utc))
        for n in range(learners):
            name = f"learner{n:03d}"
            admin_sql(url, f"DROP ROLE IF EXISTS {name}")
            store.add_learner(name, "pw")
            urls.append(
                make_url(class_url)
                .set(username=name, password="pw")
                .render_as_string(hide_password=False)
            )
            store.add_history(name, history(questions, days * per_day, days, date.today(), rng))
    print(
        f"generated {learners} learners x {questions} questions x {days} days "
        f"({learners * days * per_day:,} answers) in {time.perf_counter() - started:.0f} s"
    )
    return class_url, urls, bank


def existing_class(url: str, learners: int, questions: int) -> tuple[str, list[str], Path]:
    from sqlalchemy.engine import make_url

    class_url = make_url(url).set(database=DATABASE).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="mlops-quiz-class-"))
    bank = folder / "bank.yaml"
    bank.write_text(bank_text(questions, random.Random(1)), encoding="utf-8")
    urls = [
        make_url(class_url)
        .set(username=f"learner{n:03d}", password="pw")
        .render_as_string(hide_password=False)
        for n in range(learners)
    ]
    return class_url, urls, bank


def record_many(url: str, count: int, start: multiprocessing.synchronize.Event) -> list[float]:
    """One learner recording answers as fast as a session would; seconds per answer."""
    from sqlalchemy.engine import make_url

    profile = str(make_url(url).username)
    times = []
    with Store.open(url) as store:
        state = CardState()
        start.wait()
        for k in range(count):
            now = datetime.now(timezone.utc)
            record = ReviewRecord(
                f"q{k:06d}", now, date.today(), 4, "typed", 1000, KIND_CRAM, state, state
            )
            t0 = time.perf_counter()
            store.record(profile, record)
            times.append(time.perf_counter() - t0)
    return times


def concurrent_records(urls: list[str]) -> list[float]:
    with multiprocessing.Manager() as manager:
        start = manager.Event()
        with multiprocessing.Pool(len(urls)) as pool:
            pending = [pool.apply_async(record_many, (u, ANSWERS_EACH, start)) for u in urls]
            time.sleep(3)  # every worker connected
            start.set()
            return [t for p in pending for t in p.get(timeout=600)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL URL of a role that may create")
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--questions", type=int, default=125)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--per-day", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure the class made before")
    args = parser.parse_args(argv)
    if args.reuse:
        class_url, urls, bank = existing_class(args.url, args.learners, args.questions)
    else:
        class_url, urls, bank = generate_class(
            args.url, args.learners, args.questions, args.days, args.per_day
        )
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "MLOPS_QUIZ_HOME": tempfile.mkdtemp()}
    sqlite_db = Path(env["MLOPS_QUIZ_HOME"]) / "one.db"
    with Store.open(f"sqlite:///{sqlite_db}") as store:
        rng = random.Random(1)
        total = args.days * args.per_day
        store.add_history(
            "learner000", history(args.questions, total, args.days, date.today(), rng)
        )
    report = [SCRIPT, "class", "report", "--json", "--db", class_url]
    study_pg = [SCRIPT, "study", "--limit", "1", "--db", urls[0]]
    study_sqlite = [
        SCRIPT,
        "study",
        "--limit",
        "1",
        "--db",
        f"sqlite:///{sqlite_db}",
        "--bank",
        str(bank),
        "--profile",
        "learner000",
        "--cram",
    ]
    study_pg_cram = [*study_pg, "--cram"]
    jobs = [
        (FLOOR_ALL, env, b""),
        (report, env, b""),
        (study_pg_cram, env, b"\n5\n"),
        (study_sqlite, env, b"\n5\n"),
    ]
    (floor, _), (rep, rep_rss), (spg, _), (ssq, _) = measure(jobs, args.runs)
    print(f"floor `import typer, rich, yaml, sqlalchemy`: {floor:.3f} s")
    print(f"class report --json: {rep:.3f} s ({rep / floor:.2f}x the floor, {rep_rss:.0f} MB)")
    print(f"study (1 item) on PostgreSQL: {spg:.3f} s; on SQLite: {ssq:.3f} s")
    times = sorted(concurrent_records(urls[:CONCURRENT]))
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"recording one answer, {CONCURRENT} learners at once ({len(times)} answers): "
        f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

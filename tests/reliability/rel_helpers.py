"""Shared helpers of the reliability suite: the console script, pexpect, SQLite checks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pexpect

from conftest import console_script
from mlops_quiz.scheduling import PASSING_GRADE

NOW = "2026-11-26T09:00:00+00:00"
"""A fixed clock (a Thursday morning, UTC) so every run plans the same study day."""

QUIZ = console_script()

# The small bank of tests/conftest.py, in bank order, with an answer and a grade for each item
# that passes (grade >= 4, so no same-day repeat comes back).
SMALL_IDS = ["open-one", "mcq-one", "cloze-one", "open-two"]
SMALL_PROMPTS = [
    "What is MLOps?",
    "Which are SM-2 grades that pass?",
    "The E-Factor starts at",
    "Name the four stages of an ML project.",
]
SMALL_ANSWERS = [("I know", "5"), ("a,c", ""), ("2.5; 1.3", ""), ("scope", "5")]
ANSWER_PROMPT = r"(Your answer|Your choice|Fill the)"
GRADE_PROMPT = r"Grade 0-5( \[\d\])? \([^)]*\): "


def env_with(env: dict[str, str], **extra: str) -> dict[str, str]:
    """The test environment with a fixed clock and zone, plus extra variables."""
    return {**env, "MLOPS_QUIZ_NOW": NOW, "TZ": "UTC", **extra}


def run(
    args: list[str], env: dict[str, str], stdin: str | bytes = "", timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """The installed console script in a subprocess, output decoded leniently."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [QUIZ, *args], input=data, capture_output=True, env=env, timeout=timeout
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


def time_bound(env: dict[str, str], seconds: float) -> float:
    """A bound for a guard against hangs (``seconds`` on a quiet machine), scaled by how long
    the console script takes to start here and now: a loaded machine, or coverage tracing the
    child, makes every run slower, and a test that guards against hours must not fail then."""
    started = time.monotonic()
    run(["--version"], env)
    startup = time.monotonic() - started
    return seconds + 20 * startup


def spawn(args: list[str], env: dict[str, str]) -> pexpect.spawn:
    """``mlops-quiz ARGS`` at a real terminal (a pty of 40 x 100)."""
    env = {**env, "COLUMNS": "100", "LINES": "40", "NO_COLOR": "1", "TERM": "xterm"}
    return pexpect.spawn(QUIZ, args, env=env, encoding="utf-8", timeout=90, dimensions=(40, 100))


def scripted(answers: list[tuple[str, str]]) -> str:
    """Scripted stdin: one line for the answer, then one for the grade, per item."""
    return "".join(f"{answer}\n{grade}\n" for answer, grade in answers)


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def reviewed_ids(db: Path, profile: str = "default") -> list[str]:
    rows = query(db, "SELECT question_id FROM reviews WHERE profile = ? ORDER BY id", (profile,))
    return [str(r[0]) for r in rows]


def integrity(db: Path) -> str:
    return "; ".join(str(r[0]) for r in query(db, "PRAGMA integrity_check"))


def assert_cards_match_log(db: Path) -> None:
    """Every card is the ``after_*`` state of its latest scheduling review, and nothing else."""
    cards = {
        (p, q): (reps, interval, ef, due, lapses)
        for p, q, reps, interval, ef, due, lapses in query(
            db, "SELECT profile, question_id, repetitions, interval, ef100, due, lapses FROM cards"
        )
    }
    latest = query(
        db,
        "SELECT profile, question_id, after_repetitions, after_interval, after_ef100, "
        "after_due, after_lapses FROM reviews r WHERE kind = 'review' AND id = ("
        "SELECT max(id) FROM reviews WHERE profile = r.profile "
        "AND question_id = r.question_id AND kind = 'review')",
    )
    from_log = {(p, q): (reps, iv, ef, due, lapses) for p, q, reps, iv, ef, due, lapses in latest}
    assert cards == from_log
    columns = {row[1] for row in query(db, "PRAGMA table_info(cards)")}
    if {"reviews", "passes"} <= columns:  # per-card counters, when the schema keeps them
        counters = {
            (p, q): (n, ok)
            for p, q, n, ok in query(db, "SELECT profile, question_id, reviews, passes FROM cards")
        }
        counted = {
            (p, q): (n, ok)
            for p, q, n, ok in query(
                db,
                "SELECT profile, question_id, count(*), sum(grade >= ?) FROM reviews "
                "WHERE kind = 'review' GROUP BY profile, question_id",
                (PASSING_GRADE,),  # the one pass rule, scheduling.is_pass
            )
        }
        assert counters == counted


def file_state(folder: Path) -> dict[str, bytes]:
    """Every file in a folder with its bytes (to show that nothing was written)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def one_error_line(stderr: str) -> str:
    """The single ``error: ...`` line of a failed command."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def no_write_bits(path: Path) -> int:
    """Remove every write bit (the product treats that as read-only, even for root)."""
    mode = path.stat().st_mode & 0o777
    os.chmod(path, mode & ~0o222)
    return mode

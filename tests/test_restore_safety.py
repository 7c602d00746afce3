"""``restore`` never loses the learner's own answers: the backup is checked and migrated in a
scratch copy before the live database is touched, the copy of what it replaces is kept
whenever the live file may have changed, and Ctrl-C waits for the copy to finish."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import console_script

QUIZ = console_script()


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([QUIZ, *args], capture_output=True, text=True, env=env, timeout=300)


def seed(db: Path, questions: list[str], answer: str = "an answer", per_question: int = 1) -> None:
    """Answers for each question, saved through the store as a session saves them."""
    from mlops_quiz.scheduling import CardState, next_state
    from mlops_quiz.store import KIND_REVIEW, ReviewRecord, Store

    start = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    records = []
    for n in range(per_question):
        for k, qid in enumerate(questions):
            at = start + timedelta(days=n, seconds=k)
            day = at.date()
            before = CardState() if n == 0 else records[-len(questions)].after
            records.append(
                ReviewRecord(
                    qid, at, day, 4, answer, 1000, KIND_REVIEW, before, next_state(before, 4, day)
                )
            )
    records.sort(key=lambda r: r.reviewed_at)
    with Store.open(f"sqlite:///{db}") as store:
        store.add_history("default", records)


def answered(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT DISTINCT question_id FROM reviews ORDER BY 1")]
    finally:
        conn.close()


def kept_copies(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("progress-before-restore-"))


def test_a_backup_whose_migrations_are_out_of_step_is_refused_before_anything_changes(
    script_env: dict[str, str], quiz_home: Path, tmp_path: Path
):
    live = quiz_home / "progress.db"
    quiz_home.mkdir()
    seed(live, ["first"])
    backup = tmp_path / "backup.db"
    assert run(["backup", str(backup)], script_env).returncode == 0
    conn = sqlite3.connect(backup)
    with conn:  # the column is there, the record of the migration that made it is not
        conn.execute("DELETE FROM _mlops_quiz_migrations WHERE name = 'm005_card_flags'")
    conn.close()
    seed(live, ["second"])  # the learner's own answers since the backup

    result = run(["restore", str(backup)], script_env)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "duplicate column name: suspended" in lines[0]
    assert "Traceback" not in result.stderr
    assert answered(live) == ["first", "second"]  # the live database is as it was
    assert sorted(p.name for p in quiz_home.iterdir() if p.name.startswith(".restore")) == []


def test_an_old_backup_is_migrated_in_a_copy_and_restored(
    script_env: dict[str, str], quiz_home: Path, tmp_path: Path
):
    live = quiz_home / "progress.db"
    quiz_home.mkdir()
    seed(live, ["first"])
    backup = tmp_path / "backup.db"
    assert run(["backup", str(backup)], script_env).returncode == 0
    make_old(backup)
    before = backup.read_bytes()
    seed(live, ["second"])

    result = run(["restore", str(backup)], script_env)

    assert result.returncode == 0, result.stderr
    assert answered(live) == ["first"]
    assert "content" in columns(live, "cards")  # brought up to date
    assert backup.read_bytes() == before  # the backup itself is never written to
    (kept,) = kept_copies(quiz_home)
    assert answered(kept) == ["first", "second"]
    assert not [p for p in quiz_home.iterdir() if p.name.startswith(".restore")]


def make_old(db: Path) -> None:
    """The schema of the version before the last migration (no ``cards.content``)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("ALTER TABLE cards DROP COLUMN content")
        conn.execute("DELETE FROM _mlops_quiz_migrations WHERE name = 'm008_card_content'")
    conn.execute("VACUUM")
    conn.close()


def columns(db: Path, table: str) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


def test_ctrl_c_during_the_copy_of_a_large_old_backup_keeps_the_learners_answers(
    script_env: dict[str, str], quiz_home: Path, tmp_path: Path
):
    live = quiz_home / "progress.db"
    quiz_home.mkdir()
    seed(live, [f"q{n:05d}" for n in range(2000)], answer="x" * 2000, per_question=20)
    backup = tmp_path / "backup.db"
    assert run(["backup", str(backup)], script_env).returncode == 0
    assert backup.stat().st_size > 50_000_000
    make_old(backup)
    conn = sqlite3.connect(live)
    with conn:  # the live database now holds only the learner's newer answers
        conn.execute("DELETE FROM reviews")
        conn.execute("DELETE FROM cards")
    conn.close()
    seed(live, ["mine-since"])

    child = subprocess.Popen(
        [QUIZ, "restore", str(backup)],
        env=script_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # The copy of what is replaced appears just before the copy over the live file starts.
    deadline = time.monotonic() + 120
    while not kept_copies(quiz_home) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.kill(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=300)

    assert "Traceback" not in err
    copies = kept_copies(quiz_home)
    assert len(copies) == 1, (out, err)
    assert answered(copies[0]) == ["mine-since"]  # the learner's own answers are kept
    conn = sqlite3.connect(live)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()
    assert restored in (1, 40_000)  # the whole live file or the whole backup, never half
    if restored == 40_000:
        assert copies[0].name in out
    assert child.returncode in (0, 130)
    assert not [p for p in quiz_home.iterdir() if p.name.startswith(".restore")]

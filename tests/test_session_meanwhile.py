"""A reset or an import made by another process while a session is open is not overwritten by
the session's next answer: the answer re-reads the card inside its write transaction."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import console_script
from mlops_quiz.bank import load_bank
from mlops_quiz.errors import AnsweredElsewhereError
from mlops_quiz.store import Store
from mlops_quiz.study.session import StudySession

DAY1 = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
DAY2 = DAY1 + timedelta(days=1)


def quiz(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([console_script(), *args], capture_output=True, text=True, env=env)


def card(db: Path, qid: str) -> tuple[object, ...]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT repetitions, interval, due FROM cards WHERE question_id = ?", (qid,)
        ).fetchone()
    finally:
        conn.close()


def due_session(db: Path, small_bank: Path) -> tuple[Store, StudySession]:
    """A session of day 2 whose first item is ``open-one``, answered once on day 1."""
    questions = load_bank([small_bank]).questions
    store = Store.open(f"sqlite:///{db}")
    first = StudySession.plan(store, "default", questions, lambda: DAY1, 0, new_per_day=1)
    item = first.next_item()
    assert item is not None and item.question.id == "open-one"
    first.answer(item, 4, "practices", 1000)
    session = StudySession.plan(store, "default", questions, lambda: DAY2, 0, new_per_day=0)
    return store, session


def test_a_reset_during_an_open_session_is_not_overwritten(
    script_env: dict[str, str], quiz_home: Path, small_bank: Path
):
    db = quiz_home / "progress.db"
    quiz_home.mkdir()
    store, session = due_session(db, small_bank)
    with store:
        item = session.next_item()
        assert item is not None and item.question.id == "open-one"
        reset = quiz(["reset", "open-one", "--yes", "--bank", str(small_bank)], script_env)
        assert reset.returncode == 0, reset.stderr
        assert card(db, "open-one")[2] is None  # new again

        with pytest.raises(AnsweredElsewhereError):
            session.answer(item, 5, "practices", 1000)

    assert card(db, "open-one") == (0, 0, None)  # the reset stands
    conn = sqlite3.connect(db)
    logged = conn.execute("SELECT count(*), count(reset_at) FROM reviews").fetchone()
    conn.close()
    assert logged == (1, 1)  # the day-1 answer, marked reset; the stale answer is not logged


def test_an_import_during_an_open_session_is_not_overwritten(
    script_env: dict[str, str], quiz_home: Path, small_bank: Path, tmp_path: Path
):
    db = quiz_home / "progress.db"
    quiz_home.mkdir()
    store, session = due_session(db, small_bank)
    line = {
        "id": "x",
        "question": "open-one",
        "reviewed_at": (DAY1 + timedelta(hours=2)).isoformat(),
        "day": DAY1.date().isoformat(),
        "grade": 1,
        "kind": "review",
        "answer": "no idea",
        "duration_ms": 1000,
        "before": {"repetitions": 0, "interval": 0, "ef100": 250, "due": None, "lapses": 0},
        "after": {"repetitions": 0, "interval": 0, "ef100": 250, "due": None, "lapses": 0},
    }
    header = {"format": "mlops-quiz progress", "version": 1, "profile": "default", "answers": 1}
    source = tmp_path / "other.jsonl"
    source.write_text(json.dumps(header) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    with store:
        item = session.next_item()
        assert item is not None
        imported = quiz(["import", "--progress", str(source)], script_env)
        assert imported.returncode == 0, imported.stderr
        merged = card(db, "open-one")
        assert merged[0] == 0  # a 1 after the 4 starts the repetitions again

        with pytest.raises(AnsweredElsewhereError):
            session.answer(item, 5, "practices", 1000)

    assert card(db, "open-one") == merged

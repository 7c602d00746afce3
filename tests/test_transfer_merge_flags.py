"""``import --progress`` keeps what the learner set on a card: a suspended card stays
suspended, a buried one buried, and a reset card counts its schedule from the reset."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import console_script
from mlops_quiz.scheduling import CardState, next_state
from mlops_quiz.store import KIND_REVIEW, ReviewRecord, Store

NOW = "2026-11-26T09:00:00+00:00"
START = datetime(2026, 11, 1, 9, tzinfo=timezone.utc)
IDS = ["open-one", "mcq-one", "cloze-one"]


def quiz(args: list[str], env: dict[str, str], now: str = NOW) -> subprocess.CompletedProcess[str]:
    env = {**env, "MLOPS_QUIZ_NOW": now, "TZ": "UTC"}
    return subprocess.run([console_script(), *args], capture_output=True, text=True, env=env)


def answers(qid: str, days: list[int], grade: int = 4) -> list[ReviewRecord]:
    state = CardState()
    out = []
    for n in days:
        at = START + timedelta(days=n)
        after = next_state(state, grade, at.date())
        out.append(ReviewRecord(qid, at, at.date(), grade, "typed", 900, KIND_REVIEW, state, after))
        state = after
    return out


def progress_file(path: Path, records: list[ReviewRecord]) -> Path:
    from mlops_quiz.transfer.progress import write_history

    with path.open("wb") as out:
        write_history("default", sorted(records, key=lambda r: r.reviewed_at), out)
    return path


def cards(db: Path) -> dict[str, tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT question_id, suspended, buried_until, due, repetitions, reviews "
            "FROM cards ORDER BY question_id"
        ).fetchall()
    finally:
        conn.close()
    return {row[0]: row[1:] for row in rows}


def test_import_keeps_suspension_bury_and_reset(
    script_env: dict[str, str], quiz_home: Path, small_bank: Path, tmp_path: Path
):
    db = quiz_home / "progress.db"
    quiz_home.mkdir()
    with Store.open(f"sqlite:///{db}") as store:
        store.add_history(
            "default",
            sorted(
                answers("open-one", [0, 1, 7])
                + answers("mcq-one", [0, 1])
                + answers("cloze-one", [0, 2, 8]),
                key=lambda r: r.reviewed_at,
            ),
        )
    bank = ["--bank", str(small_bank)]
    assert quiz(["suspend", "open-one", *bank], script_env).returncode == 0
    assert quiz(["bury", "mcq-one", *bank], script_env).returncode == 0
    assert quiz(["reset", "cloze-one", "--yes", *bank], script_env).returncode == 0
    before = cards(db)
    assert before["open-one"][0] == 1 and before["mcq-one"][1] == "2026-11-27"
    assert before["cloze-one"][2] is None

    # Answers given elsewhere, before the flags were set here: one more for each card.
    extra = answers("open-one", [3]) + answers("mcq-one", [4]) + answers("cloze-one", [5])
    source = progress_file(tmp_path / "laptop.jsonl", extra)
    result = quiz(["import", "--progress", str(source)], script_env)
    assert result.returncode == 0, result.stderr
    assert "3 answers added" in result.stdout

    after = cards(db)
    assert after["open-one"][:2] == (1, None)  # still suspended
    assert after["mcq-one"][:2] == (0, "2026-11-27")  # still buried until tomorrow
    # still new: the reset stands, and the answer from before it is counted, not scheduled
    assert after["cloze-one"][2:] == (None, 0, 4)
    conn = sqlite3.connect(db)
    marked = conn.execute(
        "SELECT count(*) FROM reviews WHERE question_id = 'cloze-one' AND reset_at IS NULL"
    ).fetchone()[0]
    conn.close()
    assert marked == 0  # every answer of before the reset carries its mark
    listed = quiz(["list", "--json", *bank], script_env)
    assert listed.returncode == 0, listed.stderr


def test_an_answer_after_the_reset_schedules_the_card_from_the_reset(
    script_env: dict[str, str], quiz_home: Path, small_bank: Path, tmp_path: Path
):
    db = quiz_home / "progress.db"
    quiz_home.mkdir()
    with Store.open(f"sqlite:///{db}") as store:
        store.add_history("default", answers("cloze-one", [0, 2, 8]))
    reset = quiz(
        ["reset", "cloze-one", "--yes", "--bank", str(small_bank)],
        script_env,
        now="2026-11-20T09:00:00+00:00",
    )
    assert reset.returncode == 0, reset.stderr
    # An answer given elsewhere after the reset (made on 20 November).
    later = answers("cloze-one", [24])
    source = progress_file(tmp_path / "laptop.jsonl", later)
    assert quiz(["import", "--progress", str(source)], script_env).returncode == 0
    # One answer since the reset: the first repetition, an interval of 1 day (SM-2).
    assert cards(db)["cloze-one"][2:] == ("2026-11-26", 1, 4)

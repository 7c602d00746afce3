"""A database made by the previous schema (migrations m001 to m003) upgrades in place to the
card flags of m005 and keeps every answer."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine

from conftest import console_script
from mlops_quiz.store import migrations

QUIZ = console_script()

OLD = [migrations.m001_initial, migrations.m002_indexes, migrations.m003_card_counters]


def old_database(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for migration in OLD:
            migrations.apply(conn, migration)
    engine.dispose()
    conn2 = sqlite3.connect(path)
    state = "1, 1, 260, '2026-11-26', 0"
    for qid, grade in (("open-one", 5), ("mcq-one", 4)):
        conn2.execute(
            "INSERT INTO reviews (profile, question_id, reviewed_at, day, grade, answer, "
            "duration_ms, kind, before_repetitions, before_interval, before_ef100, before_due, "
            "before_lapses, after_repetitions, after_interval, after_ef100, after_due, "
            f"after_lapses) VALUES ('default', ?, '2026-11-25T09:00:00+00:00', '2026-11-25', "
            f"?, 'old answer', 900, 'review', 0, 0, 250, NULL, 0, {state})",
            (qid, grade),
        )
        conn2.execute(
            "INSERT INTO cards (profile, question_id, repetitions, interval, ef100, due, lapses, "
            f"introduced_on, last_reviewed_at, reviews, passes) VALUES ('default', ?, {state}, "
            "'2026-11-25', '2026-11-25T09:00:00+00:00', 1, 1)",
            (qid,),
        )
    conn2.commit()
    conn2.close()


def test_an_old_database_upgrades_in_place_and_keeps_every_answer(
    script_env, quiz_home: Path, small_bank: Path
):
    quiz_home.mkdir()
    db = quiz_home / "progress.db"
    old_database(db)
    env = {
        **script_env,
        "MLOPS_QUIZ_BANK": str(small_bank),
        "MLOPS_QUIZ_NOW": "2026-11-26T09:00:00+00:00",
        "TZ": "UTC",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([QUIZ, *args], capture_output=True, text=True, env=env, timeout=90)

    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    due = {r["id"]: r["due"] for r in json.loads(listed.stdout)}
    assert due == {
        "open-one": "2026-11-26",
        "mcq-one": "2026-11-26",
        "cloze-one": None,
        "open-two": None,
    }
    assert run("suspend", "mcq-one").returncode == 0
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM _mlops_quiz_migrations ORDER BY name")]
    assert names[:3] == ["m001_initial", "m002_indexes", "m003_card_counters"]
    assert "m005_card_flags" in names
    answers = conn.execute("SELECT question_id, grade, answer, reset_at FROM reviews").fetchall()
    assert answers == [("open-one", 5, "old answer", None), ("mcq-one", 4, "old answer", None)]
    flags = conn.execute("SELECT question_id, suspended, buried_until FROM cards").fetchall()
    assert sorted(flags) == [("mcq-one", 1, None), ("open-one", 0, None)]
    conn.close()
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["retention"]["reviews"] == 2 and stats["suspended"] == 1
    assert stats["due_today"] == 1

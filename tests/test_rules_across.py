"""Rules that span modules, with fixed expected values: a migration of old data counts passes
by the one pass rule (grade 3 or more, README "Grades"); the stats forecast counts what
``study`` would ask, overdue cards included."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine

from mlops_quiz.bank import load_bank
from mlops_quiz.scheduling import CardState
from mlops_quiz.store import KIND_REVIEW, ReviewRecord, Store, migrations
from mlops_quiz.study.stats import compute

STATE = "1, 1, 260, '2026-11-26', 0"


def m002_database(path: Path, grades: list[tuple[str, int, str]]) -> None:
    """A database of the schema before m003, one card and the given (question, grade, kind)
    answers in its log."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for migration in (migrations.m001_initial, migrations.m002_indexes):
            migrations.apply(conn, migration)
    engine.dispose()
    db = sqlite3.connect(path)
    for n, (qid, grade, kind) in enumerate(grades):
        db.execute(
            "INSERT INTO reviews (profile, question_id, reviewed_at, day, grade, answer, "
            "duration_ms, kind, before_repetitions, before_interval, before_ef100, before_due, "
            "before_lapses, after_repetitions, after_interval, after_ef100, after_due, "
            f"after_lapses) VALUES ('default', ?, '2026-11-{10 + n}T09:00:00+00:00', "
            f"'2026-11-{10 + n}', ?, 'old answer', 900, ?, 0, 0, 250, NULL, 0, {STATE})",
            (qid, grade, kind),
        )
    for qid in sorted({qid for qid, _, _ in grades}):
        db.execute(
            "INSERT INTO cards (profile, question_id, repetitions, interval, ef100, due, lapses, "
            f"introduced_on, last_reviewed_at) VALUES ('default', ?, {STATE}, "
            "'2026-11-10', '2026-11-20T09:00:00+00:00')",
            (qid,),
        )
    db.commit()
    db.close()


def test_m003_counts_a_grade_of_exactly_3_as_a_pass(tmp_path: Path):
    path = tmp_path / "old.db"
    m002_database(
        path,
        [
            ("a", 3, "review"),
            ("a", 2, "review"),
            ("a", 5, "review"),
            ("a", 3, "review"),
            ("a", 3, "repeat"),  # a same-day repeat is no scheduling review
            ("b", 3, "review"),
            ("b", 2, "review"),
        ],
    )
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrations.apply(conn, migrations.m003_card_counters)
    engine.dispose()
    db = sqlite3.connect(path)
    counts = db.execute("SELECT question_id, reviews, passes FROM cards ORDER BY 1").fetchall()
    db.close()
    assert counts == [("a", 4, 3), ("b", 2, 1)]


def test_the_forecast_counts_overdue_cards_as_due_today(tmp_path: Path, small_bank: Path):
    # README "stats": overdue cards are due today (after a skipped day, the normal case).
    today = date(2026, 11, 26)
    bank = load_bank([small_bank])
    dues = {
        "open-one": today - timedelta(days=5),
        "mcq-one": today - timedelta(days=1),
        "cloze-one": today + timedelta(days=2),
    }
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        moment = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
        for qid, due in dues.items():
            after = CardState(2, 6, 250, due, 0)
            record = ReviewRecord(
                qid, moment, date(2026, 11, 10), 4, "", 1, KIND_REVIEW, CardState(), after
            )
            store.record("default", record)
        result = compute(store, bank, "default", today)
    assert result.due_today == 2
    assert result.forecast[0] == (today, 2)
    assert result.forecast[2] == (today + timedelta(days=2), 1)
    assert sum(n for _, n in result.forecast) == 3

"""Rules that span modules, with fixed expected values: a migration of old data counts passes
by the one pass rule (grade 3 or more, README "Grades"); the stats forecast counts what
``study`` would ask, overdue cards included; the daily new allowance is per study day, which
starts at the day-start hour, not at midnight."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine

from mlops_quiz.bank import load_bank, parse_text
from mlops_quiz.scheduling import CardState
from mlops_quiz.store import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store, migrations
from mlops_quiz.study.session import StudySession
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


def test_the_new_allowance_counts_the_study_day_across_midnight(tmp_path: Path):
    # README: a study day starts at the day-start hour; 20 new items a study day. At 01:00 with
    # the day starting at 04:00 it is still the day before: 15 introduced at 22:00 leave 5.
    lines = ["topics:", "  - id: t", "    title: T", "questions:"]
    for n in range(1, 31):
        lines += [f"  - id: q{n:03d}", "    topic: t", "    type: open"]
        lines += [f"    prompt: Question {n}?", "    answer: Yes."]
    _, questions = parse_text("\n".join(lines) + "\n", "many.yaml")
    evening = datetime(2026, 11, 26, 22, 0).astimezone()
    after = CardState(repetitions=1, interval=4, ef100=250, due=date(2026, 11, 30))
    records = [
        ReviewRecord(q.id, evening, date(2026, 11, 26), 4, "", 1, KIND_REVIEW, CardState(), after)
        for q in questions[:15]
    ]
    night = datetime(2026, 11, 27, 1, 0).astimezone()
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        store.add_history("default", records)
        session = StudySession.plan(store, "default", questions, lambda: night, 4)
        assert session.today == date(2026, 11, 26)
        assert [i.question.id for i in session.queue] == [f"q{n:03d}" for n in range(16, 21)]
        morning = datetime(2026, 11, 27, 5, 0).astimezone()
        later = StudySession.plan(store, "default", questions, lambda: morning, 4)
        assert len(later.queue) == 15  # a new study day: 20 allowed, 15 left in the bank


def test_a_merged_log_moves_the_card_by_its_scheduling_reviews_only(tmp_path: Path):
    # README "Moving progress": repeats and cram answers are logged, never scheduled. SM-2 by
    # hand: 4 on Nov 1 gives 1 day, EF 2.5; 5 on Nov 2 gives 6 days, EF 2.6, due Nov 8.
    def answer(day: int, hour: int, grade: int, kind: str) -> ReviewRecord:
        moment = datetime(2026, 11, day, hour, tzinfo=timezone.utc)
        return ReviewRecord(
            "q", moment, date(2026, 11, day), grade, "", 1, kind, CardState(), CardState()
        )

    imported = [
        answer(1, 9, 4, KIND_REVIEW),
        answer(1, 10, 2, KIND_REPEAT),
        answer(1, 11, 1, KIND_CRAM),
        answer(2, 9, 5, KIND_REVIEW),
        answer(2, 10, 0, KIND_CRAM),
    ]
    path = tmp_path / "p.db"
    with Store.open(f"sqlite:///{path}") as store:
        assert store.merge_history("default", imported) == (5, 0)
        card = store.cards("default")["q"]
    assert card == CardState(repetitions=2, interval=6, ef100=260, due=date(2026, 11, 8), lapses=0)
    db = sqlite3.connect(path)
    counters = db.execute("SELECT reviews, passes FROM cards WHERE question_id = 'q'").fetchone()
    db.close()
    assert counters == (2, 2)

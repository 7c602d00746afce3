import sqlite3
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from mlops_quiz.errors import NewerDatabaseError, StoreError
from mlops_quiz.scheduling import CardState, next_state
from mlops_quiz.store import KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store, migrations

DAY = date(2026, 11, 26)


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def review(qid: str, grade: int, before: CardState, kind: str = KIND_REVIEW) -> ReviewRecord:
    after = next_state(before, grade, DAY) if kind == KIND_REVIEW else before
    return ReviewRecord(
        qid,
        datetime(2026, 11, 26, 9, tzinfo=timezone.utc),
        DAY,
        grade,
        "typed",
        1200,
        kind,
        before,
        after,
    )


def test_blank_database_gets_every_migration(tmp_path: Path):
    path = tmp_path / "p.db"
    Store.open(url(path)).close()
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute(f"SELECT name FROM {migrations.MIGRATIONS_TABLE}")]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert names == [m.__name__ for m in migrations.MIGRATIONS]
    assert {"cards", "reviews"} <= tables
    assert mode == "wal"


def test_upgrade_from_the_first_version_keeps_data(tmp_path: Path):
    path = tmp_path / "old.db"
    store = Store.open(url(path))
    store.close()
    # Rebuild the database as the first version made it, with some progress in it.
    path.unlink()
    from sqlalchemy import create_engine

    engine = create_engine(url(path))
    with engine.begin() as conn:
        migrations.apply(conn, migrations.MIGRATIONS[0])
        conn.exec_driver_sql(
            "INSERT INTO cards (profile, question_id, repetitions, interval, ef100, due, lapses) "
            "VALUES ('default', 'q1', 2, 6, 260, '2026-12-01', 0)"
        )
        for grade, kind in ((5, "review"), (2, "repeat"), (1, "review"), (4, "review")):
            conn.exec_driver_sql(
                "INSERT INTO reviews (profile, question_id, reviewed_at, day, grade, answer, "
                "duration_ms, kind, before_repetitions, before_interval, before_ef100, "
                "before_lapses, after_repetitions, after_interval, after_ef100, after_lapses) "
                f"VALUES ('default', 'q1', 'x', '2026-11-20', {grade}, '', 0, '{kind}', "
                "0, 0, 250, 0, 0, 0, 250, 0)"
            )
    engine.dispose()
    with Store.open(url(path)) as upgraded:
        assert upgraded.cards("default")["q1"] == CardState(2, 6, 260, date(2026, 12, 1), 0)
        # m003 counted the scheduling reviews already in the log (repeats do not count).
        assert upgraded.scheduling_results("default") == {"q1": (3, 2)}
    with sqlite3.connect(path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_cards_profile_due" in indexes


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "new.db"
    Store.open(url(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"INSERT INTO {migrations.MIGRATIONS_TABLE} VALUES ('m999_future', 'x')")
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        Store.open(url(path))
    assert path.read_bytes() == before


def test_non_sqlite_file_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n")
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store.open(url(path))
    assert path.read_text() == "my precious notes\n"


def test_foreign_sqlite_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="other tables"):
        Store.open(url(path))


def test_missing_folder_for_an_explicit_url(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(url(tmp_path / "nowhere" / "p.db"))
    assert not (tmp_path / "nowhere").exists()


def test_record_and_undo_restore_the_card(tmp_path: Path):
    with Store.open(url(tmp_path / "p.db")) as store:
        first = store.record("default", review("q1", 5, CardState()))
        state = store.card("default", "q1")
        assert (state.repetitions, state.interval) == (1, 1)
        second = store.record("default", review("q1", 4, state))
        assert store.card("default", "q1").repetitions == 2
        store.undo("default", second)
        assert store.card("default", "q1") == state
        store.undo("default", first)
        assert "q1" not in store.cards("default")
        assert store.scheduling_results("default") == {}


def test_repeats_are_logged_but_leave_the_schedule(tmp_path: Path):
    with Store.open(url(tmp_path / "p.db")) as store:
        store.record("default", review("q1", 2, CardState()))
        state = store.card("default", "q1")
        store.record("default", review("q1", 5, state, KIND_REPEAT))
        assert store.card("default", "q1") == state
        assert store.reviews_per_day("default", DAY) == {DAY: 2}
        assert store.scheduling_results("default") == {"q1": (1, 0)}


def test_profiles_are_separate(tmp_path: Path):
    with Store.open(url(tmp_path / "p.db")) as store:
        store.record("ann", review("q1", 5, CardState()))
        store.record("bob", review("q2", 5, CardState()))
        assert set(store.cards("ann")) == {"q1"}
        assert set(store.cards("bob")) == {"q2"}
        assert store.profiles() == ["ann", "bob"]


def test_due_cards_most_overdue_first(tmp_path: Path):
    with Store.open(url(tmp_path / "p.db")) as store:
        for qid, due in (
            ("late", date(2026, 11, 1)),
            ("later", date(2026, 11, 20)),
            ("future", date(2026, 12, 30)),
        ):
            before = CardState()
            record = review(qid, 5, before)
            record = ReviewRecord(**{**record.__dict__, "after": CardState(1, 1, 260, due)})
            store.record("default", record)
        assert list(store.due_cards("default", DAY)) == ["late", "later"]
        assert store.studied_ids("default") == {"late", "later", "future"}
        assert store.next_due("default", DAY, {"future", "late"}) == date(2026, 12, 30)


def test_upgrade_from_the_schema_before_key_points_keeps_every_answer(tmp_path: Path):
    path = tmp_path / "m003.db"
    from sqlalchemy import create_engine

    engine = create_engine(url(path))
    with engine.begin() as conn:
        for migration in migrations.MIGRATIONS[:3]:  # m001-m003: the schema before m004
            migrations.apply(conn, migration)
        for n, grade in enumerate((5, 2, 4), 1):
            conn.exec_driver_sql(
                "INSERT INTO reviews (profile, question_id, reviewed_at, day, grade, answer, "
                "duration_ms, kind, before_repetitions, before_interval, before_ef100, "
                "before_lapses, after_repetitions, after_interval, after_ef100, after_lapses) "
                f"VALUES ('default', 'q{n}', '2026-11-20T09:00:00+00:00', '2026-11-20', "
                f"{grade}, 'answer {n}', 0, 'cram', 0, 0, 250, 0, 0, 0, 250, 0)"
            )
    engine.dispose()
    with Store.open(url(path)) as upgraded:
        old = upgraded.history("default")
        assert [(r.question_id, r.grade, r.answer) for r in old] == [
            ("q1", 5, "answer 1"),
            ("q2", 2, "answer 2"),
            ("q3", 4, "answer 3"),
        ]
        assert [r.key_points_made for r in old] == [None, None, None]
        record = review("q4", 3, CardState())
        upgraded.record("default", replace(record, key_points_made="1,3/4"))
        assert upgraded.key_points_made("default") == {("q4", "1,3/4"): 1}
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute(f"SELECT name FROM {migrations.MIGRATIONS_TABLE}")]
        count = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert names[3] == "m004_key_points_made"
    assert count == 4


def test_points_made_are_written_and_read_compactly():
    from mlops_quiz.store.schema import format_points_made, parse_points_made

    assert format_points_made([True, False, True]) == "1,3/3"
    assert format_points_made([False, False]) == "/2"
    assert parse_points_made("1,3/5") == (frozenset({1, 3}), 5)
    assert parse_points_made("/2") == (frozenset(), 2)
    assert parse_points_made("4/3") is None
    assert parse_points_made("x") is None


def test_stats_reads_the_key_points_made_through_their_index(tmp_path):
    """A profile's recorded key points are read without scanning the whole log."""
    import sqlite3

    from mlops_quiz.store import Store

    db = tmp_path / "p.db"
    Store.open(f"sqlite:///{db}").close()
    conn = sqlite3.connect(db)
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT question_id, key_points_made, count(*) FROM reviews "
        "WHERE profile = 'default' AND key_points_made IS NOT NULL "
        "GROUP BY question_id, key_points_made"
    ).fetchall()
    conn.close()
    assert "USING COVERING INDEX ix_reviews_key_points_made" in str(plan)

"""The one pass rule (README "Grades": a grade of 3, "correct response recalled with serious
difficulty", is a correct response; 0 to 2 are incorrect). ``scheduling.is_pass`` is its one
definition: every place that counts passes must follow it at the boundary (2 fails, 3 passes),
and no place may write the threshold again as a number of its own."""

from __future__ import annotations

import ast
import re
import sqlite3
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from mlops_quiz.bank import load_bank
from mlops_quiz.scheduling import CardState, is_pass, next_state
from mlops_quiz.scheduling.fsrs import RATINGS
from mlops_quiz.store import KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store, migrations
from mlops_quiz.study.stats import compute

ROOT = Path(__file__).resolve().parents[1]
RELIABILITY = ROOT / "tests" / "reliability"
GRADES = [3, 2, 3, 5, 0]
"""A log at the boundary: by the README, 3 passes (three of them), 2 and 0 fail."""
PASSES = 3
DEFINITION = ROOT / "src/mlops_quiz/scheduling/sm2.py"
SQL_PLACES = {
    ROOT / "src/mlops_quiz/store/migrations.py",
    RELIABILITY / "rel_helpers.py",
}
"""SQL cannot call ``is_pass``: these bind ``PASSING_GRADE`` as a parameter instead."""


def test_the_pass_rule_is_a_grade_of_3_or_more():
    assert [g for g in range(6) if is_pass(g)] == [3, 4, 5]


def test_fsrs_rates_exactly_the_failed_grades_again():
    # FSRS's rating 1 (Again) is its lapse; Hard (2), Good and Easy are recalls.
    assert {g for g, rating in RATINGS.items() if rating == 1} == {
        g for g in range(6) if not is_pass(g)
    }


def answers(grades: list[int], start: date = date(2026, 11, 1)) -> list[ReviewRecord]:
    """Scheduling reviews of one card, a day apart, with states chained by SM-2."""
    records, state = [], CardState()
    for n, grade in enumerate(grades):
        day = start + timedelta(days=n)
        after = next_state(state, grade, day)
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)
        records.append(ReviewRecord("q", moment, day, grade, "", 1, KIND_REVIEW, state, after))
        state = after
    return records


def counters(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT reviews, passes FROM cards WHERE question_id = 'q'").fetchone()
    finally:
        db.close()
    return tuple(row)


def test_each_answer_recorded_counts_by_the_rule(tmp_path: Path):
    path = tmp_path / "p.db"
    with Store.open(f"sqlite:///{path}") as store:
        for record in answers(GRADES):
            store.record("default", record)
    assert counters(path) == (len(GRADES), PASSES)


def test_a_loaded_history_counts_by_the_rule(tmp_path: Path):
    path = tmp_path / "p.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.add_history("default", answers(GRADES))
    assert counters(path) == (len(GRADES), PASSES)


def test_a_merged_history_counts_by_the_rule(tmp_path: Path):
    path = tmp_path / "p.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.merge_history("default", answers(GRADES))
    assert counters(path) == (len(GRADES), PASSES)


@pytest.mark.parametrize(("last", "passes_left"), [(3, 1), (2, 1)])
def test_undo_takes_back_a_pass_only_for_a_pass(tmp_path: Path, last: int, passes_left: int):
    path = tmp_path / "p.db"
    with Store.open(f"sqlite:///{path}") as store:
        *earlier, final = answers([3, last])
        for record in earlier:
            store.record("default", record)
        review_id = store.record("default", final)
        store.undo("default", review_id)
    assert counters(path) == (1, passes_left)


def test_m003_counts_old_answers_by_the_rule(tmp_path: Path):
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for migration in (migrations.m001_initial, migrations.m002_indexes):
            migrations.apply(conn, migration)
    engine.dispose()
    db = sqlite3.connect(path)
    for n, grade in enumerate(GRADES):
        db.execute(
            "INSERT INTO reviews (profile, question_id, reviewed_at, day, grade, answer, "
            "duration_ms, kind, before_repetitions, before_interval, before_ef100, before_due, "
            "before_lapses, after_repetitions, after_interval, after_ef100, after_due, "
            f"after_lapses) VALUES ('default', 'q', '2026-11-{10 + n}T09:00:00+00:00', "
            f"'2026-11-{10 + n}', ?, '', 900, 'review', 0, 0, 250, NULL, 0, "
            "1, 1, 250, '2026-11-30', 0)",
            (grade,),
        )
    db.execute(
        "INSERT INTO cards (profile, question_id, repetitions, interval, ef100, due, lapses, "
        "introduced_on, last_reviewed_at) VALUES ('default', 'q', 1, 1, 250, '2026-11-30', 0, "
        "'2026-11-10', '2026-11-14T09:00:00+00:00')"
    )
    db.commit()
    db.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrations.apply(conn, migrations.m003_card_counters)
    engine.dispose()
    assert counters(path) == (len(GRADES), PASSES)


def test_stats_retention_follows_the_rule(tmp_path: Path, small_bank: Path):
    records = [replace(r, question_id="open-one") for r in answers(GRADES)]
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as store:
        store.add_history("default", records)
        result = compute(store, load_bank([small_bank]), "default", date(2026, 11, 30))
    assert result.retention == pytest.approx(PASSES / len(GRADES))


def test_the_reliability_check_counts_by_the_rule(tmp_path: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(RELIABILITY))
    sys.modules.pop("rel_helpers", None)
    import rel_helpers

    path = tmp_path / "p.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.add_history("default", answers(GRADES))
    rel_helpers.assert_cards_match_log(path)  # the store and the check agree on 3
    db = sqlite3.connect(path)
    db.execute("UPDATE cards SET passes = ?", (PASSES - 1,))  # as if 3 failed
    db.commit()
    db.close()
    with pytest.raises(AssertionError):
        rel_helpers.assert_cards_match_log(path)


def _sources() -> list[Path]:
    return [*sorted((ROOT / "src/mlops_quiz").rglob("*.py")), RELIABILITY / "rel_helpers.py"]


def _is_grade(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name.lower() == "grade"


SQL_THRESHOLD = re.compile(r"grade\s*(?:>=|<=|>|<|=)\s*\d|\d\s*(?:>=|<=|>|<)\s*\w*\.?grade\b")


def test_no_place_writes_the_pass_threshold_again():
    """Each place calls ``is_pass`` (or, in SQL, binds ``PASSING_GRADE``): no grade is compared
    with a number, and ``PASSING_GRADE`` is compared only in its definition."""
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and SQL_THRESHOLD.search(value):
                found.append(f"{path.name}:{node.lineno}: {value!r}")  # type: ignore[attr-defined]
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            if not any(_is_grade(o) for o in operands):
                continue
            for other in operands:
                number = isinstance(other, ast.Constant) and isinstance(other.value, int)
                named = isinstance(other, ast.Name) and other.id == "PASSING_GRADE"
                if number or (named and path != DEFINITION):
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
        if "PASSING_GRADE" in text and path not in SQL_PLACES | {DEFINITION}:
            uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
            if any(n.id == "PASSING_GRADE" for n in uses):
                found.append(f"{path.name}: uses PASSING_GRADE; call scheduling.is_pass")
    assert found == []


def test_the_scan_would_see_a_threshold_written_again():
    # The scan above must not pass by seeing nothing: the shapes each place had before.
    for code in ("row.grade >= 3", "grade > 2", "record.grade >= PASSING_GRADE"):
        (compare,) = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Compare)]
        assert any(_is_grade(o) for o in [compare.left, *compare.comparators])
    for sql in ("AND r.grade >= 3)", "sum(grade >= 3)", "grade>2", "3 <= r.grade"):
        assert SQL_THRESHOLD.search(sql)
    assert not SQL_THRESHOLD.search("AND r.grade >= :passing_grade)")
    assert not SQL_THRESHOLD.search("sum(grade >= ?)")


def test_a_repeat_is_no_review_and_counts_nothing(tmp_path: Path):
    # README: repeats are logged, never counted for retention, whatever their grade.
    path = tmp_path / "p.db"
    (review,) = answers([4])
    moment = review.reviewed_at + timedelta(hours=1)
    repeat = replace(review, reviewed_at=moment, grade=3, kind=KIND_REPEAT, before=review.after)
    with Store.open(f"sqlite:///{path}") as store:
        store.add_history("default", [review, repeat])
    assert counters(path) == (1, 1)

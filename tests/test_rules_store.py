"""The store's rules with fixed values: what an answer, an undo and a bulk load leave behind.

A card's counters (reviews, passes: grades 3 and up) and its ``introduced_on`` always agree with
the review log; ``next_due`` is the earliest due date strictly after the given day.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mlops_quiz.errors import StoreError
from mlops_quiz.scheduling import CardState
from mlops_quiz.store import ReviewRecord, Store

DAY1 = date(2026, 11, 26)
DAY2 = date(2026, 11, 27)
DAY3 = date(2026, 11, 28)
NEW = CardState()
FIRST = CardState(1, 1, 250, DAY2, 0)  # after a 4 on day 1
SECOND = CardState(2, 6, 250, date(2026, 12, 3), 0)  # after a 4 on day 2
LAPSED = CardState(0, 1, 250, DAY3, 1)  # after a 1 on day 2


def record(
    qid: str,
    day: date,
    grade: int,
    before: CardState,
    after: CardState,
    kind: str = "review",
    hour: int = 9,
) -> ReviewRecord:
    return ReviewRecord(
        qid,
        datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc),
        day,
        grade,
        "typed",
        1000,
        kind,
        before,
        after,
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "p.db"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{path}") as opened:
        yield opened


def card_row(path: Path, qid: str) -> tuple[object, ...] | None:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT reviews, passes, introduced_on, last_reviewed_at, repetitions, interval,"
            " ef100, due, lapses FROM cards WHERE question_id = ?",
            (qid,),
        ).fetchone()


def test_each_review_counts_and_passes_from_grade_3(store: Store, path: Path):
    store.record("default", record("q", DAY1, 3, NEW, FIRST))
    store.record("default", record("q", DAY2, 2, FIRST, LAPSED))
    assert store.scheduling_results("default") == {"q": (2, 1)}
    row = card_row(path, "q")
    assert row is not None and row[:3] == (2, 1, "2026-11-26")
    assert row[4:] == (0, 1, 250, "2026-11-28", 1)


def test_undo_of_a_later_review_takes_back_its_pass(store: Store, path: Path):
    store.record("default", record("q", DAY1, 4, NEW, FIRST))
    second = store.record("default", record("q", DAY2, 4, FIRST, SECOND))
    assert store.scheduling_results("default") == {"q": (2, 2)}
    store.undo("default", second)
    assert store.scheduling_results("default") == {"q": (1, 1)}
    assert store.card("default", "q") == FIRST
    row = card_row(path, "q")
    assert row is not None
    assert row[2] == "2026-11-26"
    assert row[3] == "2026-11-26T09:00:00+00:00"  # the remaining review's time


def test_undo_of_a_later_failure_keeps_the_passes(store: Store):
    store.record("default", record("q", DAY1, 4, NEW, FIRST))
    failed = store.record("default", record("q", DAY2, 1, FIRST, LAPSED))
    store.undo("default", failed)
    assert store.scheduling_results("default") == {"q": (1, 1)}


def test_undo_of_the_first_review_forgets_the_card(store: Store):
    first = store.record("default", record("q", DAY1, 4, NEW, FIRST))
    store.undo("default", first)
    assert store.cards("default") == {}
    assert store.studied_ids("default") == set()
    assert store.introduced_on("default", DAY1) == 0


def test_undo_of_a_repeat_only_removes_it_from_the_log(store: Store):
    store.record("default", record("q", DAY1, 2, NEW, LAPSED._replace(due=DAY2, lapses=0)))
    repeat = store.record("default", record("q", DAY1, 5, NEW, NEW, kind="repeat", hour=10))
    assert store.owed_repeats("default", DAY1) == []
    store.undo("default", repeat)
    assert store.owed_repeats("default", DAY1) == ["q"]
    assert store.scheduling_results("default") == {"q": (1, 0)}


def test_undo_of_another_profiles_answer_does_nothing(store: Store):
    mine = store.record("default", record("q", DAY1, 4, NEW, FIRST))
    store.undo("other", mine)
    assert store.card("default", "q") == FIRST


def test_next_due_starts_after_the_given_day(store: Store):
    store.record("default", record("a", DAY1, 4, NEW, FIRST))  # due DAY2
    store.record("default", record("b", DAY1, 4, NEW, FIRST._replace(due=DAY3)))
    assert store.next_due("default", DAY1, {"a", "b"}) == DAY2
    assert store.next_due("default", DAY2, {"a", "b"}) == DAY3
    assert store.next_due("default", DAY3, {"a", "b"}) is None
    assert store.next_due("default", DAY1, {"b"}) == DAY3
    assert store.next_due("default", DAY1, set()) is None


def test_next_due_looks_past_the_first_rows(store: Store):
    # More cards outside the bank than the first look at the table covers.
    records = [record(f"x{n:03d}", DAY1, 4, NEW, FIRST._replace(due=DAY2)) for n in range(120)]
    records.append(record("mine", DAY1, 4, NEW, FIRST._replace(due=DAY3)))
    store.add_history("default", records)
    assert store.next_due("default", DAY1, {"mine"}) == DAY3


def test_due_cards_on_or_before_today(store: Store):
    store.record("default", record("a", DAY1, 4, NEW, FIRST))  # due DAY2
    assert store.due_cards("default", DAY1) == {}
    assert store.due_cards("default", DAY2) == {"a": FIRST}
    assert store.due_cards("default", DAY3) == {"a": FIRST}


def test_introduced_on_counts_cards_started_that_day(store: Store):
    store.record("default", record("a", DAY1, 4, NEW, FIRST))
    store.record("default", record("b", DAY1, 1, NEW, LAPSED._replace(lapses=0)))
    store.record("default", record("a", DAY2, 4, FIRST, SECOND))
    assert store.introduced_on("default", DAY1) == 2
    assert store.introduced_on("default", DAY2) == 0
    assert store.introduced_on("other", DAY1) == 0


def test_add_history_continues_a_card_that_already_has_history(store: Store, path: Path):
    store.record("default", record("q", DAY1, 4, NEW, FIRST))
    loaded = store.add_history(
        "default",
        [
            record("q", DAY2, 4, FIRST, SECOND),
            record("q", DAY2, 5, SECOND, SECOND, kind="cram", hour=10),
        ],
    )
    assert loaded == 2
    assert store.scheduling_results("default") == {"q": (2, 2)}
    assert store.introduced_on("default", DAY1) == 1
    assert store.introduced_on("default", DAY2) == 0
    row = card_row(path, "q")
    assert row is not None
    assert row[:4] == (2, 2, "2026-11-26", "2026-11-27T09:00:00+00:00")
    assert store.card("default", "q") == SECOND


def test_add_history_of_new_cards(store: Store):
    count = store.add_history(
        "default",
        [
            record("a", DAY1, 2, NEW, LAPSED._replace(lapses=0, due=DAY2)),
            record("a", DAY2, 4, LAPSED._replace(lapses=0, due=DAY2), FIRST._replace(due=DAY3)),
            record("b", DAY2, 3, NEW, FIRST._replace(due=DAY3)),
        ],
        batch=2,
    )
    assert count == 3
    assert store.scheduling_results("default") == {"a": (2, 1), "b": (1, 1)}
    assert store.introduced_on("default", DAY1) == 1
    assert store.introduced_on("default", DAY2) == 1
    assert store.reviews_per_day("default", DAY1) == {DAY1: 1, DAY2: 2}
    assert store.reviews_per_day("default", DAY2) == {DAY2: 2}


def test_studied_on_and_owed_repeats(store: Store):
    assert not store.studied_on("default", DAY1)
    store.record("default", record("a", DAY1, 3, NEW, FIRST))
    store.record("default", record("b", DAY1, 4, NEW, FIRST, hour=10))
    store.record("default", record("c", DAY1, 0, NEW, FIRST._replace(repetitions=0), hour=11))
    store.record("default", record("b", DAY1, 1, NEW, NEW, kind="cram", hour=12))
    assert store.studied_on("default", DAY1)
    assert not store.studied_on("default", DAY2)
    assert store.owed_repeats("default", DAY1) == ["a", "c"]
    store.record("default", record("a", DAY1, 4, NEW, NEW, kind="repeat", hour=13))
    assert store.owed_repeats("default", DAY1) == ["c"]
    store.record("default", record("c", DAY1, 3, NEW, NEW, kind="repeat", hour=14))
    assert store.owed_repeats("default", DAY1) == ["c"]
    assert store.owed_repeats("default", DAY2) == []


def test_profiles_keep_their_cards_apart(store: Store, path: Path):
    store.record("ann", record("q", DAY1, 4, NEW, FIRST))
    store.record("bob", record("q", DAY1, 1, NEW, LAPSED._replace(due=DAY3)))
    # Each answer starts from the card as it is (an answer from a stale state is refused).
    lapsed = LAPSED._replace(due=DAY3)
    store.record("bob", record("q", DAY2, 4, lapsed, FIRST._replace(due=date(2026, 12, 1))))
    assert store.card("ann", "q") == FIRST
    assert store.card("bob", "q") == FIRST._replace(due=date(2026, 12, 1))
    assert store.card("cid", "q") == CardState()
    assert store.due_cards("ann", DAY2) == {"q": FIRST}
    assert store.due_cards("bob", DAY2) == {}
    assert store.next_due("ann", DAY1, {"q"}) == DAY2
    assert store.next_due("bob", DAY1, {"q"}) == date(2026, 12, 1)
    assert store.scheduling_results("ann") == {"q": (1, 1)}
    assert store.scheduling_results("bob") == {"q": (2, 1)}
    store.add_history("cid", [record("q", DAY3, 5, NEW, SECOND)])
    assert store.card("ann", "q") == FIRST
    assert store.card("cid", "q") == SECOND
    assert store.studied_ids("cid") == {"q"}


def test_a_card_is_read_back_whole(store: Store, path: Path):
    store.record("default", record("q", DAY1, 4, NEW, FIRST))
    store.record("default", record("q", DAY2, 1, FIRST, LAPSED, hour=11))
    assert store.card("default", "q") == CardState(0, 1, 250, DAY3, 1)
    assert store.card("default", "nope") == CardState()
    row = card_row(path, "q")
    assert row is not None and row[3] == "2026-11-27T11:00:00+00:00"


def test_cards_come_oldest_due_first_then_by_id(store: Store):
    store.record("default", record("b", DAY1, 4, NEW, FIRST._replace(due=DAY3)))
    store.record("default", record("c", DAY1, 4, NEW, FIRST))
    store.record("default", record("a", DAY1, 4, NEW, FIRST._replace(due=DAY3)))
    assert list(store.cards("default")) == ["c", "a", "b"]
    assert list(store.due_cards("default", DAY3)) == ["c", "a", "b"]


def test_add_history_counts_across_batches(store: Store):
    grades = [4, 5, 3, 4, 5]
    records = [record("q", DAY1, grade, NEW, FIRST, hour=9 + n) for n, grade in enumerate(grades)]
    assert store.add_history("default", records, batch=2) == 5
    assert store.scheduling_results("default") == {"q": (5, 5)}
    assert store.reviews_per_day("default", DAY1) == {DAY1: 5}


def test_undo_touches_only_its_own_card_and_profile(store: Store, path: Path):
    store.record("default", record("q", DAY1, 4, NEW, FIRST, hour=8))
    store.record("default", record("r", DAY1, 4, NEW, FIRST, hour=9))
    store.record("other", record("q", DAY1, 4, NEW, FIRST, hour=10))
    store.record("default", record("q", DAY1, 5, FIRST, FIRST, kind="cram", hour=11))
    later = store.record("default", record("q", DAY2, 3, FIRST, SECOND, hour=12))
    store.undo("default", later)
    assert store.card("default", "q") == FIRST
    assert store.card("default", "r") == FIRST
    assert store.card("other", "q") == FIRST
    assert store.scheduling_results("default") == {"q": (1, 1), "r": (1, 1)}
    assert store.scheduling_results("other") == {"q": (1, 1)}
    row = card_row(path, "q")
    # The remaining scheduling review of this card and profile: not the cram answer, not r's.
    assert row is not None and row[3] == "2026-11-26T08:00:00+00:00"


def test_the_log_is_read_per_profile(store: Store):
    store.record("ann", record("q", DAY1, 2, NEW, LAPSED))
    store.record("ann", record("r", DAY1, 1, NEW, LAPSED, hour=10))
    store.record("ann", record("q", DAY1, 3, NEW, NEW, kind="repeat", hour=11))
    store.record("bob", record("s", DAY2, 2, NEW, LAPSED))
    assert store.owed_repeats("ann", DAY1) == ["r", "q"]
    assert store.owed_repeats("bob", DAY1) == []
    assert store.reviews_per_day("ann", DAY1) == {DAY1: 3}
    assert store.reviews_per_day("bob", DAY1) == {DAY2: 1}
    assert store.studied_on("bob", DAY2) and not store.studied_on("ann", DAY2)
    assert not store.studied_on("bob", DAY1)


def test_add_history_leaves_the_other_cards_alone(store: Store):
    store.record("default", record("q", DAY1, 4, NEW, FIRST))
    store.record("default", record("r", DAY1, 2, NEW, LAPSED._replace(lapses=0)))
    store.add_history("default", [record("q", DAY2, 5, FIRST, SECOND)])
    assert store.card("default", "r") == LAPSED._replace(lapses=0)
    assert store.scheduling_results("default") == {"q": (2, 2), "r": (1, 0)}


def test_history_is_in_time_order_whatever_the_offsets(store: Store):
    # 09:30 at +02:00 is 07:30 UTC: before 08:00 UTC, though it sorts after it as text
    east = timezone(timedelta(hours=2))
    late = replace(
        record("q1", DAY1, 4, NEW, FIRST),
        reviewed_at=datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc),
    )
    early = replace(
        record("q2", DAY1, 4, NEW, FIRST),
        reviewed_at=datetime(2026, 11, 26, 9, 30, tzinfo=east),
    )
    store.record("default", late)
    store.record("default", early)
    assert [r.question_id for r in store.history("default")] == ["q2", "q1"]


def test_history_reads_back_what_was_recorded(store: Store):
    first = record("q1", DAY1, 4, NEW, FIRST)
    second = record("q1", DAY2, 1, FIRST, LAPSED, hour=10)
    store.record("default", first)
    store.record("default", second)
    assert store.history("default") == [first, second]


def test_undo_of_the_first_answer_to_a_card_suspended_before_it_was_studied(
    store: Store, path: Path
):
    store.set_suspended("default", ["a"], True)  # put aside while still new
    review_id = store.record("default", record("a", DAY1, 4, NEW, FIRST))
    assert store.introduced_on("default", DAY1) == 1
    store.undo("default", review_id)
    # new again and not introduced that day; the learner's suspension stands
    assert store.card("default", "a") == NEW
    assert store.introduced_on("default", DAY1) == 0
    assert store.card_flags("default")["a"].suspended
    assert card_row(path, "a") == (0, 0, None, None, 0, 0, 250, None, 0)


def test_study_days_are_each_day_with_an_answer_oldest_first(store: Store):
    store.add_history(
        "default",
        [
            record("a", DAY1, 4, NEW, FIRST),
            record("b", DAY1, 4, NEW, FIRST, hour=10),
            record("a", DAY3, 4, FIRST, SECOND),
            record("c", DAY2, 1, NEW, NEW),
        ],
    )
    assert store.study_days("default") == [DAY1, DAY2, DAY3]
    assert store.study_days("other") == []


def test_a_read_that_fails_says_what_it_was_reading(store: Store, path: Path):
    store.record("default", record("a", DAY1, 4, NEW, FIRST))
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE reviews")
        conn.execute("DROP TABLE cards")
    for read in (
        lambda: store.card("default", "a"),
        lambda: store.introduced_on("default", DAY1),
        lambda: store.reviews_per_day("default"),
    ):
        with pytest.raises(StoreError) as raised:
            read()
        assert str(raised.value).startswith("cannot read the database ")

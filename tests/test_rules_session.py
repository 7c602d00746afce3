"""The session rules of the README, with fixed expected values.

Due items first, most overdue first; then new items up to the daily limit (20 by default), all
up to the session limit (200 by default). Below 4 an item comes back at the end of the
session: a same-day repeat for a review, practice again for a cram item. The summary's next due
date is the earliest due date from today on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mlops_quiz.bank import Bank, parse_text
from mlops_quiz.errors import AnsweredElsewhereError, BadInputError
from mlops_quiz.scheduling import CardState, scheduler_for
from mlops_quiz.store import ReviewRecord, Store
from mlops_quiz.study.session import Outlook, StudySession

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 26)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def bank_of(count: int) -> Bank:
    lines = ["topics:", "  - id: t", "    title: T", "questions:" if count else "questions: []"]
    for n in range(1, count + 1):
        lines += [
            f"  - id: q{n:03d}",
            "    topic: t",
            "    type: open",
            f"    prompt: Question {n}?",
            "    answer: Yes.",
        ]
    topics, questions = parse_text("\n".join(lines) + "\n", "many.yaml")
    return Bank(topics={t.id: t for t in topics}, questions=questions)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as opened:
        yield opened


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "p.db"


def plan(store: Store, bank: Bank, moment: datetime = NOON, **kwargs) -> StudySession:
    return StudySession.plan(store, "default", bank.questions, Clock(moment), 0, **kwargs)


def seed_due(store: Store, due_by_id: dict[str, date]) -> None:
    """Cards already studied, each due on its date (one review each, long ago)."""
    records = [
        ReviewRecord(
            qid,
            datetime(2026, 1, 1, 9, tzinfo=timezone.utc),
            date(2026, 1, 1),
            4,
            "",
            1000,
            "review",
            CardState(),
            CardState(repetitions=1, interval=1, ef100=250, due=due),
        )
        for qid, due in due_by_id.items()
    ]
    store.add_history("default", records)


def ids(session: StudySession) -> list[str]:
    return [item.question.id for item in session.queue]


def test_twenty_new_items_a_day_by_default():
    bank = bank_of(25)
    with Store.open("sqlite://") as store:
        session = plan(store, bank)
    assert len(session.queue) == 20
    assert ids(session)[0] == "q001" and ids(session)[-1] == "q020"
    assert session.new_per_day == 20 and session.ahead == Outlook(0, 20, 0)


def test_two_hundred_items_a_session_by_default():
    bank = bank_of(230)
    with Store.open("sqlite://") as store:
        seed_due(store, {q.id: TODAY for q in bank.questions})
        session = plan(store, bank)
    assert len(session.queue) == 200 and session.limit == 200
    assert session.ahead == Outlook(200, 0, 0)


def test_most_overdue_first_whatever_the_bank_order():
    bank = bank_of(4)
    with Store.open("sqlite://") as store:
        # The last item in the bank is the most overdue, the first the least.
        seed_due(
            store,
            {
                "q001": date(2026, 11, 26),
                "q002": date(2026, 11, 20),
                "q003": date(2026, 11, 24),
                "q004": date(2026, 11, 1),
            },
        )
        session = plan(store, bank, new_per_day=0)
    assert ids(session) == ["q004", "q002", "q003", "q001"]


def test_equally_overdue_items_keep_bank_order():
    bank = bank_of(3)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q003": date(2026, 11, 20), "q001": date(2026, 11, 20)})
        session = plan(store, bank)
    assert ids(session) == ["q001", "q003", "q002"]
    assert session.ahead == Outlook(2, 1, 0)


def test_items_due_later_are_not_asked():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q001": date(2026, 11, 27), "q002": date(2026, 11, 26)})
        session = plan(store, bank, new_per_day=0)
    assert ids(session) == ["q002"]


def test_a_low_graded_cram_item_comes_back_as_cram_and_is_logged_as_cram(db_path: Path):
    bank = bank_of(2)
    with Store.open(f"sqlite:///{db_path}") as store:
        session = plan(store, bank, cram=True)
        first = session.next_item()
        assert first is not None and first.kind == "cram"
        session.answer(first, 2, "no", 10)
        assert [(i.question.id, i.kind) for i in session.queue] == [
            ("q002", "cram"),
            ("q001", "cram"),
        ]
        second = session.next_item()
        assert second is not None
        session.answer(second, 4, "", 10)
        again = session.next_item()
        assert again is not None and again.kind == "cram" and again.number == 0
        session.answer(again, 5, "", 10)
        assert session.summary().scheduled == 0
    with sqlite3.connect(db_path) as conn:
        kinds = [row[0] for row in conn.execute("SELECT kind FROM reviews ORDER BY id")]
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    assert kinds == ["cram", "cram", "cram"]
    assert cards == 0


@pytest.mark.parametrize(("grade", "comes_back"), [(3, True), (4, False)])
def test_a_review_below_4_comes_back_as_a_repeat(grade: int, comes_back: bool):
    bank = bank_of(1)
    with Store.open("sqlite://") as store:
        session = plan(store, bank)
        item = session.next_item()
        assert item is not None
        session.answer(item, grade, "", 10)
        assert [(i.question.id, i.kind, i.number) for i in session.queue] == (
            [("q001", "repeat", 0)] if comes_back else []
        )
        assert session.repeats_queued == (1 if comes_back else 0)


def test_the_next_due_date_counts_items_still_due_today():
    bank = bank_of(3)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q001": TODAY, "q002": TODAY, "q003": date(2026, 11, 29)})
        session = plan(store, bank, limit=1)
        item = session.next_item()
        assert item is not None and item.question.id == "q001"
        session.answer(item, 5, "", 10)
        summary = session.summary()
    # q002 was due today and not asked (the limit): it is still due today.
    assert summary.next_due == date(2026, 11, 26)
    assert summary.left == Outlook(1, 0, 0)
    assert summary.answered == 1 and summary.scheduled == 1


def test_the_next_due_date_after_everything_is_done():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q002": date(2026, 12, 3)})
        session = plan(store, bank)
        while (item := session.next_item()) is not None:
            session.answer(item, 4, "", 10)
        summary = session.summary()
    assert summary.next_due == date(2026, 11, 27)  # q001, new today: one day
    assert summary.left == Outlook(0, 0, 0)
    assert summary.grades == {4: 1}


def test_the_summary_counts_grades_and_time():
    bank = bank_of(2)
    clock = Clock(NOON)
    with Store.open("sqlite://") as store:
        session = StudySession.plan(store, "default", bank.questions, clock, 0)
        for grade in (5, 2):
            item = session.next_item()
            assert item is not None
            session.answer(item, grade, "", 10)
        clock.moment = NOON + timedelta(seconds=90)
        summary = session.summary()
    assert summary.answered == 2 and summary.grades == {5: 1, 2: 1}
    assert summary.seconds == 90.0
    assert summary.left == Outlook(0, 0, 1)


def test_negative_limits_are_refused():
    with Store.open("sqlite://") as store:
        with pytest.raises(BadInputError, match=r"^--new and --limit must be 0 or more$"):
            plan(store, bank_of(1), new_per_day=-1)
        with pytest.raises(BadInputError):
            plan(store, bank_of(1), limit=-1)


def test_why_a_session_is_empty():
    with Store.open("sqlite://") as store:
        assert plan(store, bank_of(0)).empty_reason() == (
            "there are no questions in the bank or the chosen topics"
        )
        assert plan(store, bank_of(1), limit=0).empty_reason() == "--limit 0 asks for no items"
        assert plan(store, bank_of(1), new_per_day=0).empty_reason() == (
            "no item is due and --new 0 asks for no new items"
        )
        seed_due(store, {"q001": date(2026, 12, 1)})
        assert plan(store, bank_of(1)).empty_reason() == (
            "no item is due and every question has been introduced"
        )
        assert plan(store, bank_of(2), new_per_day=1).queue != []
        done = plan(store, bank_of(2), new_per_day=1)
        item = done.next_item()
        assert item is not None
        done.answer(item, 5, "", 1)
        assert plan(store, bank_of(3), new_per_day=1).empty_reason() == (
            "no item is due and today's 1 new items have been introduced "
            "(--new sets the daily limit)"
        )


def test_own_questions_come_first_among_new_items():
    bank = bank_of(3)
    own = bank.questions[2]._replace(file="mine.yaml")
    questions = [*bank.questions[:2], own]
    with Store.open("sqlite://") as store:
        session = StudySession.plan(
            store, "default", questions, Clock(NOON), 0, bundled_file="many.yaml"
        )
    assert ids(session) == ["q003", "q001", "q002"]


def test_ask_now_asks_a_due_or_new_item_as_a_review_and_a_later_one_as_practice():
    bank = bank_of(3)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q001": date(2026, 12, 1), "q002": TODAY})
        session = plan(store, bank, ask_now=["q001", "q002", "q003", "q001"])
        assert [(i.question.id, i.kind, i.number) for i in session.queue] == [
            ("q001", "cram", 1),
            ("q002", "review", 2),
            ("q003", "review", 3),
        ]
        assert session.ahead == Outlook(1, 1, 0)
        assert session.state_of("q001").due == date(2026, 12, 1)
        with pytest.raises(BadInputError, match="no question with id 'nope'"):
            plan(store, bank, ask_now=["nope"])


def test_undo_of_a_repeat_restores_the_queue_and_leaves_the_card(db_path: Path):
    bank = bank_of(1)
    with Store.open(f"sqlite:///{db_path}") as store:
        session = plan(store, bank)
        item = session.next_item()
        assert item is not None
        session.answer(item, 2, "", 10)
        card = store.card("default", "q001")
        repeat = session.next_item()
        assert repeat is not None and repeat.kind == "repeat"
        session.answer(repeat, 1, "", 10)
        assert session.undo() == repeat
        assert [(i.question.id, i.kind) for i in session.queue] == [("q001", "repeat")]
        assert store.card("default", "q001") == card
        assert session.state_of("q001") == card
        assert session.total == 2
    with sqlite3.connect(db_path) as conn:
        kinds = [row[0] for row in conn.execute("SELECT kind FROM reviews ORDER BY id")]
    assert kinds == ["review"]


def test_a_cram_session_orders_studied_items_by_due_date_then_new_ones():
    bank = bank_of(4)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q003": date(2026, 12, 9), "q004": date(2026, 12, 1)})
        session = plan(store, bank, cram=True, limit=3)
    assert ids(session) == ["q004", "q003", "q001"]
    assert [i.number for i in session.queue] == [1, 2, 3]


def test_undo_of_a_cram_answer_removes_it_and_asks_again(db_path: Path):
    bank = bank_of(2)
    with Store.open(f"sqlite:///{db_path}") as store:
        session = plan(store, bank, cram=True)
        first = session.next_item()
        assert first is not None
        session.answer(first, 1, "", 10)
        assert session.undo() == first
        assert ids(session) == ["q001", "q002"]
        assert [i.kind for i in session.queue] == ["cram", "cram"]
        assert session.history == [] and session.current is None
        assert store.cards("default") == {}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_repeats_owed_from_an_earlier_session_come_at_the_end():
    bank = bank_of(3)
    with Store.open("sqlite://") as store:
        first = plan(store, bank, new_per_day=1)
        item = first.next_item()
        assert item is not None
        answered = first.answer(item, 2, "", 10)
        assert answered.after == CardState(0, 1, 250, date(2026, 11, 27), 0)
        # The session ends before the repeat; a later one the same day asks it at the end.
        later = plan(store, bank, new_per_day=3)  # one of the 3 was introduced already
        assert [(i.question.id, i.kind, i.number) for i in later.queue] == [
            ("q002", "review", 1),
            ("q003", "review", 2),
            ("q001", "repeat", 3),
        ]
        assert later.ahead == Outlook(0, 2, 1)
        assert later.planned == 3
        assert plan(store, bank, limit=0).queue == []
        assert plan(store, bank, limit=1, new_per_day=0).ahead == Outlook(0, 0, 1)
        assert plan(store, bank, new_per_day=0, moment=NOON + timedelta(days=1)).ahead == (
            Outlook(1, 0, 0)
        )


def test_a_cram_session_plans_no_reviews():
    with Store.open("sqlite://") as store:
        session = plan(store, bank_of(2), cram=True)
    assert session.cram and session.ahead == Outlook(0, 0, 0) and session.planned == 2


def test_undo_of_a_later_review_restores_the_state_before_it():
    bank = bank_of(1)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q001": TODAY})
        session = plan(store, bank)
        item = session.next_item()
        assert item is not None
        session.answer(item, 5, "", 10)
        assert session.state_of("q001") == CardState(2, 6, 260, date(2026, 12, 2), 0)
        session.undo()
        assert session.state_of("q001") == CardState(1, 1, 250, TODAY, 0)
        assert store.card("default", "q001") == CardState(1, 1, 250, TODAY, 0)


def test_the_next_due_date_leaves_out_items_overdue_since_before_today():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q001": date(2026, 11, 25), "q002": date(2026, 11, 29)})
        summary = plan(store, bank, limit=0).summary()
    assert summary.next_due == date(2026, 11, 29)


def test_what_is_left_counts_new_items_introduced():
    bank = bank_of(5)
    with Store.open("sqlite://") as store:
        session = plan(store, bank, new_per_day=3)
        item = session.next_item()
        assert item is not None
        session.answer(item, 4, "", 10)
        assert session.summary().left == Outlook(0, 2, 0)


def test_ask_now_counts_new_and_due_items_apart():
    bank = bank_of(4)
    with Store.open("sqlite://") as store:
        seed_due(store, {"q001": TODAY})
        session = plan(store, bank, ask_now=["q001", "q002", "q003"])
    assert session.ahead == Outlook(1, 2, 0)


def test_the_total_counts_asked_current_and_queued_items():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        session = plan(store, bank)
        assert session.total == 2
        item = session.next_item()
        assert item is not None and session.total == 2
        session.answer(item, 5, "", 10)
        assert session.total == 2 and session.current is None
        item = session.next_item()
        assert item is not None
        session.answer(item, 5, "", 10)
        assert session.next_item() is None
        assert session.total == 2 and session.current is None


def test_a_repeat_is_logged_with_the_state_unchanged_and_the_time_in_utc(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        with Store.open(f"sqlite:///{db_path}") as store:
            session = plan(store, bank_of(1))
            for grade in (2, 5):
                item = session.next_item()
                assert item is not None
                session.answer(item, grade, "", 10)
    finally:
        monkeypatch.undo()
        time.tzset()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT kind, reviewed_at, before_repetitions, before_interval, before_due,"
            " after_repetitions, after_interval, after_due FROM reviews ORDER BY id"
        ).fetchall()
    assert rows == [
        ("review", "2026-11-26T12:00:00+00:00", 0, 0, None, 0, 1, "2026-11-27"),
        ("repeat", "2026-11-26T12:00:00+00:00", 0, 1, "2026-11-27", 0, 1, "2026-11-27"),
    ]


def seed_state(store: Store, qid: str, state: CardState) -> None:
    """A card studied long ago, now in ``state``."""
    moment = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    record = ReviewRecord(qid, moment, date(2026, 1, 1), 4, "", 1000, "review", CardState(), state)
    store.add_history("default", [record])


def suspended_ids(store: Store) -> set[str]:
    return {qid for qid, flags in store.card_flags("default").items() if flags.suspended}


def test_a_card_answered_meanwhile_in_another_session_leaves_this_one():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        mine, other = plan(store, bank), plan(store, bank)
        item, elsewhere = mine.next_item(), other.next_item()
        assert item is not None and elsewhere is not None
        other.answer(elsewhere, 4, "", 1000)  # q001 learnt elsewhere: I(1) = 1 day
        with pytest.raises(AnsweredElsewhereError):
            mine.answer(item, 5, "", 1000)
        # this session now knows the card as the other left it, and no longer asks it
        assert mine.state_of("q001") == CardState(1, 1, 250, TODAY + timedelta(days=1), 0)
        assert ids(mine) == ["q002"] and mine.current is None
        assert store.card("default", "q001") == CardState(1, 1, 250, TODAY + timedelta(days=1))


def test_a_leech_is_suspended_at_its_eighth_lapse_and_owes_no_repeat():
    bank = bank_of(1)
    with Store.open("sqlite://") as store:
        seed_state(store, "q001", CardState(3, 10, 150, TODAY, 7))
        session = plan(store, bank, suspend_leeches=True)
        item = session.next_item()
        assert item is not None
        answered = session.answer(item, 1, "", 1000)
        assert answered.suspended and session.state_of("q001").lapses == 8
        assert suspended_ids(store) == {"q001"} and ids(session) == []


def test_an_unsuspended_leech_that_passes_is_not_suspended_again():
    bank = bank_of(1)
    with Store.open("sqlite://") as store:
        seed_state(store, "q001", CardState(3, 10, 150, TODAY, 8))  # a leech, unsuspended
        session = plan(store, bank, suspend_leeches=True)
        item = session.next_item()
        assert item is not None
        answered = session.answer(item, 4, "", 1000)  # passed: no lapse
        assert not answered.suspended and session.state_of("q001").lapses == 8
        assert suspended_ids(store) == set()


def test_undo_of_the_answer_that_suspended_a_leech_unsuspends_it():
    bank = bank_of(1)
    with Store.open("sqlite://") as store:
        seed_state(store, "q001", CardState(3, 10, 150, TODAY, 7))
        session = plan(store, bank, suspend_leeches=True)
        item = session.next_item()
        assert item is not None
        session.answer(item, 1, "", 1000)
        assert session.undo() == item
        assert suspended_ids(store) == set()
        assert store.card("default", "q001") == CardState(3, 10, 150, TODAY, 7)
        assert ids(session) == ["q001"]


def test_a_buried_item_leaves_the_session_until_the_next_study_day():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        session = plan(store, bank)
        first = session.next_item()
        assert first is not None
        session.answer(first, 2, "", 1000)  # below 4: q001 comes back as a repeat
        assert ids(session) == ["q002", "q001"]
        session.bury(first)
        assert ids(session) == ["q002"] and session.current is None
        assert store.card_flags("default")["q001"].buried_until == TODAY + timedelta(days=1)
        session.undo()  # the answer is taken back, the buried item stays out
        assert "q001" not in ids(session)


def test_a_suspended_item_leaves_the_session_whatever_is_undone():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        session = plan(store, bank)
        first = session.next_item()
        assert first is not None
        session.answer(first, 5, "", 1000)
        second = session.next_item()
        assert second is not None
        session.suspend(second)
        assert suspended_ids(store) == {"q002"} and session.current is None
        assert session.undo() == first
        assert ids(session) == ["q001"]  # q002 is not asked again


def test_a_scheduler_that_reads_the_log_is_given_the_cards_reviews():
    bank = bank_of(2)
    with Store.open("sqlite://") as store:
        seed_state(store, "q001", CardState(1, 1, 250, TODAY, 0))
        session = plan(store, bank, scheduler=scheduler_for("fsrs"))
        assert session.past_of("q001") == [(date(2026, 1, 1), 4)]
        assert session.past_of("q002") == []
        assert plan(store, bank).past_of("q001") == []  # SM-2's state says it all

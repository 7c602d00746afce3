from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mlops_quiz.bank import load_bank
from mlops_quiz.store import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, Store
from mlops_quiz.study.session import StudySession

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'p.db'}") as opened:
        yield opened


@pytest.fixture
def bank(small_bank: Path):
    return load_bank([small_bank])


def plan(store, bank, clock, **kwargs) -> StudySession:
    return StudySession.plan(store, "default", bank.questions, clock, 0, **kwargs)


def test_new_items_in_bank_order_up_to_the_daily_limit(store, bank):
    session = plan(store, bank, Clock(NOON), new_per_day=3)
    assert [i.question.id for i in session.queue] == ["open-one", "mcq-one", "cloze-one"]
    item = session.next_item()
    session.answer(item, 5, "", 10)
    # A second session the same day only gets what is left of the daily allowance.
    again = plan(store, bank, Clock(NOON), new_per_day=3)
    assert [i.question.id for i in again.queue] == ["mcq-one", "cloze-one"]


def test_low_grade_comes_back_at_the_end_without_moving_the_schedule(store, bank):
    session = plan(store, bank, Clock(NOON), new_per_day=2)
    first = session.next_item()
    session.answer(first, 2, "no idea", 10)
    assert session.queue[-1].question.id == first.question.id
    assert session.queue[-1].kind == KIND_REPEAT
    state = store.card("default", first.question.id)
    second = session.next_item()
    session.answer(second, 5, "", 10)
    repeat = session.next_item()
    assert repeat.kind == KIND_REPEAT
    session.answer(repeat, 3, "", 10)  # still below 4: again
    repeat = session.next_item()
    session.answer(repeat, 4, "", 10)
    assert session.next_item() is None
    assert store.card("default", first.question.id) == state
    assert session.summary().answered == 4 and session.summary().scheduled == 2


def test_tomorrow_the_right_items_are_due(store, bank):
    session = plan(store, bank, Clock(NOON), new_per_day=4)
    grades = {"open-one": 5, "mcq-one": 1, "cloze-one": 4, "open-two": 3}
    while (item := session.next_item()) is not None:
        session.answer(item, grades[item.question.id] if item.kind == KIND_REVIEW else 5, "", 1)
    tomorrow = plan(store, bank, Clock(NOON + timedelta(days=1)), new_per_day=4)
    assert sorted(i.question.id for i in tomorrow.queue) == sorted(grades)
    assert all(i.kind == KIND_REVIEW for i in tomorrow.queue)
    # Pass them all: a second success is due in 6 days, the failed one in 1.
    while (item := tomorrow.next_item()) is not None:
        tomorrow.answer(item, 5, "", 1)
    in_two_days = plan(store, bank, Clock(NOON + timedelta(days=2)), new_per_day=0)
    assert [i.question.id for i in in_two_days.queue] == ["mcq-one"]


def test_most_overdue_first(store, bank):
    day0 = plan(store, bank, Clock(NOON), new_per_day=1)
    day0.answer(day0.next_item(), 5, "", 1)  # open-one due day 1
    day1 = plan(store, bank, Clock(NOON + timedelta(days=1)), new_per_day=1)
    items = [day1.next_item() for _ in range(2)]
    assert [i.question.id for i in items] == ["open-one", "mcq-one"]
    day1.answer(items[1], 5, "", 1)  # mcq-one due day 2
    day5 = plan(store, bank, Clock(NOON + timedelta(days=5)), new_per_day=0)
    assert [i.question.id for i in day5.queue] == ["open-one", "mcq-one"]


def test_limit_caps_the_session(store, bank):
    assert len(plan(store, bank, Clock(NOON), new_per_day=20, limit=2).queue) == 2


def test_undo_takes_back_the_answer_and_asks_again(store, bank):
    session = plan(store, bank, Clock(NOON), new_per_day=2)
    first = session.next_item()
    session.answer(first, 1, "", 1)
    session.next_item()
    undone = session.undo()
    assert undone == first
    assert first.question.id not in store.cards("default")
    assert [i.question.id for i in session.queue] == ["open-one", "mcq-one"]
    assert session.undo() is None


def test_cram_practises_without_changing_the_schedule(store, bank):
    day0 = plan(store, bank, Clock(NOON), new_per_day=1)
    day0.answer(day0.next_item(), 5, "", 1)
    before = store.cards("default")
    cram = plan(store, bank, Clock(NOON), cram=True)
    assert len(cram.queue) == 4 and all(i.kind == KIND_CRAM for i in cram.queue)
    while (item := cram.next_item()) is not None:
        cram.answer(item, 5, "", 1)
    assert store.cards("default") == before

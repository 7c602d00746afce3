from datetime import date, datetime, timedelta, timezone

import pytest

from mlops_quiz.scheduling import sm2 as scheduler
from mlops_quiz.scheduling.sm2 import EF_MIN, EF_START, NEW_CARD, CardState, next_state

TODAY = date(2026, 11, 26)


def run(grades: list[int], start: CardState = NEW_CARD) -> CardState:
    state = start
    for grade in grades:
        state = next_state(state, grade, TODAY)
    return state


def test_new_card_starts_at_ef_2_5():
    assert NEW_CARD.ef == 2.5 and NEW_CARD.ef100 == EF_START
    assert NEW_CARD.is_new


@pytest.mark.parametrize(
    ("grade", "delta"),
    [(5, 10), (4, 0), (3, -14)],
)
def test_ef_change_matches_the_published_formula(grade: int, delta: int):
    q = grade
    formula = 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)
    assert scheduler.ef_change(grade) == delta
    assert round(formula * 100) == delta


def test_first_second_and_later_intervals():
    first = next_state(NEW_CARD, 4, TODAY)
    assert (first.repetitions, first.interval, first.due) == (1, 1, TODAY + timedelta(days=1))
    second = next_state(first, 4, TODAY)
    assert (second.repetitions, second.interval) == (2, 6)
    third = next_state(second, 4, TODAY)
    assert third.interval == 15  # ceil(6 * 2.5)


def test_later_interval_uses_the_ef_before_this_review():
    state = CardState(repetitions=2, interval=6, ef100=250, due=TODAY)
    after = next_state(state, 5, TODAY)
    assert after.interval == 15  # 6 * 2.5, not 6 * 2.6
    assert after.ef100 == 260


def test_exact_arithmetic_ends_at_350_not_351():
    state = run([5, 5, 4, 4, 5, 4])
    assert state.interval == 350
    assert [run([5, 5, 4, 4, 5, 4][:n]).interval for n in range(1, 7)] == [1, 6, 17, 46, 125, 350]


def test_ef_never_below_1_3():
    state = run([3] * 20)
    assert state.ef100 == EF_MIN


@pytest.mark.parametrize("grade", [0, 1, 2])
def test_failure_restarts_repetitions_and_keeps_ef(grade: int):
    learned = run([5, 5, 5])
    failed = next_state(learned, grade, TODAY)
    assert failed.repetitions == 0
    assert failed.interval == 1
    assert failed.due == TODAY + timedelta(days=1)
    assert failed.ef100 == learned.ef100
    assert failed.lapses == learned.lapses + 1
    again = next_state(failed, 4, TODAY)
    assert (again.repetitions, again.interval) == (1, 1)


def test_failing_a_new_card_is_not_a_lapse():
    assert next_state(NEW_CARD, 0, TODAY).lapses == 0


@pytest.mark.parametrize("grade", [-1, 6, 7])
def test_grades_outside_0_to_5_are_refused(grade: int):
    with pytest.raises(ValueError):
        next_state(NEW_CARD, grade, TODAY)


def test_repeat_rule():
    assert scheduler.needs_repeat(3) and scheduler.needs_repeat(0)
    assert not scheduler.needs_repeat(4) and not scheduler.needs_repeat(5)


def test_grade_meanings_cover_0_to_5():
    assert sorted(scheduler.GRADE_MEANINGS) == [0, 1, 2, 3, 4, 5]
    assert "blackout" in scheduler.GRADE_MEANINGS[0]
    assert "perfect" in scheduler.GRADE_MEANINGS[5]


def test_day_starts_at_four_local_time():
    local = datetime.now().astimezone().tzinfo
    at_one = datetime(2026, 11, 26, 1, 0, tzinfo=local)
    at_five = datetime(2026, 11, 26, 5, 0, tzinfo=local)
    assert scheduler.study_day(at_one, 4) == date(2026, 11, 25)
    assert scheduler.study_day(at_five, 4) == date(2026, 11, 26)
    assert scheduler.study_day(at_one, 0) == date(2026, 11, 26)


def test_study_day_uses_local_time_for_utc_moments():
    moment = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    expected = (moment.astimezone() - timedelta(hours=4)).date()
    assert scheduler.study_day(moment, 4) == expected


def test_due_date_is_study_day_plus_interval():
    state = run([5, 5])
    assert state.due == TODAY + timedelta(days=6)


def test_mature_threshold():
    assert not scheduler.is_mature(CardState(interval=20))
    assert scheduler.is_mature(CardState(interval=21))


def test_interval_is_capped_so_dates_stay_valid():
    state = run([5] * 40)
    assert state.interval == scheduler.MAX_INTERVAL
    assert state.due == TODAY + timedelta(days=scheduler.MAX_INTERVAL)

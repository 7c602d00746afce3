"""SM-2 as Wozniak published it, stated with fixed numbers from the algorithm's text.

No expected value here is imported from the scheduler or computed with its formulas: if a
constant or an operator changes, these numbers stop matching.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest

from mlops_quiz.scheduling.sm2 import (
    GRADE_MEANINGS,
    NEW_CARD,
    CardState,
    check_grade,
    ef_change,
    is_mature,
    needs_repeat,
    next_state,
    study_day,
)

DAY = date(2026, 11, 26)


def grades_from_new(grades: list[int]) -> CardState:
    state = NEW_CARD
    for grade in grades:
        state = next_state(state, grade, DAY)
    return state


def test_a_new_item_has_ef_2_5_no_repetitions_and_no_due_date():
    assert tuple(NEW_CARD) == (0, 0, 250, None, 0)
    assert NEW_CARD.ef == 2.5
    assert NEW_CARD.is_new and not CardState(due=DAY).is_new


@pytest.mark.parametrize(
    ("grade", "hundredths"),
    # EF' = EF + (0.1 - (5-q) * (0.08 + (5-q) * 0.02)), worked out by hand for each q.
    [(5, 10), (4, 0), (3, -14), (2, -32), (1, -54), (0, -80)],
)
def test_ef_change_for_every_grade(grade: int, hundredths: int):
    assert ef_change(grade) == hundredths


def test_ef_floor_is_1_3_not_lower():
    # 2.5 - 0.14 per grade 3: 2.36, 2.22, 2.08, 1.94, 1.80, 1.66, 1.52, 1.38, then 1.30.
    steps = [grades_from_new([5] + [3] * n).ef100 for n in range(1, 10)]
    assert steps == [246, 232, 218, 204, 190, 176, 162, 148, 134]
    assert grades_from_new([5] + [3] * 10).ef100 == 130
    assert grades_from_new([5] + [3] * 30).ef100 == 130
    # At the floor a grade 5 lifts it by exactly 0.1.
    assert grades_from_new([5] + [3] * 30 + [5]).ef100 == 140


def test_ef_floor_applies_to_a_single_step():
    state = CardState(repetitions=3, interval=10, ef100=135, due=DAY)
    assert next_state(state, 3, DAY).ef100 == 130  # 1.35 - 0.14 = 1.21, raised to 1.3
    assert next_state(state._replace(ef100=144), 3, DAY).ef100 == 130
    assert next_state(state._replace(ef100=145), 3, DAY).ef100 == 131


@pytest.mark.parametrize("grade", [3, 4, 5])
def test_intervals_1_then_6_then_interval_times_ef_rounded_up(grade: int):
    first = next_state(NEW_CARD, grade, DAY)
    assert (first.repetitions, first.interval, first.due) == (1, 1, date(2026, 11, 27))
    second = next_state(first, grade, DAY)
    assert (second.repetitions, second.interval, second.due) == (2, 6, date(2026, 12, 2))


def test_later_intervals_round_up_and_use_the_ef_before_the_update():
    state = CardState(repetitions=2, interval=6, ef100=130, due=DAY)
    third = next_state(state, 4, DAY)
    assert (third.repetitions, third.interval, third.ef100) == (3, 8, 130)  # 6 * 1.3 = 7.8
    state = CardState(repetitions=5, interval=10, ef100=201, due=DAY)
    assert next_state(state, 4, DAY).interval == 21  # 20.1 rounded up
    state = CardState(repetitions=5, interval=10, ef100=200, due=DAY)
    assert next_state(state, 4, DAY).interval == 20  # exactly 20: not rounded up
    assert next_state(state, 5, DAY).interval == 20  # the EF before this review: 2.0


def test_a_pass_keeps_the_lapse_count():
    state = CardState(repetitions=4, interval=30, ef100=200, due=DAY, lapses=2)
    after = next_state(state, 3, DAY)
    assert after.lapses == 2
    assert after.due == date(2026, 11, 26) + timedelta(days=60)


@pytest.mark.parametrize("grade", [0, 1, 2])
def test_a_failure_starts_over_from_one_day_and_counts_a_lapse(grade: int):
    state = CardState(repetitions=4, interval=30, ef100=200, due=DAY, lapses=2)
    after = next_state(state, grade, DAY)
    assert after == CardState(0, 1, 200, date(2026, 11, 27), 3)


def test_a_failure_of_a_new_item_is_no_lapse():
    after = next_state(NEW_CARD, 2, DAY)
    assert after == CardState(0, 1, 250, date(2026, 11, 27), 0)


def test_grade_3_passes_and_grade_2_fails():
    state = CardState(repetitions=2, interval=6, ef100=250, due=DAY)
    assert next_state(state, 3, DAY).repetitions == 3
    assert next_state(state, 2, DAY).repetitions == 0


def test_the_longest_interval_is_a_hundred_years():
    state = CardState(repetitions=10, interval=20_000, ef100=250, due=DAY)
    after = next_state(state, 5, DAY)
    assert after.interval == 36_500
    assert after.due == date(2126, 11, 2)
    below = CardState(repetitions=10, interval=14_000, ef100=260, due=DAY)
    assert next_state(below, 5, DAY).interval == 36_400


@pytest.mark.parametrize("grade", [0, 5])
def test_grades_0_and_5_are_accepted(grade: int):
    check_grade(grade)


@pytest.mark.parametrize("grade", [-1, 6])
def test_grades_outside_0_to_5_are_refused_with_the_range(grade: int):
    with pytest.raises(ValueError, match=f"grade must be from 0 to 5, not {grade}"):
        check_grade(grade)


def test_a_repeat_today_for_grades_below_4():
    assert [needs_repeat(g) for g in range(6)] == [True, True, True, True, False, False]


def test_mature_from_21_days():
    assert [is_mature(CardState(interval=n)) for n in (0, 20, 21, 22)] == [
        False,
        False,
        True,
        True,
    ]


def test_every_grade_has_its_meaning():
    assert GRADE_MEANINGS[3] == "correct response recalled with serious difficulty"
    assert len(GRADE_MEANINGS) == 6


@pytest.fixture
def zone() -> Iterator[None]:
    """Local time in New York (UTC-5 in winter), whatever the machine's own zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("zone")
def test_the_study_day_is_the_local_day_not_the_moments_own_zone():
    # 02:00 UTC on 27 November is 21:00 on 26 November in New York.
    moment = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
    assert study_day(moment, 4) == date(2026, 11, 26)
    assert study_day(moment, 0) == date(2026, 11, 26)
    # 10:00 UTC is 05:00 in New York: after a 04:00 day start, before a 06:00 one.
    morning = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
    assert study_day(morning, 4) == date(2026, 11, 27)
    assert study_day(morning, 6) == date(2026, 11, 26)


@pytest.mark.usefixtures("zone")
def test_the_day_starts_at_the_given_local_hour():
    # 08:59 UTC is 03:59 in New York, 09:00 UTC is 04:00.
    assert study_day(datetime(2026, 11, 27, 8, 59, tzinfo=timezone.utc), 4) == date(2026, 11, 26)
    assert study_day(datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc), 4) == date(2026, 11, 27)


def test_a_failure_after_one_success_is_a_lapse():
    once = next_state(NEW_CARD, 4, DAY)
    assert next_state(once, 1, DAY).lapses == 1


def test_a_card_is_a_leech_from_its_eighth_lapse():
    # README: "A card forgotten 8 times after it was learnt is a leech"
    from mlops_quiz.scheduling import CardState, is_leech

    assert not is_leech(CardState(lapses=7))
    assert is_leech(CardState(lapses=8))


def test_sm2_as_a_scheduler_replays_the_readmes_example():
    # README: grades 5, 5, 4, 4, 5, 4 end at an interval of 350 days (EF 2.5 +0.1 +0.1 +0 +0
    # +0.1 +0 = 2.8; intervals 1, 6, ceil(6*2.7)=17, ceil(17*2.7)=46, ceil(46*2.7)=125,
    # ceil(125*2.8)=350).
    from mlops_quiz.scheduling import NEW_CARD, Sm2

    start = date(2026, 1, 1)
    grades = [5, 5, 4, 4, 5, 4]
    past = [(start + timedelta(days=n), g) for n, g in enumerate(grades)]
    final = Sm2().replay(past)
    assert (final.interval, final.ef100, final.repetitions) == (350, 280, 6)
    assert final.due == past[-1][0] + timedelta(days=350)
    first = Sm2().next_state(NEW_CARD, 2, start, [])
    assert (first.interval, first.repetitions, first.ef100) == (1, 0, 250)
    assert Sm2().describe(final, start, past) == {"scheduler": "sm2", "ef": 2.8}

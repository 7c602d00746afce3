"""FSRS beside SM-2. Every expected interval and memory here was printed once by the library
itself (fsrs-rs-python 0.9.3, FSRS-6 default parameters) with ``FSRS.memory_state`` of the same
ratings and days and ``FSRS.next_interval``, and written down; none is computed by our code."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from mlops_quiz.scheduling import NEW_CARD, SCHEDULERS, CardState, scheduler_for
from mlops_quiz.scheduling.fsrs import RATINGS, Fsrs, NotEnoughReviews, fit, training_items

D0 = date(2026, 3, 2)
# our grades 4, 3, 5, 1, 4 (ratings Good, Hard, Easy, Again, Good) on days 0, 2, 7, 30, 31
LOG = [(D0, 4), (D0 + timedelta(2), 3), (D0 + timedelta(7), 5), (D0 + timedelta(30), 1)]
LAST = (D0 + timedelta(31), 4)
# stability and difficulty after each review, as the library gives them
MEMORY = [
    (2.30649995803833, 2.1181039810180664),
    (7.5133256912231445, 4.7528581619262695),
    (32.47872543334961, 2.984736204147339),
    (2.3931689262390137, 7.67935848236084),
    (4.2654032707214355, 7.66690731048584),
]
DAYS_AT_90 = [2, 8, 32, 2, 4]  # the library's intervals 2.31, 7.51, 32.48, 2.39, 4.27
DAYS_AT_80 = [8, 25, 108, 8, 14]  # 7.65, 24.91, 107.70, 7.94, 14.14


def test_grades_map_to_ratings() -> None:
    assert RATINGS == {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}


@pytest.mark.parametrize("n", range(1, 6))
def test_memory_after_each_review_is_the_librarys(n: int) -> None:
    memory = Fsrs().memory([*LOG, LAST][:n])
    assert memory is not None
    assert memory.stability == pytest.approx(MEMORY[n - 1][0], rel=1e-6)
    assert memory.difficulty == pytest.approx(MEMORY[n - 1][1], rel=1e-6)


@pytest.mark.parametrize(("retention", "days"), [(0.9, DAYS_AT_90), (0.8, DAYS_AT_80)])
def test_due_dates_are_the_librarys_in_whole_days(retention: float, days: list[int]) -> None:
    scheduler = Fsrs(retention)
    past = [*LOG, LAST]
    for n, (day, _) in enumerate(past):
        state = scheduler.replay(past[: n + 1])
        assert state.interval == days[n]
        assert state.due == day + timedelta(days[n])


def test_the_sm2_part_of_an_fsrs_state_follows_the_grades() -> None:
    state = Fsrs().replay([*LOG, LAST])
    # SM-2 on 4, 3, 5, 1, 4: the 1 is a lapse, restarts the repetitions and leaves the EF
    # as it is (EF changes by +0, -0.14, +0.10 for grades 4, 3, 5)
    assert (state.repetitions, state.lapses) == (1, 1)
    assert state.ef100 == 250 + 0 - 14 + 10 + 0


def test_a_new_card_previews_each_rating() -> None:
    # first review: Again 0.21, Hard 1.29, Good 2.31, Easy 8.30 days
    preview = Fsrs().preview(NEW_CARD, D0, [])
    assert preview == {0: 1, 1: 1, 2: 1, 3: 1, 4: 2, 5: 8}


def test_retrievability_is_ninety_percent_after_one_stability() -> None:
    scheduler = Fsrs()
    memory = scheduler.memory(LOG)
    assert memory is not None
    assert scheduler.retrievability(memory, memory.stability) == pytest.approx(0.9)
    assert scheduler.retrievability(memory, 0) == pytest.approx(1.0)


def test_desired_retention_is_bounded() -> None:
    for bad in (0.69, 0.98):
        with pytest.raises(ValueError, match=r"0\.7 to 0\.97"):
            Fsrs(bad)


def test_sm2_previews_its_own_intervals() -> None:
    sm2 = scheduler_for("sm2")
    # a card at interval 6, EF 2.5, second repetition done: 5 -> ceil(6 * 2.5) = 15
    before = NEW_CARD._replace(repetitions=2, interval=6, due=D0)
    preview = sm2.preview(before, D0, [])
    assert preview[5] == 15 and preview[4] == 15 and preview[3] == 15
    assert preview[2] == preview[1] == preview[0] == 1


def test_scheduler_for_names_both_and_refuses_others() -> None:
    assert SCHEDULERS == ("sm2", "fsrs")
    assert scheduler_for("fsrs").name == "fsrs"
    with pytest.raises(ValueError, match="unknown scheduler"):
        scheduler_for("leitner")


def test_fuzz_is_off_unless_asked_for() -> None:
    assert Fsrs().replay([*LOG, LAST]).interval == DAYS_AT_90[-1]


def test_fuzz_stays_within_ankis_range_and_is_shown_as_given() -> None:
    from mlops_quiz.scheduling.fsrs import fuzz_bounds

    # Anki's ranges: 1 day + 15% of the part from 2.5 to 7 + 10% from 7 to 20 + 5% beyond:
    # 32.48 days may move by 1 + 0.675 + 1.3 + 0.624 = 3.6 days; 2.31 days not at all
    assert fuzz_bounds(32.47872543334961) == (29, 36)
    assert fuzz_bounds(2.30649995803833) == (2, 2)
    scheduler = Fsrs(fuzz=True)
    past = LOG[:2]
    seen = set()
    for n in range(40):
        key = f"card-{n}"
        after = scheduler.next_state(NEW_CARD, 5, LOG[2][0], past, key)
        assert 29 <= after.interval <= 36  # Easy on day 7: 32.48 days before fuzz
        assert scheduler.preview(NEW_CARD, LOG[2][0], past, key)[5] == after.interval
        seen.add(after.interval)
    assert len(seen) >= 4  # forty cards learnt together do not stay together


@pytest.mark.parametrize(
    ("interval", "bounds"),
    [
        # Anki's rule by hand: delta = 1 + 0.15 * (part from 2.5 to 7) + 0.10 * (7 to 20) + ...;
        # the bounds are interval -/+ delta rounded, the lower one at least 2 days.
        (2.5, (2, 4)),  # fuzz starts at 2.5 days: delta 1
        (5.0, (4, 6)),  # delta 1 + 0.15 * 2.5 = 1.375: 3.625 and 6.375
        (20.0, (17, 23)),  # delta 1 + 0.675 + 1.3 = 2.975
    ],
)
def test_fuzz_bounds_follow_ankis_ranges(interval: float, bounds: tuple[int, int]) -> None:
    from mlops_quiz.scheduling.fsrs import fuzz_bounds

    assert fuzz_bounds(interval) == bounds


@pytest.mark.parametrize("retention", [0.70, 0.97])
def test_the_ends_of_the_retention_range_are_accepted(retention: float) -> None:
    # README: desired_retention from 0.70 to 0.97, both included
    assert Fsrs(retention).desired_retention == retention


@pytest.mark.parametrize("retention", [0.69, 0.98])
def test_a_retention_outside_the_range_is_refused(retention: float) -> None:
    with pytest.raises(ValueError, match="desired retention"):
        Fsrs(retention)


def synthetic_logs(cards: int = 300, reviews_each: int = 6) -> dict[str, list[tuple[date, int]]]:
    rng = random.Random(7)
    logs = {}
    for card in range(cards):
        day, past = D0, []
        for _ in range(reviews_each):
            past.append((day, rng.choice([1, 3, 4, 4, 5])))
            day += timedelta(days=rng.randint(1, 9))
        logs[f"q{card}"] = past
    return logs


def test_describe_gives_the_librarys_memory_and_the_forgetting_curve() -> None:
    past = LOG  # four reviews: the library's memory after them is MEMORY[3]
    stability, difficulty = MEMORY[3]
    fsrs = Fsrs()
    on_the_day = fsrs.describe(CardState(), past[-1][0], past)
    assert on_the_day == {
        "scheduler": "fsrs",
        "stability": round(stability, 4),
        "difficulty": round(difficulty, 4),
        "retrievability": 1.0,  # no day has passed
    }
    # FSRS-6: R(t, S) = (1 + factor * t / S) ** -decay, factor = 0.9 ** (-1 / decay) - 1, with
    # the published default decay w20 = 0.1542; 2 days after the last review:
    decay = 0.1542
    expected = (1 + (0.9 ** (-1 / decay) - 1) * 2 / stability) ** -decay
    later = fsrs.describe(CardState(), past[-1][0] + timedelta(days=2), past)
    assert later["retrievability"] == pytest.approx(expected, abs=1e-4)
    assert fsrs.describe(CardState(), D0, []) == {
        "scheduler": "fsrs",
        "stability": None,
        "difficulty": None,
        "retrievability": None,
    }


def test_training_items_are_the_reviews_after_an_earlier_day() -> None:
    # a: a same-day second answer (no item), then reviews 2 and 5 days on (an item each, holding
    # the card's reviews up to it); b: a single review (no item).
    logs = {
        "a": [(D0, 4), (D0, 3), (D0 + timedelta(2), 4), (D0 + timedelta(7), 5)],
        "b": [(D0, 4)],
    }
    items = training_items(logs)
    assert [(len(i.reviews), i.long_term_review_cnt()) for i in items] == [(3, 1), (4, 2)]


def test_too_few_reviews_to_fit_say_how_many_more() -> None:
    with pytest.raises(NotEnoughReviews) as raised:
        fit(synthetic_logs(cards=100, reviews_each=3))  # 100 x 2 reviews after the first
    assert raised.value.have == 200
    assert str(raised.value) == (
        "fitting FSRS needs 1,000 reviews that follow an earlier review of the same card; "
        "this profile has 200, 800 more are needed (nothing was changed)"
    )


def test_fit_is_the_librarys_own_fit_without_short_term_steps() -> None:
    import fsrs_rs_python

    logs = synthetic_logs()
    items = training_items(logs)
    result = fit(logs)
    assert result.reviews == len(items) == 300 * 5
    engine = fsrs_rs_python.FSRS(list(fsrs_rs_python.DEFAULT_PARAMETERS))
    before = engine.evaluate(items)
    assert result.before == pytest.approx((before.log_loss, before.rmse_bins), rel=1e-5)
    fitted = list(engine.compute_parameters(items, enable_short_term=False))
    assert result.parameters == pytest.approx(fitted)
    after = fsrs_rs_python.evaluate_with_time_series_splits(items, enable_short_term=False)
    assert result.after == pytest.approx((after.log_loss, after.rmse_bins), rel=1e-5)

"""FSRS-6, through fsrs-rs-python (the Rust engine Anki uses), in whole days.

A card's memory (stability and difficulty) is a function of its scheduling reviews: their
grades and the days between them. It is folded here from the card's log whenever it is needed,
so nothing but the log has to be kept, and switching a profile to FSRS or back loses nothing.
Grades map to FSRS's ratings: 0, 1 and 2 are Again; 3 Hard; 4 Good; 5 Easy. There are no
learning steps (the session's same-day repeats bring back what was graded below 4, and do not
change the schedule) and no fuzz unless asked for: the interval is the library's, rounded to
whole days.

The E-Factor, repetitions and lapses of the card state keep their SM-2 meaning (they depend on
the grades alone), so a card carries both; only the interval and the due date are FSRS's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from mlops_quiz.scheduling import sm2
from mlops_quiz.scheduling.interface import PastReview
from mlops_quiz.scheduling.sm2 import MAX_INTERVAL, CardState

NAME = "fsrs"
DEFAULT_RETENTION = 0.90
MIN_RETENTION = 0.70
MAX_RETENTION = 0.97
RATINGS = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
"""Our grades as FSRS ratings: 1 Again, 2 Hard, 3 Good, 4 Easy."""
_RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
DECAY_PARAMETER = 20
"""The index of FSRS-6's decay in its 21 parameters."""


class Memory(NamedTuple):
    """A card's memory in FSRS: how many days until recall falls to 90% (stability), and how
    hard the card is, from 1 to 10 (difficulty)."""

    stability: float
    difficulty: float


def default_parameters() -> list[float]:
    import fsrs_rs_python

    return list(fsrs_rs_python.DEFAULT_PARAMETERS)


FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))
"""Anki's fuzz: an interval of at least 2.5 days may move by a day plus 15% of its part from
2.5 to 7 days, 10% of its part from 7 to 20 and 5% of the rest."""


def fuzz_bounds(interval: float) -> tuple[int, int]:
    """The whole days a fuzzed interval is drawn from."""
    if interval < FUZZ_RANGES[0][0]:
        days = whole_days(interval)
        return days, days
    delta = 1.0 + sum(
        factor * max(0.0, min(interval, end) - start) for start, end, factor in FUZZ_RANGES
    )
    low = max(2, round(interval - delta))
    return low, max(low, min(round(interval + delta), MAX_INTERVAL))


def fuzzed(interval: float, key: str, today: date) -> int:
    """The interval moved within ``fuzz_bounds``, the same for the same card on the same day."""
    import random
    import zlib

    low, high = fuzz_bounds(interval)
    seed = zlib.crc32(f"{key}|{today.isoformat()}|{interval:.6f}".encode())
    return random.Random(seed).randint(low, high)


def whole_days(interval: float) -> int:
    """The library's interval in whole days: rounded, at least one, at most MAX_INTERVAL."""
    return min(max(1, round(interval)), MAX_INTERVAL)


class Fsrs:
    """FSRS with the given parameters (FSRS-6's defaults if none) and desired retention."""

    name = NAME
    reads_log = True

    def __init__(
        self,
        desired_retention: float = DEFAULT_RETENTION,
        parameters: Sequence[float] = (),
        fuzz: bool = False,
    ) -> None:
        import fsrs_rs_python

        if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
            raise ValueError(
                f"desired retention must be from {MIN_RETENTION} to {MAX_RETENTION}, "
                f"not {desired_retention}"
            )
        self.parameters = list(parameters) or default_parameters()
        self.desired_retention = desired_retention
        self.fuzz = fuzz
        """Spread intervals as Anki does, so cards learnt together do not stay together."""
        self._engine: Any = fsrs_rs_python.FSRS(self.parameters)

    def _next(self, memory: Memory | None, days: int) -> Any:
        import fsrs_rs_python

        current = None if memory is None else fsrs_rs_python.MemoryState(*memory)
        return self._engine.next_states(current, self.desired_retention, days)

    def step(self, memory: Memory | None, days: int, grade: int) -> tuple[Memory, int]:
        """One scheduling review ``days`` after the previous one (0 for the first): the memory
        after it and the next interval in whole days."""
        chosen = getattr(self._next(memory, max(0, days)), _RATING_NAMES[RATINGS[grade]])
        return Memory(chosen.memory.stability, chosen.memory.difficulty), whole_days(
            chosen.interval
        )

    def memory(self, past: Sequence[PastReview]) -> Memory | None:
        """The memory after these scheduling reviews (in order), or None before the first."""
        memory: Memory | None = None
        previous: date | None = None
        for day, grade in past:
            days = (day - previous).days if previous is not None else 0
            memory, _ = self.step(memory, days, grade)
            previous = day
        return memory

    def intervals(self, past: Sequence[PastReview], today: date, key: str = "") -> dict[int, int]:
        """The next interval in days for each rating (1-4), reviewed on ``today``; fuzzed (by
        ``key`` and the day) when fuzz is on."""
        memory = self.memory(past)
        days = (today - past[-1][0]).days if past else 0
        states = self._next(memory, max(0, days))
        raw = {r: getattr(states, n).interval for r, n in _RATING_NAMES.items()}
        if self.fuzz:
            return {r: fuzzed(interval, key, today) for r, interval in raw.items()}
        return {r: whole_days(interval) for r, interval in raw.items()}

    def next_state(
        self,
        before: CardState,
        grade: int,
        today: date,
        past: Sequence[PastReview],
        key: str = "",
    ) -> CardState:
        sm2_after = sm2.next_state(before, grade, today)
        interval = self.intervals(past, today, key)[RATINGS[grade]]
        return sm2_after._replace(interval=interval, due=today + timedelta(days=interval))

    def replay(self, past: Sequence[PastReview], key: str = "") -> CardState:
        state = CardState()
        for n, (day, grade) in enumerate(past):
            state = self.next_state(state, grade, day, past[:n], key)
        return state

    def preview(
        self, before: CardState, today: date, past: Sequence[PastReview], key: str = ""
    ) -> dict[int, int]:
        by_rating = self.intervals(past, today, key)
        return {grade: by_rating[rating] for grade, rating in RATINGS.items()}

    def retrievability(self, memory: Memory, days: float) -> float:
        """The probability of recall ``days`` after the last review (FSRS-6's forgetting
        curve: (1 + factor * t / S) ** -decay, with R = 0.9 when t = S)."""
        decay = self.parameters[DECAY_PARAMETER]
        factor = 0.9 ** (-1 / decay) - 1
        return math.pow(1 + factor * max(0.0, days) / memory.stability, -decay)

    def describe(self, state: CardState, today: date, past: Sequence[PastReview]) -> dict[str, Any]:
        memory = self.memory(past)
        if memory is None:
            return {
                "scheduler": self.name,
                "stability": None,
                "difficulty": None,
                "retrievability": None,
            }
        elapsed = (today - past[-1][0]).days
        return {
            "scheduler": self.name,
            "stability": round(memory.stability, 4),
            "difficulty": round(memory.difficulty, 4),
            "retrievability": round(self.retrievability(memory, elapsed), 4),
        }


MIN_TRAINING_REVIEWS = 1_000
"""Fitting parameters needs at least this many reviews that follow an earlier review of the
same card on an earlier day (the library falls back to its defaults with far fewer)."""


class Evaluation(NamedTuple):
    log_loss: float
    rmse: float


class Fit(NamedTuple):
    parameters: list[float]
    reviews: int
    """The reviews the parameters were fitted to."""
    before: Evaluation
    """The default parameters on the profile's log."""
    after: Evaluation
    """Fitted parameters, evaluated as the library does: fitted on the earlier part of the
    log, judged on the later part (time-series splits)."""


def training_items(logs: dict[str, list[PastReview]]) -> list[Any]:
    """The library's training items from each card's scheduling reviews: one item per review
    that follows an earlier one on an earlier day, holding the card's reviews up to it."""
    import fsrs_rs_python

    items = []
    for past in logs.values():
        reviews = []
        previous: date | None = None
        for day, grade in past:
            days = (day - previous).days if previous is not None else 0
            reviews.append(fsrs_rs_python.FSRSReview(RATINGS[grade], days))
            if previous is not None and days > 0:
                items.append(fsrs_rs_python.FSRSItem(list(reviews)))
            previous = day
    return items


class NotEnoughReviews(ValueError):
    def __init__(self, have: int) -> None:
        self.have = have
        super().__init__(
            f"fitting FSRS needs {MIN_TRAINING_REVIEWS:,} reviews that follow an earlier review "
            f"of the same card; this profile has {have:,}, {MIN_TRAINING_REVIEWS - have:,} more "
            "are needed (nothing was changed)"
        )


def fit(logs: dict[str, list[PastReview]]) -> Fit:
    """Parameters fitted to a profile's log, with the log loss and RMSE of predicted recall
    before (defaults) and after; NotEnoughReviews below MIN_TRAINING_REVIEWS."""
    import fsrs_rs_python

    items = training_items(logs)
    if len(items) < MIN_TRAINING_REVIEWS:
        raise NotEnoughReviews(len(items))
    default = fsrs_rs_python.FSRS(default_parameters())
    before = default.evaluate(items)
    parameters = list(default.compute_parameters(items, enable_short_term=False))
    after = fsrs_rs_python.evaluate_with_time_series_splits(items, enable_short_term=False)
    return Fit(
        parameters,
        len(items),
        Evaluation(before.log_loss, before.rmse_bins),
        Evaluation(after.log_loss, after.rmse_bins),
    )

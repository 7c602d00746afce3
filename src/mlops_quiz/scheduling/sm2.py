"""SM-2, exactly as Piotr Wozniak published it (SuperMemo 2, 1987), as pure functions.

No I/O and no clock: "today" is passed in. The E-Factor is kept in hundredths as an integer
(``ef100``), which makes the arithmetic exact: every SM-2 change of the E-Factor is a whole
number of hundredths, and intervals are rounded up with integer division, so grades
5, 5, 4, 4, 5, 4 end at 350 days, where floating point would drift to 351.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

GRADE_MIN = 0
GRADE_MAX = 5
PASSING_GRADE = 3
"""Grades from 3 up are successful recalls and advance the schedule."""
GOOD_GRADE = 4
"""Within a day, an item graded below this comes back at the end of the session."""

EF_START = 250
"""E-Factor of a new item, in hundredths (2.5)."""
EF_MIN = 130
"""The E-Factor never falls below 1.3."""
FIRST_INTERVAL = 1
SECOND_INTERVAL = 6
MAX_INTERVAL = 36_500
"""A hundred years: SM-2 sets no limit, but dates must stay within the calendar."""
MATURE_DAYS = 21
"""A card whose interval is at least this many days counts as mature."""

LEECH_LAPSES = 8
"""A card forgotten this many times (after it was learnt) is a leech: it costs more than it
teaches as it is written, and is flagged (or suspended, if the learner chose that)."""

GRADE_MEANINGS = {
    5: "perfect response",
    4: "correct response after a hesitation",
    3: "correct response recalled with serious difficulty",
    2: "incorrect response; the correct one seemed easy to recall",
    1: "incorrect response; the correct one remembered",
    0: "complete blackout",
}


class CardState(NamedTuple):
    """Where one item stands in its schedule (a named tuple: thousands are read at once)."""

    repetitions: int = 0
    interval: int = 0
    ef100: int = EF_START
    due: date | None = None
    lapses: int = 0

    @property
    def ef(self) -> float:
        return self.ef100 / 100

    @property
    def is_new(self) -> bool:
        return self.due is None


NEW_CARD = CardState()


def ef_change(grade: int) -> int:
    """EF' - EF in hundredths: 100 * (0.1 - (5-q) * (0.08 + (5-q) * 0.02))."""
    miss = GRADE_MAX - grade
    return 10 - miss * (8 + 2 * miss)


def check_grade(grade: int) -> None:
    if not GRADE_MIN <= grade <= GRADE_MAX:
        raise ValueError(f"grade must be from {GRADE_MIN} to {GRADE_MAX}, not {grade}")


def is_pass(grade: int) -> bool:
    """Whether a grade is a successful recall: the one pass rule (grade 3 or more) that the
    schedule, the cards' counters and retention all follow."""
    return grade >= PASSING_GRADE


def next_state(state: CardState, grade: int, today: date) -> CardState:
    """The state after a scheduling review graded ``grade`` on study day ``today``."""
    check_grade(grade)
    if not is_pass(grade):
        lapses = state.lapses + (1 if state.repetitions > 0 else 0)
        return state._replace(
            repetitions=0,
            interval=FIRST_INTERVAL,
            due=today + timedelta(days=FIRST_INTERVAL),
            lapses=lapses,
        )
    repetitions = state.repetitions + 1
    if repetitions == 1:
        interval = FIRST_INTERVAL
    elif repetitions == 2:
        interval = SECOND_INTERVAL
    else:
        interval = -(-state.interval * state.ef100 // 100)  # ceil, with the EF before update
        interval = min(interval, MAX_INTERVAL)
    ef100 = max(EF_MIN, state.ef100 + ef_change(grade))
    return state._replace(
        repetitions=repetitions,
        interval=interval,
        ef100=ef100,
        due=today + timedelta(days=interval),
    )


def needs_repeat(grade: int) -> bool:
    """Whether an item comes back at the end of today's session."""
    return grade < GOOD_GRADE


def study_day(moment: datetime, day_start_hour: int) -> date:
    """The local calendar day a moment counts for; a day starts at ``day_start_hour``."""
    local = moment.astimezone()
    return (local - timedelta(hours=day_start_hour)).date()


def is_mature(state: CardState) -> bool:
    return state.interval >= MATURE_DAYS


def is_leech(state: CardState) -> bool:
    return state.lapses >= LEECH_LAPSES


class Sm2:
    """SM-2 as a scheduler: the log before a review does not matter, the state says it all."""

    name = "sm2"
    reads_log = False

    def next_state(
        self,
        before: CardState,
        grade: int,
        today: date,
        past: Sequence[tuple[date, int]],
        key: str = "",
    ) -> CardState:
        return next_state(before, grade, today)

    def replay(self, past: Sequence[tuple[date, int]], key: str = "") -> CardState:
        state = NEW_CARD
        for day, grade in past:
            state = next_state(state, grade, day)
        return state

    def preview(
        self, before: CardState, today: date, past: Sequence[tuple[date, int]], key: str = ""
    ) -> dict[int, int]:
        return {grade: next_state(before, grade, today).interval for grade in GRADE_MEANINGS}

    def describe(
        self, state: CardState, today: date, past: Sequence[tuple[date, int]]
    ) -> dict[str, Any]:
        return {"scheduler": self.name, "ef": state.ef}

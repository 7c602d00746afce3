"""Scheduling: when an item comes back, from its state, a grade and the study day.

``sm2`` is SM-2 exactly as Wozniak published it. The rest of the program asks this package,
never a scheduler module by name.
"""

from __future__ import annotations

from mlops_quiz.scheduling.sm2 import (
    EF_MIN,
    EF_START,
    FIRST_INTERVAL,
    GOOD_GRADE,
    GRADE_MAX,
    GRADE_MEANINGS,
    GRADE_MIN,
    LEECH_LAPSES,
    MATURE_DAYS,
    MAX_INTERVAL,
    NEW_CARD,
    PASSING_GRADE,
    SECOND_INTERVAL,
    CardState,
    check_grade,
    ef_change,
    is_leech,
    is_mature,
    needs_repeat,
    next_state,
    study_day,
)

__all__ = [
    "EF_MIN",
    "EF_START",
    "FIRST_INTERVAL",
    "GOOD_GRADE",
    "GRADE_MAX",
    "GRADE_MEANINGS",
    "GRADE_MIN",
    "LEECH_LAPSES",
    "MATURE_DAYS",
    "MAX_INTERVAL",
    "NEW_CARD",
    "PASSING_GRADE",
    "SECOND_INTERVAL",
    "CardState",
    "check_grade",
    "ef_change",
    "is_leech",
    "is_mature",
    "needs_repeat",
    "next_state",
    "study_day",
]

"""Scheduling: when an item comes back, from its state, a grade and the study day.

``sm2`` is SM-2 exactly as Wozniak published it (the default); ``fsrs`` is FSRS-6 beside it.
Both answer ``interface.Scheduler``; ``scheduler_for`` gives the one a profile uses, and the rest
of the program asks this package, never a scheduler module by name.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlops_quiz.scheduling.interface import PastReview, Scheduler
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
    Sm2,
    check_grade,
    ef_change,
    is_leech,
    is_mature,
    is_pass,
    needs_repeat,
    next_state,
    study_day,
)

SCHEDULERS = ("sm2", "fsrs")


def scheduler_for(
    name: str,
    desired_retention: float = 0.9,
    parameters: Sequence[float] = (),
    fuzz: bool = False,
) -> Scheduler:
    """The scheduler called ``name``. FSRS and its library load only when it is asked for."""
    if name == "fsrs":
        from mlops_quiz.scheduling.fsrs import Fsrs  # imports the FSRS engine (Rust)

        return Fsrs(desired_retention, parameters, fuzz)
    if name == "sm2":
        return Sm2()
    raise ValueError(f"unknown scheduler {name!r} (known: {', '.join(SCHEDULERS)})")


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
    "SCHEDULERS",
    "SECOND_INTERVAL",
    "CardState",
    "PastReview",
    "Scheduler",
    "Sm2",
    "check_grade",
    "ef_change",
    "is_leech",
    "is_mature",
    "is_pass",
    "needs_repeat",
    "next_state",
    "scheduler_for",
    "study_day",
]

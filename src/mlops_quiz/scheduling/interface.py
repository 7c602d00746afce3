"""What the session asks a scheduler: the next state after a grade, the state a card's log
leads to, and the interval each grade would give. SM-2 and FSRS both answer it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from mlops_quiz.scheduling.sm2 import CardState

PastReview = tuple[date, int]
"""One scheduling review of a card's log: its study day and its grade."""


class Scheduler(Protocol):
    name: str
    reads_log: bool
    """Whether the scheduler needs a card's past reviews (FSRS); SM-2's state says it all, so
    the log is not read for it."""

    def next_state(
        self,
        before: CardState,
        grade: int,
        today: date,
        past: Sequence[PastReview],
        key: str = "",
    ) -> CardState:
        """The state after a scheduling review graded ``grade`` on ``today``; ``past`` is the
        card's scheduling reviews before it, in order; ``key`` names the card (fuzz is seeded
        by it and the day, so the interval shown before grading is the one given)."""
        ...

    def replay(self, past: Sequence[PastReview], key: str = "") -> CardState:
        """The state a card's scheduling reviews lead to, from a new card."""
        ...

    def preview(
        self, before: CardState, today: date, past: Sequence[PastReview], key: str = ""
    ) -> dict[int, int]:
        """The interval in days each grade (0-5) would give, reviewed on ``today``."""
        ...

    def describe(self, state: CardState, today: date, past: Sequence[PastReview]) -> dict[str, Any]:
        """The scheduler's own view of a card, for ``show`` and ``list --json``: its name and
        what it keeps (the E-Factor for SM-2; stability, difficulty, retrievability for FSRS)."""
        ...

"""Checking a typed answer: is it right, how much of it, and what grade to suggest.

``choices`` checks mcq and cloze answers; ``words`` checks an open answer against the item's
key points by their words (its word tables in ``vocabulary``); ``grade`` is the one rule that
turns how much was right into the suggested grade, for every item type. ``model`` is the
sentence-embedding model for checking by meaning, not yet used by the checker.
"""

from __future__ import annotations

from mlops_quiz.checking.choices import (
    GAP_SEPARATOR,
    Check,
    NotAnAnswer,
    check_answer,
    correct_answer_text,
    mcq_share,
    normalize,
    other_answers,
    parse_letters,
    split_gaps,
)
from mlops_quiz.checking.grade import is_quick, suggest_grade

__all__ = [
    "GAP_SEPARATOR",
    "Check",
    "NotAnAnswer",
    "check_answer",
    "correct_answer_text",
    "is_quick",
    "mcq_share",
    "normalize",
    "other_answers",
    "parse_letters",
    "split_gaps",
    "suggest_grade",
]

"""The grade suggested for an answer: one rule for every item type, and when an answer
counts as quick."""

from __future__ import annotations

from mlops_quiz.bank import Question, cloze_text

QUICK_BASE_SECONDS = 4.0
"""An answer is quick if it came within this many seconds, plus reading and typing time."""
READING_CHARS_PER_SECOND = 20.0
"""Reading time allowed for the question's text as shown (prompt and choices)."""
TYPING_CHARS_PER_SECOND = 4.0
"""Typing time allowed for the answer's text."""


def suggest_grade(share_right: float, empty: bool, quick: bool) -> int:
    """The SM-2 grade (0-5) to suggest for an answer.

    - empty (the learner said "I don't know"): 0
    - all right and quick: 5
    - all right: 4
    - at least half right: 3
    - some right: 2
    - none right: 1

    ``share_right`` is from 0 to 1: the share of gaps right for a cloze, the overlap of the
    chosen and the correct choices for an mcq (see ``mcq_share``). ``quick`` comes from
    ``is_quick``. Every checker (mcq, cloze, open answers) suggests through this one rule.
    """
    if empty:
        return 0
    if share_right >= 1:
        return 5 if quick else 4
    if share_right >= 0.5:
        return 3
    if share_right > 0:
        return 2
    return 1


def is_quick(seconds: float, question: Question, typed: str) -> bool:
    """Whether an answer came quickly: within a base time plus time to read and to type.

    The allowance is ``QUICK_BASE_SECONDS`` + one second per ``READING_CHARS_PER_SECOND``
    characters of the question as shown (``shown_length``) + one second per
    ``TYPING_CHARS_PER_SECOND`` characters typed.
    """
    shown = shown_length(question)
    allowance = (
        QUICK_BASE_SECONDS
        + shown / READING_CHARS_PER_SECOND
        + len(typed.strip()) / TYPING_CHARS_PER_SECOND
    )
    return seconds <= allowance


def shown_length(question: Question) -> int:
    """How many characters of the question the learner was shown: a cloze's text with its gaps
    as ``[n]____`` (never its hidden accepted answers), a prompt and its choices otherwise."""
    prompt = cloze_text(question.prompt) if question.type == "cloze" else question.prompt
    return len(prompt) + sum(len(c) for c in question.choices)

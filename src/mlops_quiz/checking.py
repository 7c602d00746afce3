"""Automatic checking of typed answers to mcq and cloze questions.

An mcq answer is the letters of the chosen choices ("b", "a,c", "a c" or "ac"). A cloze answer
gives the gaps in order, separated by ";". Cloze answers are compared ignoring case, spacing and
accents. Open questions are graded by the learner alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mlops_quiz.bank import LETTERS, Question

SUGGEST_RIGHT = 4
SUGGEST_WRONG = 1
GAP_SEPARATOR = ";"


@dataclass(frozen=True)
class Check:
    """The verdict on one typed answer; ``suggested`` is the grade Enter accepts."""

    correct: bool
    suggested: int
    parts: tuple[bool, ...] = ()
    """For cloze: whether each gap was right."""


def normalize(text: str) -> str:
    """Text folded for comparison: no accents, no case, single spaces, no trailing period."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split()).rstrip(".").strip()


def parse_letters(typed: str, count: int) -> set[int] | None:
    """The choice indexes in an mcq answer, or None if it is not a set of valid letters."""
    letters = re.sub(r"[\s,;/]+", "", typed.strip().lower())
    if not letters:
        return None
    chosen = set()
    for letter in letters:
        index = LETTERS.find(letter)
        if index < 0 or index >= count:
            return None
        chosen.add(index)
    return chosen


def split_gaps(typed: str) -> list[str]:
    return [part.strip() for part in typed.split(GAP_SEPARATOR)]


def check_answer(question: Question, typed: str) -> Check | None:
    """Check an mcq or cloze answer; None for open questions (graded by the learner)."""
    if question.type == "mcq":
        chosen = parse_letters(typed, len(question.choices))
        right = chosen == set(question.correct)
        return Check(right, SUGGEST_RIGHT if right else SUGGEST_WRONG)
    if question.type == "cloze":
        given = split_gaps(typed)
        parts = []
        for n, accepted in enumerate(question.gaps):
            answer = normalize(given[n]) if n < len(given) else ""
            parts.append(bool(answer) and answer in {normalize(a) for a in accepted})
        right = all(parts) and len([g for g in given if g]) <= len(question.gaps)
        return Check(right, SUGGEST_RIGHT if right else SUGGEST_WRONG, tuple(parts))
    return None


def correct_answer_text(question: Question) -> str:
    """What a learner would type to answer an mcq or cloze item correctly."""
    if question.type == "mcq":
        return ",".join(LETTERS[i] for i in question.correct)
    if question.type == "cloze":
        return f"{GAP_SEPARATOR} ".join(gap[0] for gap in question.gaps)
    return question.answer

"""Automatic checking of typed answers to mcq and cloze questions.

An mcq answer is the letters of the chosen choices ("b", "a,c", "a c", "ac", "b)", "(b)"). A
cloze answer gives the gaps in order, separated by ";". Cloze answers are compared ignoring case,
spacing and accents, and numbers as numbers (``76.20`` is ``76.2``, ``zero`` is ``0``). Open
answers are checked against their key points by ``words``; every type's grade is suggested by
the one rule in ``grade``.

An answer that is not an answer at all (a letter that is no choice, the wrong number of gaps)
raises ``NotAnAnswer`` with a one-line reason, so the prompt can ask again before anything is
revealed. An empty answer means "I don't know".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlops_quiz.bank import LETTERS, Question
from mlops_quiz.checking.grade import is_quick, suggest_grade
from mlops_quiz.text import fold

GAP_SEPARATOR = ";"
MAX_COMPARED_CHARS = 1_000

_TOKEN_SEPARATORS = re.compile(r"[\s,;/&+]+")
_TOKEN_PUNCTUATION = "()[].:"


class NotAnAnswer(ValueError):
    """The typed text is not an answer to this question; the message says why, in one line."""


@dataclass(frozen=True)
class Check:
    """The verdict on one typed answer; ``suggested`` is the grade Enter accepts."""

    correct: bool
    suggested: int
    share: float = 0.0
    """How much of the answer was right, from 0 to 1."""
    parts: tuple[bool, ...] = ()
    """For cloze: whether each gap was right."""
    given: tuple[str, ...] = ()
    """For cloze: what was typed for each gap."""
    chosen: frozenset[int] = frozenset()
    """For mcq: the chosen choices, as indexes into the bank's ``choices``."""
    empty: bool = False
    quick: bool = False


def mcq_share(chosen: set[int] | frozenset[int], correct: Sequence[int]) -> float:
    """The choices both chosen and correct, over those chosen or correct (0 to 1).

    Partial credit for a multiple-answer item (two of the three right ones: 2/3), none for a
    wrong pick on a single-answer item (scoring each choice separately would call a wrong pick
    among four choices "half right").
    """
    right = set(correct)
    union = chosen | right
    return len(chosen & right) / len(union) if union else 0.0


FAILED_RECALL = 2
"""The highest grade for a hedged mcq answer: something right, yet not recalled."""


def hedged(chosen: set[int] | frozenset[int], correct: Sequence[int]) -> bool:
    """Whether more letters were given than a single-answer item has correct (``c,a`` on a
    "choose one" item): a failed recall, however many of them are right."""
    return len(correct) == 1 and len(chosen) > 1


def normalize(text: str) -> str:
    """Text folded for comparison (``text.fold``): invisible characters dropped, no accents,
    no case, single spaces, no trailing period. A typed answer is cut to MAX_COMPARED_CHARS
    first: no accepted answer is longer, and normalising is not linear in long runs of
    combining marks."""
    return fold(text[:MAX_COMPARED_CHARS])


def parse_letters(typed: str, count: int) -> set[int]:
    """The choice indexes (as shown) in an mcq answer; NotAnAnswer if it is not one.

    ``b``, ``B``, ``b)``, ``(b)``, ``b.`` all mean b; ``a,c``, ``a c`` and ``ac`` mean a and c.
    """
    last = LETTERS[count - 1]
    tokens = [t for t in _TOKEN_SEPARATORS.split(typed.strip().lower()) if t]
    words = [t.strip(_TOKEN_PUNCTUATION) for t in tokens]
    if not all(w.isascii() and w.isalpha() for w in words):
        raise NotAnAnswer(f"Type the letters of your choices (a to {last}), e.g. b or a,c.")
    chosen: set[int] = set()
    for letter in "".join(words):
        index = LETTERS.index(letter)
        if index >= count:
            raise NotAnAnswer(f"{letter} is not one of the choices: use a to {last}.")
        chosen.add(index)
    return chosen


def split_gaps(typed: str, count: int) -> list[str]:
    """The typed text of each gap; NotAnAnswer if the number of gaps is wrong."""
    parts = [part.strip() for part in typed.split(GAP_SEPARATOR)]
    while len(parts) > count and not parts[-1]:
        parts.pop()
    if len(parts) != count:
        if count == 1:
            raise NotAnAnswer("This item has one gap: type it without ;.")
        raise NotAnAnswer(
            f"This item has {count} gaps and you gave {len(parts)}: separate them with ; "
            "and leave a gap empty if you don't know it (e.g. first;)."
        )
    return parts


def check_answer(
    question: Question,
    typed: str,
    seconds: float | None = None,
    order: Sequence[int] | None = None,
) -> Check | None:
    """Check an mcq or cloze answer; None for open questions (graded by the learner).

    ``order`` maps the letters as shown to the bank's choices (``order[shown] = bank index``)
    when the choices were shuffled. Raises NotAnAnswer for text that is no answer.
    """
    if question.type not in ("mcq", "cloze"):
        return None
    empty = not typed.strip()
    quick = seconds is not None and is_quick(seconds, question, typed)
    if question.type == "mcq":
        shown = parse_letters(typed, len(question.choices)) if not empty else set()
        chosen = frozenset(order[i] for i in shown) if order is not None else frozenset(shown)
        share = mcq_share(chosen, question.correct)
        right = chosen == set(question.correct)
        suggested = suggest_grade(share, empty, quick)
        if hedged(chosen, question.correct):
            suggested = min(suggested, FAILED_RECALL)
        return Check(right, suggested, share, chosen=chosen, empty=empty, quick=quick)
    count = len(question.gaps)
    given = split_gaps(typed, count) if not empty else [""] * count
    parts = tuple(
        any(same_answer(g, a) for a in gap) for g, gap in zip(given, question.gaps, strict=True)
    )
    share = sum(parts) / count
    return Check(
        all(parts),
        suggest_grade(share, empty, quick),
        share,
        parts=parts,
        given=tuple(given),
        empty=empty,
        quick=quick,
    )


NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
} | {
    word: 10 * tens
    for tens, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}
"""Number words read as their number in a gap (``zero`` is ``0``, ``eighty`` is ``80``)."""
PERCENT = ("%", "percent")
"""How a gap's number may end, as formatting (``per cent`` is ``percent`` without spaces)."""

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def number_value(text: str) -> float | None:
    """The number a gap's text is, or None if it is no number.

    Spaces, ``_`` and ``'`` between digits and a final ``%``, ``percent`` or ``per cent`` are
    formatting (``16,9 %`` is ``16.9%``); a comma is a decimal separator (``2,5`` is 2.5)
    unless it groups thousands (``1,000`` is 1000); ``76.20`` is ``76.2``, ``0.0`` is ``0``, and
    the ``NUMBER_WORDS`` are their numbers (``zero`` is ``0``).
    """
    bare = re.sub(r"[\s_']", "", normalize(text))
    for suffix in PERCENT:
        bare = bare.removesuffix(suffix)
    if bare in NUMBER_WORDS:
        return float(NUMBER_WORDS[bare])
    if _THOUSANDS.fullmatch(bare):
        bare = bare.replace(",", "")
    elif bare.count(",") == 1 and "." not in bare:
        bare = bare.replace(",", ".")
    return float(bare) if _NUMBER.fullmatch(bare) else None


def same_answer(typed: str, accepted: str) -> bool:
    """Whether a typed gap is an accepted answer: the same folded text, or the same number."""
    if not normalize(typed):
        return False
    if normalize(typed) == normalize(accepted):
        return True
    number = number_value(typed)
    return number is not None and number == number_value(accepted)


def _spellings_of(number: float | None, text: str) -> bool:
    """Whether ``text`` writes ``number``, reading a comma either way (``5,00`` may be 500)."""
    if number is None:
        return False
    bare = text.replace(",", "")
    return number_value(text) == number or number_value(bare) == number


def other_answers(gap: Sequence[str], given: str = "") -> list[str]:
    """What "also accepted" shows for a gap: its accepted answers beyond what is shown as the
    answer, and no other spellings of the canonical number.

    The canonical answer (the first) is shown as the answer, so it is left out, unless the
    learner ``given`` another accepted answer: then the canonical answer is listed and the
    answer the learner typed is not.
    """
    typed = next((a for a in gap if given and same_answer(given, a)), gap[0])
    first = number_value(gap[0])
    return [
        a
        for a in gap
        if not same_answer(typed, a) and not (a != gap[0] and _spellings_of(first, a))
    ]


def correct_answer_text(question: Question) -> str:
    """What a learner would type to answer an mcq or cloze item correctly (choices unshuffled)."""
    if question.type == "mcq":
        return ",".join(LETTERS[i] for i in question.correct)
    if question.type == "cloze":
        return f"{GAP_SEPARATOR} ".join(gap[0] for gap in question.gaps)
    return question.answer

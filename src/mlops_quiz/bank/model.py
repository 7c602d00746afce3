"""The bank's model: topics, questions, and the bank they make; the gaps of a cloze prompt."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from mlops_quiz.text import fold

QUESTION_TYPES = ("open", "mcq", "cloze")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
QUESTION_FIELDS = (
    "id",
    "topic",
    "type",
    "prompt",
    "answer",
    "key_points",
    "choices",
    "correct",
    "tags",
    "shuffle",
)
"""A question's fields, in the order they are written."""
TOPIC_FIELDS = {"id", "title", "source", "description"}
KEY_POINT_FIELDS = {"point", "accept"}
TYPE_FIELDS = {"open": set(), "mcq": {"choices", "correct", "shuffle"}, "cloze": set()}
"""The fields only some types have."""


class Topic(NamedTuple):
    id: str
    title: str
    source: str = ""
    description: str = ""
    file: str = ""
    line: int = 0


class Question(NamedTuple):
    """One validated question. A named tuple: cheap to build in bulk from the bank cache."""

    id: str
    topic: str
    type: str
    prompt: str
    answer: str = ""
    key_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    """Indexes into ``choices`` of the correct ones (mcq)."""
    gaps: tuple[tuple[str, ...], ...] = ()
    """Accepted answers of each gap (cloze), parsed from ``{{a|b}}`` in the prompt."""
    file: str = ""
    line: int = 0
    shuffle: bool = True
    """Whether an mcq's choices are shuffled at each presentation (``shuffle: false`` opts out)."""
    key_point_alternatives: tuple[tuple[str, ...], ...] = ()
    """Accepted phrasings of each key point (``accept:``), parallel to ``key_points``; a
    question made elsewhere may leave it shorter or empty."""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Bank:
    """Topics and questions of one or more files, in file order."""

    topics: dict[str, Topic] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Problems of a lenient load: items or files left out (``FILE:LINE: message``)."""
    left_out: int = 0
    """How many questions a lenient load left out for those problems."""

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def in_topics(self, topics: Iterable[str] | None) -> list[Question]:
        wanted = set(topics or ())
        if not wanted:
            return list(self.questions)
        return [q for q in self.questions if q.topic in wanted]

    def count_by_topic(self) -> dict[str, int]:
        counts = dict.fromkeys(self.topics, 0)
        for q in self.questions:
            counts[q.topic] = counts.get(q.topic, 0) + 1
        return counts


def cloze_pieces(prompt: str) -> list[tuple[str, bool]]:
    """A cloze prompt split into (text, is_gap) pieces; a gap's text is what is inside
    ``{{...}}``. Found with ``str.find`` in one pass: linear, whatever the prompt holds (a regex
    with a lazy ``.*?`` is quadratic on many unclosed ``{{``)."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    while True:
        start = prompt.find("{{", at)
        end = prompt.find("}}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        if start > at:
            pieces.append((prompt[at:start], False))
        pieces.append((prompt[start + 2 : end], True))
        at = end + 2
    if at < len(prompt):
        pieces.append((prompt[at:], False))
    return pieces


def gap_answers(inner: str) -> tuple[str, ...]:
    """The accepted answers written inside one gap: ``a|b``."""
    return tuple(alt.strip() for alt in inner.split("|") if alt.strip())


def cloze_gaps(prompt: str) -> list[tuple[str, ...]]:
    """The accepted answers of each ``{{a|b}}`` gap in a cloze prompt."""
    return [gap_answers(text) for text, is_gap in cloze_pieces(prompt) if is_gap]


def cloze_text(prompt: str, fill: Iterable[str] | None = None) -> str:
    """The prompt with each gap shown as ``[n]____``, or filled with ``fill``."""
    answers = iter(fill) if fill is not None else None
    out: list[str] = []
    n = 0
    for text, is_gap in cloze_pieces(prompt):
        if not is_gap:
            out.append(text)
            continue
        n += 1
        out.append(next(answers, "") if answers is not None else f"[{n}]____")
    return "".join(out)


CONTENT_DIGEST_LENGTH = 16


def content_digest(question: Question) -> str:
    """A short digest of what a question asks and answers (prompt and answer, folded), which
    stays the same when only its id changes."""
    import hashlib

    text = f"{fold(question.prompt)}\n{fold(question.answer)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:CONTENT_DIGEST_LENGTH]


def choice_letter(index: int) -> str:
    return LETTERS[index]

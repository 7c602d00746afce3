"""One card as the learner sees it: its state in words, what each grade would do today, its
history; finding cards by text; choosing the cards a command acts on (ids, topics, tags).

Pure functions over the bank and what the store returned: no I/O, "today" passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mlops_quiz.bank import Bank, Question, cloze_text
from mlops_quiz.errors import BadInputError
from mlops_quiz.scheduling import (
    GRADE_MAX,
    GRADE_MIN,
    NEW_CARD,
    CardState,
    is_leech,
    is_mature,
    next_state,
)
from mlops_quiz.text import fold, visible

if TYPE_CHECKING:
    from mlops_quiz.store import CardFlags, HistoryEntry

STATE_NEW = "new"
STATE_LEARNING = "learning"
STATE_MATURE = "mature"
STATE_SUSPENDED = "suspended"
STATE_BURIED = "buried"

MAX_SEARCH_LENGTH = 200
"""Search text is folded for comparison; a cap keeps that linear and quick."""


def state_name(state: CardState, flags: CardFlags | None, today: date) -> str:
    """new, learning, mature, suspended or buried (suspension and burying come first)."""
    if flags is not None and flags.suspended:
        return STATE_SUSPENDED
    if flags is not None and flags.buried(today):
        return STATE_BURIED
    if state.is_new:
        return STATE_NEW
    return STATE_MATURE if is_mature(state) else STATE_LEARNING


def marks(state: CardState, flags: CardFlags | None, today: date) -> list[str]:
    """Words for what needs an eye: overdue, suspended, buried, leech."""
    found = []
    if state.due is not None and state.due < today:
        found.append("overdue")
    if flags is not None and flags.suspended:
        found.append("suspended")
    if flags is not None and flags.buried(today):
        found.append("buried")
    if is_leech(state):
        found.append("leech")
    return found


def grade_outcomes(state: CardState, today: date) -> list[tuple[int, int]]:
    """(grade, interval in days) that each grade would give if the card were reviewed today."""
    return [(g, next_state(state, g, today).interval) for g in range(GRADE_MIN, GRADE_MAX + 1)]


def shown_prompt(question: Question) -> str:
    """The prompt in one line, cloze gaps as blanks."""
    text = cloze_text(question.prompt) if question.type == "cloze" else question.prompt
    return " ".join(text.split())


def schedule_row(
    question: Question,
    state: CardState,
    flags: CardFlags | None,
    today: date,
    memory: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What ``list`` and ``search`` show of one question (and print as JSON); ``memory``: the
    scheduler's own view of the card (``Scheduler.describe``)."""
    row = {
        "id": question.id,
        "topic": question.topic,
        "type": question.type,
        "prompt": shown_prompt(question),
        "repetitions": state.repetitions,
        "interval": state.interval,
        "ef": state.ef,
        "due": state.due.isoformat() if state.due else None,
        "lapses": state.lapses,
        "state": state_name(state, flags, today),
        "marks": marks(state, flags, today),
    }
    if memory is not None:
        row["memory"] = memory
    return row


def schedule_rows(
    questions: Sequence[Question],
    states: dict[str, CardState],
    flags: dict[str, CardFlags],
    today: date,
    due_only: bool = False,
    describe: Callable[[str, CardState], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """A row per question; ``due_only``: those due today (not suspended or buried);
    ``describe``: the scheduler's view of a card (by question id and state), in each row."""
    rows = []
    for q in questions:
        state = states.get(q.id, NEW_CARD)
        flag = flags.get(q.id)
        if due_only and (
            state.due is None
            or state.due > today
            or (flag is not None and (flag.suspended or flag.buried(today)))
        ):
            continue
        memory = describe(q.id, state) if describe is not None else None
        rows.append(schedule_row(q, state, flag, today, memory))
    return rows


@dataclass(frozen=True)
class CardView:
    """Everything ``show`` prints about one card."""

    question: Question
    state: CardState
    flags: CardFlags | None
    history: list[HistoryEntry]
    today: date
    memory: dict[str, Any] | None = None
    """The scheduler's own view of the card (``Scheduler.describe``)."""
    outcomes: dict[int, int] | None = None
    """The interval each grade would give today, by the profile's scheduler (SM-2's if None)."""

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "id": q.id,
            "topic": q.topic,
            "type": q.type,
            "prompt": q.prompt,
            "answer": q.answer,
            "key_points": list(q.key_points),
            "choices": list(q.choices),
            "correct": [chr(ord("a") + i) for i in q.correct],
            "tags": list(q.tags),
            "schedule": {
                "state": state_name(self.state, self.flags, self.today),
                "repetitions": self.state.repetitions,
                "interval": self.state.interval,
                "ef": self.state.ef,
                "due": self.state.due.isoformat() if self.state.due else None,
                "lapses": self.state.lapses,
                "leech": is_leech(self.state),
                "suspended": bool(self.flags and self.flags.suspended),
                "buried_until": (
                    self.flags.buried_until.isoformat()
                    if self.flags and self.flags.buried(self.today) and self.flags.buried_until
                    else None
                ),
            },
            "memory": self.memory,
            "if_graded_today": {
                str(grade): interval
                for grade, interval in (
                    sorted(self.outcomes.items())
                    if self.outcomes is not None
                    else grade_outcomes(self.state, self.today)
                )
            },
            "history": [
                {
                    "reviewed_at": h.reviewed_at,
                    "day": h.day.isoformat(),
                    "grade": h.grade,
                    "kind": h.kind,
                    "interval_before": h.interval_before,
                    "interval_after": h.interval_after,
                    "answer": h.answer,
                    "reset_at": h.reset_at,
                }
                for h in self.history
            ],
        }


def search(questions: Sequence[Question], text: str) -> list[Question]:
    """Questions whose id, prompt, answer, key points, choices or tags contain the text,
    ignoring case and accents, in bank order."""
    if len(text) > MAX_SEARCH_LENGTH:
        raise BadInputError(f"the search text is longer than {MAX_SEARCH_LENGTH} characters")
    needle = fold(text)
    if not needle:
        raise BadInputError("give some text to search for")
    found = []
    for q in questions:
        fields = (q.id, q.prompt, q.answer, *q.key_points, *q.choices, *q.tags)
        if any(needle in fold(field[:10_000]) for field in fields):
            found.append(q)
    return found


def chosen(
    bank: Bank, ids: Sequence[str], topics: Sequence[str], tags: Sequence[str]
) -> list[Question]:
    """The questions a command acts on: the ids given, and every question of the topics and
    tags given; with both ``--topic`` and ``--tag``, only the questions that match both (as
    ``export``). Any unknown id, topic or tag is an error before anything is changed."""
    by_id = bank.by_id()
    unknown = [qid for qid in dict.fromkeys(ids) if qid not in by_id]
    if unknown:
        names = ", ".join(repr(visible(qid, keep_newlines=False)) for qid in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise BadInputError(
            f"no question with id {names}{more} in the loaded banks "
            "('mlops-quiz search TEXT' finds ids)"
        )
    for topic in topics:
        if topic not in bank.topics:
            raise BadInputError(f"unknown topic {topic!r} (known: {', '.join(bank.topics)})")
    known_tags = {t for q in bank.questions for t in q.tags}
    for tag in tags:
        if tag not in known_tags:
            raise BadInputError(f"no question has the tag {tag!r}")
    if not (ids or topics or tags):
        raise BadInputError("name the cards: one or more ids, or --topic or --tag")
    picked = {q.id: q for q in (by_id[qid] for qid in ids)}
    for q in bank.questions:
        in_topic = not topics or q.topic in topics
        tagged = not tags or any(t in tags for t in q.tags)
        if (topics or tags) and in_topic and tagged:
            picked.setdefault(q.id, q)
    return list(picked.values())

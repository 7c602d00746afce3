"""A study session: what to ask next, and what an answer does.

Due items come first (most overdue first), then new items in bank order up to the daily new
limit, all up to the session limit. An item graded below 4 comes back at the end of the session
as a same-day repeat, which is logged but leaves the schedule alone. Every answer is committed
to the store as it is given, and the last one can be taken back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from mlops_quiz import scheduler
from mlops_quiz.bank import Question
from mlops_quiz.errors import BadInputError
from mlops_quiz.scheduler import CardState
from mlops_quiz.store import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store

DEFAULT_NEW_PER_DAY = 20
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class Item:
    question: Question
    kind: str
    """KIND_REVIEW, KIND_REPEAT or KIND_CRAM."""


@dataclass(frozen=True)
class Answered:
    item: Item
    review_id: int
    grade: int
    after: CardState
    queue_before: tuple[Item, ...]


@dataclass
class Summary:
    answered: int
    grades: Counter[int]
    seconds: float
    next_due: date | None
    scheduled: int
    """How many of the answers were scheduling reviews."""


@dataclass
class StudySession:
    store: Store
    profile: str
    today: date
    clock: Callable[[], datetime]
    queue: list[Item] = field(default_factory=list)
    scope: list[Question] = field(default_factory=list)
    history: list[Answered] = field(default_factory=list)
    started: datetime | None = None
    current: Item | None = None
    _snapshot: tuple[Item, ...] = ()
    _states: dict[str, CardState] = field(default_factory=dict)

    @classmethod
    def plan(
        cls,
        store: Store,
        profile: str,
        questions: Sequence[Question],
        clock: Callable[[], datetime],
        day_start_hour: int,
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        limit: int = DEFAULT_LIMIT,
        cram: bool = False,
    ) -> StudySession:
        if new_per_day < 0 or limit < 0:
            raise BadInputError("--new and --limit must be 0 or more")
        started = clock()
        today = scheduler.study_day(started, day_start_hour)
        order = {q.id: n for n, q in enumerate(questions)}
        if cram:
            states = store.cards(profile)
            studied = [q for q in questions if q.id in states]
            studied.sort(key=lambda q: (states[q.id].due or today, order[q.id]))
            new = [q for q in questions if q.id not in states]
            items = [Item(q, KIND_CRAM) for q in studied + new]
        else:
            # Only what the queue needs: the due cards and which questions are not new.
            states = store.due_cards(profile, today)
            by_id = {q.id: q for q in questions}
            due = [by_id[qid] for qid in states if qid in by_id]
            due.sort(key=lambda q: (states[q.id].due or today, order[q.id]))  # most overdue first
            studied_ids = store.studied_ids(profile)
            allowance = max(0, new_per_day - store.introduced_on(profile, today))
            new = [q for q in questions if q.id not in studied_ids][:allowance]
            items = [Item(q, KIND_REVIEW) for q in due + new]
        return cls(
            store=store,
            profile=profile,
            today=today,
            clock=clock,
            queue=items[:limit],
            scope=list(questions),
            started=started,
            _states=states,
        )

    @property
    def total(self) -> int:
        """Items asked so far plus those still to come (grows with repeats)."""
        return len(self.history) + len(self.queue) + (self.current is not None)

    @property
    def position(self) -> int:
        """The 1-based number of the item being asked."""
        return len(self.history) + 1

    def state_of(self, question_id: str) -> CardState:
        return self._states.get(question_id, CardState())

    def next_item(self) -> Item | None:
        if not self.queue:
            self.current = None
            return None
        self._snapshot = tuple(self.queue)
        self.current = self.queue.pop(0)
        return self.current

    def answer(self, item: Item, grade: int, typed: str, duration_ms: int) -> Answered:
        """Record an answer (committed before this returns) and queue a repeat if needed."""
        scheduler.check_grade(grade)
        before = self.state_of(item.question.id)
        after = (
            scheduler.next_state(before, grade, self.today) if item.kind == KIND_REVIEW else before
        )
        moment = self.clock().astimezone(timezone.utc)
        review_id = self.store.record(
            self.profile,
            ReviewRecord(
                question_id=item.question.id,
                reviewed_at=moment,
                day=self.today,
                grade=grade,
                answer=typed,
                duration_ms=duration_ms,
                kind=item.kind,
                before=before,
                after=after,
            ),
        )
        self._states[item.question.id] = after
        answered = Answered(item, review_id, grade, after, self._snapshot)
        self.history.append(answered)
        self.current = None
        if scheduler.needs_repeat(grade):
            repeat_kind = KIND_CRAM if item.kind == KIND_CRAM else KIND_REPEAT
            self.queue.append(Item(item.question, repeat_kind))
        return answered

    def undo(self) -> Item | None:
        """Take back the last answer; its item is asked again next. None if nothing to undo."""
        if not self.history:
            return None
        last = self.history.pop()
        self.store.undo(self.profile, last.review_id)
        if last.item.kind == KIND_REVIEW:
            qid = last.item.question.id
            self._states[qid] = self.store.card(self.profile, qid)
        self.queue = list(last.queue_before)
        self.current = None
        return last.item

    def summary(self) -> Summary:
        start = self.started or self.clock()
        ids = {q.id for q in self.scope}
        return Summary(
            answered=len(self.history),
            grades=Counter(a.grade for a in self.history),
            seconds=(self.clock() - start).total_seconds(),
            next_due=self.store.next_due(self.profile, self.today - timedelta(days=1), ids),
            scheduled=sum(1 for a in self.history if a.item.kind == KIND_REVIEW),
        )

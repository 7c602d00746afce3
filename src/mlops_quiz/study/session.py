"""A study session: what to ask next, and what an answer does.

Due items come first (most overdue first), then new items up to the daily new limit (the
learner's own questions first, then the bundled bank, each in bank order), all up to the
session limit. An item graded below 4 comes back at the end of the session as a same-day
repeat, which is logged but leaves the schedule alone; repeats still owed when a session ends
(derived from the review log) come back at the end of any later session of the same study day.
Every answer is committed to the store as it is given, and the last one can be taken back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from mlops_quiz import scheduling
from mlops_quiz.bank import Question, content_digest
from mlops_quiz.errors import AnsweredElsewhereError, BadInputError
from mlops_quiz.scheduling import CardState, PastReview, Scheduler
from mlops_quiz.store import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store

DEFAULT_NEW_PER_DAY = 20
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class Item:
    question: Question
    kind: str
    """KIND_REVIEW, KIND_REPEAT or KIND_CRAM."""
    number: int = 0
    """Its place in the session's plan (1-based); 0 for a repeat added during the session."""


@dataclass(frozen=True)
class Outlook:
    """Items of a study day: due reviews, new items within the daily limit, repeats owed."""

    due: int
    new: int
    repeats: int

    @property
    def total(self) -> int:
        return self.due + self.new + self.repeats


@dataclass(frozen=True)
class Answered:
    item: Item
    review_id: int
    grade: int
    after: CardState
    queue_before: tuple[Item, ...]
    suspended: bool = False
    """The answer made the card a leech and it was suspended (``suspend_leeches``)."""


@dataclass
class Summary:
    answered: int
    grades: Counter[int]
    seconds: float
    next_due: date | None
    scheduled: int
    """How many of the answers were scheduling reviews."""
    left: Outlook
    """What is left for today once the session is over."""


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
    planned: int = 0
    """How many items the session planned (repeats added during it are extra)."""
    ahead: Outlook = Outlook(0, 0, 0)
    """What the plan holds: due, new and owed repeats."""
    new_per_day: int = DEFAULT_NEW_PER_DAY
    limit: int = DEFAULT_LIMIT
    cram: bool = False
    suspend_leeches: bool = False
    scheduler: Scheduler = field(default_factory=scheduling.Sm2)
    """What computes the next state of a card; the session never asks which one it is."""
    buried: list[str] = field(default_factory=list)
    """Questions buried (or suspended) during the session."""
    first: bool = False
    """The profile has studied nothing yet: its first session."""
    _snapshot: tuple[Item, ...] = ()
    _states: dict[str, CardState] = field(default_factory=dict)
    _due_ids: frozenset[str] = frozenset()
    _unstudied: int = 0
    _new_allowance: int = 0

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
        ask_now: Sequence[str] = (),
        bundled_file: str | None = None,
        suspend_leeches: bool = False,
        scheduler: Scheduler | None = None,
    ) -> StudySession:
        """Plan a session. ``ask_now`` (question ids) asks just those items, at once;
        new questions not from ``bundled_file`` (the learner's own) are introduced first."""
        if new_per_day < 0 or limit < 0:
            raise BadInputError("--new and --limit must be 0 or more")
        started = clock()
        today = scheduling.study_day(started, day_start_hour)
        scheduler = scheduler or scheduling.Sm2()
        # cards another scheduler computed follow this one from now on, recomputed from the log
        store.reschedule(profile, scheduler)
        order = {q.id: n for n, q in enumerate(questions)}
        by_id = {q.id: q for q in questions}
        # Only what the queue needs: the due cards and which questions are not new.
        states = store.due_cards(profile, today)
        due = [by_id[qid] for qid in states if qid in by_id]
        due.sort(key=lambda q: (states[q.id].due or today, order[q.id]))  # most overdue first
        studied_ids = store.studied_ids(profile)
        held = store.held_ids(profile, today)
        fresh = [q for q in questions if q.id not in studied_ids and q.id not in held]
        if bundled_file is not None:
            fresh.sort(key=lambda q: q.file == bundled_file)  # stable: own questions first
        allowance = max(0, new_per_day - store.introduced_on(profile, today))
        owed: list[Question] = []
        if ask_now:
            items = _asked_now(store, profile, by_id, ask_now, today, states, held)
            reviews = [i.question.id for i in items if i.kind == KIND_REVIEW]
            new_count = sum(1 for qid in reviews if qid not in studied_ids)
            ahead = Outlook(len(reviews) - new_count, new_count, 0)
        elif cram:
            states = store.cards(profile)
            studied = [
                q
                for q in questions
                if q.id in states and not states[q.id].is_new and q.id not in held
            ]
            studied.sort(key=lambda q: (states[q.id].due or today, order[q.id]))
            items = [Item(q, KIND_CRAM) for q in studied + fresh][:limit]
            ahead = Outlook(0, 0, 0)
        else:
            new = fresh[:allowance]
            if limit > 0:
                owed = [by_id[i] for i in store.owed_repeats(profile, today) if i in by_id]
                owed = [q for q in owed if q.id not in states and q.id not in held]
                for q in owed:  # logged with the card's real state, before and after
                    states[q.id] = store.card(profile, q.id)
            planned = (due + new)[:limit]
            items = [Item(q, KIND_REVIEW) for q in planned]
            items += [Item(q, KIND_REPEAT) for q in owed]
            shown_due = min(len(due), limit)
            ahead = Outlook(shown_due, len(planned) - shown_due, len(owed))
        numbered = [Item(i.question, i.kind, n) for n, i in enumerate(items, 1)]
        return cls(
            store=store,
            profile=profile,
            today=today,
            clock=clock,
            queue=numbered,
            scope=list(questions),
            started=started,
            planned=len(numbered),
            ahead=ahead,
            new_per_day=new_per_day,
            limit=limit,
            cram=cram,
            suspend_leeches=suspend_leeches,
            scheduler=scheduler,
            _states=dict(states),
            _due_ids=frozenset(q.id for q in due),
            _unstudied=len(fresh),
            _new_allowance=allowance,
            first=not studied_ids,
        )

    @property
    def total(self) -> int:
        """Items asked so far plus those still to come (grows with repeats)."""
        return len(self.history) + len(self.queue) + (self.current is not None)

    @property
    def repeats_queued(self) -> int:
        """Same-day repeats still to come in this session."""
        return sum(1 for i in self.queue if i.number == 0)

    def empty_reason(self) -> str:
        """Why a session with nothing to ask has nothing to ask, in a few words."""
        if not self.scope:
            return "there are no questions in the bank or the chosen topics"
        if self.limit == 0:
            return "--limit 0 asks for no items"
        if self.new_per_day == 0:
            return "no item is due and --new 0 asks for no new items"
        if self._unstudied == 0:
            return "no item is due and every question has been introduced"
        return (
            f"no item is due and today's {self.new_per_day} new items have been introduced "
            "(--new sets the daily limit)"
        )

    def state_of(self, question_id: str) -> CardState:
        return self._states.get(question_id, CardState())

    def past_of(self, question_id: str) -> list[PastReview]:
        """The card's scheduling reviews so far, for a scheduler that reads them (FSRS)."""
        if not self.scheduler.reads_log:
            return []
        return self.store.scheduling_reviews(self.profile, [question_id]).get(question_id, [])

    def intervals(self, item: Item) -> dict[int, int] | None:
        """The interval in days each grade would give this item, or None when grading it does
        not move its schedule (a repeat, cram practice)."""
        if item.kind != KIND_REVIEW:
            return None
        qid = item.question.id
        return self.scheduler.preview(self.state_of(qid), self.today, self.past_of(qid), qid)

    def next_item(self) -> Item | None:
        if not self.queue:
            self.current = None
            return None
        self._snapshot = tuple(self.queue)
        self.current = self.queue.pop(0)
        return self.current

    def answer(
        self,
        item: Item,
        grade: int,
        typed: str,
        duration_ms: int,
        key_points_made: str | None = None,
    ) -> Answered:
        """Record an answer (committed before this returns) and queue a repeat if needed.
        ``key_points_made``: for an open item, which key points were made ("1,3/5")."""
        scheduling.check_grade(grade)
        before = self.state_of(item.question.id)
        after = (
            self.scheduler.next_state(
                before, grade, self.today, self.past_of(item.question.id), item.question.id
            )
            if item.kind == KIND_REVIEW
            else before
        )
        moment = self.clock().astimezone(timezone.utc)
        suspend = (
            self.suspend_leeches
            and item.kind == KIND_REVIEW
            and after.lapses > before.lapses
            and scheduling.is_leech(after)
        )
        review_id = self._record(
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
                key_points_made=key_points_made,
            ),
            suspend,
            item.question,
        )
        self._states[item.question.id] = after
        answered = Answered(item, review_id, grade, after, self._snapshot, suspend)
        self.history.append(answered)
        self.current = None
        if scheduling.needs_repeat(grade) and not suspend:
            repeat_kind = KIND_CRAM if item.kind == KIND_CRAM else KIND_REPEAT
            self.queue.append(Item(item.question, repeat_kind))
        return answered

    def _record(self, review: ReviewRecord, suspend: bool, question: Question) -> int:
        """Commit one answer. A card answered meanwhile in another session of the profile is
        not recorded (AnsweredElsewhereError): its state is read again and it leaves the
        session, so neither review is lost or counted twice."""
        try:
            return self.store.record(
                self.profile,
                review,
                suspend=suspend,
                scheduler=self.scheduler.name,
                content=content_digest(question),
            )
        except AnsweredElsewhereError:
            qid = review.question_id
            self._states[qid] = self.store.card(self.profile, qid)
            self.queue = [i for i in self.queue if i.question.id != qid]
            self.current = None
            raise

    def undo(self) -> Item | None:
        """Take back the last answer; its item is asked again next. None if nothing to undo.
        An item buried since stays out of the session."""
        if not self.history:
            return None
        last = self.history.pop()
        self.store.undo(self.profile, last.review_id)
        if last.suspended:
            self.store.set_suspended(self.profile, [last.item.question.id], False)
        if last.item.kind == KIND_REVIEW:
            qid = last.item.question.id
            self._states[qid] = self.store.card(self.profile, qid)
        held = set(self.buried)  # put aside in this session: no undo brings them back
        self.queue = [i for i in last.queue_before if i.question.id not in held]
        self.current = None
        return last.item

    def bury(self, item: Item) -> None:
        """Skip an item until the next study day, ungraded: it and its repeats leave the queue."""
        qid = item.question.id
        self.store.bury(self.profile, [qid], self.today + timedelta(days=1))
        self.queue = [i for i in self.queue if i.question.id != qid]
        self.buried.append(qid)
        self.current = None

    def suspend(self, item: Item) -> None:
        """Put an item aside until unsuspended, ungraded: it and its repeats leave the queue."""
        qid = item.question.id
        self.store.set_suspended(self.profile, [qid], True)
        self.queue = [i for i in self.queue if i.question.id != qid]
        self.buried.append(qid)  # held out of the session, whatever is undone
        self.current = None

    def summary(self) -> Summary:
        start = self.started or self.clock()
        ids = {q.id for q in self.scope}
        return Summary(
            answered=len(self.history),
            grades=Counter(a.grade for a in self.history),
            seconds=(self.clock() - start).total_seconds(),
            next_due=self.store.next_due(self.profile, self.today - timedelta(days=1), ids),
            scheduled=sum(1 for a in self.history if a.item.kind == KIND_REVIEW),
            left=self._left_for_today(ids),
        )

    def _left_for_today(self, ids: set[str]) -> Outlook:
        reviewed = [a for a in self.history if a.item.kind == KIND_REVIEW]
        reviewed_ids = {a.item.question.id for a in reviewed}
        introduced = sum(1 for a in reviewed if a.item.question.id not in self._due_ids)
        new_left = min(self._new_allowance, self._unstudied) - introduced
        held = self.store.held_ids(self.profile, self.today)  # a suspended leech is owed nothing
        owed = [
            qid
            for qid in self.store.owed_repeats(self.profile, self.today)
            if qid in ids and qid not in held
        ]
        return Outlook(len(self._due_ids - reviewed_ids), max(0, new_left), len(owed))


def _asked_now(
    store: Store,
    profile: str,
    by_id: dict[str, Question],
    ids: Sequence[str],
    today: date,
    states: dict[str, CardState],
    held: set[str],
) -> list[Item]:
    """The items ``study --id`` asks: a new or due one as a review, any other as practice
    (reviewing an item before it is due would distort its schedule). Adds their states.
    A suspended or buried card is refused: the learner put it aside."""
    items: list[Item] = []
    for qid in dict.fromkeys(ids):
        if qid not in by_id:
            raise BadInputError(f"no question with id {qid!r} in the loaded banks and topics")
        if qid in held:
            flags = store.card_flags(profile).get(qid)
            if flags is not None and flags.suspended:
                raise BadInputError(
                    f"{qid!r} is suspended; 'mlops-quiz unsuspend {qid}' brings it back"
                )
            raise BadInputError(f"{qid!r} is buried; it comes back on the next study day")
        state = store.card(profile, qid)
        if not state.is_new:
            states[qid] = state
        due = state.is_new or (state.due is not None and state.due <= today)
        items.append(Item(by_id[qid], KIND_REVIEW if due else KIND_CRAM))
    return items

"""Progress statistics of one profile over the questions of the loaded bank.

Only questions in the bank count: progress on a question that was removed is kept in the
database but left out here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mlops_quiz.bank import Bank, Question
from mlops_quiz.scheduling import NEW_CARD, Scheduler, is_leech, is_mature
from mlops_quiz.store import Store
from mlops_quiz.store.schema import parse_points_made

FORECAST_DAYS = 7
HISTORY_DAYS = 30
MOST_LAPSED = 5
CALENDAR_WEEKS = 53
"""The calendar of answers covers the last year: this many weeks, Monday to Sunday."""
MOST_MISSED = 5
"""How many of the most often missed key points stats shows."""


@dataclass
class TopicRetention:
    topic: str
    title: str
    reviews: int
    passed: int

    @property
    def share(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


@dataclass(frozen=True)
class MissedPoint:
    """A key point of an open item and how often the learner's answers missed it."""

    question_id: str
    key_point: str
    missed: int
    answers: int
    """Answers recorded with the item's current number of key points."""


@dataclass
class Stats:
    profile: str
    today: date
    total: int
    new: int
    learning: int
    mature: int
    due_today: int
    forecast: list[tuple[date, int]]
    reviews_per_day: list[tuple[date, int]]
    reviews: int
    passed: int
    by_topic: list[TopicRetention]
    mean_ef: float | None
    streak: int
    most_lapsed: list[tuple[str, int]] = field(default_factory=list)
    suspended: int = 0
    """Cards put aside: not counted as new, learning or mature, never due."""
    buried: int = 0
    leeches: list[tuple[str, int]] = field(default_factory=list)
    calendar: dict[date, int] = field(default_factory=dict)
    """Answers per day over the last year (days with none left out)."""
    calendar_start: date | None = None
    longest_streak: int = 0
    has_progress: bool = True
    most_missed: list[MissedPoint] = field(default_factory=list)
    scheduler: str = "sm2"
    predicted_retention: float | None = None
    """Under FSRS: the mean probability of recall today of the cards studied (their
    retrievability), as the scheduler predicts it; None under SM-2, which predicts none."""

    @property
    def retention(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "today": self.today.isoformat(),
            "cards": {
                "total": self.total,
                "new": self.new,
                "learning": self.learning,
                "mature": self.mature,
            },
            "due_today": self.due_today,
            "scheduler": self.scheduler,
            "predicted_retention": self.predicted_retention,
            "forecast": [{"date": d.isoformat(), "due": n} for d, n in self.forecast],
            "reviews_per_day": [
                {"date": d.isoformat(), "reviews": n} for d, n in self.reviews_per_day
            ],
            "retention": {
                "reviews": self.reviews,
                "passed": self.passed,
                "share": self.retention,
                "by_topic": [
                    {
                        "topic": t.topic,
                        "title": t.title,
                        "reviews": t.reviews,
                        "passed": t.passed,
                        "share": t.share,
                    }
                    for t in self.by_topic
                ],
            },
            "mean_ef": self.mean_ef,
            "streak_days": self.streak,
            "most_lapsed": [{"id": qid, "lapses": n} for qid, n in self.most_lapsed],
            "suspended": self.suspended,
            "buried": self.buried,
            "leeches": [{"id": qid, "lapses": n} for qid, n in self.leeches],
            "longest_streak_days": self.longest_streak,
            "calendar": [
                {"date": d.isoformat(), "answers": n} for d, n in sorted(self.calendar.items())
            ],
            "has_progress": self.has_progress,
            "most_missed_key_points": [
                {
                    "id": m.question_id,
                    "key_point": m.key_point,
                    "missed": m.missed,
                    "answers": m.answers,
                }
                for m in self.most_missed
            ],
        }


def streak(studied_on: Callable[[date], bool], recent: dict[date, int], today: date) -> int:
    """Consecutive study days ending today (or yesterday, if today has no answer yet).

    ``recent`` holds the answers per day already counted; older days are asked one by one,
    which costs one indexed look-up per day of the streak instead of a scan of the log.
    """

    def any_on(day: date) -> bool:
        return recent[day] > 0 if day in recent else studied_on(day)

    day = today if any_on(today) else today - timedelta(days=1)
    count = 0
    while any_on(day):
        count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(days: list[date]) -> int:
    """The most consecutive days in a sorted list of days."""
    best = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def calendar_start(today: date) -> date:
    """The Monday that starts the calendar's first week (the last year, week by week)."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=CALENDAR_WEEKS - 1)


def most_missed(
    questions: Sequence[Question], recorded: dict[tuple[str, str], int]
) -> list[MissedPoint]:
    """The key points missed most often (then by share missed, then in bank order), from the
    key points made recorded with each answer. An answer recorded when its item had another
    number of key points is left out: the numbers would point at other points."""
    by_id = {q.id: q for q in questions if q.type == "open" and q.key_points}
    order = {qid: n for n, qid in enumerate(by_id)}
    answers: dict[str, int] = {}
    missed: dict[tuple[str, int], int] = {}
    for (qid, text), count in recorded.items():
        question = by_id.get(qid)
        parsed = parse_points_made(text)
        if question is None or parsed is None or parsed[1] != len(question.key_points):
            continue
        answers[qid] = answers.get(qid, 0) + count
        for n in range(1, parsed[1] + 1):
            if n not in parsed[0]:
                missed[qid, n] = missed.get((qid, n), 0) + count
    ranked = sorted(
        missed.items(),
        key=lambda item: (-item[1], -item[1] / answers[item[0][0]], order[item[0][0]], item[0][1]),
    )
    return [
        MissedPoint(qid, by_id[qid].key_points[n - 1], count, answers[qid])
        for (qid, n), count in ranked[:MOST_MISSED]
    ]


def predicted_retention(
    store: Store, profile: str, today: date, scheduler: Scheduler, studied: Iterable[str]
) -> float | None:
    """The mean retrievability today of the studied cards, for a scheduler that predicts it."""
    logs = store.scheduling_reviews(profile)
    values = [
        scheduler.describe(NEW_CARD, today, logs[qid]).get("retrievability")
        for qid in studied
        if logs.get(qid)
    ]
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def compute(
    store: Store, bank: Bank, profile: str, today: date, scheduler: Scheduler | None = None
) -> Stats:
    """A profile's statistics; ``scheduler``: the profile's, when it is not SM-2."""
    questions = bank.questions
    states = store.cards(profile)
    topic_of = {q.id: q.topic for q in questions}
    flags = {qid: f for qid, f in store.card_flags(profile).items() if qid in topic_of}
    suspended = {qid for qid, f in flags.items() if f.suspended}
    buried = {qid for qid, f in flags.items() if f.buried(today) and qid not in suspended}
    leeches = sorted(
        ((qid, s.lapses) for qid, s in states.items() if qid in topic_of and is_leech(s)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    studied = {
        qid: s
        for qid, s in states.items()
        if qid in topic_of and not s.is_new and qid not in suspended
    }
    horizon = today + timedelta(days=FORECAST_DAYS - 1)
    forecast = dict.fromkeys((today + timedelta(days=n) for n in range(FORECAST_DAYS)), 0)
    for qid, state in studied.items():
        if qid in buried and state.due is not None and state.due <= today:
            continue
        if state.due is not None and state.due <= horizon:
            forecast[max(state.due, today)] += 1
    since = today - timedelta(days=HISTORY_DAYS - 1)
    first = calendar_start(today)
    # One grouped read of the log serves the 30-day chart, the calendar and both streaks.
    per_day = store.reviews_per_day(profile)
    recent = {
        since + timedelta(days=n): per_day.get(since + timedelta(days=n), 0)
        for n in range(HISTORY_DAYS)
    }
    results = store.scheduling_results(profile)
    by_topic = {tid: TopicRetention(tid, t.title, 0, 0) for tid, t in bank.topics.items()}
    for qid, (n, ok) in results.items():
        topic = topic_of.get(qid)
        if topic is None:
            continue
        by_topic[topic].reviews += n
        by_topic[topic].passed += ok
    lapsed = sorted(
        ((qid, s.lapses) for qid, s in studied.items() if s.lapses > 0),
        key=lambda pair: (-pair[1], pair[0]),
    )
    mature = sum(1 for s in studied.values() if is_mature(s))
    calendar = {d: n for d, n in per_day.items() if n and first <= d <= today}
    days = sorted(d for d, n in per_day.items() if n)
    day_set = set(days)
    return Stats(
        profile=profile,
        today=today,
        total=len(questions),
        new=len(questions) - len(studied) - len(suspended),
        learning=len(studied) - mature,
        mature=mature,
        due_today=forecast[today],
        forecast=sorted(forecast.items()),
        reviews_per_day=list(recent.items()),
        reviews=sum(t.reviews for t in by_topic.values()),
        passed=sum(t.passed for t in by_topic.values()),
        by_topic=list(by_topic.values()),
        mean_ef=(sum(s.ef100 for s in studied.values()) / len(studied) / 100) if studied else None,
        streak=streak(day_set.__contains__, recent, today),
        most_lapsed=lapsed[:MOST_LAPSED],
        suspended=len(suspended),
        buried=len(buried),
        leeches=leeches,
        calendar=calendar,
        calendar_start=first,
        longest_streak=longest_streak(days),
        has_progress=bool(days) or bool(states),
        most_missed=most_missed(questions, store.key_points_made(profile)),
        scheduler=scheduler.name if scheduler is not None else "sm2",
        predicted_retention=(
            predicted_retention(store, profile, today, scheduler, studied)
            if scheduler is not None and scheduler.name != "sm2"
            else None
        ),
    )

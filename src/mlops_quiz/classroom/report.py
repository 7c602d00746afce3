"""The teacher's report on a class: per learner, per question and per topic, sorted so that the
learners who struggle and the hardest questions come first.

Only questions of the bank in use (the published one) count, as in ``stats``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mlops_quiz.bank import Bank
from mlops_quiz.scheduling import MATURE_DAYS
from mlops_quiz.store.class_report import ClassActivity
from mlops_quiz.study.stats import MissedPoint, most_missed, streak


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class LearnerRow:
    learner: str
    answers: int = 0
    reviews: int = 0
    passes: int = 0
    learning: int = 0
    mature: int = 0
    due: int = 0
    streak: int = 0
    last_active: str | None = None

    @property
    def retention(self) -> float | None:
        return share(self.passes, self.reviews)

    def to_json(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "answers": self.answers,
            "retention": self.retention,
            "learning": self.learning,
            "mature": self.mature,
            "due": self.due,
            "streak": self.streak,
            "last_active": self.last_active,
        }


@dataclass
class QuestionRow:
    id: str
    topic: str
    answers: int = 0
    reviews: int = 0
    failed: int = 0
    learners: set[str] = field(default_factory=set)
    missed_points: list[MissedPoint] = field(default_factory=list)
    """The key points the class missed most often in answers to it (open items)."""

    @property
    def failed_share(self) -> float | None:
        return share(self.failed, self.reviews)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "answers": self.answers,
            "learners": len(self.learners),
            "failed_share": self.failed_share,
            "missed_key_points": [
                {"key_point": m.key_point, "missed": m.missed, "answers": m.answers}
                for m in self.missed_points
            ],
        }


@dataclass
class ClassReportResult:
    today: date
    learners: list[LearnerRow]
    questions: list[QuestionRow]
    topics: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "learners": [row.to_json() for row in self.learners],
            "questions": [row.to_json() for row in self.questions],
            "topics": self.topics,
        }


def compute(
    activity: ClassActivity, bank: Bank, learners: list[str], today: date
) -> ClassReportResult:
    """The report. ``learners``: the class's logins (a learner with no answer yet is listed);
    progress under other profiles (a removed learner's, kept) is listed too. A learner's answers
    are all their answers; a question's, the answers to it (only the bank's questions count)."""
    topic_of = {q.id: q.topic for q in bank.questions}
    people = {name: LearnerRow(name) for name in learners}
    questions = {q.id: QuestionRow(q.id, q.topic) for q in bank.questions}
    recorded: dict[str, dict[tuple[str, str], int]] = {}
    for key, count in activity.points_made.items():
        recorded.setdefault(key[0], {})[key] = count
    for q in bank.questions:
        if q.id in recorded:
            questions[q.id].missed_points = most_missed([q], recorded[q.id])
    for card in activity.cards:
        if card.question_id not in topic_of:
            continue
        person = people.setdefault(card.profile, LearnerRow(card.profile))
        person.reviews += card.reviews
        person.passes += card.passes
        if card.interval >= MATURE_DAYS:
            person.mature += 1
        else:
            person.learning += 1
        if card.due is not None and card.due <= today:
            person.due += 1
        question = questions[card.question_id]
        question.reviews += card.reviews
        question.failed += card.reviews - card.passes
        question.learners.add(card.profile)
    for qid, count in activity.answers_by_question.items():
        if qid in questions:
            questions[qid].answers += count
    for name in activity.days:
        people.setdefault(name, LearnerRow(name))
    for name, person in people.items():
        days = activity.days.get(name, {})
        person.answers = sum(days.values())
        person.last_active = activity.last_active.get(name)
        person.streak = streak(lambda day: False, days, today)
    topics: list[dict[str, Any]] = []
    for topic in bank.topics.values():
        rows = [q for q in questions.values() if q.topic == topic.id]
        reviews = sum(q.reviews for q in rows)
        failed = sum(q.failed for q in rows)
        topics.append(
            {
                "topic": topic.id,
                "title": topic.title,
                "questions": len(rows),
                "answers": sum(q.answers for q in rows),
                "failed_share": share(failed, reviews),
            }
        )

    def learner_key(row: LearnerRow) -> tuple[float, int, str]:
        retention = row.retention
        return (-1.0 if retention is None else retention, -row.due, row.learner)

    def question_key(row: QuestionRow) -> tuple[float, int, str]:
        failed = row.failed_share
        return (-(failed if failed is not None else -1.0), -row.answers, row.id)

    def topic_key(topic: dict[str, Any]) -> float:
        failed = topic["failed_share"]
        return -(float(failed) if failed is not None else -1.0)

    topics.sort(key=topic_key)
    return ClassReportResult(
        today=today,
        learners=sorted(people.values(), key=learner_key),
        questions=sorted(questions.values(), key=question_key),
        topics=topics,
    )

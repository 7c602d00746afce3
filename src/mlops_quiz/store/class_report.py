"""What the teacher's report reads: every learner's cards and answer counts, in a few grouped
queries (the server does the counting, whatever the size of the log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, func, select, type_coerce

from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import _as_date, cards, reviews


@dataclass(frozen=True)
class CardRow:
    profile: str
    question_id: str
    interval: int
    due: date | None
    reviews: int
    passes: int


@dataclass(frozen=True)
class ClassActivity:
    """Every profile's cards, answers per (profile, question), last answer, days studied."""

    cards: list[CardRow]
    answers: dict[tuple[str, str], int]
    last_active: dict[str, str]
    days: dict[str, set[date]]


class ClassReport(StoreBase):
    """Reading every profile at once (the teacher's login reads all rows)."""

    def class_activity(self, since: date) -> ClassActivity:
        """``since``: the first day whose answers count for the streaks."""
        with self._guard("read"), self._read() as conn:
            card_rows = [
                CardRow(str(p), str(q), int(i), _as_date(d), int(n), int(ok))
                for p, q, i, d, n, ok in conn.execute(
                    select(
                        cards.c.profile,
                        cards.c.question_id,
                        cards.c.interval,
                        type_coerce(cards.c.due, String),
                        cards.c.reviews,
                        cards.c.passes,
                    )
                )
            ]
            answers = {
                (str(p), str(q)): int(n)
                for p, q, n in conn.execute(
                    select(reviews.c.profile, reviews.c.question_id, func.count()).group_by(
                        reviews.c.profile, reviews.c.question_id
                    )
                )
            }
            last_active = {
                str(p): str(at)
                for p, at in conn.execute(
                    select(reviews.c.profile, func.max(reviews.c.reviewed_at)).group_by(
                        reviews.c.profile
                    )
                )
            }
            days: dict[str, set[date]] = {}
            for p, d in conn.execute(
                select(reviews.c.profile, type_coerce(reviews.c.day, String))
                .where(reviews.c.day >= since)
                .distinct()
            ):
                day = _as_date(d)
                assert day is not None
                days.setdefault(str(p), set()).add(day)
        return ClassActivity(card_rows, answers, last_active, days)

"""What the teacher's report reads: every learner's cards and answer counts, in a few grouped
queries (the server does the counting, whatever the size of the log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, String, func, select, type_coerce

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
    """Every profile's cards; answers per question; per profile, answers per study day and the
    time of the last answer."""

    cards: list[CardRow]
    answers_by_question: dict[str, int]
    days: dict[str, dict[date, int]]
    last_active: dict[str, str]
    points_made: dict[tuple[str, str], int] = field(default_factory=dict)
    """Answers per (question id, key points made as "1,3/5"), every profile together."""


def _moment(text: object) -> str | None:
    """A logged time as ISO text, or None when it is not one: a learner writes their own rows,
    and markup, escapes or a formula in them must not reach the teacher's report."""
    try:
        return datetime.fromisoformat(str(text)).isoformat()
    except ValueError:
        return None


class ClassReport(StoreBase):
    """Reading every profile at once (the teacher's login reads all rows)."""

    def class_activity(self) -> ClassActivity:
        """Two passes over the log, grouped by the server: by (profile, day) and by question."""
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
            by_question = {
                str(q): int(n)
                for q, n in conn.execute(
                    select(reviews.c.question_id, func.count()).group_by(reviews.c.question_id)
                )
            }
            days: dict[str, dict[date, int]] = {}
            last_active: dict[str, str] = {}
            for p, d, n, at in conn.execute(
                select(
                    reviews.c.profile,
                    type_coerce(reviews.c.day, String),
                    func.count(),
                    func.max(reviews.c.reviewed_at),
                ).group_by(reviews.c.profile, reviews.c.day)
            ):
                day = _as_date(d)
                assert day is not None
                days.setdefault(str(p), {})[day] = int(n)
                moment = _moment(at)
                if moment is not None:
                    last_active[str(p)] = max(last_active.get(str(p), ""), moment)
            points_made = {
                (str(q), str(made)): int(n)
                for q, made, n in conn.execute(
                    select(reviews.c.question_id, reviews.c.key_points_made, func.count())
                    .where(reviews.c.key_points_made.is_not(None))
                    .group_by(reviews.c.question_id, reviews.c.key_points_made)
                )
            }
            groups = self._group_names(conn)
        card_rows = [row for row in card_rows if row.profile not in groups]
        for name in groups:
            days.pop(name, None)
            last_active.pop(name, None)
        return ClassActivity(card_rows, by_question, days, last_active, points_made)

    @staticmethod
    def _group_names(conn: Connection) -> set[str]:
        """The server's roles that cannot log in (a class's groups): no learner's profile."""
        if conn.dialect.name != "postgresql":
            return set()
        rows = conn.exec_driver_sql("SELECT rolname FROM pg_roles WHERE NOT rolcanlogin")
        return {str(r[0]) for r in rows}

"""Card states: the schedule of each (profile, question)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    String,
    and_,
    func,
    or_,
    select,
    type_coerce,
)

from mlops_quiz.scheduling import CardState
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import _as_date, cards

NEXT_DUE_PEEK = 50


class CardStates(StoreBase):
    """Reading card states."""

    def _states(self, *where: Any) -> dict[str, CardState]:
        """Card states by question id, oldest due first. Dates are read as text and parsed
        with ``date.fromisoformat``: SQLAlchemy's own SQLite date parsing is several times
        slower, which shows on a profile with thousands of cards."""
        query = (
            select(
                cards.c.question_id,
                cards.c.repetitions,
                cards.c.interval,
                cards.c.ef100,
                type_coerce(cards.c.due, String),
                cards.c.lapses,
            )
            .where(*where)
            .order_by(cards.c.due, cards.c.question_id)
        )
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(query).all()
        return {
            qid: CardState(reps, interval, ef100, _as_date(due), lapses)
            for qid, reps, interval, ef100, due, lapses in rows
        }

    def cards(self, profile: str) -> dict[str, CardState]:
        """Every card of a profile that has been studied, by question id."""
        return self._states(cards.c.profile == profile)

    def card(self, profile: str, question_id: str) -> CardState:
        found = self._states(cards.c.profile == profile, cards.c.question_id == question_id)
        return found.get(question_id, CardState())

    def due_cards(self, profile: str, today: date) -> dict[str, CardState]:
        """Cards due on or before ``today``, most overdue first; suspended cards and cards
        buried until a later day are left out."""
        return self._states(
            cards.c.profile == profile,
            cards.c.due <= today,
            cards.c.suspended == 0,
            or_(cards.c.buried_until.is_(None), cards.c.buried_until <= today),
        )

    def studied_ids(self, profile: str) -> set[str]:
        """Ids of every question the profile has studied (and not reset to new since)."""
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(cards.c.question_id).where(
                    cards.c.profile == profile, cards.c.due.is_not(None)
                )
            )
            return set(rows.scalars())

    def next_due(self, profile: str, after: date, ids: set[str]) -> date | None:
        """The earliest due date after ``after`` among the given questions."""
        query = (
            select(cards.c.question_id, type_coerce(cards.c.due, String))
            .where(cards.c.profile == profile, cards.c.due > after, cards.c.suspended == 0)
            .order_by(cards.c.due)
        )
        with self._guard("read"), self._read() as conn:
            # Nearly always the first rows are in the bank: look at a few before all of them.
            for limit in (NEXT_DUE_PEEK, None):
                rows = conn.execute(query.limit(limit)).all()
                for qid, due in rows:
                    if qid in ids:
                        return _as_date(due)
                if limit is not None and len(rows) < limit:
                    break
        return None

    def introduced_on(self, profile: str, day: date) -> int:
        """How many new cards were started on a study day (for the daily new limit)."""
        with self._guard("read"), self._read() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(cards)
                    .where(and_(cards.c.profile == profile, cards.c.introduced_on == day))
                ).scalar_one()
            )

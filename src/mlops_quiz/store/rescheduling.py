"""Which scheduler a profile's cards follow: their scheduling reviews read from the log, and
every card recomputed from them when the profile changes scheduler."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from mlops_quiz.scheduling import PastReview, Scheduler
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import (
    KIND_REVIEW,
    _as_date,
    _state_columns,
    cards,
    logged_moment,
    profile_settings,
    reviews,
)

SM2 = "sm2"
"""Cards computed by SM-2 have no scheduler recorded (as every card before there was FSRS)."""


class Rescheduling(StoreBase):
    """Scheduling reviews per card, and rescheduling a profile."""

    def scheduling_reviews(
        self, profile: str, question_ids: Iterable[str] | None = None
    ) -> dict[str, list[PastReview]]:
        """Each card's scheduling reviews since its last reset, in time order: what every
        scheduler computes a card's state from (same-day repeats and cram do not count)."""
        query = select(
            reviews.c.question_id,
            reviews.c.reviewed_at,
            reviews.c.id,
            reviews.c.day,
            reviews.c.grade,
        ).where(
            reviews.c.profile == profile,
            reviews.c.kind == KIND_REVIEW,
            reviews.c.reset_at.is_(None),
        )
        if question_ids is not None:
            query = query.where(reviews.c.question_id.in_(sorted(set(question_ids))))
        with self._guard("read"), self._read() as conn:
            timed = [(logged_moment(row[1]), row) for row in conn.execute(query)]
        rows = sorted(
            ((moment, row) for moment, row in timed if moment is not None),
            key=lambda pair: (pair[0], pair[1][2]),
        )
        found: dict[str, list[PastReview]] = {}
        for _, (qid, _, _, day, grade) in rows:
            found.setdefault(qid, []).append((_as_date(day) or date.min, grade))
        return found

    def reschedule(self, profile: str, scheduler: Scheduler) -> int:
        """Recompute, from its log, every studied card of ``profile`` that another scheduler
        computed; one transaction. Flags (suspended, buried) and counters are kept. Returns how
        many cards changed scheduler."""
        recorded = func.coalesce(cards.c.scheduler, SM2)
        with self._guard("read"), self._read() as conn:
            stale = list(
                conn.execute(
                    select(cards.c.question_id).where(
                        cards.c.profile == profile,
                        cards.c.due.is_not(None),
                        recorded != scheduler.name,
                    )
                ).scalars()
            )
        if not stale:
            return 0
        past = self.scheduling_reviews(profile, stale)
        rows = []
        for qid in stale:
            state = scheduler.replay(past.get(qid, []), qid)
            rows.append(
                {
                    "old_question": qid,
                    "new_scheduler": None if scheduler.name == SM2 else scheduler.name,
                    **_state_columns("", state),
                }
            )
        names = [name for name in rows[0] if name not in {"old_question", "new_scheduler"}]
        with self._guard("save the schedule to"), self._write() as conn:
            conn.execute(
                update(cards)
                .where(
                    and_(
                        cards.c.profile == profile,
                        cards.c.question_id == bindparam("old_question"),
                        cards.c.due.is_not(None),
                    )
                )
                .values(
                    {
                        **{name: bindparam(name) for name in names},
                        "scheduler": bindparam("new_scheduler"),
                    }
                ),
                rows,
            )
        return len(rows)

    def profile_setting(self, profile: str, key: str) -> str | None:
        """A setting the profile keeps in the database (None if it has none)."""
        with self._guard("read"), self._read() as conn:
            found = conn.execute(
                select(profile_settings.c.value).where(
                    profile_settings.c.profile == profile, profile_settings.c.key == key
                )
            ).scalar_one_or_none()
        return None if found is None else str(found)

    def set_profile_setting(self, profile: str, key: str, value: str) -> None:
        where = and_(profile_settings.c.profile == profile, profile_settings.c.key == key)
        with self._guard("save a setting to"), self._write() as conn:
            conn.execute(delete(profile_settings).where(where))
            conn.execute(insert(profile_settings).values(profile=profile, key=key, value=value))

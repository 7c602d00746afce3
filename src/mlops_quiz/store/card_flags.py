"""The learner's hold on cards: suspend, bury, reset, rename, and what each card's flags are.

Every command here is one transaction: all the cards it names change, or none does. A card
that was never studied gets a row holding a new card (no due date) when it is suspended or
buried, so the flag has somewhere to live.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)

from mlops_quiz.errors import BadInputError
from mlops_quiz.scheduling import NEW_CARD
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import _as_date, _state_columns, cards, logged_moment, reviews


@dataclass(frozen=True)
class CardFlags:
    """What the learner set on one card."""

    suspended: bool = False
    buried_until: date | None = None
    """Not asked on study days before this one."""

    def buried(self, today: date) -> bool:
        return self.buried_until is not None and today < self.buried_until


@dataclass(frozen=True)
class HistoryEntry:
    """One logged answer, as ``show`` lists it."""

    reviewed_at: str
    day: date
    grade: int
    kind: str
    answer: str
    interval_before: int
    interval_after: int
    reset_at: str | None


@dataclass(frozen=True)
class ProfileSummary:
    name: str
    answers: int
    cards: int
    """Cards studied (with a schedule)."""
    last_activity: str | None


class CardControl(StoreBase):
    """Suspending, burying, resetting and renaming cards; reading their flags."""

    def card_flags(self, profile: str) -> dict[str, CardFlags]:
        """The flags of every card of a profile that has any (suspended or buried)."""
        query = select(
            cards.c.question_id, cards.c.suspended, type_coerce(cards.c.buried_until, String)
        ).where(
            cards.c.profile == profile,
            or_(cards.c.suspended != 0, cards.c.buried_until.is_not(None)),
        )
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(query).all()
        return {qid: CardFlags(bool(s), _as_date(until)) for qid, s, until in rows}

    def held_ids(self, profile: str, today: date) -> set[str]:
        """Questions not to be asked today: suspended, or buried until a later day."""
        return {
            qid
            for qid, flags in self.card_flags(profile).items()
            if flags.suspended or flags.buried(today)
        }

    def _ensure_rows(self, conn: Connection, profile: str, ids: Iterable[str]) -> None:
        """A row (a new card) for each question that has none yet."""
        have = set(
            conn.execute(
                select(cards.c.question_id).where(
                    cards.c.profile == profile, cards.c.question_id.in_(list(ids))
                )
            ).scalars()
        )
        missing = [qid for qid in dict.fromkeys(ids) if qid not in have]
        if missing:
            conn.execute(
                insert(cards),
                [
                    {"profile": profile, "question_id": qid, **_state_columns("", NEW_CARD)}
                    for qid in missing
                ],
            )

    def set_suspended(self, profile: str, ids: list[str], suspended: bool) -> int:
        """Suspend or unsuspend cards; returns how many changed."""
        with self._guard("save to"), self._write() as conn:
            if suspended:
                self._ensure_rows(conn, profile, ids)
            result = conn.execute(
                update(cards)
                .where(
                    cards.c.profile == profile,
                    cards.c.question_id.in_(ids),
                    cards.c.suspended != int(suspended),
                )
                .values(suspended=int(suspended))
            )
            return int(result.rowcount)

    def bury(self, profile: str, ids: list[str], until: date) -> int:
        """Keep cards from being asked on study days before ``until``."""
        with self._guard("save to"), self._write() as conn:
            self._ensure_rows(conn, profile, ids)
            result = conn.execute(
                update(cards)
                .where(cards.c.profile == profile, cards.c.question_id.in_(ids))
                .values(buried_until=until)
            )
            return int(result.rowcount)

    def reset(self, profile: str, ids: list[str], moment: datetime) -> int:
        """Start cards again as new. Their answers stay in the log, marked with the time of
        the reset, and the per-card counters stay, so retention counts them as before."""
        stamp = moment.isoformat()
        with self._guard("save to"), self._write() as conn:
            conn.execute(
                update(reviews)
                .where(
                    reviews.c.profile == profile,
                    reviews.c.question_id.in_(ids),
                    reviews.c.reset_at.is_(None),
                )
                .values(reset_at=stamp)
            )
            result = conn.execute(
                update(cards)
                .where(
                    cards.c.profile == profile,
                    cards.c.question_id.in_(ids),
                    cards.c.due.is_not(None),
                )
                .values(
                    introduced_on=None,
                    last_reviewed_at=None,
                    buried_until=None,
                    **_state_columns("", NEW_CARD),
                )
            )
            return int(result.rowcount)

    def rename(self, old: str, new: str, profile: str | None, force: bool) -> dict[str, int]:
        """Move the progress and history of question ``old`` to ``new`` (for one profile or
        all). Refused if ``new`` has progress, unless ``force``, which replaces it. Returns
        the answers moved per profile."""

        def mine(table: Any, qid: str) -> Any:
            where = table.c.question_id == qid
            return and_(where, table.c.profile == profile) if profile is not None else where

        with self._guard("save to"), self._write() as conn:
            moved: dict[str, int] = dict(
                conn.execute(
                    select(reviews.c.profile, func.count())
                    .where(mine(reviews, old))
                    .group_by(reviews.c.profile)
                ).all()
            )
            for name in conn.execute(select(cards.c.profile).where(mine(cards, old))).scalars():
                moved.setdefault(name, 0)
            if not moved:
                raise BadInputError(f"no progress is kept for {old!r}; nothing to rename")
            taken = sorted(
                set(conn.execute(select(cards.c.profile).where(mine(cards, new))).scalars())
                | set(conn.execute(select(reviews.c.profile).where(mine(reviews, new))).scalars())
            )
            clash = [name for name in taken if name in moved]
            if clash and not force:
                raise BadInputError(
                    f"{new!r} already has progress (profile {', '.join(clash)}); "
                    "add --force to replace it with the progress of "
                    f"{old!r}"
                )
            for table in (cards, reviews):
                conn.execute(
                    delete(table).where(mine(table, new), table.c.profile.in_(list(moved)))
                )
                conn.execute(update(table).where(mine(table, old)).values(question_id=new))
        return {name: int(n) for name, n in sorted(moved.items())}

    def card_history(self, profile: str, question_id: str) -> list[HistoryEntry]:
        """Every logged answer of one card, oldest first."""
        query = (
            select(
                reviews.c.reviewed_at,
                type_coerce(reviews.c.day, String),
                reviews.c.grade,
                reviews.c.kind,
                reviews.c.answer,
                reviews.c.before_interval,
                reviews.c.after_interval,
                reviews.c.reset_at,
            )
            .where(reviews.c.profile == profile, reviews.c.question_id == question_id)
            .order_by(reviews.c.id)
        )
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(query).all()
        return [
            HistoryEntry(
                at,
                day if isinstance(day, date) else date.fromisoformat(day),
                grade,
                kind,
                answer,
                before,
                after,
                reset,
            )
            for at, day, grade, kind, answer, before, after, reset in rows
        ]

    def profile_summaries(self) -> list[ProfileSummary]:
        """Every profile with any progress: answers, cards studied, last answer."""
        with self._guard("read"), self._read() as conn:
            logged = {
                name: (int(n), last)
                for name, n, last in conn.execute(
                    select(
                        reviews.c.profile, func.count(), func.max(reviews.c.reviewed_at)
                    ).group_by(reviews.c.profile)
                ).all()
            }
            studied: dict[str, int] = dict(
                conn.execute(
                    select(cards.c.profile, func.count())
                    .where(cards.c.due.is_not(None))
                    .group_by(cards.c.profile)
                ).all()
            )
            names = set(conn.execute(select(cards.c.profile).distinct()).scalars())
        names |= set(logged)
        return [
            ProfileSummary(
                name,
                logged.get(name, (0, None))[0],
                int(studied.get(name, 0)),
                _time_text(logged.get(name, (0, None))[1]),
            )
            for name in sorted(names)
        ]

    def has_progress(self, profile: str) -> bool:
        with self._guard("read"), self._read() as conn:
            for table in (cards, reviews):
                found = conn.execute(
                    select(table.c.profile).where(table.c.profile == profile).limit(1)
                ).first()
                if found is not None:
                    return True
        return False


def _time_text(text: str | None) -> str | None:
    """A logged time as ISO text, or None when it is not one (a class's learner may write
    anything into their own rows, and the teacher lists them)."""
    moment = logged_moment(text) if text is not None else None
    return moment.isoformat() if moment is not None else None

"""The review log: every answer, recorded with the card it moves, taken back, counted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)

from mlops_quiz.errors import AnsweredElsewhereError
from mlops_quiz.scheduling import CardState, is_pass, needs_repeat
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import (
    KIND_REPEAT,
    KIND_REVIEW,
    ReviewRecord,
    _review_row,
    _state_columns,
    _state_from,
    cards,
    reviews,
)


class ReviewLog(StoreBase):
    """Recording answers and reading the log."""

    def record(
        self,
        profile: str,
        review: ReviewRecord,
        suspend: bool = False,
        scheduler: str = "sm2",
        content: str | None = None,
    ) -> int:
        """Log one answer and, for a scheduling review, move the card; one transaction.
        ``suspend``: the card is suspended too (a leech, when leeches are suspended).
        ``scheduler``: the name of the scheduler that computed the card's new state.
        ``content``: the digest of the question's prompt and answer, kept with the card."""
        with self._guard("save an answer to"), self._write() as conn:
            if review.kind == KIND_REVIEW:
                self._check_unmoved(conn, profile, review)
            result = conn.execute(insert(reviews).values(**_review_row(profile, review)))
            if review.kind == KIND_REVIEW:
                self._put_card(conn, profile, review, scheduler, content)
                if suspend:
                    conn.execute(
                        update(cards)
                        .where(
                            and_(
                                cards.c.profile == profile,
                                cards.c.question_id == review.question_id,
                            )
                        )
                        .values(suspended=1)
                    )
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

    def _check_unmoved(self, conn: Connection, profile: str, review: ReviewRecord) -> None:
        """Re-read the card inside the answer's transaction (the write lock is held, a server
        row is locked): if it is no longer in the state the answer started from, another
        session answered it meanwhile, and recording would overwrite that review."""
        where = and_(cards.c.profile == profile, cards.c.question_id == review.question_id)
        row = conn.execute(select(cards).where(where).with_for_update()).first()
        now = _state_from(row) if row is not None else CardState()
        if now != review.before:
            raise AnsweredElsewhereError(
                f"{review.question_id!r} was answered in another session meanwhile"
            )

    def _put_card(
        self,
        conn: Connection,
        profile: str,
        review: ReviewRecord,
        scheduler: str = "sm2",
        content: str | None = None,
    ) -> None:
        where = and_(cards.c.profile == profile, cards.c.question_id == review.question_id)
        values: dict[str, Any] = _state_columns("", review.after)
        values["scheduler"] = None if scheduler == "sm2" else scheduler
        if content is not None:
            values["content"] = content
        values["last_reviewed_at"] = review.reviewed_at.isoformat()
        passed = int(is_pass(review.grade))
        updated = conn.execute(
            update(cards)
            .where(where)
            .values(
                reviews=cards.c.reviews + 1,
                passes=cards.c.passes + passed,
                # a card reset to new (or suspended before it was studied) starts today
                introduced_on=func.coalesce(cards.c.introduced_on, review.day),
                **values,
            )
        )
        if updated.rowcount == 0:
            conn.execute(
                insert(cards).values(
                    profile=profile,
                    question_id=review.question_id,
                    introduced_on=review.day,
                    reviews=1,
                    passes=passed,
                    **values,
                )
            )

    def add_history(
        self, profile: str, records: Iterable[ReviewRecord], batch: int = 20_000
    ) -> int:
        """Bulk-load an answer log in one transaction (imports, benchmarks).

        Records must be in time order and later than the profile's log; each card ends in the
        state after its last scheduling review, and a card that already has history keeps its
        ``introduced_on`` and adds to its counters. Returns the number of answers loaded.
        """
        final: dict[str, ReviewRecord] = {}
        introduced: dict[str, date] = {}
        counts: dict[str, list[int]] = {}
        count = 0
        with self._guard("import into"), self._write() as conn:
            rows: list[dict[str, Any]] = []
            for record in records:
                rows.append(_review_row(profile, record))
                if record.kind == KIND_REVIEW:
                    final[record.question_id] = record
                    introduced.setdefault(record.question_id, record.day)
                    tally = counts.setdefault(record.question_id, [0, 0])
                    tally[0] += 1
                    tally[1] += is_pass(record.grade)
                if len(rows) >= batch:
                    conn.execute(insert(reviews), rows)
                    count += len(rows)
                    rows = []
            if rows:
                conn.execute(insert(reviews), rows)
                count += len(rows)
            for qid in final:
                where = and_(cards.c.profile == profile, cards.c.question_id == qid)
                earlier = conn.execute(
                    select(cards.c.introduced_on, cards.c.reviews, cards.c.passes).where(where)
                ).first()
                if earlier is not None:  # a card with history: the load continues it
                    introduced[qid] = earlier.introduced_on
                    counts[qid][0] += earlier.reviews
                    counts[qid][1] += earlier.passes
                    conn.execute(delete(cards).where(where))
            card_rows = [
                {
                    "profile": profile,
                    "question_id": qid,
                    "introduced_on": introduced[qid],
                    "last_reviewed_at": record.reviewed_at.isoformat(),
                    "reviews": counts[qid][0],
                    "passes": counts[qid][1],
                    **_state_columns("", record.after),
                }
                for qid, record in final.items()
            ]
            if card_rows:
                conn.execute(insert(cards), card_rows)
        return count

    def undo(self, profile: str, review_id: int) -> None:
        """Take back one answer: delete it from the log and restore the card as it was."""
        with self._guard("undo an answer in"), self._write() as conn:
            row = conn.execute(
                select(reviews).where(and_(reviews.c.id == review_id, reviews.c.profile == profile))
            ).first()
            if row is None:
                return
            conn.execute(delete(reviews).where(reviews.c.id == review_id))
            if row.kind != KIND_REVIEW:
                return
            before = _state_from(row, "before_")
            where = and_(cards.c.profile == profile, cards.c.question_id == row.question_id)
            card = conn.execute(select(cards.c.reviews, cards.c.suspended).where(where)).first()
            if before.is_new and (card is None or (card.reviews <= 1 and not card.suspended)):
                conn.execute(delete(cards).where(where))
                return
            previous = conn.execute(
                select(func.max(reviews.c.reviewed_at)).where(
                    and_(
                        reviews.c.profile == profile,
                        reviews.c.question_id == row.question_id,
                        reviews.c.kind == KIND_REVIEW,
                    )
                )
            ).scalar()
            conn.execute(
                update(cards)
                .where(where)
                .values(
                    last_reviewed_at=previous,
                    reviews=cards.c.reviews - 1,
                    passes=cards.c.passes - int(is_pass(row.grade)),
                    **_state_columns("", before),
                    # back to new: a reset card or one suspended before it was studied
                    **({"introduced_on": None} if before.is_new else {}),
                )
            )

    # ------------------------------------------------------------ history

    def reviews_per_day(self, profile: str, since: date | None = None) -> dict[date, int]:
        """Answers per study day (from ``since`` on, or all). Days are read as text where the
        driver gives text (SQLite), which is several times faster than SQLAlchemy's parsing."""
        from sqlalchemy import String, type_coerce

        where = [reviews.c.profile == profile]
        if since is not None:
            where.append(reviews.c.day >= since)
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(type_coerce(reviews.c.day, String), func.count())
                .where(and_(*where))
                .group_by(reviews.c.day)
            )
            return {
                day if isinstance(day, date) else date.fromisoformat(day): int(n) for day, n in rows
            }

    def studied_on(self, profile: str, day: date) -> bool:
        """Whether the profile answered anything on a study day."""
        with self._guard("read"), self._read() as conn:
            found = conn.execute(
                select(reviews.c.id)
                .where(and_(reviews.c.profile == profile, reviews.c.day == day))
                .limit(1)
            ).first()
        return found is not None

    def scheduling_results(self, profile: str) -> dict[str, tuple[int, int]]:
        """Per question: (scheduling reviews, of which graded 3 or more)."""
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(cards.c.question_id, cards.c.reviews, cards.c.passes).where(
                    and_(cards.c.profile == profile, cards.c.reviews > 0)
                )
            )
            return {qid: (int(n), int(ok)) for qid, n, ok in rows}

    def key_points_made(self, profile: str) -> dict[tuple[str, str], int]:
        """How many answers recorded each (question id, key points made as "1,3/5")."""
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(reviews.c.question_id, reviews.c.key_points_made, func.count())
                .where(and_(reviews.c.profile == profile, reviews.c.key_points_made.is_not(None)))
                .group_by(reviews.c.question_id, reviews.c.key_points_made)
            )
            return {(qid, made): int(n) for qid, made, n in rows}

    def owed_repeats(self, profile: str, day: date) -> list[str]:
        """Question ids owed a same-day repeat on a study day, in the order they were missed.

        Derived from the review log: a question whose latest scheduling review or repeat of
        that day needs a repeat (graded below 4; cram practice does not count).
        """
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(reviews.c.question_id, reviews.c.grade)
                .where(
                    and_(
                        reviews.c.profile == profile,
                        reviews.c.day == day,
                        reviews.c.kind.in_((KIND_REVIEW, KIND_REPEAT)),
                        reviews.c.reset_at.is_(None),
                    )
                )
                .order_by(reviews.c.id)
            ).all()
        latest: dict[str, int] = {}
        for qid, grade in rows:
            latest.pop(qid, None)  # keep the order of each question's latest answer
            latest[qid] = int(grade)
        return [qid for qid, grade in latest.items() if needs_repeat(grade)]

    def study_days(self, profile: str) -> list[date]:
        """Every study day with an answer, oldest first (for the longest streak)."""
        from sqlalchemy import String, type_coerce

        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(type_coerce(reviews.c.day, String))
                .where(reviews.c.profile == profile)
                .distinct()
                .order_by(reviews.c.day)
            ).scalars()
            # SQLite gives the text; a server's driver may give dates whatever the coercion.
            return [day if isinstance(day, date) else date.fromisoformat(day) for day in rows]

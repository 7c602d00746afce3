"""Moving progress between databases: a profile's whole history out, and merged back in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from mlops_quiz.scheduling import CardState, is_pass, next_state
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import (
    KIND_REVIEW,
    ReviewRecord,
    _as_date,
    _review_row,
    _state_columns,
    _state_from,
    cards,
    logged_moment,
    reviews,
)


class MovingProgress(StoreBase):
    """History export and merge."""

    @staticmethod
    def answer_ids(records: Iterable[ReviewRecord]) -> list[str]:
        """A stable unique id for each answer of one profile's log, given in time order.

        The id is a hash of what the answer is (question, moment, grade, kind, what was typed)
        and, for answers identical in all of these, their order: ``<hash>-<n>``. It does not
        depend on the database, so the same answer has the same id wherever it was copied.
        """
        import hashlib
        import json
        from datetime import timezone

        encode = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps, built once
        sha256 = hashlib.sha256
        utc = timezone.utc
        seen: dict[str, int] = {}
        ids = []
        for record in records:
            moment = record.reviewed_at.astimezone(utc).isoformat()
            content = encode([record.question_id, moment, record.grade, record.kind, record.answer])
            digest = sha256(content.encode("utf-8")).hexdigest()[:20]
            seen[digest] = seen.get(digest, 0) + 1
            ids.append(f"{digest}-{seen[digest]}")
        return ids

    @staticmethod
    def _records(rows: Iterable[Any]) -> list[ReviewRecord]:
        """Log rows as records. Rows are read by position (a row's attribute access goes
        through a mapping per call) and their dates parsed here when the driver gives text."""
        at = {column.name: n for n, column in enumerate(reviews.columns)}
        get_before = itemgetter(*(at[f"before_{name}"] for name in CardState._fields))
        get_after = itemgetter(*(at[f"after_{name}"] for name in CardState._fields))
        question, moment, day, grade, answer, duration, kind, points = (
            at[name]
            for name in (
                "question_id",
                "reviewed_at",
                "day",
                "grade",
                "answer",
                "duration_ms",
                "kind",
                "key_points_made",
            )
        )
        due = CardState._fields.index("due")
        parse_moment = datetime.fromisoformat

        def state(values: tuple[Any, ...]) -> CardState:
            if isinstance(values[due], str):
                values = (*values[:due], date.fromisoformat(values[due]), *values[due + 1 :])
            return CardState(*values)

        records = []
        for values in rows:
            records.append(
                ReviewRecord(
                    values[question],
                    parse_moment(values[moment]),
                    _as_date(values[day]) or date.min,
                    values[grade],
                    values[answer],
                    values[duration],
                    values[kind],
                    state(get_before(values)),
                    state(get_after(values)),
                    values[points],
                )
            )
        return records

    def _log_rows(self, conn: Connection, profile: str, ids: set[str] | None = None) -> list[Any]:
        """A profile's logged answers (of some questions), in time order."""
        query = select(reviews).where(reviews.c.profile == profile)
        if ids is not None:
            query = query.where(reviews.c.question_id.in_(sorted(ids)))
        timed = [(logged_moment(row.reviewed_at), row) for row in conn.execute(query)]
        # A row whose time is not one (only a class's learner can write it) is left out.
        good = [(moment, row) for moment, row in timed if moment is not None]
        good.sort(key=lambda pair: (pair[0], pair[1].id))
        return [row for _, row in good]

    def _raw_log_rows(self, conn: Connection, profile: str) -> list[tuple[Any, ...]]:
        """A profile's whole log as the driver gives it (dates as text), in time order."""
        names = ", ".join(f'"{column.name}"' for column in reviews.columns)
        query = f"SELECT {names} FROM reviews WHERE profile = ?"
        rows = list(conn.exec_driver_sql(query, (profile,)).fetchall())
        names_in_order = [c.name for c in reviews.columns]
        return self._in_time_order(
            rows, names_in_order.index("reviewed_at"), names_in_order.index("id")
        )

    @staticmethod
    def _in_time_order(rows: list[Any], moment: int, row_id: int) -> list[Any]:
        """Rows sorted by when they were answered, then by id. Moments written with one and
        the same UTC offset sort as text; others are compared as times."""
        offsets = {row[moment][-6:] for row in rows}
        if len(offsets) <= 1:
            rows.sort(key=itemgetter(moment, row_id))
        else:
            rows.sort(key=lambda row: (datetime.fromisoformat(row[moment]), row[row_id]))
        return rows

    def history(self, profile: str) -> list[ReviewRecord]:
        """Every answer of a profile, in time order."""
        with self._guard("read"), self._read() as conn:
            if conn.dialect.name == "sqlite":
                return self._records(self._raw_log_rows(conn, profile))
            return self._records(self._log_rows(conn, profile))

    @staticmethod
    def _card_flags_of(conn: Connection, profile: str, ids: set[str]) -> dict[str, dict[str, Any]]:
        """What a merge keeps of each card as it is: the learner's flags and its content."""
        if not ids:
            return {}
        rows = conn.execute(
            select(
                cards.c.question_id, cards.c.suspended, cards.c.buried_until, cards.c.content
            ).where(cards.c.profile == profile, cards.c.question_id.in_(sorted(ids)))
        ).all()
        return {
            qid: {"suspended": suspended, "buried_until": buried, "content": content}
            for qid, suspended, buried, content in rows
        }

    @staticmethod
    def _replayed(
        profile: str, qid: str, rows: list[Any], kept: dict[str, Any] | None
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """One question's card recomputed from its merged log (in time order), and the log
        rows whose states (or reset mark) change. A reset stands: the answers up to the
        question's latest reset are marked with it and counted, and the card's schedule
        starts again from the first answer after it."""
        resets = [datetime.fromisoformat(row.reset_at) for row in rows if row.reset_at]
        last_reset = max(resets) if resets else None
        stamp = last_reset.isoformat() if last_reset else None
        state = CardState()
        first_day: date | None = None
        last_at: str | None = None
        counts = [0, 0]
        changed: list[dict[str, Any]] = []
        for row in rows:
            before_reset = last_reset is not None and (
                datetime.fromisoformat(row.reviewed_at) <= last_reset
            )
            if not before_reset and first_day is None and last_reset is not None:
                state = CardState()  # the first answer after the reset starts anew
            before = state
            if row.kind == KIND_REVIEW:
                state = next_state(state, row.grade, _as_date(row.day) or date.min)
                if not before_reset:
                    first_day = first_day or _as_date(row.day)
                    last_at = row.reviewed_at
                counts[0] += 1
                counts[1] += is_pass(row.grade)
            reset_at = (row.reset_at or stamp) if before_reset else row.reset_at
            logged = (_state_from(row, "before_"), _state_from(row, "after_"), row.reset_at)
            if logged != (before, state, reset_at):
                changed.append(
                    {
                        "row_id": row.id,
                        "reset_at": reset_at,
                        **_state_columns("before_", before),
                        **_state_columns("after_", state),
                    }
                )
        if first_day is None:
            state = CardState()  # nothing answered since the reset: a new card
        if not counts[0] and kept is None:
            return None, changed
        card = {
            "profile": profile,
            "question_id": qid,
            "introduced_on": first_day,
            "last_reviewed_at": last_at,
            "reviews": counts[0],
            "passes": counts[1],
            **_state_columns("", state),
            **(kept or {"suspended": 0, "buried_until": None, "content": None}),
        }
        return card, changed

    def merge_history(self, profile: str, records: Iterable[ReviewRecord]) -> tuple[int, int]:
        """Add the answers the profile's log does not have yet; one transaction.

        Answers are matched by ``answer_ids``. The card of every question that received
        answers is then recomputed from its whole merged log with the scheduler, in time order:
        scheduling reviews move it, repeats and cram answers are logged only, and a reset
        stands (the schedule starts again from the first answer after the latest one). The
        before and after states of the logged answers are rewritten to match; the card keeps
        its suspension, bury and content. Returns (added, skipped).
        """
        incoming = sorted(records, key=lambda r: r.reviewed_at)
        with self._guard("import into"), self._write() as conn:
            existing = self._records(self._log_rows(conn, profile))
            have = set(self.answer_ids(existing))
            new = [
                r
                for r, key in zip(incoming, self.answer_ids(incoming), strict=True)
                if key not in have
            ]
            if new:
                conn.execute(insert(reviews), [_review_row(profile, r) for r in new])
            touched = {r.question_id for r in new}
            by_question: dict[str, list[Any]] = {}
            for row in self._log_rows(conn, profile, touched) if touched else []:
                by_question.setdefault(row.question_id, []).append(row)
            kept = self._card_flags_of(conn, profile, set(by_question))
            rewrites: list[dict[str, Any]] = []
            new_cards: list[dict[str, Any]] = []
            for qid, rows in by_question.items():
                card, changed = self._replayed(profile, qid, rows, kept.get(qid))
                rewrites.extend(changed)
                if card is not None:
                    new_cards.append(card)
            # One statement each, run for many rows (executemany): compiling a statement per
            # row took most of the time of a large import.
            if rewrites:
                columns = [name for name in rewrites[0] if name != "row_id"]
                conn.execute(
                    update(reviews)
                    .where(reviews.c.id == bindparam("row_id"))
                    .values({name: bindparam(name) for name in columns}),
                    rewrites,
                )
            if new_cards:
                conn.execute(
                    delete(cards).where(
                        and_(
                            cards.c.profile == bindparam("old_profile"),
                            cards.c.question_id == bindparam("old_question"),
                        )
                    ),
                    [
                        {"old_profile": c["profile"], "old_question": c["question_id"]}
                        for c in new_cards
                    ],
                )
                conn.execute(insert(cards), new_cards)
        return len(new), len(incoming) - len(new)

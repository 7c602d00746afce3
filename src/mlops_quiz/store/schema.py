"""The progress tables (card states and the review log) and how rows map to values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from mlops_quiz.scheduling import CardState

KIND_REVIEW = "review"
"""A scheduling review: it moves the card's schedule."""
KIND_REPEAT = "repeat"
"""A same-day repeat of an item graded below 4: logged, the schedule is unchanged."""
KIND_CRAM = "cram"
"""Practice outside the schedule (``study --cram``): logged, the schedule is unchanged."""


_meta = MetaData()
cards = Table(
    "cards",
    _meta,
    Column("profile", String(64), primary_key=True),
    Column("question_id", String(80), primary_key=True),
    Column("repetitions", Integer, nullable=False),
    Column("interval", Integer, nullable=False),
    Column("ef100", Integer, nullable=False),
    Column("due", Date),
    Column("lapses", Integer, nullable=False),
    Column("introduced_on", Date),
    Column("last_reviewed_at", String(40)),
    Column("reviews", Integer, nullable=False, server_default="0"),
    Column("passes", Integer, nullable=False, server_default="0"),
    Column("suspended", Integer, nullable=False, server_default="0"),
    Column("buried_until", Date),
    Column("scheduler", String(10)),
    Column("content", String(16)),
)
reviews = Table(
    "reviews",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("profile", String(64), nullable=False),
    Column("question_id", String(80), nullable=False),
    Column("reviewed_at", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("grade", Integer, nullable=False),
    Column("answer", Text, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("reset_at", String(40)),
    *(
        Column(f"{when}_{name}", type_, nullable=name != "due")
        for when in ("before", "after")
        for name, type_ in (
            ("repetitions", Integer),
            ("interval", Integer),
            ("ef100", Integer),
            ("due", Date),
            ("lapses", Integer),
        )
    ),
    Column("key_points_made", Text),
)
published_bank = Table(
    "published_bank",
    _meta,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("published_at", String(40), nullable=False),
)
"""A class's bank, one row per file (``class publish``)."""
class_info = Table(
    "class_info",
    _meta,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)
"""A class's settings: the names of its role groups (``class init``)."""
profile_settings = Table(
    "profile_settings",
    _meta,
    Column("profile", String(64), primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
"""What a profile keeps of its own: the FSRS parameters fitted to its log (``optimize``)."""


@dataclass(frozen=True)
class ReviewRecord:
    """One answer, as it goes into the review log."""

    question_id: str
    reviewed_at: datetime
    """When, in UTC with its zone."""
    day: date
    """The study day it counted for."""
    grade: int
    answer: str
    duration_ms: int
    kind: str
    before: CardState
    after: CardState
    key_points_made: str | None = None
    """For an open item with key points: the numbers of the points made and how many it has,
    "1,3/5" (``format_points_made``); None otherwise."""


def format_points_made(made: Sequence[bool]) -> str:
    """Which key points were made, compactly: [True, False, True] -> "1,3/3"."""
    numbers = ",".join(str(n) for n, ok in enumerate(made, 1) if ok)
    return f"{numbers}/{len(made)}"


def parse_points_made(text: str) -> tuple[frozenset[int], int] | None:
    """The numbers made and the total of a recorded "1,3/5"; None if it is not one."""
    numbers, _, total = text.partition("/")
    try:
        made = frozenset(int(n) for n in numbers.split(",") if n)
        count = int(total)
    except ValueError:
        return None
    if count < 1 or any(not 1 <= n <= count for n in made):
        return None
    return made, count


def _state_columns(prefix: str, state: CardState) -> dict[str, Any]:
    return {
        f"{prefix}repetitions": state.repetitions,
        f"{prefix}interval": state.interval,
        f"{prefix}ef100": state.ef100,
        f"{prefix}due": state.due,
        f"{prefix}lapses": state.lapses,
    }


def _as_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def logged_moment(text: object) -> datetime | None:
    """A logged answer's time, or None when it is not one: on a class database a learner
    writes their own rows, and markup, escapes or a formula there must reach no export or
    report (nor break one)."""
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _review_row(profile: str, review: ReviewRecord) -> dict[str, Any]:
    return {
        "profile": profile,
        "question_id": review.question_id,
        "reviewed_at": review.reviewed_at.isoformat(),
        "day": review.day,
        "grade": review.grade,
        "answer": review.answer,
        "duration_ms": review.duration_ms,
        "kind": review.kind,
        "key_points_made": review.key_points_made,
        **_state_columns("before_", review.before),
        **_state_columns("after_", review.after),
    }


def _state_from(row: Any, prefix: str = "") -> CardState:
    m = row._mapping
    return CardState(
        repetitions=m[f"{prefix}repetitions"],
        interval=m[f"{prefix}interval"],
        ef100=m[f"{prefix}ef100"],
        due=m[f"{prefix}due"],
        lapses=m[f"{prefix}lapses"],
    )

"""A profile's progress as portable files: the whole history as JSON Lines, and the review
log as CSV for a learner's own analysis.

The JSON Lines file starts with a header line (``{"format": "mlops-quiz progress", ...}``),
then holds one answer per line, in time order, each with a stable unique ``id``. Importing it
merges the answers into another database: those already there are skipped and the cards are
recomputed from the merged log (see ``Store.merge_history``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

from mlops_quiz.errors import BadInputError
from mlops_quiz.scheduling import GRADE_MAX, GRADE_MIN, CardState
from mlops_quiz.store import KIND_CRAM, KIND_REPEAT, KIND_REVIEW, ReviewRecord, Store
from mlops_quiz.store.schema import parse_points_made
from mlops_quiz.transfer import MAX_PROGRESS_BYTES, csv_cell, read_import

FORMAT = "mlops-quiz progress"
VERSION = 1
KINDS = (KIND_REVIEW, KIND_REPEAT, KIND_CRAM)
STATE_FIELDS = ("repetitions", "interval", "ef100", "due", "lapses")
LOG_COLUMNS = (
    "reviewed_at",
    "day",
    "question",
    "kind",
    "grade",
    "answer",
    "duration_ms",
    "interval_before",
    "interval_after",
    "ef_before",
    "ef_after",
    "due_before",
    "due_after",
)
MAX_PROBLEMS = 50
MAX_ANSWER_CHARS = 10_000
"""The longest imported answer: as much as the checker reads of a typed one."""
MAX_NUMBER = 2**31 - 1
"""The largest whole number a field may hold (the database's INTEGER on a server)."""
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
CLOCK_SKEW = timedelta(minutes=10)
"""How far past "now" an answer may be dated (the clocks of two machines differ a little)."""


def _state_json(state: CardState) -> dict[str, Any]:
    return {
        "repetitions": state.repetitions,
        "interval": state.interval,
        "ef100": state.ef100,
        "due": state.due.isoformat() if state.due else None,
        "lapses": state.lapses,
    }


def write_history(profile: str, records: Sequence[ReviewRecord], out: IO[bytes]) -> None:
    encode = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps, built once
    header = {"format": FORMAT, "version": VERSION, "profile": profile, "answers": len(records)}
    out.write((encode(header) + "\n").encode("utf-8"))
    lines: list[str] = []
    for key, record in zip(Store.answer_ids(records), records, strict=True):
        line = {
            "id": key,
            "question": record.question_id,
            "reviewed_at": record.reviewed_at.isoformat(),
            "day": record.day.isoformat(),
            "grade": record.grade,
            "kind": record.kind,
            "answer": record.answer,
            "duration_ms": record.duration_ms,
            "before": _state_json(record.before),
            "after": _state_json(record.after),
        }
        if record.key_points_made is not None:
            line["key_points_made"] = record.key_points_made
        lines.append(encode(line))
        if len(lines) >= 1000:
            out.write(("\n".join(lines) + "\n").encode("utf-8"))
            lines.clear()
    if lines:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))


class _LineError(Exception):
    pass


def _int(value: Any, what: str, low: int | None = None, high: int = MAX_NUMBER) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _LineError(f"{what} must be a whole number")
    if low is None and value > high:
        raise _LineError(f"{what} must be at most {high}, not {value}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _LineError(f"{what} must be from {low} to {high}, not {value}")
    return value


def _text(value: Any, what: str, max_length: int | None = None) -> str:
    if not isinstance(value, str):
        raise _LineError(f"{what} must be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _LineError(f"{what} is not valid Unicode (it holds a lone surrogate)") from None
    if max_length is not None and not 0 < len(value) <= max_length:
        raise _LineError(f"{what} must have 1 to {max_length} characters")
    return value


def _day(value: Any, what: str) -> date:
    try:
        day = date.fromisoformat(_text(value, what))
    except ValueError:
        raise _LineError(f"{what} is not a date (YYYY-MM-DD): {value!r}") from None
    if not EARLIEST.date() <= day < date(9000, 1, 1):
        raise _LineError(f"{what} must be from 1970 to 8999, not {day.isoformat()}")
    return day


def _moment(value: Any, now: datetime) -> datetime:
    """When an answer was given: ISO 8601 with its zone, from 1970 on, not in the future."""
    text = _text(value, "reviewed_at")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _LineError(f"reviewed_at is not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise _LineError("reviewed_at needs its time zone (e.g. +00:00)")
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:
        raise _LineError(f"reviewed_at is out of range: {text!r}") from None
    if utc < EARLIEST:
        raise _LineError(f"reviewed_at is before 1970: {text!r}")
    if utc > now + CLOCK_SKEW:
        raise _LineError(f"reviewed_at is in the future: {text!r}")
    return moment


def _state(value: Any, what: str) -> CardState:
    if not isinstance(value, dict):
        raise _LineError(f"{what} must be an object with {', '.join(STATE_FIELDS)}")
    due = value.get("due")
    return CardState(
        repetitions=_int(value.get("repetitions"), f"{what}.repetitions", 0),
        interval=_int(value.get("interval"), f"{what}.interval", 0),
        ef100=_int(value.get("ef100"), f"{what}.ef100", 0),
        due=None if due is None else _day(due, f"{what}.due"),
        lapses=_int(value.get("lapses"), f"{what}.lapses", 0),
    )


def _record(data: Any, now: datetime) -> ReviewRecord:
    if not isinstance(data, dict):
        raise _LineError("each line must be a JSON object")
    moment = _moment(data.get("reviewed_at"), now)
    kind = _text(data.get("kind"), "kind")
    if kind not in KINDS:
        raise _LineError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    day = _day(data.get("day"), "day")
    # The study day is the local date, or the one before it when the day starts after
    # midnight: within a day of the UTC date in any time zone.
    if abs((day - moment.astimezone(timezone.utc).date()).days) > 1:
        raise _LineError(f"day {day.isoformat()} does not match reviewed_at {moment.isoformat()}")
    return ReviewRecord(
        question_id=_text(data.get("question"), "question", 80),
        reviewed_at=moment,
        day=day,
        grade=_int(data.get("grade"), "grade", GRADE_MIN, GRADE_MAX),
        answer=_answer(data.get("answer", "")),
        duration_ms=_int(data.get("duration_ms", 0), "duration_ms", 0),
        kind=kind,
        before=_state(data.get("before"), "before"),
        after=_state(data.get("after"), "after"),
        key_points_made=_points_made(data.get("key_points_made")),
    )


def _answer(value: Any) -> str:
    text = _text(value, "answer")
    if len(text) > MAX_ANSWER_CHARS:
        raise _LineError(
            f"answer has {len(text):,} characters; at most {MAX_ANSWER_CHARS:,} are kept"
        )
    return text


def _points_made(value: Any) -> str | None:
    """The key points an open answer made ("1,3/5"), if the line has them."""
    if value is None:
        return None
    if not isinstance(value, str) or parse_points_made(value) is None:
        raise _LineError(f'key_points_made must be like "1,3/5", not {value!r}')
    return value


def read_history(path: Path, now: datetime) -> list[ReviewRecord]:
    """The answers of a progress file; every bad line is reported as ``FILE:LINE: message``.
    ``now``: answers dated later are refused."""
    raw = read_import(path, MAX_PROGRESS_BYTES)
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        bad = raw.count(b"\n", 0, exc.start) + 1
        raise BadInputError(f"{path}:{bad}: not valid UTF-8") from None
    records: list[ReviewRecord] = []
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: not JSON: {exc.msg}")
            continue
        except RecursionError:
            problems.append(f"{path}:{number}: not JSON we read: nested too deeply")
            continue
        except ValueError as exc:  # e.g. a number of more digits than Python converts
            problems.append(f"{path}:{number}: not JSON we read: {str(exc).splitlines()[0]}")
            continue
        if number == 1:
            if not (isinstance(data, dict) and data.get("format") == FORMAT):
                raise BadInputError(
                    f"{path}:1: not an mlops-quiz progress file "
                    "(write one with 'mlops-quiz export --progress FILE.jsonl')"
                )
            if data.get("version") != VERSION:
                raise BadInputError(
                    f"{path}:1: progress format version {data.get('version')!r} is not "
                    f"supported (this version reads {VERSION}); upgrade mlops-quiz"
                )
            continue
        try:
            records.append(_record(data, now))
        except _LineError as exc:
            problems.append(f"{path}:{number}: {exc}")
    if not lines:
        raise BadInputError(f"{path}: the file is empty")
    if problems:
        raise BadInputError("\n".join(problems[:MAX_PROBLEMS]))
    return records


def write_review_log(records: Sequence[ReviewRecord], out: IO[bytes]) -> None:
    """One CSV row per answer: when, which question, the grade, what was typed, and the
    interval, E-Factor and due date before and after."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(LOG_COLUMNS)
    for r in records:
        writer.writerow(
            map(
                csv_cell,
                [
                    r.reviewed_at.isoformat(),
                    r.day.isoformat(),
                    r.question_id,
                    r.kind,
                    r.grade,
                    r.answer,
                    r.duration_ms,
                    r.before.interval,
                    r.after.interval,
                    f"{r.before.ef:.2f}",
                    f"{r.after.ef:.2f}",
                    r.before.due.isoformat() if r.before.due else "",
                    r.after.due.isoformat() if r.after.due else "",
                ],
            )
        )
    text.flush()
    text.detach()

"""Progress storage: card states and the review log, through SQLAlchemy.

``Store.open(url)`` is the one place a database is opened. For SQLite files it first checks the
file without writing to it (it must be an SQLite database, readable and writable, in an existing
folder), then runs in WAL mode with a busy timeout and takes the write lock at the start of each
write, so several processes can share one file. Every answer is committed on its own.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from mlops_quiz import migrations
from mlops_quiz.errors import BadInputError, NewerDatabaseError, QuizError, StoreError
from mlops_quiz.files import PRIVATE_FILE_MODE, is_read_only, make_private_dirs, unsafe_folder
from mlops_quiz.scheduler import PASSING_GRADE, CardState

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
RESTORE_LOCK_SECONDS = 5
BUSY_TIMEOUT_SECONDS = 30
NEXT_DUE_PEEK = 50

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
)


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


def check_sqlite_path(path: Path, create_folder: bool, private: bool = False) -> None:
    """Refuse, without writing anything, a path that cannot safely hold our database.

    ``private``: the path is in the data folder, which is made only for us (0700) and refused
    when someone else could write into it."""
    folder = path.parent
    if not folder.exists():
        if not create_folder:
            raise StoreError(f"cannot open the database {path}: folder {folder} does not exist")
        try:
            make_private_dirs(folder)
        except OSError as exc:
            raise StoreError(f"cannot create the data folder {folder}: {exc.strerror}") from None
    if not folder.is_dir():
        raise StoreError(f"cannot open the database {path}: {folder} is not a folder")
    if private:
        reason = unsafe_folder(folder)
        if reason:
            raise StoreError(f"the data folder {folder} {reason}; refusing to use it")
    if path.exists():
        if path.is_dir():
            raise StoreError(f"cannot open the database {path}: it is a folder")
        if not path.is_file():
            raise StoreError(f"cannot open the database {path}: it is not a regular file")
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StoreError(f"cannot read the database {path}: {exc.strerror}") from None
        if header and header != SQLITE_HEADER:
            raise StoreError(f"{path} is not an SQLite database; it was left untouched")
        if is_read_only(path):
            raise StoreError(f"the database {path} is read-only; answers could not be saved")
    if is_read_only(folder):
        raise StoreError(
            f"the data folder {folder} is read-only; the database needs it writable "
            "(SQLite keeps its journal beside the file)"
        )


def precheck_sqlite(path: Path) -> None:
    """Refuse a foreign database, or one a newer version wrote, before anything writes to it:
    the check reads through a read-only connection, so the file keeps every byte."""
    import sqlite3
    from urllib.parse import quote

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        # immutable: no lock, no -shm or -wal file made beside a database that is not ours.
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return  # the normal open reports it
    try:
        tables = [
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        names: list[str] = []
        if migrations.MIGRATIONS_TABLE in tables:
            names = [
                str(r[0]) for r in conn.execute(f"SELECT name FROM {migrations.MIGRATIONS_TABLE}")
            ]
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not a database" in message or "malformed" in message:
            raise StoreError(
                f"cannot open the database {path}: {message} "
                "(the file is damaged or not a database; it was left untouched)"
            ) from None
        return  # e.g. a WAL that a read-only connection cannot read: the normal open checks
    finally:
        conn.close()
    migrations.check_ours(tables, names)


def safe_url(url: str) -> str:
    """A database URL fit to show: the password masked; a URL that cannot be parsed is
    never echoed (it may be nothing but a password)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(a database URL that cannot be parsed)"


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # WAL is switched on in Store.open once the database is known to be ours and current:
        # a foreign or newer file is refused with every byte as it was.
        dbapi_conn.isolation_level = None  # transactions are begun explicitly, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # Take the write lock up front, so the busy timeout applies instead of a deadlock error.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class _Busy(Exception):
    """The database stayed locked by another process."""


def check_backup(path: Path) -> None:
    """Refuse, without writing to it, a file that is not a sound mlops-quiz database."""
    from urllib.parse import quote

    if not path.is_file():
        what = "does not exist" if not path.exists() else "is not a regular file"
        raise BadInputError(f"cannot restore from {path}: it {what}")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise BadInputError(f"cannot restore from {path}: it is not an SQLite database")
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise BadInputError(
            f"cannot restore from {path}: it has a write-ahead log beside it, so it is a live "
            f"database; copy it first with 'mlops-quiz backup --db sqlite:///{path} COPY'"
        )
    try:
        precheck_sqlite(path)
    except StoreError as exc:
        raise BadInputError(f"cannot restore from {path}: {exc}") from None
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
    try:
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        result = "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    except sqlite3.Error as exc:
        raise BadInputError(f"cannot restore from {path}: {exc}") from None
    finally:
        conn.close()
    if migrations.MIGRATIONS_TABLE not in tables:
        raise BadInputError(f"cannot restore from {path}: it holds no mlops-quiz progress")
    if result != "ok":
        raise BadInputError(f"cannot restore from {path}: it is damaged ({result[:200]})")


def _make_private(path: Path) -> None:
    """Create the database file 0600 (SQLite would follow the umask, often 0644: others could
    read what the learner typed), and take group and other bits off an existing one."""
    try:
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        elif path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            os.chmod(path, PRIVATE_FILE_MODE)
    except FileExistsError:
        pass  # another process made it first
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror}") from None


def _masked(exc: BaseException, url: Any) -> str:
    """An exception's first line, with the URL's password (if any) masked."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    password = getattr(url, "password", None)
    return message.replace(str(password), "***") if password else message


def _describe(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]


class Store:
    """The progress database of every profile."""

    def __init__(self, engine: Engine, label: str) -> None:
        self.engine = engine
        self.label = label
        self.exists = True
        self.secret: str | None = None
        """The URL's password, masked in every message."""
        """False for a reading command's empty stand-in of a database file not made yet."""
        self._conn: Connection | None = None

    # ------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        url: str,
        create_folder: bool = False,
        private: bool = False,
        saves: bool = False,
        create: bool = True,
    ) -> Store:
        """Open (creating and migrating as needed) the database at a SQLAlchemy URL.

        ``private``: the database lives in the data folder; the folder is made 0700 and the file
        0600, and a folder that others can write to is refused. ``saves``: the command saves
        answers, so an in-memory database (which keeps nothing) is refused. ``create=False``
        (reading commands): a SQLite file that does not exist is not made; the store is an empty
        one in memory, and ``exists`` is False.
        """
        shown = safe_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise BadInputError(f"not a database URL: {shown}") from None
        is_sqlite = parsed.get_backend_name() == "sqlite"
        label = shown
        exists = True
        if is_sqlite:
            if not parsed.database or parsed.database == ":memory:" or "mode=memory" in url:
                if saves:
                    raise BadInputError(
                        f"{shown} is an in-memory database, which keeps nothing; "
                        "give a file (sqlite:///PATH)"
                    )
            else:
                path = Path(parsed.database).expanduser().absolute()
                label = str(path)
                exists = path.exists()
                if not exists and not create and (create_folder or path.parent.is_dir()):
                    url = "sqlite://"
                else:
                    check_sqlite_path(path, create_folder, private)
                    try:
                        precheck_sqlite(path)
                    except NewerDatabaseError as exc:
                        raise NewerDatabaseError(f"{label}: {exc}") from None
                    if private:
                        _make_private(path)
                    # One path: the file checked is the file opened (``~`` expanded).
                    url = parsed.set(database=str(path)).render_as_string(hide_password=False)
        try:
            engine = _sqlite_engine(url) if is_sqlite else create_engine(url)
        except (NoSuchModuleError, ArgumentError, ImportError, TypeError, ValueError) as exc:
            raise BadInputError(
                f"cannot use the database URL {shown}: {_masked(exc, parsed)}"
            ) from None
        store = cls(engine, label)
        store.exists = exists
        store.secret = parsed.password
        try:
            store.migrate()
        except NewerDatabaseError as exc:
            store.close()
            raise NewerDatabaseError(f"{label}: {exc}") from None
        except QuizError:
            store.close()
            raise
        except (TypeError, ValueError) as exc:  # e.g. ?timeout=abc reaches the driver
            store.close()
            raise BadInputError(
                f"cannot use the database URL {shown}: {_masked(exc, parsed)}"
            ) from None
        return store

    def migrate(self) -> None:
        with self._guard("open"):
            conn = self.conn
            with conn.begin():
                todo = migrations.pending(conn)
            if self.engine.dialect.name == "sqlite":
                raw = conn.connection.dbapi_connection
                assert raw is not None
                raw.execute("PRAGMA journal_mode=WAL")
            for migration in todo:
                with self._write() as wconn:
                    # Another process may have applied it since we looked.
                    if migration in migrations.pending(wconn):
                        migrations.apply(wconn, migration)

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn database errors into one clear StoreError."""
        try:
            yield
        except QuizError:
            raise
        except (DBAPIError, SQLAlchemyError) as exc:
            if self._conn is not None:
                self._conn.invalidate()
                self._conn = None
            message = _describe(exc)
            if self.secret:
                message = message.replace(str(self.secret), "***")
            if "file is not a database" in message or "malformed" in message:
                message += " (the file is damaged or not a database; it was left untouched)"
            raise StoreError(f"cannot {action} the database {self.label}: {message}") from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        conn = self.conn.execution_options(write=True)
        try:
            with conn.begin():
                yield conn
        finally:
            conn.execution_options(write=False)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        conn = self.conn
        with conn.begin():
            yield conn

    # ------------------------------------------------------------ cards

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
        """Cards due on or before ``today``, most overdue first."""
        return self._states(cards.c.profile == profile, cards.c.due <= today)

    def studied_ids(self, profile: str) -> set[str]:
        """Ids of every question the profile has studied."""
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(select(cards.c.question_id).where(cards.c.profile == profile))
            return set(rows.scalars())

    def next_due(self, profile: str, after: date, ids: set[str]) -> date | None:
        """The earliest due date after ``after`` among the given questions."""
        query = (
            select(cards.c.question_id, type_coerce(cards.c.due, String))
            .where(cards.c.profile == profile, cards.c.due > after)
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

    # ------------------------------------------------------------ answers

    def record(self, profile: str, review: ReviewRecord) -> int:
        """Log one answer and, for a scheduling review, move the card; one transaction."""
        with self._guard("save an answer to"), self._write() as conn:
            result = conn.execute(insert(reviews).values(**_review_row(profile, review)))
            if review.kind == KIND_REVIEW:
                self._put_card(conn, profile, review)
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

    def _put_card(self, conn: Connection, profile: str, review: ReviewRecord) -> None:
        where = and_(cards.c.profile == profile, cards.c.question_id == review.question_id)
        values: dict[str, Any] = _state_columns("", review.after)
        values["last_reviewed_at"] = review.reviewed_at.isoformat()
        passed = int(review.grade >= PASSING_GRADE)
        updated = conn.execute(
            update(cards)
            .where(where)
            .values(reviews=cards.c.reviews + 1, passes=cards.c.passes + passed, **values)
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

        Records must be in time order; each card ends in the state after its last scheduling
        review. Returns the number of answers loaded.
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
                    tally[1] += record.grade >= PASSING_GRADE
                if len(rows) >= batch:
                    conn.execute(insert(reviews), rows)
                    count += len(rows)
                    rows = []
            if rows:
                conn.execute(insert(reviews), rows)
                count += len(rows)
            for qid in final:
                conn.execute(
                    delete(cards).where(
                        and_(cards.c.profile == profile, cards.c.question_id == qid)
                    )
                )
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
            if before.is_new:
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
                    passes=cards.c.passes - int(row.grade >= PASSING_GRADE),
                    **_state_columns("", before),
                )
            )

    # ------------------------------------------------------------ history

    def reviews_per_day(self, profile: str, since: date) -> dict[date, int]:
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(reviews.c.day, func.count())
                .where(and_(reviews.c.profile == profile, reviews.c.day >= since))
                .group_by(reviews.c.day)
            )
            return {day: int(n) for day, n in rows}

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

    # ------------------------------------------------------------ upkeep

    def progress_ids(self) -> dict[tuple[str, str], tuple[int, int]]:
        """Per (profile, question id) with any progress: (card rows, logged answers)."""
        with self._guard("read"), self._read() as conn:
            counts: dict[tuple[str, str], list[int]] = {}
            for profile, qid in conn.execute(select(cards.c.profile, cards.c.question_id)):
                counts.setdefault((profile, qid), [0, 0])[0] += 1
            rows = conn.execute(
                select(reviews.c.profile, reviews.c.question_id, func.count()).group_by(
                    reviews.c.profile, reviews.c.question_id
                )
            )
            for profile, qid, n in rows:
                counts.setdefault((profile, qid), [0, 0])[1] += int(n)
        return {key: (c, r) for key, (c, r) in counts.items()}

    def prune(self, keys: list[tuple[str, str]]) -> int:
        """Delete the card and the logged answers of each (profile, question id)."""
        removed = 0
        with self._guard("prune"), self._write() as conn:
            for profile, qid in keys:
                for table in (cards, reviews):
                    result = conn.execute(
                        delete(table).where(
                            and_(table.c.profile == profile, table.c.question_id == qid)
                        )
                    )
                    removed += result.rowcount
        return removed

    def integrity(self) -> str:
        """SQLite's integrity check ("ok" when the file is sound); "n/a" elsewhere."""
        if self.engine.dialect.name != "sqlite":
            return "n/a"
        with self._guard("check"):
            rows = self.conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
            self.conn.rollback()
        return "; ".join(str(r[0]) for r in rows)

    @contextmanager
    def _raw_sqlite(self) -> Iterator[sqlite3.Connection]:
        raw = self.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            yield source
        finally:
            raw.close()

    def backup(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API, safe while others write.

        The copy is written to a temporary file beside ``target``, made private (0600), and
        renamed over it: a failed backup (a full disk) leaves ``target`` as it was."""
        if self.engine.dialect.name != "sqlite":
            raise StoreError("backup works with SQLite databases; use your database's own tools")
        folder = target.parent
        if not folder.is_dir():
            raise BadInputError(f"cannot write the backup: folder {folder} does not exist")
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise StoreError(f"cannot write the backup in {folder}: {exc.strerror}") from None
        os.close(fd)
        try:
            with self._guard("back up"), self._raw_sqlite() as source:
                copy = sqlite3.connect(tmp)
                try:
                    source.backup(copy)
                    copy.execute("PRAGMA journal_mode=DELETE")
                finally:
                    copy.close()
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the backup {target}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def restore(self, source: Path, lock_timeout: float = RESTORE_LOCK_SECONDS) -> None:
        """Replace this database's content with a backup's, through SQLite's backup API.

        The copy goes through this database's own connection, so its write-ahead log and its
        locks are honoured (copying a file over a database whose ``-wal`` is left over lets
        SQLite replay that log onto the copy). Refused while another process holds the write
        lock for longer than ``lock_timeout``. The caller checks ``source`` first (``check_backup``)
        and keeps a copy of what is replaced."""
        from urllib.parse import quote

        if self.engine.dialect.name != "sqlite":
            raise StoreError("restore works with SQLite databases; use your database's own tools")
        deadline = time.monotonic() + lock_timeout

        def progress(status: int, _remaining: int, _total: int) -> None:
            if status in (SQLITE_BUSY, SQLITE_LOCKED) and time.monotonic() > deadline:
                raise _Busy

        self.close()  # our own connection must not hold a read transaction
        try:
            backup = sqlite3.connect(f"file:{quote(str(source))}?mode=ro&immutable=1", uri=True)
            try:
                with self._raw_sqlite() as live:
                    live.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
                    try:
                        backup.backup(live, progress=progress, sleep=0.05)
                        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    finally:
                        live.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            finally:
                backup.close()
        except _Busy:
            raise StoreError(
                f"the database {self.label} is in use (a session is saving); "
                "close other mlops-quiz sessions and try again"
            ) from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot restore into {self.label}: {exc}") from None
        self.migrate()  # a backup from an older version is brought up to date

    def profiles(self) -> list[str]:
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(select(reviews.c.profile).distinct().order_by(reviews.c.profile))
            return list(rows.scalars())

    # ------------------------------------------------------------ moving progress

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

        seen: dict[str, int] = {}
        ids = []
        for record in records:
            moment = record.reviewed_at.astimezone(timezone.utc).isoformat()
            content = json.dumps(
                [record.question_id, moment, record.grade, record.kind, record.answer],
                ensure_ascii=False,
            )
            digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:20]
            seen[digest] = seen.get(digest, 0) + 1
            ids.append(f"{digest}-{seen[digest]}")
        return ids

    @staticmethod
    def _record_from(row: Any) -> ReviewRecord:
        return ReviewRecord(
            question_id=row.question_id,
            reviewed_at=datetime.fromisoformat(row.reviewed_at),
            day=_as_date(row.day) or date.min,
            grade=row.grade,
            answer=row.answer,
            duration_ms=row.duration_ms,
            kind=row.kind,
            before=_state_from(row, "before_"),
            after=_state_from(row, "after_"),
        )

    def _log_rows(self, conn: Connection, profile: str, ids: set[str] | None = None) -> list[Any]:
        """A profile's logged answers (of some questions), in time order."""
        query = select(reviews).where(reviews.c.profile == profile)
        if ids is not None:
            query = query.where(reviews.c.question_id.in_(sorted(ids)))
        rows = list(conn.execute(query).all())
        rows.sort(key=lambda row: (datetime.fromisoformat(row.reviewed_at), row.id))
        return rows

    def history(self, profile: str) -> list[ReviewRecord]:
        """Every answer of a profile, in time order."""
        with self._guard("read"), self._read() as conn:
            return [self._record_from(row) for row in self._log_rows(conn, profile)]

    def merge_history(self, profile: str, records: Iterable[ReviewRecord]) -> tuple[int, int]:
        """Add the answers the profile's log does not have yet; one transaction.

        Answers are matched by ``answer_ids``. The card of every question that received
        answers is then recomputed from its whole merged log with the scheduler, in time order:
        scheduling reviews move it, repeats and cram answers are logged only. The before and
        after states of the logged answers are rewritten to match. Returns (added, skipped).
        """
        from mlops_quiz.scheduler import next_state

        incoming = sorted(records, key=lambda r: r.reviewed_at)
        with self._guard("import into"), self._write() as conn:
            existing = [self._record_from(row) for row in self._log_rows(conn, profile)]
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
            for qid, rows in by_question.items():
                state = CardState()
                first_day: date | None = None
                last_at = ""
                counts = [0, 0]
                for row in rows:
                    before = state
                    if row.kind == KIND_REVIEW:
                        state = next_state(state, row.grade, _as_date(row.day) or date.min)
                        first_day = first_day or _as_date(row.day)
                        last_at = row.reviewed_at
                        counts[0] += 1
                        counts[1] += row.grade >= PASSING_GRADE
                    logged = (_state_from(row, "before_"), _state_from(row, "after_"))
                    if logged != (before, state):
                        conn.execute(
                            update(reviews)
                            .where(reviews.c.id == row.id)
                            .values(
                                **_state_columns("before_", before),
                                **_state_columns("after_", state),
                            )
                        )
                if counts[0] == 0:
                    continue
                where = and_(cards.c.profile == profile, cards.c.question_id == qid)
                conn.execute(delete(cards).where(where))
                conn.execute(
                    insert(cards).values(
                        profile=profile,
                        question_id=qid,
                        introduced_on=first_day,
                        last_reviewed_at=last_at,
                        reviews=counts[0],
                        passes=counts[1],
                        **_state_columns("", state),
                    )
                )
        return len(new), len(incoming) - len(new)

    def owed_repeats(self, profile: str, day: date) -> list[str]:
        """Question ids owed a same-day repeat on a study day, in the order they were missed.

        Derived from the review log: a question whose latest scheduling review or repeat of
        that day needs a repeat (graded below 4; cram practice does not count).
        """
        from mlops_quiz.scheduler import needs_repeat

        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(reviews.c.question_id, reviews.c.grade)
                .where(
                    and_(
                        reviews.c.profile == profile,
                        reviews.c.day == day,
                        reviews.c.kind.in_((KIND_REVIEW, KIND_REPEAT)),
                    )
                )
                .order_by(reviews.c.id)
            ).all()
        latest: dict[str, int] = {}
        for qid, grade in rows:
            latest.pop(qid, None)  # keep the order of each question's latest answer
            latest[qid] = int(grade)
        return [qid for qid, grade in latest.items() if needs_repeat(grade)]

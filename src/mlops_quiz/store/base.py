"""Opening a progress database (any SQLAlchemy URL), its transactions, and errors turned into
one clear line."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from mlops_quiz.errors import BadInputError, NewerDatabaseError, QuizError, StoreError
from mlops_quiz.store import migrations
from mlops_quiz.store.sqlite_files import (
    _describe,
    _make_private,
    _masked,
    _sqlite_engine,
    check_sqlite_path,
    precheck_sqlite,
    safe_url,
    url_password,
)

S = TypeVar("S", bound="StoreBase")

RECONNECT_SECONDS = 30.0
"""How long a server that went away (a restart) is waited for before giving up."""
RECONNECT_PAUSE = 0.5
NOT_SHOWN = "(it is not shown: it may hold a password)"
LOCK_TIMEOUT_MS = 10_000
"""How long a statement waits for a lock another session holds (a learner's ``LOCK TABLE``)
before it fails in one line, instead of hanging the class."""
STATEMENT_TIMEOUT_MS = 300_000


class StoreBase:
    """Opening, closing and transactions: what every part of the store builds on."""

    def __init__(self, engine: Engine, label: str) -> None:
        self.engine = engine
        self.label = label
        self.exists = True
        """False for a reading command's empty stand-in of a database file not made yet."""
        self.secret: str | None = None
        """The URL's password, masked in every message."""
        self._conn: Connection | None = None
        self.on_reconnect: Callable[[str], None] | None = None
        """Told, in one line, when a lost connection to a server was made again."""

    # ------------------------------------------------------------ opening

    @classmethod
    def open(
        cls: type[S],
        url: str,
        create_folder: bool = False,
        private: bool = False,
        saves: bool = False,
        create: bool = True,
    ) -> S:
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
            raise BadInputError(f"not a database URL: it cannot be parsed {NOT_SHOWN}") from None
        except ValueError:  # SQLAlchemy reads the port with int()
            raise BadInputError(
                "not a database URL: its host and port cannot be read (a port is a number, an "
                f"IPv6 address is closed by ']') {NOT_SHOWN}"
            ) from None
        if "@" in (parsed.host or ""):
            raise BadInputError(f"not a database URL: {shown}")
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
            engine = _sqlite_engine(url) if is_sqlite else _server_engine(url)
        except (NoSuchModuleError, ArgumentError, ImportError, TypeError, ValueError) as exc:
            raise BadInputError(
                f"cannot use the database URL {shown}: {_masked(exc, parsed)}"
            ) from None
        store = cls(engine, label)
        store.exists = exists
        store.secret = url_password(parsed)
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

    def _live_conn(self) -> Connection:
        """The connection, checked first when it goes to a server: a server restarted since
        the last transaction is reconnected to (waiting up to RECONNECT_SECONDS), so a
        session carries on; only a server that goes away inside a transaction fails it."""
        if self._conn is None or self.engine.dialect.name == "sqlite":
            return self.conn
        try:
            self._ping(self._conn)
            return self._conn
        except Exception as exc:
            lost = _describe(exc)
            self._conn.invalidate()
            self._conn = None
        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            try:
                conn = self.engine.connect()
                self._ping(conn)
                break
            except (DBAPIError, SQLAlchemyError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(RECONNECT_PAUSE)
        self._conn = conn
        if self.on_reconnect is not None:
            if self.secret:
                lost = lost.replace(str(self.secret), "***")
            self.on_reconnect(
                f"the connection to the database {self.label} was lost ({lost}); "
                "reconnected, and every answer already saved is kept"
            )
        return conn

    @staticmethod
    def _ping(conn: Connection) -> None:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()

    def __enter__(self: S) -> S:
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
        conn = self._live_conn().execution_options(write=True)
        try:
            with conn.begin():
                yield conn
        finally:
            conn.execution_options(write=False)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        conn = self._live_conn()
        with conn.begin():
            yield conn


def _server_engine(url: str) -> Engine:
    """A database server's engine; PostgreSQL gives up connecting after a while instead of
    hanging on an address that does not answer."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return create_engine(url)
    args: dict[str, object] = {}
    if "connect_timeout" not in parsed.query:
        args["connect_timeout"] = 10
    if "options" not in parsed.query:
        args["options"] = (
            f"-c lock_timeout={LOCK_TIMEOUT_MS} -c statement_timeout={STATEMENT_TIMEOUT_MS}"
        )
    return create_engine(url, connect_args=args)

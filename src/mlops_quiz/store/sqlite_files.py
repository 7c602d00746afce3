"""SQLite files: checked before anything is written to them, opened in WAL mode, kept private,
and the checks a backup passes before it may be restored."""

from __future__ import annotations

import os
import sqlite3
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url

from mlops_quiz.errors import BadInputError, StoreError
from mlops_quiz.files import PRIVATE_FILE_MODE, is_read_only, make_private_dirs, unsafe_folder
from mlops_quiz.store import migrations

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
RESTORE_LOCK_SECONDS = 5
BUSY_TIMEOUT_SECONDS = 30


def file_header(path: Path, error: type[Exception], doing: str) -> bytes:
    """The first bytes of a file, where an SQLite database has its magic string."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise error(f"{doing} {path}: {exc.strerror}") from None


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
        header = file_header(path, StoreError, "cannot read the database")
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
    malformed = "(a malformed database URL; an '@' in a password is written %40)"
    try:
        parsed = make_url(url)
    except Exception:
        return "(a database URL that cannot be parsed)"
    if "@" in (parsed.host or ""):
        return malformed  # an unencoded '@' in the password: the rest would be its tail
    secret_keys = [key for key in parsed.query if key.lower() in ("password", "passfile")]
    if secret_keys:
        parsed = parsed.update_query_dict(dict.fromkeys(secret_keys, "MASKED"))
    return parsed.render_as_string(hide_password=True).replace("=MASKED", "=***")


def _sqlite_engine(url: str) -> Engine:
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # SQLAlchemy warns, then ignores, URL arguments the driver does not take (?mode=ro):
        # say it as our own one-line error instead of letting a warning reach the terminal.
        warnings.simplefilter("error", SAWarning)
        try:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        except SAWarning as warning:
            first = str(warning).split(";")[0].split(" (Background")[0]
            raise ValueError(f"{first}; SQLite URI arguments need uri=true in the URL") from None

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
    if file_header(path, BadInputError, "cannot read") != SQLITE_HEADER:
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


def url_password(url: Any) -> str | None:
    """The password a parsed URL carries, in its user part or as ``?password=``."""
    if getattr(url, "password", None):
        return str(url.password)
    value = dict(getattr(url, "query", {}) or {}).get("password")
    if isinstance(value, tuple):
        value = value[0] if value else None
    return str(value) if value else None


def _masked(exc: BaseException, url: Any) -> str:
    """An exception's first line, with the URL's password (if any) masked."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    password = url_password(url)
    return message.replace(password, "***") if password else message


def _describe(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]

"""The mark an open study session holds on its SQLite database, so ``restore`` can refuse.

A session holds a shared lock on ``progress.db.session`` for as long as it runs; ``restore``
takes the exclusive lock without waiting, and is refused when it cannot. An operating-system
lock goes with its process, so a killed session never leaves a stale mark behind (a marker
file alone would). Where there are no POSIX locks, nothing is held and nothing is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from mlops_quiz.errors import BadInputError


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".session")


def _open(database: Path) -> IO[bytes] | None:
    try:
        return open(lock_path(database), "ab")  # held for the whole session
    except OSError:
        return None  # a folder we cannot write: the database cannot be written either


@contextmanager
def session_open(database: Path) -> Iterator[None]:
    """Mark the database as used by a study session while the block runs."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    handle = _open(database)
    if handle is None:
        yield
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def no_session_open(database: Path) -> Iterator[None]:
    """Run the block only if no study session has the database open (none can start
    meanwhile); otherwise one clear error."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    handle = _open(database)
    if handle is None:
        yield
        return
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BadInputError(
                "a study session of this database is open; finish it (q) before restoring"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

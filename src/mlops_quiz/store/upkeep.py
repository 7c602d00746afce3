"""Upkeep: orphaned progress, integrity, backup and restore."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    and_,
    delete,
    func,
    select,
)

from mlops_quiz.errors import BadInputError, DatabaseBusyError, QuizError, StoreError
from mlops_quiz.store.base import StoreBase
from mlops_quiz.store.schema import cards, reviews
from mlops_quiz.store.sqlite_files import (
    BUSY_TIMEOUT_SECONDS,
    RESTORE_LOCK_SECONDS,
    SQLITE_BUSY,
    SQLITE_LOCKED,
    _Busy,
)


class Upkeep(StoreBase):
    """Looking after the database as a whole."""

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

    def card_contents(self) -> dict[tuple[str, str], str]:
        """Per (profile, question id): the digest of the question's text at its last review."""
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(
                select(cards.c.profile, cards.c.question_id, cards.c.content).where(
                    cards.c.content.is_not(None)
                )
            )
            return {(profile, qid): str(content) for profile, qid, content in rows}

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

    @classmethod
    @contextmanager
    def prepared_backup(cls, source: Path, folder: Path) -> Iterator[Path]:
        """A copy of a checked backup (``check_backup``) in a private scratch folder inside
        ``folder``, brought up to date by the migrations: what ``restore`` then copies. A backup
        whose schema cannot be migrated is refused here, before the live database is touched.
        The scratch folder is removed when the block ends."""
        from urllib.parse import quote

        try:
            scratch_dir = Path(tempfile.mkdtemp(dir=folder, prefix=".restore-"))
        except OSError as exc:
            raise StoreError(f"cannot restore into {folder}: {exc.strerror or exc}") from None
        scratch = scratch_dir / "backup.db"
        try:
            try:
                backup = sqlite3.connect(f"file:{quote(str(source))}?mode=ro&immutable=1", uri=True)
                copy = sqlite3.connect(scratch)
                try:
                    backup.backup(copy)
                finally:
                    copy.close()
                    backup.close()
            except sqlite3.Error as exc:
                raise BadInputError(f"cannot restore from {source}: {exc}") from None
            except OSError as exc:
                raise StoreError(
                    f"cannot copy {source} into {folder}: {exc.strerror or exc}"
                ) from None
            try:
                cls.open(f"sqlite:///{scratch}").close()
            except QuizError as exc:
                detail = str(exc).rpartition(f"{scratch}: ")[2]
                raise BadInputError(
                    f"cannot restore from {source}: its schema cannot be brought up to date "
                    f"({detail}); the database was left as it was"
                ) from None
            # One file again: the copy is read with immutable=1, which never reads a -wal.
            single = sqlite3.connect(scratch)
            try:
                single.execute("PRAGMA journal_mode=DELETE")
            finally:
                single.close()
            yield scratch
        finally:
            shutil.rmtree(scratch_dir, ignore_errors=True)

    def restore(self, source: Path, lock_timeout: float = RESTORE_LOCK_SECONDS) -> None:
        """Replace this database's content with a backup's, through SQLite's backup API.

        The copy goes through this database's own connection, so its write-ahead log and its
        locks are honoured (copying a file over a database whose ``-wal`` is left over lets
        SQLite replay that log onto the copy). Refused, with nothing changed, while another
        process holds the write lock for longer than ``lock_timeout`` (``DatabaseBusyError``).
        The caller checks ``source`` first (``check_backup``), passes the copy that
        ``prepared_backup`` brought up to date, and keeps a copy of what is replaced."""
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
            raise DatabaseBusyError(
                f"the database {self.label} is in use (a session is saving); "
                "close other mlops-quiz sessions and try again"
            ) from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot restore into {self.label}: {exc}") from None
        self.migrate()  # a no-op for a prepared copy; it switches the file back to WAL

    def profiles(self) -> list[str]:
        with self._guard("read"), self._read() as conn:
            rows = conn.execute(select(reviews.c.profile).distinct().order_by(reviews.c.profile))
            return list(rows.scalars())

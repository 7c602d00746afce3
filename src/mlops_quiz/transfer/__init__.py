"""Formats from outside: Anki decks, CSV sheets, a Markdown study sheet, portable progress.

Each format has its own module; the bank and the store know nothing of them. This module holds
what they share: which questions go out, and how a file is written so that a reader never sees
half of it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

from mlops_quiz.bank import Question
from mlops_quiz.errors import BadInputError

QUESTION_FORMATS = {".apkg": "apkg", ".csv": "csv", ".md": "md", ".markdown": "md"}
"""Export formats of questions, by file suffix."""


def question_format(path: Path, explicit: str | None) -> str:
    """The export format: ``--format`` if given, else from the file's suffix."""
    if explicit:
        if explicit not in set(QUESTION_FORMATS.values()):
            raise BadInputError(f"unknown format {explicit!r}; use apkg, csv or md")
        return explicit
    found = QUESTION_FORMATS.get(path.suffix.lower())
    if found is None:
        raise BadInputError(
            f"cannot tell the format of {path} from its suffix; "
            "use .apkg, .csv or .md, or give --format"
        )
    return found


SHEET_SUFFIXES = (".csv", ".txt")
"""What ``import`` reads as a sheet of questions: CSV, or an Anki notes export."""
REVIEW_LOG_SUFFIX = ".csv"
PROGRESS_SUFFIX = ".jsonl"


def expect_suffix(path: Path, suffixes: Sequence[str], what: str) -> None:
    """One clear line when a file is not of the format a command reads or writes."""
    if path.suffix.lower() not in suffixes:
        raise BadInputError(f"{path}: {what} is a {' or '.join(suffixes)} file, not {path.name!r}")


MAX_SHEET_BYTES = 16 * 1024 * 1024
"""The largest sheet of questions ``import`` reads: as large as a bank file may be."""
MAX_PROGRESS_BYTES = 256 * 1024 * 1024
"""The largest progress file ``import --progress`` reads (a million answers fit)."""


def read_import(path: Path, limit: int) -> bytes:
    """The bytes of a file to import: a regular file (a pipe would hang, a device never end)
    of at most ``limit`` bytes, read without reading more than that."""
    cap = f"a file to import may hold at most {limit // 2**20} MB"
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise BadInputError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise BadInputError(f"{path}: is not a regular file (a device or a pipe); give a file")
        if st.st_size > limit:
            raise BadInputError(f"{path}: the file is {st.st_size / 2**20:.1f} MB; {cap}")
        with path.open("rb") as handle:  # it may grow meanwhile: read at most the cap
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise BadInputError(f"{path}: the file grew past the limit while read; {cap}")
    return data


def select(questions: Sequence[Question], tags: Iterable[str] | None) -> list[Question]:
    """The questions carrying any of the tags (all of them without tags)."""
    wanted = set(tags or ())
    if not wanted:
        return list(questions)
    return [q for q in questions if wanted & set(q.tags)]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula begins (OWASP's list for CSV injection)."""


def csv_cell(value: object) -> object:
    """A cell as written to CSV: text that begins like a formula gets a leading ``'`` (OWASP's
    advice), as does text whose quotes already stand before such a beginning, so that reading
    (``csv_text``) takes off exactly the one added."""
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_text(cell: str) -> str:
    """A cell as read from CSV: the ``'`` that ``csv_cell`` put before a formula taken off."""
    if cell.startswith("'") and cell.lstrip("'")[:1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def check_target(path: Path, force: bool) -> None:
    """An export's file: one that exists, or a link (even to nothing), is replaced only with
    ``force``; a device or a pipe never (``write_file`` refuses it)."""
    if os.path.lexists(path) and not path.is_dir() and not force:
        what = "exists" if path.exists() else "is a link to a file that does not exist"
        raise BadInputError(f"{path} {what}; use --force to replace it")


def write_file(path: Path, write: Callable[[IO[bytes]], None], private: bool = False) -> None:
    """Write a file through a temporary one beside it, renamed over it when complete. A
    ``private`` file (typed answers) is 0600 like the database, whatever the umask; anything
    but a regular file in the way (a device, a pipe) is refused, never replaced."""
    folder = path.parent
    if not folder.is_dir():
        raise BadInputError(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise BadInputError(f"{path} is a folder; give the path of the file to write")
    if path.exists() and not path.is_file():
        raise BadInputError(f"{path} is not a regular file (a device or a pipe); give a file")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

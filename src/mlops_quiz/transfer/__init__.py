"""Formats from outside: Anki decks, CSV sheets, a Markdown study sheet, portable progress.

Each format has its own module; the bank and the store know nothing of them. This module holds
what they share: which questions go out, and how a file is written so that a reader never sees
half of it.
"""

from __future__ import annotations

import contextlib
import os
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


def select(questions: Sequence[Question], tags: Iterable[str] | None) -> list[Question]:
    """The questions carrying any of the tags (all of them without tags)."""
    wanted = set(tags or ())
    if not wanted:
        return list(questions)
    return [q for q in questions if wanted & set(q.tags)]


def write_file(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a file through a temporary one beside it, renamed over it when complete."""
    folder = path.parent
    if not folder.is_dir():
        raise BadInputError(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise BadInputError(f"{path} is a folder; give the path of the file to write")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
